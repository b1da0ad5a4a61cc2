/**
 * GitHub Enterprise Server emits no immutable subject (repo:OWNER@ID/REPO@ID is github.com and
 * GHE.com only), so no refusal or review finding for a GHES trust may recommend
 * GitHubSubjectFormat.IMMUTABLE: each says what can be done there instead (the ids in the subject
 * template, or a name-only trust with NAME_ONLY_IDENTITY). github.com keeps its own advice.
 */
import { compileAwsTrust } from '../../lib/aws/compile';
import { AzureCloud } from '../../lib/azure';
import { compileTrust } from '../../lib/azure/compile';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { extractCloudFormation } from '../../lib/review/scan/extract';
import { scan } from '../../lib/review/scan/scanner';
import { thrownConfigError } from '../support/errors';
import { webIdentityRole } from '../support/templates';

const GHES = GitHubIssuer.enterpriseServer('github.acme.example');
const withIds = (issuer?: GitHubIssuer) => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', ...(issuer ? { issuer } : {}) }).onBranch('main');

const IDS_OUTSIDE_SUBJECT = 'GitHub Enterprise Server has no immutable subject (GitHubSubjectFormat.IMMUTABLE is for github.com and GHE.com): put repository_id in the subject template (withSubjectTemplate("repo", "context", "repository_id") and the same include_claim_keys on the repository, through the instance\'s REST API PUT /repos/{owner}/{repo}/actions/oidc/customization/sub), or trust by name (leave out ownerId and repositoryId and accept Widening.NAME_ONLY_IDENTITY: a deleted or renamed owner or repository can then be re-created by anyone who can create one on the instance)';

test('AWS: a GHES trust with ids (pinned as the repository_id claim STS cannot see) is told what works on GHES', () => {
  const e = thrownConfigError(() => compileAwsTrust(withIds(GHES).toTrust().withAudiences(['sts.amazonaws.com']), 'arn:aws:iam::1:oidc-provider/x'));
  expect(e.fix).toBe(IDS_OUTSIDE_SUBJECT);
});

test('Azure: the same trust gets the same advice, not the subject-form choice', () => {
  const e = thrownConfigError(() => compileTrust(withIds(GHES).toTrust(), AzureCloud.PUBLIC));
  expect(e.fix).toBe(IDS_OUTSIDE_SUBJECT);
});

test('both suggestions work on GHES: the ids in the subject template compile on AWS and Azure', () => {
  const t = withIds(GHES).withSubjectTemplate('repo', 'context', 'repository_id').toTrust();
  expect(t.terms).toEqual([{ tests: [{ claim: 'sub', operator: 'EQUALS', values: ['repo:acme/web:ref:refs/heads/main:repository_id:2'] }] }]);
  expect(() => compileAwsTrust(t.withAudiences(['sts.amazonaws.com']), 'arn:aws:iam::1:oidc-provider/x')).not.toThrow();
  expect(() => compileTrust(t, AzureCloud.PUBLIC)).not.toThrow();
});

test('the builder refusing IMMUTABLE on GHES names the ways that work there', () => {
  for (const subjectFormat of [GitHubSubjectFormat.IMMUTABLE, GitHubSubjectFormat.BOTH]) {
    const e = thrownConfigError(() => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', issuer: GHES, subjectFormat }));
    expect(e.problem).toBe('github.acme.example (GitHub Enterprise Server) does not emit the immutable subject');
    expect(e.fix).toBe('use GitHubSubjectFormat.NAME (the default for GitHub Enterprise Server): the ids are then pinned as the repository_id claim, which GCP checks; for AWS and Azure, which see only the subject there, also put repository_id in the subject template (withSubjectTemplate("repo", "context", "repository_id") and the same include_claim_keys on the repository), or leave out the ids and accept Widening.NAME_ONLY_IDENTITY');
  }
});

test('github.com and enterprise-cloud issuers still get the subject-form choice', () => {
  expect(thrownConfigError(() => compileTrust(withIds().toTrust(), AzureCloud.PUBLIC)).fix).toMatch(/^choose the subject form the repository emits \(Azure matches the subject only/);
  const ghec = withIds(GitHubIssuer.enterpriseCloud('octocat-inc')).toTrust().withAudiences(['sts.amazonaws.com']);
  expect(thrownConfigError(() => compileAwsTrust(ghec, 'arn:aws:iam::1:oidc-provider/x')).fix).toMatch(/^choose the subject form the repository emits \(docs\/subject-format\.md\): subjectFormat GitHubSubjectFormat\.IMMUTABLE/);
});

describe('the review\'s name-only finding', () => {
  const template = (host: string) => ({
    Resources: {
      Provider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: `https://${host}`, ClientIdList: ['sts.amazonaws.com'] } },
      Role: webIdentityRole({ Ref: 'Provider' }, { StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com', [`${host}:sub`]: 'repo:acme/web:ref:refs/heads/main' } }),
    },
  });
  const nameOnly = (host: string) => scan(extractCloudFormation('t.template.json', template(host))).filter((f) => f.id === 'CIT-AWS-014');

  test('for a GHES issuer does not recommend the immutable subject', () => {
    const [f] = nameOnly('github.acme.example/_services/token');
    expect(f.fix).toBe('GitHub Enterprise Server has no immutable subject (`repo:OWNER@ID/REPO@ID` is github.com and GHE.com only): put `repository_id` in the repository\'s subject template (`include_claim_keys`, through the instance\'s REST API) and pin the subject with it, or pin the `repository_id` claim where the cloud can check it (GCP); otherwise a deleted or renamed owner or repository can be re-created by anyone who can create one on the instance.');
  });

  test('for github.com still does', () => {
    const [f] = nameOnly('token.actions.githubusercontent.com');
    expect(f.fix).toBe('Use the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` or also pin `repository_id`/`repository_owner_id`.');
  });
});
