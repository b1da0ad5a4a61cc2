/**
 * The three simulators share one request shape (RequestContext names), one result shape and one
 * error type, are built from constructs or from synthesized output (never from hashed Terraform
 * names), and stay independent of the compilers they check.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { GCP_METADATA_KEY } from '../../lib/gcp/metadata';
import { TrustConfigError } from '../../lib/model/errors';
import { AwsTrustSimulator, AzureTrustSimulator, GcpTrustSimulator, SimulationRequest, SimulationResult } from '../../lib/testing';
import { thrownConfigError } from '../support/errors';

const repo = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const ISS = 'https://token.actions.githubusercontent.com';
const SUB = 'repo:acme@1/web@2:environment:production';

function awsRole() {
  const stack = new Stack(new App(), 'S');
  const role = new CiOidcRole(stack, 'Deploy', { trusts: [repo().inEnvironment('production').toTrust()] });
  return { stack, role };
}
function gcpProvider(stack = new TerraformStack(Testing.app(), 'g')) {
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' });
  const provider = pool.addProvider('P', { providerId: 'github', trusts: [repo().inEnvironment('production').toTrust()] });
  return { stack, pool, provider };
}
function azureIdentity(stack = new TerraformStack(Testing.app(), 'a'), name = 'deploy') {
  return { stack, identity: new FederatedManagedIdentity(stack, `Id-${name}`, { name, resourceGroupName: 'rg', location: 'westeurope', trusts: [repo().inEnvironment('production').toTrust()] }) };
}

/** The three clouds, each with its simulator and the audience it expects. */
function clouds(): [string, { evaluate(r: SimulationRequest): SimulationResult }, string][] {
  const g = gcpProvider();
  return [
    ['aws', AwsTrustSimulator.fromRole(awsRole().role), 'sts.amazonaws.com'],
    ['gcp', GcpTrustSimulator.fromProvider(g.provider), `https://iam.googleapis.com/${g.provider.providerName}`],
    ['azure', AzureTrustSimulator.fromIdentity(azureIdentity().identity), 'api://AzureADTokenExchange'],
  ];
}

describe.each(clouds())('%s: one result shape', (cloud, sim, aud) => {
  const ok = { iss: ISS, aud, sub: SUB };

  test('allowed: no reasons, no failures, the verdict ends the trace, what matched is named', () => {
    const r = sim.evaluate({ claims: ok });
    expect(Object.keys(r).sort()).toEqual(['allowed', 'failures', 'matched', 'reasons', 'trace']);
    expect(r).toMatchObject({ allowed: true, reasons: [], failures: [] });
    expect(r.trace[r.trace.length - 1]).toMatch(/^ALLOWED: /);
    expect(r.matched.length).toBeGreaterThan(0);
  });

  test('denied: reasons are the failures\' messages; a failure names the claim, the expectation and the token\'s value', () => {
    const r = sim.evaluate({ claims: { ...ok, sub: 'repo:acme@1/web@2:environment:staging' } });
    expect(r.allowed).toBe(false);
    expect(r.reasons).toEqual(r.failures.map((f) => f.message));
    expect(r.trace[r.trace.length - 1]).toMatch(/^DENIED: /);
    expect(r.failures.length).toBeGreaterThan(0);
    for (const f of r.failures) {
      expect(typeof f.check).toBe('string');
      expect(typeof f.message).toBe('string');
    }
    if (cloud === 'gcp') {
      // CEL says only that the whole attribute_condition is false, not which claim made it so.
      expect(r.failures).toEqual([expect.objectContaining({ check: 'attribute_condition', expected: 'true', actual: 'false', element: expect.stringMatching(/providers\/github$/) })]);
    } else {
      // AWS and Azure compare the subject itself, so the failure carries the token's value.
      expect(r.failures.some((f) => f.claim === 'sub' && f.actual!.includes('environment:staging') && f.message.includes('environment:staging'))).toBe(true);
    }
  });

  test('claims that are not an object are refused with a TrustConfigError', () => {
    for (const claims of [undefined, null, 'eyJhbGciOi...', ['iss']]) {
      const e = thrownConfigError(() => sim.evaluate({ claims } as any));
      expect(e.where).toMatch(/Simulator\.evaluate request\.claims$/);
    }
  });
});

