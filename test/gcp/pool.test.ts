/**
 * The GCP constructs: synthesized Terraform JSON (snapshots for review, important properties
 * asserted explicitly), review metadata, limits and refusals with their messages, network
 * (VPC Service Controls), the 127-byte subject, and the packaging rule.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Lazy, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Buildkite } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { BOTH_SIZE_HINT } from '../../lib/ci/github/provider-spec';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool, GcpWorkloadIdentityPoolProps } from '../../lib/gcp';
import { TrustConfigError } from '../../lib/model/errors';
import { Widening } from '../../lib/model/rules';
import { GcpTrustSimulator } from '../../lib/testing';
import { thrownConfigError } from '../support/errors';

const gh = () => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', ownerId: '65', repositoryId: '74', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const POOL: GcpWorkloadIdentityPoolProps = { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' };
const PROVIDER_NAME = 'projects/123456789/locations/global/workloadIdentityPools/ci-pool/providers/github';

function setup(poolProps: Partial<GcpWorkloadIdentityPoolProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'stack');
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { ...POOL, ...poolProps });
  return { stack, pool };
}
const synth = (stack: TerraformStack) => JSON.parse(Testing.synth(stack));
/** Full output including the `//` metadata (Testing.synth strips it). */
const full = (stack: TerraformStack) => JSON.parse(JSON.stringify(stack.toTerraform()));
const only = (o: Record<string, any>) => Object.values(o)[0];

