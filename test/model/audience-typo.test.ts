/** An audience one or two edits off a cloud's default is a typo found only when the job is denied: refused at synth. */
import { GitHubActions, GitLabCi } from '../../lib';
import { thrownConfigError } from '../support/errors';

const gh = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main');

test.each([
  ['sts.amazonaw.com', 'sts.amazonaws.com'],
  ['sts.amazonnaws.com', 'sts.amazonaws.com'],
  ['sts.amazoanws.com', 'sts.amazonaws.com'],
  ['STS.amazonaws.com', 'sts.amazonaws.com'],
  ['aws.workload.identit', 'aws.workload.identity'],
  ['api://AzureADTokenExchang', 'api://AzureADTokenExchange'],
  ['api://AzureAdTokenExchange', 'api://AzureADTokenExchange'],
])('%s is refused as a near miss of %s', (typo, known) => {
  const e = thrownConfigError(() => gh().withAudience(typo).toTrust());
  expect(e.ruleId).toBe('CIT-M020');
  expect(e.message).toContain(`audience ${JSON.stringify(typo)} is a near miss of ${JSON.stringify(known)}`);
  expect(e.message).toContain(`Fix: use ${JSON.stringify(known)}`);
});

test.each(['sts.amazonaws.com', 'sts.amazonaws.com.cn', 'api://AzureADTokenExchangeUSGov', 'https://gitlab.com', 'my-service', 'sts.example.com'])('%s is accepted', (aud) => {
  expect(gh().withAudience(aud).toTrust().audiences).toEqual([aud]);
  expect(GitLabCi.project({ projectPath: 'g/p', projectId: '1' }).onBranch('main').withAudience(aud).toTrust().audiences).toEqual([aud]);
});
