/**
 * AWS CI snippets never print credentials into the job log: the role is assumed by the CLI/SDK's
 * standard web-identity provider (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), or by the CI system's
 * own integration (configure-aws-credentials, HCP Terraform variables). `aws sts
 * assume-role-with-web-identity` run in a job prints AccessKeyId, SecretAccessKey and SessionToken.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AzureDevOps, BitbucketPipelines, Buildkite, CiOidcRole, CircleCi, GenericOidc, GitHubActions, GitLabCi, HcpTerraform, Trust, Widening } from '../../lib';
import { ciSnippet } from '../../lib/emit/snippets';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const PIPE = '0190e4f0-7b3c-4c1a-9d5e-2f6a8b9c0d1e';
const ADO = { organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'acme', project: 'platform' };
const bound = (t: Trust) => t.withAudiences(t.audiences ?? ['sts.amazonaws.com']);

const trusts: Array<[string, Trust]> = [
  ['GitHub Actions', GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main').toTrust()],
  ['GitLab CI', GitLabCi.project({ projectPath: 'g/p', projectId: '20' }).onBranch('main').toTrust()],
  ['Buildkite', Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPE }).onBranch('main').toTrust()],
  ['CircleCI (v2 token)', CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee' }).onAnyRef().accept(Widening.ANY_REF).toTrust()],
  ['CircleCI (custom audience)', CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee' }).onAnyRef().accept(Widening.ANY_REF).toTrust().withAudiences(['sts.amazonaws.com'])],
  ['Bitbucket', BitbucketPipelines.repository({ workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' }).inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}').toTrust()],
  ['Azure DevOps', AzureDevOps.serviceConnection({ ...ADO, serviceConnection: 'aws-prod' }).toTrust()],
  ['HCP Terraform', HcpTerraform.workspace({ organization: 'acme', project: 'Platform', workspace: 'net' }).forApply().accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
  ['Generic', GenericOidc.issuer({ name: 'Jenkins', issuer: 'https://ci.acme.example', identityClaims: ['sub'] }).withClaim('sub', 'job/deploy').withAudience('sts.amazonaws.com').toTrust()],
];

describe.each(trusts)('%s snippet for an AWS role', (_name, trust) => {
  const text = ciSnippet(bound(trust), { cloud: 'aws', principal: ROLE, region: 'eu-west-1' });

  test('runs no command that prints credentials', () => {
    expect(text).not.toMatch(/assume-role-with-web-identity/);
    expect(text).not.toMatch(/\bsts assume-role\b/);
    expect(text).not.toMatch(/SecretAccessKey|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
  });

  test('names the role and the stack region', () => {
    expect(text).toContain(ROLE);
    // Every provider's AWS snippet names the region (HCP Terraform as the AWS_REGION workspace variable).
    expect(text).toMatch(/eu-west-1/);
    expect(text).not.toMatch(/us-east-1/);
  });
});

test('GitLab and CircleCI jobs get credentials from the token file, for every later command', () => {
  const gitlab = ciSnippet(bound(trusts[1][1]), { cloud: 'aws', principal: ROLE, region: 'eu-west-1' });
  expect(gitlab).toContain('    AWS_ROLE_ARN: arn:aws:iam::123456789012:role/deploy\n');
  expect(gitlab).toContain('    AWS_WEB_IDENTITY_TOKEN_FILE: "$CI_PROJECT_DIR/.aws-web-identity-token"\n');
  expect(gitlab).toContain('    AWS_REGION: eu-west-1\n');
  expect(gitlab).toContain('printf \'%s\' "$CI_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"');
  const circle = ciSnippet(bound(trusts[3][1]), { cloud: 'aws', principal: ROLE, region: 'eu-west-1' });
  expect(circle).toContain('      AWS_WEB_IDENTITY_TOKEN_FILE: /tmp/aws-web-identity-token\n');
  expect(circle).toContain('printf \'%s\' "$CIRCLE_OIDC_TOKEN_V2" > "$AWS_WEB_IDENTITY_TOKEN_FILE"');
  const custom = ciSnippet(trusts[4][1], { cloud: 'aws', principal: ROLE, region: 'eu-west-1' });
  expect(custom).toContain('printf \'%s\' "$(circleci run oidc get --claims \'{"aud":"sts.amazonaws.com"}\')" > "$AWS_WEB_IDENTITY_TOKEN_FILE"');
});

test('an unresolved stack region is a placeholder in the review and the stack region in the stack output', () => {
  const stack = new Stack(new App(), 'S'); // environment-agnostic: region is a token
  new CiOidcRole(stack, 'Deploy', { trusts: [trusts[1][1]], ciSnippetOutput: true });
  const t = Template.fromStack(stack).toJSON();
  const output = JSON.stringify(t.Outputs.DeployCiSnippet5C8F1E8C ?? Object.values<any>(t.Outputs)[0]);
  expect(output).toContain('{"Ref":"AWS::Region"}');
  expect(ciSnippet(bound(trusts[1][1]), { cloud: 'aws', principal: ROLE })).toContain('AWS_REGION: "<region of the role\'s stack>"');
  const pinned = new Stack(new App(), 'P', { env: { account: '123456789012', region: 'eu-west-1' } });
  new CiOidcRole(pinned, 'Deploy', { trusts: [trusts[0][1]] });
  const role = Object.values<any>(Template.fromStack(pinned).toJSON().Resources).find((r) => r.Type === 'AWS::IAM::Role');
  expect(JSON.parse(role.Metadata['ci-oidc-trust']).trusts[0].ciSnippetSource.target.region).toBe('eu-west-1');
});
