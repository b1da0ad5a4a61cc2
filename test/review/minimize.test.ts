/**
 * CDK's `@aws-cdk/aws-iam:minimizePolicies` feature flag (on in new CDK projects) merges and
 * reorders policy statements at synth. The review metadata points at a trust's statements by index
 * where nothing was merged (`statements`): it must still say who can use which role when CDK has
 * rewritten the trust policy, and a statement the user added must not be read as a trust's.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CiOidcRole } from '../../lib/aws/role';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { TrustReport } from '../../lib/review/report';
import { AwsTrustSimulator } from '../../lib/testing';

const repo = (r: string, id: string) => GitHubActions.repository({ owner: 'acme', repository: r, ownerId: '1', repositoryId: id, subjectFormat: GitHubSubjectFormat.IMMUTABLE });

test.each([true, false])('minimizePolicies %s: each declared trust shows exactly its own conditions, and the simulator agrees', (minimize) => {
  const app = new App({ context: { '@aws-cdk/aws-iam:minimizePolicies': minimize } });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const role = new CiOidcRole(stack, 'R', { trusts: [repo('web', '2').inEnvironment('production').toTrust(), repo('api', '3').onBranch('main').toTrust()] });
  // A statement the user adds by hand, before synth (CDK may merge or move it).
  role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal('123456789012')] }));
  const doc = JSON.parse(TrustReport.fromCdkApp(app).toJson());
  const declared = doc.trusts.filter((t: any) => t.kind === 'declared');
  expect(declared.map((t: any) => t.identity).sort()).toEqual([
    'GitHub Actions jobs of acme/api (owner id 1, repository id 3; immutable subject) on branch main, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork\'s author can start)',
    'GitHub Actions jobs of acme/web (owner id 1, repository id 2; immutable subject) in environment production',
  ]);
  for (const t of declared) {
    const subs = t.conditions.filter((c: any) => c.kind === 'iam' && c.key.endsWith(':sub')).flatMap((c: any) => c.values);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toContain(t.identity.includes('acme/api') ? 'repo:acme@1/api@3:ref:refs/heads/main' : 'repo:acme@1/web@2:environment:production');
    expect(t.notes).toEqual([]);
  }
  const sim = AwsTrustSimulator.fromRole(role);
  expect(sim.evaluate({ claims: { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme@1/api@3:ref:refs/heads/main', repository_id: '3' } }).allowed).toBe(true);
});