describe('one request shape: each simulator refuses the fields it cannot judge', () => {
  const [aws, gcp, azure] = clouds().map((c) => c[1]);
  const claims = { iss: ISS, aud: 'x', sub: SUB };
  test.each([
    ['aws', aws, { gcpMember: 'principalSet://x' }, /request\.gcpMember: is not simulated: a GCP field; AWS has no IAM members/],
    ['aws', aws, { azureSubnetId: '/subscriptions/x' }, /request\.azureSubnetId: is not simulated: an Azure field/],
    ['aws', aws, { gcpVpcNetwork: 'projects/p/global/networks/n' }, /request\.gcpVpcNetwork: is not simulated/],
    ['gcp', gcp, { sourceIp: '203.0.113.7' }, /request\.sourceIp: is not simulated: GCP enforces networks with VPC Service Controls/],
    ['gcp', gcp, { awsProviderArn: 'arn:aws:iam::1:oidc-provider/x' }, /request\.awsProviderArn: is not simulated: an AWS field/],
    ['azure', azure, { awsVpcEndpointId: 'vpce-0123456789abcdef0' }, /request\.awsVpcEndpointId: is not simulated: Entra ID matches/],
    ['azure', azure, { gcpMember: 'principalSet://x' }, /request\.gcpMember: is not simulated: a GCP field/],
  ] as const)('%s refuses %j', (_cloud, sim, extra, message) => {
    expect(thrownConfigError(() => sim.evaluate({ claims, ...extra })).message).toMatch(message);
  });

  test('AWS reads the network under the RequestContext names', () => {
    const stack = new Stack(new App(), 'Net');
    const role = new CiOidcRole(stack, 'Deploy', {
      trusts: [repo().inEnvironment('production').restrictNetwork({ awsVpcEndpointIds: ['vpce-0123456789abcdef0'], sourceIpCidrs: ['203.0.113.0/24'] }).toTrust()],
    });
    const sim = AwsTrustSimulator.fromRole(role);
    const base = { claims: { iss: ISS, aud: 'sts.amazonaws.com', sub: SUB } };
    expect(sim.evaluate({ ...base, sourceIp: '203.0.113.7' }).allowed).toBe(true);
    expect(sim.evaluate({ ...base, sourceIp: '198.51.100.7' }).allowed).toBe(false);
    expect(sim.evaluate({ ...base, awsVpcEndpointId: 'vpce-0123456789abcdef0' }).allowed).toBe(true);
    expect(sim.evaluate({ ...base, awsVpcEndpointId: 'vpce-0000000000000000f' }).allowed).toBe(false);
    // The model decides the same requests the same way.
    const model = role.trusts[0];
    expect(model.evaluate(base.claims, { awsVpcEndpointId: 'vpce-0123456789abcdef0' }).allowed).toBe(true);
    expect(model.evaluate(base.claims, { awsVpcEndpointId: 'vpce-0000000000000000f' }).allowed).toBe(false);
  });
});

