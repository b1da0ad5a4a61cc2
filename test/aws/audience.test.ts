/**
 * CIT-M021: an AWS trust whose audiences leave out the one AWS's tools request by default is
 * allowed, but said at synth (a CDK warning) and in every review (a trust finding).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations } from 'aws-cdk-lib/assertions';
import { CiOidcRole } from '../../lib/aws/role';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { HcpTerraform } from '../../lib/ci/hcp-terraform';
import { Widening } from '../../lib/model/rules';
import { TrustReport } from '../../lib/review/report';
import { thrownConfigError } from '../support/errors';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const gh = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production');

const MESSAGE = 'the AWS trust accepts "https://github.com/acme", not "sts.amazonaws.com", the audience AWS\'s tools request by default; every job must request it explicitly';

test('a non-default audience: a CIT-M021 finding on the compiled trust, a synth warning and the review', () => {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const role = new CiOidcRole(stack, 'R', { trusts: [gh().withAudience('https://github.com/acme').toTrust()] });
  expect(role.trusts[0].findings).toContainEqual({ ruleId: 'CIT-M021', level: 'WARNING', message: MESSAGE });
  Annotations.fromStack(stack).hasWarning('*', `CIT-M021: ${MESSAGE}. Fix: accept the default audience, or make every job request the trust's audience explicitly (the CI snippet shows how) (trust: ${role.trusts[0].description}) [ack: CIT-M021]`);
  const report = TrustReport.fromCdkApp(app).toMarkdown();
  expect(report).toContain('CIT-M021');
  expect(report).toContain(MESSAGE);
});

test('the default audience, or a list that includes it, carries no finding', () => {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const a = new CiOidcRole(stack, 'A', { trusts: [gh().toTrust()] });
  const b = new CiOidcRole(stack, 'B', { trusts: [gh().withAudience('sts.amazonaws.com', 'https://github.com/acme').toTrust()] });
  expect([...a.trusts, ...b.trusts].flatMap((t) => t.findings).filter((f) => f.ruleId === 'CIT-M021')).toEqual([]);
  Annotations.fromStack(stack).hasNoWarning('*', /CIT-M021/);
});

test('the provider\'s own default counts: HCP Terraform requests aws.workload.identity', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const hcp = () => HcpTerraform.workspace({ organization: 'acme', project: 'infra', workspace: 'prod' }).forApply().accept(Widening.NAME_ONLY_IDENTITY);
  const ok = new CiOidcRole(stack, 'A', { trusts: [hcp().toTrust()] });
  expect(ok.trusts[0].findings.map((f) => f.ruleId)).not.toContain('CIT-M021');
  const off = new CiOidcRole(stack, 'B', { trusts: [hcp().withAudience('sts.amazonaws.com').toTrust()] });
  expect(off.trusts[0].findings.find((f) => f.ruleId === 'CIT-M021')!.message).toContain('not "aws.workload.identity"');
});

test('subject form: the default (either form, repository_id pinned) is refused where AWS cannot see repository_id, naming the choice', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const ghec = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', issuer: GitHubIssuer.enterpriseCloud('octocat-inc') }).inEnvironment('production').toTrust();
  const e = thrownConfigError(() => new CiOidcRole(stack, 'R', { trusts: [ghec] }));
  expect(e.problem).toMatch(/^AWS cannot check claim repository_id \(2\): for issuer https:\/\/token\.actions\.githubusercontent\.com\/octocat-inc STS exposes only/);
  expect(e.fix).toBe('choose the subject form the repository emits (docs/subject-format.md): subjectFormat GitHubSubjectFormat.IMMUTABLE when its tokens carry repo:OWNER@ID/REPO@ID (the ids are then in the subject), or put repository_id in the subject template (withSubjectTemplate("repo", "context", "repository_id") and the same include_claim_keys on the repository)');
});