describe('one GitHub trust, one grant', () => {
  const { stack, pool } = setup();
  const trust = gh().inEnvironment('prod').toTrust();
  const provider = pool.addProvider('GitHub', { providerId: 'github', trusts: [trust] });
  provider.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
  const json = synth(stack);
  const p = only(json.resource.google_iam_workload_identity_pool_provider);

  test('snapshot', () => expect(json).toMatchSnapshot());

  test('issuer, default audience, condition, mapping', () => {
    expect(p.oidc).toEqual({ issuer_uri: 'https://token.actions.githubusercontent.com' });
    expect(provider.audience).toBe(`//iam.googleapis.com/${PROVIDER_NAME}`);
    expect(provider.trusts[0].audiences).toEqual([`//iam.googleapis.com/${PROVIDER_NAME}`, `https://iam.googleapis.com/${PROVIDER_NAME}`]);
    expect(p.attribute_condition).toBe("assertion.sub == 'repo:octo-org@65/octo-repo@74:environment:prod'");
    expect(p.attribute_mapping).toEqual({ 'google.subject': 'assertion.sub', [`attribute.trust_${provider.trusts[0].fingerprint}`]: "'github'" });
    expect(p.workload_identity_pool_id).toMatch(/^\$\{google_iam_workload_identity_pool\..+\.workload_identity_pool_id\}$/);
  });

  test('grant: workloadIdentityUser for the trust\'s principal set, project number not id', () => {
    const g = only(json.resource.google_service_account_iam_member);
    expect(g).toEqual({
      role: 'roles/iam.workloadIdentityUser',
      service_account_id: 'projects/my-project/serviceAccounts/deploy@my-project.iam.gserviceaccount.com',
      member: `principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci-pool/attribute.trust_${provider.trusts[0].fingerprint}/github`,
    });
    expect(provider.principalSetMember(trust)).toBe(g.member);
    expect(provider.grantServiceAccountImpersonation('projects/my-project/serviceAccounts/deploy@my-project.iam.gserviceaccount.com', trust)).toBe(provider.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com'));
  });

  test('review metadata on every resource', () => {
    const f = full(stack).resource;
    const text = only(f.google_iam_workload_identity_pool_provider)['//']['ci-oidc-trust'];
    expect(typeof text).toBe('string'); // compact JSON text (lib/review/metadata.ts)
    const bound = provider.trusts[0];
    expect(bound.findings).toEqual([]); // so the entry has no warnings list (empty lists are left out)
    expect(JSON.parse(text)).toEqual({ version: 1, trusts: [{ id: bound.fingerprint, provider: 'github-actions', description: bound.description, ciSnippetSource: expect.objectContaining({ target: { cloud: 'gcp', principal: PROVIDER_NAME, serviceAccount: 'deploy@my-project.iam.gserviceaccount.com' } }) }] });
    expect(only(f.google_iam_workload_identity_pool_provider)['//']['ci-oidc-trust-gcp']).toEqual({ projectNumber: '123456789', poolId: 'ci-pool', providerId: 'github' });
    expect(JSON.parse(only(f.google_iam_workload_identity_pool)['//']['ci-oidc-trust']).trusts.map((t: any) => t.id)).toEqual([bound.fingerprint]);
    expect(JSON.parse(only(f.google_service_account_iam_member)['//']['ci-oidc-trust']).trusts[0].id).toBe(bound.fingerprint);
    // The review's snippet impersonates the granted service account (the grant's entry and the provider's).
    expect(JSON.parse(only(f.google_service_account_iam_member)['//']['ci-oidc-trust']).trusts[0].ciSnippetSource.target.serviceAccount).toBe('deploy@my-project.iam.gserviceaccount.com');
  });

  test('the simulator reads the synthesized provider', () => {
    const sim = GcpTrustSimulator.fromTerraformJson(Testing.synth(stack));
    const claims = { iss: 'https://token.actions.githubusercontent.com', aud: `https://iam.googleapis.com/${PROVIDER_NAME}`, sub: 'repo:octo-org@65/octo-repo@74:environment:prod' };
    expect(sim.evaluate({ claims, gcpMember: provider.principalSetMember() })).toMatchObject({ allowed: true, reasons: [], failures: [] });
    expect(sim.evaluate({ claims: { ...claims, aud: 'https://github.com/octo-org' } }).reasons).toEqual([expect.stringMatching(/^audience: expected one of/)]);
    expect(sim.evaluate({ claims: { ...claims, sub: 'repo:octo-org@65/octo-repo@74:environment:dev' } }).reasons).toEqual(['attribute_condition: false']);
    expect(sim.evaluate({ claims: { ...claims, iss: 'https://evil.example' } }).allowed).toBe(false);
  });

  test('deterministic output', () => {
    const again = setup();
    again.pool.addProvider('GitHub', { providerId: 'github', trusts: [gh().inEnvironment('prod').toTrust()] }).grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
    expect(Testing.synth(again.stack)).toBe(Testing.synth(stack));
  });
});

describe('GitHub, GitLab and Buildkite in one pool', () => {
  const { stack, pool } = setup({ idSuffix: 'v2' });
  const gitlab = GitLabCi.project({ projectPath: 'my-group/my-project', projectId: '42' }).onProtectedBranch('main').withAudience('https://gitlab.com').toTrust();
  const bk = Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: '0191f956-042f-7ec4-aa62-8e5eeae396d0' }).onBranch('main').toTrust();
  const g = pool.addProvider('GitHub', { providerId: 'github', trusts: [gh().onBranch('main').toTrust(), gh().onPullRequest().toTrust()] });
  const l = pool.addProvider('GitLab', { providerId: 'gitlab', trusts: [gitlab] });
  const b = pool.addProvider('Buildkite', { providerId: 'buildkite', trusts: [bk], audiences: ['https://buildkite.com/acme-inc'] });
  g.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com', g.trusts[0]);
  l.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
  b.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
  const json = synth(stack);
  const providers = json.resource.google_iam_workload_identity_pool_provider;
  const byId = (id: string) => Object.values<any>(providers).find((p) => p.workload_identity_pool_provider_id === id);

  test('snapshot', () => expect(json).toMatchSnapshot());

  test('idSuffix makes a new pool id (soft delete)', () => {
    expect(pool.poolId).toBe('ci-pool-v2');
    expect(only(json.resource.google_iam_workload_identity_pool).workload_identity_pool_id).toBe('ci-pool-v2');
  });

  test('GitLab issuer URI ends with a slash; explicit audiences are allowed_audiences', () => {
    expect(byId('gitlab').oidc).toEqual({ issuer_uri: 'https://gitlab.com/', allowed_audiences: ['https://gitlab.com'] });
    const sim = GcpTrustSimulator.fromTerraformJson(Testing.synth(stack), 'gitlab');
    const claims = { iss: 'https://gitlab.com', aud: 'https://gitlab.com', project_id: '42', project_path: 'my-group/my-project', ref: 'main', ref_type: 'branch', ref_protected: 'true', sub: 'project_path:my-group/my-project:ref_type:branch:ref:main', job_id: '1' };
    expect(l.trusts[0].evaluate(claims).allowed).toBe(sim.evaluate({ claims }).allowed);
  });

  test('Buildkite: a composite sub can exceed 127 bytes, so google.subject falls back to the job id', () => {
    const expr = byId('buildkite').attribute_mapping['google.subject'];
    expect(expr).toBe("size(bytes(assertion.sub)) <= 127 ? assertion.sub : 'buildkite-job:' + assertion.job_id");
    const sim = GcpTrustSimulator.fromProvider(b);
    const step = 'a-very-long-step-key-'.repeat(3);
    const claims = { iss: 'https://agent.buildkite.com', aud: 'https://buildkite.com/acme-inc', organization_slug: 'acme-inc', pipeline_slug: 'deploy', pipeline_id: '0191f956-042f-7ec4-aa62-8e5eeae396d0', build_branch: 'main', job_id: '0191f956-aaaa-7ec4-aa62-8e5eeae396d0', sub: `organization:acme-inc:pipeline:deploy:ref:refs/heads/main:commit:${'9'.repeat(40)}:step:${step}` };
    expect(Buffer.byteLength(claims.sub)).toBeGreaterThan(127);
    expect(sim.mappedAttributes(claims)['google.subject']).toBe('buildkite-job:0191f956-aaaa-7ec4-aa62-8e5eeae396d0');
    expect(sim.evaluate({ claims, gcpMember: b.principalSetMember() })).toMatchObject({ allowed: b.trusts[0].evaluate(claims).allowed, reasons: [] });
  });

  test('GitHub provider with two trusts: one attribute per trust, total expressions', () => {
    const m = byId('github').attribute_mapping;
    expect(Object.keys(m).sort()).toEqual(['attribute.trust_' + g.trusts[0].fingerprint, 'attribute.trust_' + g.trusts[1].fingerprint, 'google.subject'].sort());
    expect(m[`attribute.trust_${g.trusts[0].fingerprint}`]).toBe("(has(assertion.sub) && type(assertion.sub) == string && assertion.sub == 'repo:octo-org@65/octo-repo@74:ref:refs/heads/main') ? 'github' : '-'");
    expect(() => g.principalSetMember()).toThrow(/has 2 trusts, and a grant must name the one it is for/);
  });

  test('pool metadata lists every trust', () => {
    const meta = JSON.parse(only(full(stack).resource.google_iam_workload_identity_pool)['//']['ci-oidc-trust']);
    expect(meta.trusts).toHaveLength(4);
  });
});

