/**
 * The simulators are independent oracles: they import nothing from the compilers, so they state the
 * clouds' limits they enforce themselves. These tests hold those numbers to the one home of each
 * limit (lib/gcp/limits.ts, lib/azure/limits.ts), by behaviour at the boundary.
 */
import { TerraformStack, Testing } from 'cdktf';
import { FederatedManagedIdentity } from '../../lib/azure';
import { AZURE_LIMITS } from '../../lib/azure/limits';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { GCP_LIMITS } from '../../lib/gcp/limits';
import { AzureTrustSimulator, GcpTrustSimulator } from '../../lib/testing';
import { thrownConfigError } from '../support/errors';

const repo = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE });

test('GCP google.subject: the simulator admits a subject of exactly the limit and denies one byte more', () => {
  const stack = new TerraformStack(Testing.app(), 'g');
  const provider = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' })
    .addProvider('P', { providerId: 'github', trusts: [repo().onBranch('main').toTrust()] });
  const json = JSON.parse(Testing.synth(stack));
  const res = Object.values<any>(json.resource.google_iam_workload_identity_pool_provider)[0];
  // A hand-written provider that maps sub as is and admits any sub: only the subject limit decides.
  res.attribute_mapping = { 'google.subject': 'assertion.sub' };
  res.attribute_condition = "assertion.sub.startsWith('x')";
  const sim = GcpTrustSimulator.fromTerraformJson(json, 'github', { projectNumber: '123456789' });
  const claims = (bytes: number) => ({ iss: 'https://token.actions.githubusercontent.com', aud: `https://iam.googleapis.com/${provider.providerName}`, sub: 'x'.repeat(bytes) });
  const limit = GCP_LIMITS.subjectBytes.value;
  expect(sim.evaluate({ claims: claims(limit) }).allowed).toBe(true);
  const over = sim.evaluate({ claims: claims(limit + 1) });
  expect(over.allowed).toBe(false);
  expect(over.failures.map((f) => f.check)).toContain('google.subject');
});

test('Azure: the simulator reads an identity of exactly the credential limit and refuses one more', () => {
  const limit = AZURE_LIMITS.credentialsPerIdentity.value;
  const branches = Array.from({ length: limit }, (_, i) => `b${i}`);
  const stack = new TerraformStack(Testing.app(), 'a');
  new FederatedManagedIdentity(stack, 'Id', { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [repo().onBranch(...branches).toTrust()] });
  const json = JSON.parse(Testing.synth(stack));
  expect(() => AzureTrustSimulator.fromTerraformJson(json)).not.toThrow();
  const creds = json.resource.azurerm_federated_identity_credential;
  const [key, first] = Object.entries<any>(creds)[0];
  creds[`${key}_extra`] = { ...first, name: `${first.name}-extra`, subject: `${first.subject}-extra` };
  expect(thrownConfigError(() => AzureTrustSimulator.fromTerraformJson(json)).message).toContain(`Azure allows ${limit}`);
});