describe('built from constructs; Terraform JSON is selected by provider id or identity name', () => {
  test('AWS: fromRole reads the role of its own synthesized app', () => {
    const { stack, role } = awsRole();
    new CiOidcRole(stack, 'Other', { trusts: [repo().onBranch('main').toTrust()] });
    const claims = { iss: ISS, aud: 'sts.amazonaws.com', sub: SUB };
    expect(AwsTrustSimulator.fromRole(role).evaluate({ claims }).allowed).toBe(true);
    const template = Template.fromStack(stack).toJSON();
    const fromTemplate = AwsTrustSimulator.fromTemplate(template, stack.getLogicalId(role.node.defaultChild as any));
    expect(AwsTrustSimulator.fromRole(role).evaluate({ claims })).toEqual(fromTemplate.evaluate({ claims }));
  });

  test('AWS: a stack outside an App cannot be synthesized, and says so', () => {
    const role = new CiOidcRole(new Stack(new Construct(undefined as any, ''), 'S'), 'Deploy', { trusts: [repo().inEnvironment('production').toTrust()] });
    expect(thrownConfigError(() => AwsTrustSimulator.fromRole(role)).message).toMatch(/is not in an App or Stage.*Fix: create the stack in an aws-cdk-lib App/);
  });

  test('GCP: fromProvider, fromTerraformJson(providerId) and <pool>/<provider> agree; the Terraform resource name is not a selector', () => {
    const { stack, pool, provider } = gcpProvider();
    pool.addProvider('Q', { providerId: 'other', trusts: [repo().onBranch('main').toTrust()] });
    const json = JSON.parse(Testing.synth(stack));
    const claims = { iss: ISS, aud: `https://iam.googleapis.com/${provider.providerName}`, sub: SUB };
    const options = { projectNumber: '123456789' };
    const results = [
      GcpTrustSimulator.fromProvider(provider),
      GcpTrustSimulator.fromTerraformJson(json, 'github', options),
      GcpTrustSimulator.fromTerraformJson(json, 'ci-pool/github', options),
    ].map((s) => s.evaluate({ claims }));
    expect(results[0].allowed).toBe(true);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    const hashed = Object.keys(json.resource.google_iam_workload_identity_pool_provider)[0];
    expect(thrownConfigError(() => GcpTrustSimulator.fromTerraformJson(json, hashed, options)).message).toMatch(/no workload identity pool provider .* \(have ci-pool\/github, ci-pool\/other\)/);
  });

  test('GCP: the project number is read from the facts the construct writes (same key on both sides)', () => {
    expect(GCP_METADATA_KEY).toBe('ci-oidc-trust-gcp'); // the key the simulator reads (lib/testing/gcp/simulator.ts)
    const { stack, provider } = gcpProvider();
    const full = JSON.parse(JSON.stringify(stack.toTerraform())); // keeps the `//` facts; there is no grant to read it from
    const sim = GcpTrustSimulator.fromTerraformJson(full);
    expect(sim.providerName).toBe(provider.providerName);
    expect(thrownConfigError(() => GcpTrustSimulator.fromTerraformJson(Testing.synth(stack))).fix).toBe('pass options.projectNumber');
  });

  test('Azure: fromIdentity and fromTerraformJson(name) read the same credentials; an identity without credentials denies', () => {
    const stack = new TerraformStack(Testing.app(), 'a');
    const { identity } = azureIdentity(stack, 'deploy');
    azureIdentity(stack, 'other');
    const empty = new FederatedManagedIdentity(stack, 'Empty', { name: 'empty', resourceGroupName: 'rg', location: 'westeurope' });
    const json = Testing.synth(stack);
    expect(AzureTrustSimulator.fromIdentity(identity).credentials).toEqual(AzureTrustSimulator.fromTerraformJson(json, 'deploy').credentials);
    expect(AzureTrustSimulator.fromTerraformJson(json, 'other').credentials).not.toEqual(AzureTrustSimulator.fromTerraformJson(json, 'deploy').credentials);
    expect(thrownConfigError(() => AzureTrustSimulator.fromTerraformJson(json)).message).toMatch(/credentials for 2 identities \(deploy, other\).*Fix: pass identityName, or use fromIdentity/);
    const hashed = Object.keys(JSON.parse(json).resource.azurerm_user_assigned_identity)[0];
    expect(thrownConfigError(() => AzureTrustSimulator.fromTerraformJson(json, hashed)).message).toMatch(/no credentials refer to identity/);
    const none = AzureTrustSimulator.fromIdentity(empty).evaluate({ claims: { iss: ISS, aud: 'api://AzureADTokenExchange', sub: SUB } });
    expect(none).toMatchObject({ allowed: false, reasons: ['the identity has no federated identity credentials'] });
  });

  test('Azure: an existing identity is selected by its resource id or its name', () => {
    const stack = new TerraformStack(Testing.app(), 'e');
    const id = '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared-ci';
    const existing = FederatedManagedIdentity.fromExistingIdentity(stack, 'Shared', { identityId: id, trusts: [repo().inEnvironment('production').toTrust()] });
    const json = Testing.synth(stack);
    const claims = { iss: ISS, aud: 'api://AzureADTokenExchange', sub: SUB };
    for (const sim of [AzureTrustSimulator.fromIdentity(existing), AzureTrustSimulator.fromTerraformJson(json, id), AzureTrustSimulator.fromTerraformJson(json, 'shared-ci')]) {
      expect(sim.evaluate({ claims }).matched).toEqual([sim.credentials[0].name]);
    }
  });
});

