import { execFileSync } from 'child_process';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { AzureCloud, AzureFederation, FederatedManagedIdentity } from '../../lib/azure';
import { credentialName } from '../../lib/azure/compile';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { AzureTrustSimulator } from '../../lib/testing';
import { thrownConfigError } from '../support/errors';

const SUB = '00000000-0000-0000-0000-000000000000';
const RG_SCOPE = `/subscriptions/${SUB}/resourceGroups/rg`;
const SUBNET = `/subscriptions/${SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/runners`;
const PE = `/subscriptions/${SUB}/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/blob-pe`;
const gh = (owner = 'acme', repository = 'web') => GitHubActions.repository({ owner, repository, ownerId: '1001', repositoryId: '2002', subjectFormat: GitHubSubjectFormat.IMMUTABLE });

function stack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}
function identity(s: TerraformStack, trusts: Trust[], extra: Record<string, unknown> = {}): FederatedManagedIdentity {
  return new FederatedManagedIdentity(s, 'Deploy', { name: 'deploy-web', resourceGroupName: 'rg-ci', location: 'westeurope', trusts, ...extra });
}
function synth(s: TerraformStack): any {
  return JSON.parse(Testing.synth(s));
}
/** Terraform JSON with the `//` metadata (Testing.synth strips it). */
function full(s: TerraformStack): any {
  return JSON.parse(JSON.stringify(s.toTerraform()));
}
const thrown = thrownConfigError;