describe('network restrictions (VPC Service Controls)', () => {
  const PERIMETER = 'accessPolicies/987654321/servicePerimeters/ci';

  test('CIDRs and VPC networks become an access level (two conditions, OR) and ingress policies', () => {
    const { stack, pool } = setup();
    const trust = gh().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'], gcpVpcNetworks: ['projects/net-project/global/networks/ci'] }).toTrust();
    const p = pool.addProvider('GitHub', { providerId: 'github', trusts: [trust], perimeterName: PERIMETER });
    p.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
    const json = synth(stack);
    expect(json.resource).toMatchSnapshot();
    const level = only(json.resource.google_access_context_manager_access_level);
    expect(level.parent).toBe('accessPolicies/987654321');
    expect(level.name).toMatch(/^accessPolicies\/987654321\/accessLevels\/cit_[0-9a-f]{8}_[0-9a-f]{8}$/);
    expect(level.basic).toEqual({ combining_function: 'OR', conditions: [{ ip_subnetworks: ['203.0.113.0/24'] }, { vpc_network_sources: [{ vpc_subnetwork: { network: '//compute.googleapis.com/projects/net-project/global/networks/ci' } }] }] });
    const ingress = Object.values<any>(json.resource.google_access_context_manager_service_perimeter_ingress_policy);
    expect(ingress.map((i) => i.ingress_from.identities[0]).sort()).toEqual([p.principalSetMember(), 'serviceAccount:deploy@my-project.iam.gserviceaccount.com'].sort());
    for (const i of ingress) {
      expect(i.perimeter).toBe(PERIMETER);
      expect(i.ingress_from.sources).toEqual([{ access_level: expect.stringMatching(/^\$\{google_access_context_manager_access_level\./) }]);
      expect(i.lifecycle).toEqual({ create_before_destroy: true });
    }
  });

  test('no perimeter: synth fails saying what to supply', () => {
    const { pool } = setup();
    const trust = gh().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).toTrust();
    expect(() => pool.addProvider('GitHub', { providerId: 'github', trusts: [trust] })).toThrow(/GCP enforces them only with a VPC Service Controls perimeter; no perimeter was given.*perimeterName/);
  });

  test('AWS and Azure network kinds are refused by name', () => {
    const { pool } = setup();
    const trust = gh().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'], awsVpcEndpointIds: ['vpce-0123456789abcdef0'], azureSubnetIds: ['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s'] }).toTrust();
    expect(() => pool.addProvider('GitHub', { providerId: 'github', trusts: [trust], perimeterName: PERIMETER })).toThrow(/awsVpcEndpointIds, azureSubnetIds, which GCP cannot enforce/);
  });
});