describe('one error type for unusable input', () => {
  test.each([
    ['AWS malformed policy', () => AwsTrustSimulator.fromPolicyDocument({ Version: '2012-10-17' }), /trust policy: no Statement/],
    ['AWS unresolvable intrinsic', () => AwsTrustSimulator.fromPolicyDocument({ Statement: [{ Effect: 'Allow', Action: '*', Principal: { Federated: { 'Fn::ImportValue': 'x' } } }] }), /cannot resolve Fn::ImportValue/],
    ['AWS template without resources', () => AwsTrustSimulator.fromTemplate({}), /no Resources/],
    ['GCP unknown provider id', () => GcpTrustSimulator.fromTerraformJson({ resource: {} }, 'github'), /no workload identity pool provider "github"/],
    ['GCP JSON text that does not parse', () => GcpTrustSimulator.fromTerraformJson('{"resource":'), /the Terraform JSON does not parse/],
    ['GCP provider of a pool missing from the JSON', () => GcpTrustSimulator.fromTerraformJson({ resource: { google_iam_workload_identity_pool_provider: { p: { workload_identity_pool_id: '${google_iam_workload_identity_pool.gone.workload_identity_pool_id}', workload_identity_pool_provider_id: 'x' } } } }), /refers to pool gone/],
    ['Azure JSON that is not an object', () => AzureTrustSimulator.fromTerraformJson('[]'), /the Terraform JSON is not an object/],
    ['Azure expression instead of a literal', () => AzureTrustSimulator.fromTerraformJson({ resource: { azurerm_federated_identity_credential: { c: { name: 'cred', parent_id: 'x', issuer: '${var.issuer}', subject: 's', audience: ['a'] } } } }), /Terraform template expression/],
    ['Azure two audiences', () => AzureTrustSimulator.fromTerraformJson({ resource: { azurerm_federated_identity_credential: { c: { name: 'cred', parent_id: 'x', issuer: 'i', subject: 's', audience: ['a', 'b'] } } } }), /exactly one audience/],
  ])('%s', (_name, make, message) => {
    const e = thrownConfigError(make);
    expect(e).toBeInstanceOf(TrustConfigError);
    expect(e.message).toMatch(message);
    expect(e.fix.length).toBeGreaterThan(0);
  });
});

describe('independence: the simulators never load the compilers or the model\'s matching code', () => {
  const root = path.resolve(__dirname, '../../lib/testing');
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [path.join(dir, d.name)] : []));

  test.each(files(root).map((f) => [path.relative(root, f), f]))('%s imports values only from lib/testing and lib/model/errors', (_rel, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/^import (type )?[^'"]*from '([^']+)';$/gm)].map((m) => ({ typeOnly: m[1] !== undefined, target: m[2] }));
    for (const { typeOnly, target } of imports) {
      if (!target.startsWith('.')) {
        expect(['fs', 'path', 'constructs']).toContain(target);
        continue;
      }
      const resolved = path.relative(path.resolve(__dirname, '../../lib'), path.resolve(path.dirname(file), target));
      if (typeOnly) continue; // erased at compile time: no code of the target runs
      expect(resolved === 'model/errors' || resolved.startsWith('testing/')).toBe(true);
    }
  });
});
