/**
 * TokenExpectation, the assertions users write in their own tests: built from the construct (or a
 * template), evaluated by the simulators on what was synthesized, never by the model.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TerraformStack, Testing } from 'cdktf';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { testing } from '../../lib/index';
import { thrownConfigError } from '../support/errors';

const { TokenExpectation } = testing;

const GH = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:acme@1/web@2:environment:production', ref: 'refs/heads/main' };
const repo = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const trust = () => repo().inEnvironment('production').onBranch('main').toTrust();
// Azure sees only the subject: a trust with a separate ref pin is refused, so pin the environment only.
const envOnly = () => repo().inEnvironment('production').toTrust();
const AZ_AUD = 'api://AzureADTokenExchange';

function gcp(id = 'g') {
  const stack = new TerraformStack(Testing.app(), id);
  const provider = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' }).addProvider('P', { providerId: 'github', trusts: [trust()] });
  return { stack, provider, aud: `https://iam.googleapis.com/${provider.providerName}` };
}
function azure(id = 'a') {
  const stack = new TerraformStack(Testing.app(), id);
  const identity = new FederatedManagedIdentity(stack, 'Id', { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [envOnly()] });
  return { stack, identity };
}

test('TokenExpectation against a CDK role: allows, and denies with the reason', () => {
  const stack = new Stack(new App(), 'S');
  const role = new CiOidcRole(stack, 'Deploy', { trusts: [trust()] });
  const expectation = TokenExpectation.forRole(role);
  expectation.allows({ ...GH, aud: 'sts.amazonaws.com' });
  expectation.denies({ ...GH, aud: 'sts.amazonaws.com', ref: 'refs/heads/dev' }, 'refs/heads/dev');
  expect(() => expectation.allows({ ...GH, aud: 'sts.amazonaws.com', ref: 'refs/heads/dev' })).toThrow(/expected the token to be allowed[\s\S]*refs\/heads\/dev/);
  expect(() => expectation.denies({ ...GH, aud: 'sts.amazonaws.com' })).toThrow(/expected the token to be denied/);
  expect(() => expectation.denies({ ...GH, aud: 'sts.amazonaws.com', ref: 'refs/heads/dev' }, 'environment')).toThrow(/expected a denial because of "environment"/);
});

test('decide gives the structured failure: the condition, the claim, what was expected and what the token had', () => {
  const stack = new Stack(new App(), 'S');
  const role = new CiOidcRole(stack, 'Deploy', { trusts: [trust()] });
  const d = TokenExpectation.forRole(role).decide({ ...GH, aud: 'sts.amazonaws.com', ref: 'refs/heads/dev' });
  expect(d.allowed).toBe(false);
  expect(d.failures).toContainEqual(expect.objectContaining({
    check: 'StringEquals token.actions.githubusercontent.com:ref',
    claim: 'ref',
    expected: 'one of ["refs/heads/main"]',
    actual: '"refs/heads/dev"',
  }));
  expect(d.reasons).toEqual(d.failures.map((f) => f.message));
  // Only the checks that failed: the environment in sub matched, so it is not a failure.
  expect(d.failures.some((f) => f.claim === 'sub')).toBe(false);
});

test('forRole reads what forCloudFormation reads from the same template', () => {
  const stack = new Stack(new App(), 'S');
  const role = new CiOidcRole(stack, 'Deploy', { trusts: [trust()] });
  new CiOidcRole(stack, 'Other', { trusts: [repo().onBranch('main').toTrust()] });
  const template = Template.fromStack(stack).toJSON();
  const logicalId = stack.getLogicalId(role.node.defaultChild as any);
  for (const claims of [{ ...GH, aud: 'sts.amazonaws.com' }, { ...GH, aud: 'sts.amazonaws.com', sub: 'repo:acme@1/web@2:ref:refs/heads/main' }]) {
    expect(TokenExpectation.forRole(role).decide(claims)).toEqual(TokenExpectation.forCloudFormation(template, logicalId).decide(claims));
  }
  // Two roles: the template helper needs the logical id; the construct helper does not.
  expect(thrownConfigError(() => TokenExpectation.forCloudFormation(template)).message).toMatch(/found 2/);
});

test('TokenExpectation against GCP and Azure constructs', () => {
  const g = gcp();
  g.provider.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
  const e = TokenExpectation.forGcpProvider(g.provider, g.provider.principalSetMember());
  e.allows({ ...GH, aud: g.aud });
  e.denies({ ...GH, aud: g.aud, ref: 'refs/heads/dev' }, 'attribute_condition');
  // The member is checked too: a member of another attribute value rejects the same token.
  const other = TokenExpectation.forGcpProvider(g.provider, g.provider.principalSetMember().replace(/[^/]+$/, 'other'));
  other.denies({ ...GH, aud: g.aud }, 'member');

  const a = azure();
  const az = TokenExpectation.forAzureIdentity(a.identity);
  az.allows({ ...GH, aud: AZ_AUD });
  az.denies({ ...GH, aud: AZ_AUD, sub: 'repo:acme@1/web@2:environment:staging' }, 'environment:staging');
});

test('forTerraform picks the cloud from the JSON and selects by provider id or identity name', () => {
  const g = gcp('g2');
  g.provider.pool.addProvider('Q', { providerId: 'other', trusts: [envOnly()] });
  const json = Testing.synth(g.stack);
  expect(thrownConfigError(() => TokenExpectation.forTerraform(json)).message).toMatch(/2 workload identity pool providers \(ci-pool\/github, ci-pool\/other\).*Fix: pass providerId/);
  const e = TokenExpectation.forTerraform(json, { gcpProviderId: 'github', gcpProjectNumber: '123456789' });
  e.allows({ ...GH, aud: g.aud });
  e.denies({ ...GH, aud: g.aud, ref: 'refs/heads/dev' });
  TokenExpectation.forTerraform(json, { gcpProviderId: 'ci-pool/other', gcpProjectNumber: '123456789' }).denies({ ...GH, aud: g.aud }, 'audience');

  const a = azure('a2');
  const az = TokenExpectation.forTerraform(Testing.synth(a.stack));
  az.allows({ ...GH, aud: AZ_AUD });
  TokenExpectation.forTerraform(Testing.synth(a.stack), { azureIdentityName: 'deploy' }).allows({ ...GH, aud: AZ_AUD });

  expect(thrownConfigError(() => TokenExpectation.forTerraform({ resource: {} })).message).toMatch(/no GCP workload identity provider and no Azure federated credential/);
  expect(thrownConfigError(() => TokenExpectation.forTerraform(json, { gcpProviderId: 'github', azureIdentityName: 'deploy' })).message).toMatch(/both a GCP provider and an Azure identity/);
  const both = { resource: { ...JSON.parse(json).resource, ...JSON.parse(Testing.synth(a.stack)).resource } };
  expect(thrownConfigError(() => TokenExpectation.forTerraform(both)).message).toMatch(/both GCP providers and Azure credentials/);
});

test('a request field the cloud\'s simulator cannot judge is refused, not ignored', () => {
  const a = azure('a3');
  const e = thrownConfigError(() => TokenExpectation.forAzureIdentity(a.identity).allows({ ...GH, aud: AZ_AUD }, { sourceIp: '203.0.113.7' }));
  expect(e.where).toBe('AzureTrustSimulator.evaluate request.sourceIp');
  expect(e.message).toMatch(/is not simulated: Entra ID matches federated credentials by issuer, subject and audience only/);
  expect(e.fix).toMatch(/trust\.evaluate\(claims, request\)/);
});