describe('FederatedManagedIdentity: synthesized Terraform', () => {
  test('environments and branches: snapshot and explicit assertions', () => {
    const s = stack();
    const id = identity(s, [gh().inEnvironment('production', 'staging').toTrust(), gh('acme', 'api').onBranch('main').toTrust()]);
    id.grant(RG_SCOPE, 'Contributor');
    const tf = synth(s);
    expect(tf).toMatchSnapshot();

    const uami = Object.values<any>(tf.resource.azurerm_user_assigned_identity);
    expect(uami).toEqual([{ name: 'deploy-web', resource_group_name: 'rg-ci', location: 'westeurope' }]);
    const fics = tf.resource.azurerm_federated_identity_credential;
    const list = Object.entries<any>(fics).map(([k, v]) => ({ key: k, ...v }));
    expect(list.map((f) => f.subject).sort()).toEqual([
      'repo:acme@1001/api@2002:ref:refs/heads/main',
      'repo:acme@1001/web@2002:environment:production',
      'repo:acme@1001/web@2002:environment:staging',
    ]);
    for (const f of list) {
      expect(f.issuer).toBe('https://token.actions.githubusercontent.com');
      expect(f.audience).toEqual(['api://AzureADTokenExchange']);
      expect(f.parent_id).toMatch(/^\$\{azurerm_user_assigned_identity\.[A-Za-z0-9_-]+\.id\}$/);
      expect(f.resource_group_name).toBe('rg-ci');
      expect(f.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
      expect(f.name).toBe(credentialName(f.issuer, f.subject));
    }
    // One at a time, in name order: the first has no dependency, each next depends on the previous.
    const byName = [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(byName[0].depends_on).toBeUndefined();
    for (let i = 1; i < byName.length; i++) expect(byName[i].depends_on).toEqual([`azurerm_federated_identity_credential.${byName[i - 1].key}`]);

    const ra = Object.values<any>(tf.resource.azurerm_role_assignment);
    expect(ra).toEqual([{
      scope: RG_SCOPE,
      role_definition_name: 'Contributor',
      principal_type: 'ServicePrincipal',
      principal_id: expect.stringMatching(/^\$\{azurerm_user_assigned_identity\..+\.principal_id\}$/),
    }]);
  });

  test('names are stable across runs and trust order; resources are identical', () => {
    const a = stack();
    identity(a, [gh().inEnvironment('prod').toTrust(), gh('acme', 'api').onBranch('main', 'dev').toTrust()]);
    const b = stack();
    identity(b, [gh('acme', 'api').onBranch('dev', 'main').toTrust(), gh().inEnvironment('prod').toTrust()]);
    expect(Testing.synth(a)).toEqual(Testing.synth(b));
    // Pinned: a changed name would replace live credentials (names are immutable in Azure).
    expect(credentialName('https://token.actions.githubusercontent.com', 'repo:acme@1001/web@2002:environment:prod')).toMatchInlineSnapshot('"repo-acme-1001-web-2002-environment-prod-36a5e559aee7"');
  });

  test('credential names: readable slug, unique per case, bounded length, alphanumeric first', () => {
    const iss = 'https://token.actions.githubusercontent.com';
    const upper = credentialName(iss, 'repo:Acme/web:ref:refs/heads/main');
    const lower = credentialName(iss, 'repo:acme/web:ref:refs/heads/main');
    expect(upper).not.toBe(lower);
    expect(upper.startsWith('repo-Acme-web-ref-refs-heads-main-')).toBe(true);
    const long = credentialName(iss, `repo:acme/web:environment:${'x'.repeat(500)}`);
    expect(long.length).toBeLessThanOrEqual(120);
    expect(credentialName(iss, '::::')).toMatch(/^fic-[0-9a-f]{12}$/);
    expect(credentialName(iss, '-_-x')).toMatch(/^x-[0-9a-f]{12}$/);
  });

  test('review metadata on every credential (its own trust), the identity and grants (all trusts)', () => {
    const s = stack();
    const prod = gh().inEnvironment('production').toTrust();
    const pr = gh().onPullRequest().toTrust();
    const id = identity(s, [prod, pr]);
    id.grant(RG_SCOPE, 'Reader');
    const tf = full(s);
    for (const f of Object.values<any>(tf.resource.azurerm_federated_identity_credential)) {
      const meta = JSON.parse(f['//']['ci-oidc-trust']);
      expect(meta.version).toBe(1);
      expect(meta.trusts).toHaveLength(1);
      // The trust as compiled: bound to the Azure audience, with its CI snippet.
      const t = (f.subject.endsWith(':pull_request') ? pr : prod).withAudiences(['api://AzureADTokenExchange']);
      expect(meta.trusts[0]).toEqual({
        id: t.fingerprint,
        provider: 'github-actions',
        description: t.description,
        // Empty lists are left out (lib/review/metadata.ts).
        ...(t.findings.length ? { warnings: t.findings.map((x) => ({ id: x.ruleId, message: x.message })) } : {}),
        ciSnippetSource: expect.objectContaining({ target: expect.objectContaining({ cloud: 'azure' }), audiences: ['api://AzureADTokenExchange'] }),
      });
      expect(f['//'].metadata).toBeDefined(); // cdktf's own metadata is kept
    }
    expect(Object.values<any>(tf.resource.azurerm_federated_identity_credential).some((f) => (JSON.parse(f['//']['ci-oidc-trust']).trusts[0].warnings ?? []).some((w: any) => w.id === 'CIT-M013'))).toBe(true);
    for (const r of [...Object.values<any>(tf.resource.azurerm_user_assigned_identity), ...Object.values<any>(tf.resource.azurerm_role_assignment)]) {
      const bound = [prod, pr].map((t) => t.withAudiences(['api://AzureADTokenExchange']).fingerprint).sort();
      expect(JSON.parse(r['//']['ci-oidc-trust']).trusts.map((t: any) => t.id)).toEqual(bound);
    }
  });

  test('addTrust after grants refreshes identity-level metadata and re-chains credentials', () => {
    const s = stack();
    const id = identity(s, [gh().inEnvironment('b-env').toTrust()]);
    const ra = id.grant(RG_SCOPE, 'Reader');
    id.addTrust(gh().inEnvironment('a-env').toTrust());
    const tf = full(s);
    expect(JSON.parse(Object.values<any>(tf.resource.azurerm_role_assignment)[0]['//']['ci-oidc-trust']).trusts).toHaveLength(2);
    const fics = Object.values<any>(tf.resource.azurerm_federated_identity_credential);
    expect(fics.filter((f) => !f.depends_on)).toHaveLength(1);
    expect(ra).toBeDefined();
    expect(id.credentials.map((c) => c.subject)).toEqual(['repo:acme@1001/web@2002:environment:a-env', 'repo:acme@1001/web@2002:environment:b-env']);
  });

  test.each([
    [AzureCloud.PUBLIC, 'api://AzureADTokenExchange'],
    [AzureCloud.US_GOVERNMENT, 'api://AzureADTokenExchangeUSGov'],
    [AzureCloud.CHINA, 'api://AzureADTokenExchangeChina'],
  ])('default audience for %s', (cloud, aud) => {
    const s = stack();
    identity(s, [gh().inEnvironment('prod').toTrust()], { cloud });
    expect(Object.values<any>(synth(s).resource.azurerm_federated_identity_credential)[0].audience).toEqual([aud]);
  });

  test('an explicit audience is kept', () => {
    const s = stack();
    identity(s, [gh().inEnvironment('prod').withAudience('https://gitlab.example.com').toTrust()]);
    expect(Object.values<any>(synth(s).resource.azurerm_federated_identity_credential)[0].audience).toEqual(['https://gitlab.example.com']);
  });

  test('several audiences: one credential per audience (counted), refused on one identity because issuer+subject repeat', () => {
    const t = gh().inEnvironment('prod').withAudience('api://AzureADTokenExchange', 'api://other').toTrust();
    expect(AzureFederation.credentials(t).map((c) => c.audience)).toEqual(['api://AzureADTokenExchange', 'api://other']);
    const e = thrown(() => identity(stack(), [t]));
    expect(e.message).toMatch(/appear twice \(audiences "api:\/\/AzureADTokenExchange" and "api:\/\/other"\); Azure requires issuer\+subject to be unique per identity/);
    expect(e.fix).toMatch(/second identity/);
  });

  test('existing identity: literal parent id, resource group from the id, principal from a data source when granting', () => {
    const s = stack();
    const idv = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared-ci`;
    const id = FederatedManagedIdentity.fromExistingIdentity(s, 'Shared', { identityId: idv, trusts: [gh().inEnvironment('prod').toTrust()] });
    id.grant(RG_SCOPE, 'Reader');
    const tf = synth(s);
    expect(tf).toMatchSnapshot();
    const fic = Object.values<any>(tf.resource.azurerm_federated_identity_credential)[0];
    expect(fic.parent_id).toBe(idv);
    expect(fic.resource_group_name).toBe('rg-shared');
    expect(Object.values<any>(tf.data.azurerm_user_assigned_identity)).toEqual([{ name: 'shared-ci', resource_group_name: 'rg-shared' }]);
    expect(tf.resource.azurerm_user_assigned_identity).toBeUndefined();
    const sim = AzureTrustSimulator.fromTerraformJson(tf, idv);
    expect(sim.evaluate({ claims: { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:acme@1001/web@2002:environment:prod', aud: 'api://AzureADTokenExchange' } }).allowed).toBe(true);
  });

  test('a literal ${ or %{ in a subject is escaped for Terraform ($${, %%{) and read back literally', () => {
    const s = stack();
    identity(s, [gh().onBranch('${jndi}', '%{if}', 'a$${b}').toTrust()]);
    const tf = synth(s);
    expect(Object.values<any>(tf.resource.azurerm_federated_identity_credential).map((f) => f.subject).sort()).toEqual([
      'repo:acme@1001/web@2002:ref:refs/heads/$${jndi}',
      'repo:acme@1001/web@2002:ref:refs/heads/%%{if}',
      'repo:acme@1001/web@2002:ref:refs/heads/a$$${b}',
    ]);
    const sim = AzureTrustSimulator.fromTerraformJson(tf);
    const tok = (ref: string) => ({ iss: 'https://token.actions.githubusercontent.com', aud: 'api://AzureADTokenExchange', sub: `repo:acme@1001/web@2002:ref:refs/heads/${ref}` });
    expect(sim.evaluate({ claims: tok('${jndi}') }).allowed).toBe(true);
    expect(sim.evaluate({ claims: tok('a$${b}') }).allowed).toBe(true);
    expect(sim.evaluate({ claims: tok('$${jndi}') }).allowed).toBe(false);
  });

  test('existing identity with a principal id reads nothing', () => {
    const s = stack();
    const id = FederatedManagedIdentity.fromExistingIdentity(s, 'Shared', {
      identityId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared-ci`,
      principalId: '11111111-2222-3333-4444-555555555555',
    });
    id.addTrust(gh().inEnvironment('prod').toTrust());
    id.grant(RG_SCOPE, 'Reader');
    const tf = synth(s);
    expect(tf.data).toBeUndefined();
    expect(Object.values<any>(tf.resource.azurerm_role_assignment)[0].principal_id).toBe('11111111-2222-3333-4444-555555555555');
  });
});