describe('refusals name GCP, the limit and both numbers', () => {
  const err = (f: () => unknown): TrustConfigError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(TrustConfigError);
      return e as TrustConfigError;
    }
    throw new Error('did not throw');
  };

  test.each([
    ['abc', /GCP pool id "abc" is 3 characters; GCP requires 4-32 characters of \[a-z0-9-\], not starting with "gcp-"/],
    ['a'.repeat(33), /is 33 characters/],
    ['gcp-pool', /not starting with "gcp-"/],
    ['Pool_1', /\[a-z0-9-\]/],
  ])('pool id %s', (poolId, re) => {
    expect(err(() => setup({ poolId })).message).toMatch(re);
  });

  test('pool id with suffix over 32', () => {
    expect(err(() => setup({ poolId: 'a'.repeat(30), idSuffix: 'v2' })).message).toMatch(/is 33 characters.*with idSuffix|with idSuffix.*33 characters/);
  });

  test('provider id', () => {
    const { pool } = setup();
    expect(err(() => pool.addProvider('P', { providerId: 'gcp-github', trusts: [gh().onBranch('main').toTrust()] })).message).toMatch(/GCP provider id "gcp-github"/);
  });

  test.each([
    ['CI-Pool', 'GCP pool id "CI-Pool" has upper-case letters; GCP requires 4-32 characters of [a-z0-9-], not starting with "gcp-". Fix: use lower case: "ci-pool"'],
    ['gcp-ci', 'GCP pool id "gcp-ci" starts with "gcp-", which GCP reserves; GCP requires 4-32 characters of [a-z0-9-], not starting with "gcp-". Fix: choose an id without the prefix, e.g. "ci-ci"'],
    ['ci_pool', 'GCP pool id "ci_pool" has characters other than a-z, 0-9 and - ("_"); GCP requires 4-32 characters of [a-z0-9-], not starting with "gcp-". Fix: use only lower-case letters, digits and hyphens, e.g. "ci-deploy"'],
    ['abc', 'GCP pool id "abc" is 3 characters; GCP requires 4-32 characters of [a-z0-9-], not starting with "gcp-". Fix: choose a pool id of 4-32 characters such as "ci-deploy"'],
  ])('pool id %s: the message leads with the actual problem', (poolId, message) => {
    expect(err(() => setup({ poolId })).message).toBe(`GcpWorkloadIdentityPool(stack/Pool): ${message}`);
  });

  test('an explicit audience naming another provider of the pool, a misspelt id or another pool is refused', () => {
    const { pool } = setup();
    const base = `//iam.googleapis.com/${pool.poolName}/providers`;
    pool.addProvider('A', { providerId: 'github', trusts: [gh().onBranch('main').toTrust()] });
    const other = err(() => pool.addProvider('B', { providerId: 'gitlab', audiences: [`https:${base}/github`], trusts: [gh().onBranch('dev').toTrust()] }));
    expect(other.problem).toBe(`audience "https:${base}/github" names provider "github", another provider of pool ${pool.poolId}, not this provider "gitlab"`);
    expect(other.fix).toBe(`use this provider's audience, //iam.googleapis.com/${pool.poolName}/providers/gitlab (or leave audiences unset for GCP's default), and request the same in the job`);
    const typo = err(() => pool.addProvider('C', { providerId: 'gitlab', trusts: [gh().onBranch('dev').withAudience(`${base}/gitlb`).toTrust()] }));
    expect(typo.problem).toBe(`audience "${base}/gitlb" names provider id "gitlb", which is not in pool ${pool.poolId}: a misspelling of this provider's id "gitlab"?`);
    const foreign = err(() => pool.addProvider('D', { providerId: 'gitlab', audiences: ['//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other/providers/gitlab'], trusts: [gh().onBranch('dev').toTrust()] }));
    expect(foreign.problem).toContain('names a provider of another pool (projects/1/locations/global/workloadIdentityPools/other)');
    // Its own name, and audiences of another form, are accepted.
    expect(() => pool.addProvider('E', { providerId: 'gitlab', audiences: [`${base}/gitlab`], trusts: [gh().onBranch('dev').toTrust()] })).not.toThrow();
    expect(() => pool.addProvider('F', { providerId: 'custom', audiences: ['https://github.com/octo-org'], trusts: [gh().onBranch('dev').toTrust()] })).not.toThrow();
  });

  test('project number, not id', () => {
    expect(err(() => setup({ projectNumber: 'my-project' })).message).toMatch(/project NUMBER/);
  });

  test('no trust', () => {
    const { pool } = setup();
    expect(err(() => pool.addProvider('P', { providerId: 'github', trusts: [] })).message).toMatch(/admits every token of the issuer/);
  });

  test('mixed issuers', () => {
    const { pool } = setup();
    const gl = GitLabCi.project({ projectPath: 'g/p', projectId: '42' }).onBranch('main').toTrust();
    expect(err(() => pool.addProvider('P', { providerId: 'mixed', trusts: [gh().onBranch('main').toTrust(), gl] })).message).toMatch(/2 issuers.*exactly one issuer/);
  });

  test('different audiences on one provider', () => {
    const { pool } = setup();
    expect(err(() => pool.addProvider('P', { providerId: 'github', trusts: [gh().onBranch('main').withAudience('a').toTrust(), gh().inEnvironment('prod').withAudience('b').toTrust()] })).message).toMatch(/accept different audiences/);
    expect(err(() => setup().pool.addProvider('P', { providerId: 'github', audiences: ['x'], trusts: [gh().onBranch('main').withAudience('a').toTrust()] })).message).toMatch(/has audiences \["a"\], but the provider allows \["x"\]/);
  });

  test('more than 10 audiences', () => {
    const { pool } = setup();
    const auds = Array.from({ length: 11 }, (_, i) => `aud-${i}`);
    expect(err(() => pool.addProvider('P', { providerId: 'github', audiences: auds, trusts: [gh().onBranch('main').toTrust()] })).message).toMatch(/11 allowed audiences, over GCP's limit of 10/);
  });

  test('more than 50 trusts (custom attributes)', () => {
    const { pool } = setup();
    const trusts = Array.from({ length: 51 }, (_, i) => gh().onBranch(`b${i}`).toTrust());
    expect(err(() => pool.addProvider('P', { providerId: 'github', trusts })).message).toMatch(/needs 51 custom attributes \(one per trust\), over GCP's limit of 50/);
  });

  test('a mapping expression over 2,048 characters', () => {
    const { pool } = setup();
    const big = gh().onBranch(...Array.from({ length: 25 }, (_, i) => `feature/${'x'.repeat(40)}-${i}`)).toTrust();
    expect(err(() => pool.addProvider('P', { providerId: 'github', trusts: [big, gh().onBranch('main').toTrust()] })).message).toMatch(/mapping expression for attribute\.trust_[0-9a-f]{8} is \d{4} characters, over GCP's limit of 2048.*provider of its own/);
    // Alone on a provider its attribute is a constant, so it fits.
    expect(() => setup().pool.addProvider('P', { providerId: 'github', trusts: [big] })).not.toThrow();
    // In the default subject form each branch is listed twice: the fix also names the immutable subject.
    const both = GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', ownerId: '65', repositoryId: '74' }).onBranch(...Array.from({ length: 15 }, (_, i) => `feature/${'x'.repeat(40)}-${i}`)).toTrust();
    expect(err(() => setup().pool.addProvider('P', { providerId: 'github', trusts: [both, gh().onBranch('main').toTrust()] })).fix).toBe(`put this trust on a provider of its own (its attribute is then a constant), or pin fewer alternative values; or ${BOTH_SIZE_HINT}`);
  });

  test('a trust that is not on the provider', () => {
    const { pool } = setup();
    const p = pool.addProvider('P', { providerId: 'github', trusts: [gh().onBranch('main').toTrust()] });
    expect(err(() => p.principalSetMember(gh().onBranch('dev').toTrust())).message).toMatch(/is not one of provider github's trusts/);
  });

  test('a trust equal by value to one of the provider\'s (built again) is accepted by the grant methods', () => {
    const { pool } = setup();
    const given = gh().onBranch('main').toTrust();
    const p = pool.addProvider('P', { providerId: 'github', trusts: [given, gh().onBranch('dev').toTrust()] });
    const again = gh().onBranch('main').toTrust();
    expect(again).not.toBe(given);
    expect(p.principalSetMember(again)).toBe(p.principalSetMember(given));
    expect(p.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com', again)).toBe(p.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com', given));
  });

  test('duplicate provider id in a pool', () => {
    const { pool } = setup();
    pool.addProvider('A', { providerId: 'github', trusts: [gh().onBranch('main').toTrust()] });
    expect(err(() => pool.addProvider('B', { providerId: 'github', trusts: [gh().onBranch('dev').toTrust()] })).message).toMatch(/used twice/);
  });

  test('display name and description limits', () => {
    expect(err(() => setup({ displayName: 'x'.repeat(33) })).message).toMatch(/display name is 33 characters, over GCP's limit of 32/);
    expect(err(() => setup({ description: 'x'.repeat(257) })).message).toMatch(/description is 257 characters, over GCP's limit of 256/);
  });
});

describe('127-byte google.subject', () => {
  test('exact short subjects keep assertion.sub; patterns get the GitHub fallback', () => {
    const { stack, pool } = setup();
    pool.addProvider('A', { providerId: 'exact', trusts: [gh().onBranch('main').toTrust()] });
    pool.addProvider('B', { providerId: 'pattern', trusts: [gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust()] });
    const ps = Object.values<any>(synth(stack).resource.google_iam_workload_identity_pool_provider);
    const sub = (id: string) => ps.find((p) => p.workload_identity_pool_provider_id === id).attribute_mapping['google.subject'];
    expect(sub('exact')).toBe('assertion.sub');
    expect(sub('pattern')).toBe("size(bytes(assertion.sub)) <= 127 ? assertion.sub : 'github-jti:' + assertion.repository_id + ':' + assertion.jti");
  });
});

describe('packaging', () => {
  test('requiring lib/gcp loads no cdktf code until a construct is created', () => {
    const script = `
      require('ts-node').register({ transpileOnly: true, project: 'test/tsconfig.json' });
      require('./lib/gcp');
      const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](cdktf|@cdktf)[\\\\/]/.test(k));
      process.stdout.write(String(loaded.length));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
    expect(out).toBe('0');
  });
});

test('a refused provider makes no provider resource: its checks run before anything is created', () => {
  const { stack, pool } = setup();
  const other = GitLabCi.project({ projectPath: 'acme/web', projectId: '42' }).onBranch('main').toTrust();
  expect(() => pool.addProvider('Mixed', { providerId: 'mixed', trusts: [gh().onBranch('main').toTrust(), other] })).toThrow(/a GCP OIDC provider has exactly one issuer/);
  expect(Object.keys(synth(stack).resource)).toEqual(['google_iam_workload_identity_pool']);
});

test('a provider id used twice in a pool is refused, and the refused provider makes no resource', () => {
  const { stack, pool } = setup();
  pool.addProvider('GitHub', { providerId: 'github', trusts: [gh().onBranch('main').toTrust()] });
  expect(() => pool.addProvider('Again', { providerId: 'github', trusts: [gh().onTag('v1').toTrust()] }))
    .toThrow(/GcpWorkloadIdentityPool\(stack\/Pool\): provider id "github" is used twice in pool ci-pool\. Fix: give each provider its own providerId/);
  expect(Object.keys(synth(stack).resource.google_iam_workload_identity_pool_provider)).toHaveLength(1);
});

test('with several service accounts granted, the snippet names a literal email first, else the first reference granted, whatever the token numbers', () => {
  // References are CDKTF tokens, numbered app-wide (`${TfToken[TOKEN.999]}` sorts after
  // `${TfToken[TOKEN.1000]}`): an order taken from their text would change with any construct made
  // earlier in the app. The second case gives the first reference a number of nines.
  const reference = (name: string) => Lazy.stringValue({ produce: () => `projects/p/serviceAccounts/${name}@p.iam.gserviceaccount.com` });
  for (const nines of [false, true]) {
    const { stack, pool } = setup();
    const provider = pool.addProvider('GitHub', { providerId: 'github', trusts: [gh().inEnvironment('prod').toTrust()] });
    let first = reference('first');
    while (nines && !/TOKEN\.9+\]/.test(first)) first = reference('first');
    const second = reference('second');
    provider.grantServiceAccountImpersonation(first);
    provider.grantServiceAccountImpersonation(second);
    const snippet = provider.ciSnippet();
    expect(snippet).toContain(first);
    expect(snippet).not.toContain(second);
    // Resolved, the metadata names the first service account granted.
    const providers = full(stack).resource.google_iam_workload_identity_pool_provider;
    const entry = JSON.parse(providers[Object.keys(providers)[0]]['//']['ci-oidc-trust']);
    expect(entry.trusts[0].ciSnippetSource.target.serviceAccount).toBe('projects/p/serviceAccounts/first@p.iam.gserviceaccount.com');
  }

  const { pool } = setup();
  const provider = pool.addProvider('GitHub', { providerId: 'github', trusts: [gh().inEnvironment('prod').toTrust()] });
  provider.grantServiceAccountImpersonation(reference('ref'));
  provider.grantServiceAccountImpersonation('zeta@my-project.iam.gserviceaccount.com');
  provider.grantServiceAccountImpersonation('alpha@my-project.iam.gserviceaccount.com');
  expect(provider.ciSnippet()).toContain('alpha@my-project.iam.gserviceaccount.com');
});

test('a Terraform variable may name the project (projectId); the project number, in every principal identifier and audience, must be literal', () => {
  const stack = new TerraformStack(Testing.app(), 'vars');
  const projectId = new TerraformVariable(stack, 'project_id', { type: 'string' }).stringValue;
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { ...POOL, projectId });
  pool.addProvider('GitHub', { providerId: 'github', trusts: [gh().inEnvironment('prod').toTrust()] });
  const json = synth(stack);
  expect(only(json.resource.google_iam_workload_identity_pool).project).toBe('${var.project_id}');
  expect(only(json.resource.google_iam_workload_identity_pool_provider).project).toBe('${var.project_id}');

  const projectNumber = new TerraformVariable(stack, 'project_number', { type: 'string' }).stringValue;
  const e = thrownConfigError(() => new GcpWorkloadIdentityPool(stack, 'Other', { ...POOL, projectNumber }));
  expect(e.where).toBe('GcpWorkloadIdentityPool(vars/Other).projectNumber');
  expect(e.message).toContain(`projectNumber ${JSON.stringify(projectNumber)} is an unresolved token`);
  expect(e.fix).toBe('give the literal projectNumber; to vary it by environment, read it at synth (context, an environment variable or a file)');

  // Interpolation text, as written by hand, is a reference too; a literal still has to be a project id.
  const raw = setup({ projectId: '${var.project_id}' });
  raw.pool.addProvider('GitHub', { providerId: 'github', trusts: [gh().inEnvironment('prod').toTrust()] });
  expect(only(synth(raw.stack).resource.google_iam_workload_identity_pool).project).toBe('${var.project_id}');
  expect(() => setup({ projectId: 'Not_A_Project' })).toThrow(/projectId "Not_A_Project" is not a GCP project id/);
});