describe('FederatedManagedIdentity: refusals', () => {
  test('more than 20 credentials: names the limit, the count and how to split', () => {
    const envs = Array.from({ length: 21 }, (_, i) => `env${String(i).padStart(2, '0')}`);
    const e = thrown(() => identity(stack(), [gh().inEnvironment(...envs).toTrust()]));
    expect(e.message).toContain('would hold 21 federated identity credentials');
    expect(e.message).toContain('at most 20 per identity');
    expect(e.fix).toMatch(/split the trusts over several identities/);
  });

  test('the limit counts across trusts, and nothing of the refused trust is created', () => {
    const s = stack();
    const id = identity(s, [gh().inEnvironment(...Array.from({ length: 15 }, (_, i) => `e${i}`)).toTrust()]);
    const e = thrown(() => id.addTrust(gh('acme', 'api').onBranch('a', 'b', 'c', 'd', 'e', 'f').toTrust()));
    expect(e.message).toContain('21 federated identity credentials (15 already, 6 from this trust)');
    expect(Object.keys(synth(s).resource.azurerm_federated_identity_credential)).toHaveLength(15);
    id.addTrust(gh('acme', 'api').onBranch('a', 'b', 'c', 'd', 'e').toTrust());
    expect(Object.keys(synth(s).resource.azurerm_federated_identity_credential)).toHaveLength(20);
  });

  test('exactly 20 is allowed', () => {
    const s = stack();
    identity(s, [gh().inEnvironment(...Array.from({ length: 20 }, (_, i) => `e${i}`)).toTrust()]);
    expect(Object.keys(synth(s).resource.azurerm_federated_identity_credential)).toHaveLength(20);
  });

  test('a pattern on the subject: enumerate the branches', () => {
    const t = gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust();
    const e = thrown(() => identity(stack(), [t]));
    expect(e.message).toMatch(/^Azure\(.*\): Azure federated credentials match the subject exactly, without wildcards, but the condition .* has the subject pattern \["repo:acme@1001\/web@2002:ref:refs\/heads\/release\/\*"\]/);
    expect(e.fix).toMatch(/^enumerate the branches/);
  });

  test('a claim outside the subject: customize the template / immutable format', () => {
    const e1 = thrown(() => identity(stack(), [gh().inEnvironment('prod').onBranch('main').toTrust()]));
    expect(e1.message).toMatch(/also pins ref; dropping it would widen the trust/);
    expect(e1.fix).toContain('withSubjectTemplate("repo", "context", "ref")');
    const e2 = thrown(() => identity(stack(), [GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: 'NAME' as any }).onBranch('main').toTrust()]));
    expect(e2.message).toMatch(/also pins repository_id;/);
    expect(e2.fix).toMatch(/^choose the subject form the repository emits \(Azure matches the subject only; docs\/subject-format.md\): subjectFormat GitHubSubjectFormat.IMMUTABLE/);
  });

  test('a name-form repository keeps its id in the subject with a template including repository_id: exact on Azure', () => {
    const t = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1001', repositoryId: '2002', subjectFormat: GitHubSubjectFormat.NAME })
      .withSubjectTemplate('repo', 'context', 'repository_id').inEnvironment('prod').toTrust();
    const id = identity(stack(), [t]);
    expect(id.credentials.map((c) => c.subject)).toEqual(['repo:acme/web:environment:prod:repository_id:2002']);
  });

  test('overlapping trusts share an identical credential (issuer, subject, audience); case-only duplicates are refused', () => {
    const s1 = stack();
    const id = identity(s1, [gh().inEnvironment('prod').toTrust(), gh().inEnvironment('prod', 'dev').toTrust()]);
    expect(id.credentials.map((c) => c.subject)).toEqual(['repo:acme@1001/web@2002:environment:dev', 'repo:acme@1001/web@2002:environment:prod']);
    expect(id.trusts).toHaveLength(2);
    expect(Object.keys(synth(s1).resource.azurerm_federated_identity_credential)).toHaveLength(2);
    const c = thrown(() => identity(stack(), [gh().inEnvironment('prod').toTrust(), GitHubActions.repository({ owner: 'Acme', repository: 'web', ownerId: '1001', repositoryId: '2002', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('prod').toTrust()]));
    expect(c.message).toMatch(/differ only in case/);
  });

  test('bad identity names, ids and regions', () => {
    expect(thrown(() => identity(stack(), [], { name: '-bad' })).message).toMatch(/identity name "-bad"/);
    expect(thrown(() => identity(stack(), [], { name: 'ab' })).message).toMatch(/identity name "ab"/);
    expect(thrown(() => identity(stack(), [], { location: 'Malaysia South' })).message).toMatch(/Malaysia South/);
    expect(thrown(() => FederatedManagedIdentity.fromExistingIdentity(stack(), 'X', { identityId: '/subscriptions/x/rg' })).message).toMatch(/not a user-assigned identity resource id/);
    expect(thrown(() => FederatedManagedIdentity.fromExistingIdentity(stack(), 'X', { identityId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ok-name`, principalId: 'nope' })).message).toMatch(/principalId "nope" is not a GUID/);
  });

  test('bad roles and scopes', () => {
    const id = identity(stack(), [gh().inEnvironment('prod').toTrust()]);
    expect(thrown(() => id.grant('', 'Reader')).message).toMatch(/scope is empty/);
    expect(thrown(() => id.grant(RG_SCOPE, "Reader'")).message).toMatch(/has quotes/);
    expect(thrown(() => id.grant(RG_SCOPE, '/providers/Microsoft.Authorization/roleDefinitions/nope')).message).toMatch(/not a role definition id/);
    id.grant(RG_SCOPE, 'Reader');
    expect(thrown(() => id.grant(RG_SCOPE, 'Reader')).message).toMatch(/already granted/);
  });
});

describe('FederatedManagedIdentity: network restrictions', () => {
  test('source IPs on a managed identity are refused with the reason and the alternative', () => {
    const t = gh().inEnvironment('prod').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).toTrust();
    const e = thrown(() => identity(stack(), [t]));
    expect(e.message).toMatch(/Conditional Access for workload identities does not cover managed identities/);
    expect(e.fix).toMatch(/app registration.*named location/);
    expect(e.fix).toMatch(/ip_rules/);
  });

  test('AWS and GCP networks are refused, named', () => {
    const t = gh().inEnvironment('prod').restrictNetwork({ awsVpcEndpointIds: ['vpce-0123456789abcdef0'], gcpVpcNetworks: ['projects/my-project/global/networks/vpc'] }).toTrust();
    expect(thrown(() => identity(stack(), [t])).message).toContain('restricts the network with awsVpcEndpointIds, gcpVpcNetworks, which Azure cannot enforce (it enforces azureSubnetIds / azurePrivateEndpointIds)');
  });

  test('subnets and private endpoints become an ABAC condition on storage data roles', () => {
    const s = stack();
    const t = gh().inEnvironment('prod').restrictNetwork({ azureSubnetIds: [SUBNET], azurePrivateEndpointIds: [PE] }).toTrust();
    const id = identity(s, [t]);
    id.grant(`${RG_SCOPE}/providers/Microsoft.Storage/storageAccounts/artifacts`, 'Storage Blob Data Contributor');
    id.grant(`${RG_SCOPE}/providers/Microsoft.Storage/storageAccounts/artifacts`, '/providers/Microsoft.Authorization/roleDefinitions/974c5e8b-45b9-4653-ba55-5f855dd0fb88');
    const tf = synth(s);
    expect(tf.resource.azurerm_role_assignment).toMatchSnapshot();
    const grants = Object.values<any>(tf.resource.azurerm_role_assignment);
    const blob = grants.find((g) => g.role_definition_name);
    const queue = grants.find((g) => g.role_definition_id);
    expect(blob.condition_version).toBe('2.0');
    expect(blob.condition).toContain("!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'})");
    expect(blob.condition).toContain(`@Environment[Microsoft.Network/virtualNetworks/subnets] ForAnyOfAnyValues:StringEqualsIgnoreCase {'${SUBNET}'}`);
    expect(blob.condition).toContain(`@Environment[isPrivateLink] BoolEquals true AND @Environment[Microsoft.Network/privateEndpoints] ForAnyOfAnyValues:StringEqualsIgnoreCase {'${PE}'}`);
    expect(queue.condition).toContain("!(ActionMatches{'Microsoft.Storage/storageAccounts/queueServices/queues/messages/*'})");
    expect(queue.role_definition_id).toBe('/providers/Microsoft.Authorization/roleDefinitions/974c5e8b-45b9-4653-ba55-5f855dd0fb88');
  });

  test('a non-storage role for a network-restricted identity is refused (no silent drop)', () => {
    const id = identity(stack(), [gh().inEnvironment('prod').restrictNetwork({ azureSubnetIds: [SUBNET] }).toTrust()]);
    const e = thrown(() => id.grant(RG_SCOPE, 'Contributor'));
    expect(e.message).toMatch(/role "Contributor" is not a storage data role/);
    expect(e.message).toMatch(/restriction would not apply/);
    expect(thrown(() => id.grant(RG_SCOPE, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`)).message).toMatch(/not a storage data role/);
  });

  test('one identity, one restriction: mixing, or restricting after an unrestricted grant, is refused', () => {
    const restricted = gh().inEnvironment('prod').restrictNetwork({ azureSubnetIds: [SUBNET] }).toTrust();
    const open = gh().inEnvironment('dev').toTrust();
    expect(thrown(() => identity(stack(), [restricted, open])).message).toMatch(/one identity can only carry one restriction/);
    const later = FederatedManagedIdentity.fromExistingIdentity(stack(), 'X', { identityId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared-ci`, principalId: '11111111-2222-3333-4444-555555555555' });
    later.grant(RG_SCOPE, 'Contributor');
    expect(thrown(() => later.addTrust(restricted)).message).toMatch(/already has no network restriction/);
  });
});

describe('AzureTrustSimulator', () => {
  const s = stack();
  identity(s, [gh().inEnvironment('prod').toTrust()]);
  const json = Testing.synth(s);
  const sim = AzureTrustSimulator.fromTerraformJson(json, 'deploy-web');
  const ok = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:acme@1001/web@2002:environment:prod', aud: 'api://AzureADTokenExchange' };

  test('exact match, aud as string or array', () => {
    expect(sim.evaluate({ claims: ok })).toMatchObject({ allowed: true, reasons: [], failures: [], matched: [sim.credentials[0].name] });
    expect(sim.evaluate({ claims: { ...ok, aud: ['https://github.com/acme', 'api://AzureADTokenExchange'] } }).allowed).toBe(true);
  });

  test('case, issuer, audience and wildcard near misses are denied with reasons', () => {
    expect(sim.evaluate({ claims: { ...ok, sub: ok.sub.replace('acme', 'Acme') } }).reasons[0]).toMatch(/AADSTS7002138/);
    expect(sim.evaluate({ claims: { ...ok, iss: ok.iss + '/' } }).reasons[0]).toMatch(/^[^:]+: iss/);
    expect(sim.evaluate({ claims: { ...ok, aud: 'api://azureadtokenexchange' } }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...ok, aud: [] } }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...ok, sub: 'repo:acme@1001/web@2002:environment:*' } }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...ok, sub: undefined } }).reasons[0]).toMatch(/sub absent/);
  });

  test('refuses configurations Azure refuses', () => {
    const base = JSON.parse(json);
    const [key] = Object.keys(base.resource.azurerm_federated_identity_credential);
    const bad = (patch: Record<string, unknown>) => {
      const j = JSON.parse(json);
      Object.assign(j.resource.azurerm_federated_identity_credential[key], patch);
      return () => AzureTrustSimulator.fromTerraformJson(j);
    };
    expect(bad({ audience: ['a', 'b'] })).toThrow(/exactly one audience/);
    expect(bad({ subject: 'x'.repeat(601) })).toThrow(/over 600/);
    expect(bad({ subject: '${var.s}' })).toThrow(/Terraform template expression/);
    expect(bad({ subject: 'a%{if x}' })).toThrow(/Terraform template expression/);
    expect(bad({ name: '-x' })).toThrow(/naming rule/);
    const many = JSON.parse(json);
    for (let i = 0; i < 21; i++) many.resource.azurerm_federated_identity_credential[`c${i}`] = { ...base.resource.azurerm_federated_identity_credential[key], name: `cred${i}`, subject: `s${i}` };
    delete many.resource.azurerm_federated_identity_credential[key];
    expect(() => AzureTrustSimulator.fromTerraformJson(many)).toThrow(/Azure allows 20/);
    expect(() => AzureTrustSimulator.fromTerraformJson(json, 'nope')).toThrow(/no credentials refer/);
  });
});

describe('packaging', () => {
  test('importing lib/azure loads no cdktf or provider code', () => {
    const root = path.resolve(__dirname, '../..');
    const script = [
      "require('ts-node').register({ transpileOnly: true, project: 'test/tsconfig.json' });",
      "require('./lib/azure');",
      'const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](cdktf|@cdktf)[\\\\/]/.test(k));',
      'process.stdout.write(JSON.stringify(loaded));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });
});

test('a list-membership test on sub is refused, never compiled as exact subjects', () => {
  const { Condition } = require('../../lib/model/condition'); // eslint-disable-line @typescript-eslint/no-require-imports
  const trust = Trust._create({
    profile: { id: 'generic', displayName: 'Generic', identityClaims: ['job'] },
    where: 'test',
    issuer: 'https://ci.example.com',
    audiences: ['api://AzureADTokenExchange'],
    condition: Condition.allOf(Condition.exact('job', 'deploy'), Condition.containsAny('sub', ['a'])),
    description: 'jobs named deploy',
  });
  const e = thrownConfigError(() => AzureFederation.credentials(trust));
  expect(e.message).toMatch(/^Azure\(jobs named deploy\): Azure federated credentials match the subject as one string, but the condition .* tests sub as a list/);
  expect(e.fix).toBe('pin the subject to exact values');
});
