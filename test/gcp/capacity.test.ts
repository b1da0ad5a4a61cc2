/**
 * GCP capacity: a provider with several trusts states their shared tests once and ORs the per-trust
 * attributes (each trust's condition written once, in its mapping); in-lists and factored common
 * tests; the refusal of subjects GCP can never map. Every shape is checked against the model through
 * the simulator (@bufbuild/cel), including a property test over generated trust sets.
 */
import { run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { AzureDevOps } from '../../lib/ci/azure-devops';
import { GenericOidc } from '../../lib/ci/generic';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpCel, GcpWorkloadIdentityPool, GcpWorkloadIdentityProvider } from '../../lib/gcp';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { GcpTrustSimulator } from '../../lib/testing';
import { tokenFor } from '../support/tokens';

const repo = (repositoryId = '74', p: Partial<Parameters<typeof GitHubActions.repository>[0]> = {}) => GitHubActions.repository({ owner: 'octo-org', repository: `repo-${repositoryId}`, ownerId: '65', repositoryId, ...p });
const ATTR = /attribute\.trust_[0-9a-f]{8} == 'ci-provider'/g;

let counter = 0;
function synth(trusts: Trust[]): { provider: GcpWorkloadIdentityProvider; sim: GcpTrustSimulator } {
  const stack = new TerraformStack(Testing.app(), `cap${counter++}`);
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' });
  const provider = pool.addProvider('P', { providerId: 'ci-provider', trusts });
  return { provider, sim: GcpTrustSimulator.fromTerraformJson(Testing.synth(stack), undefined, { projectNumber: '123456789' }) };
}

/** Per-run ids GCP's subject fallback reads; real tokens always carry them. */
const withRunIds = (claims: Record<string, unknown>) => ({ jti: '8b3a2f7e-0000-4000-8000-000000000001', ...claims });

/**
 * The provider admits a token exactly when one of its trusts does, and each trust's member exactly
 * when that trust does. A mapping error (the 127-byte subject) fails closed: it may only deny.
 */
function checkExact(provider: GcpWorkloadIdentityProvider, sim: GcpTrustSimulator, raw: Record<string, unknown>): void {
  const claims = withRunIds(raw);
  const closed = (r: ReturnType<GcpTrustSimulator['evaluate']>) => r.failures.some((f) => f.check.startsWith('attribute_mapping ') || f.check === 'google.subject');
  const any = sim.evaluate({ claims });
  const model = provider.trusts.some((t) => t.evaluate(claims).allowed);
  if (any.allowed || !closed(any)) expect({ claims, gcp: any.allowed }).toEqual({ claims, gcp: model });
  for (const t of provider.trusts) {
    const r = sim.evaluate({ claims, gcpMember: provider.principalSetMember(t) });
    const want = { claims, trust: t.description, gcp: t.evaluate(claims).allowed };
    if (r.allowed || !closed(r)) expect({ ...want, gcp: r.allowed }).toEqual(want);
  }
}

const tokensOf = (provider: GcpWorkloadIdentityProvider) => fc.oneof(...provider.trusts.map((t) => tokenFor(t)));

describe('provider condition over the per-trust attributes', () => {
  test('trusts of one repository: the repository id pin once, then one attribute test per trust', () => {
    const { provider, sim } = synth([repo().onBranch('main').toTrust(), repo().inEnvironment('prod').toTrust(), repo().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust()]);
    const keys = provider.trusts.map((t) => `attribute.trust_${t.fingerprint} == 'ci-provider'`).sort();
    expect(provider.attributeCondition).toBe(`string(assertion.repository_id) == '74' && (${keys.join(' || ')})`);
    // Each mapping holds only what is the trust's own; the shared pin is in the condition.
    for (const t of provider.trusts) {
      const m = provider.attributeMapping[`attribute.trust_${t.fingerprint}`];
      expect(m).not.toContain('repository_id');
      expect(m).toMatch(/^\(has\(assertion\.sub\) && type\(assertion\.sub\) == string && .*\) \? 'ci-provider' : '-'$/);
    }
    fc.assert(fc.property(tokensOf(provider), (c) => checkExact(provider, sim, c)), { numRuns: 300, seed: 11 });
  });

  test('trusts that share no test: the OR of their attributes only', () => {
    const { provider, sim } = synth([repo('74').onBranch('main').toTrust(), repo('75').onBranch('main').toTrust()]);
    expect(provider.attributeCondition).toMatch(/^attribute\.trust_[0-9a-f]{8} == 'ci-provider' \|\| attribute\.trust_[0-9a-f]{8} == 'ci-provider'$/);
    for (const t of provider.trusts) expect(provider.attributeMapping[`attribute.trust_${t.fingerprint}`]).toContain(`string(assertion.repository_id) == '${t === provider.trusts[0] ? '74' : '75'}'`);
    fc.assert(fc.property(tokensOf(provider), (c) => checkExact(provider, sim, c)), { numRuns: 300, seed: 12 });
  });

  test('a trust that is nothing but the shared tests maps to a constant, and its grant stays exact', () => {
    const ci = () => GenericOidc.issuer({ name: 'Acme CI', issuer: 'https://ci.acme.example', identityClaims: ['project_id'] }).withAudience('acme-gcp').withClaim('project_id', '42');
    const wide = ci().toTrust();
    const narrow = ci().withClaim('ref', 'main').toTrust();
    const { provider, sim } = synth([wide, narrow]);
    expect(provider.attributeMapping[`attribute.trust_${wide.fingerprint}`]).toBe("'ci-provider'");
    expect(provider.attributeCondition).toContain("string(assertion.project_id) == '42' && (");
    const token = { iss: 'https://ci.acme.example', aud: 'acme-gcp', sub: 'job-1', project_id: '42', ref: 'dev' };
    expect(sim.evaluate({ claims: token, gcpMember: provider.principalSetMember(wide) }).allowed).toBe(true);
    expect(sim.evaluate({ claims: token, gcpMember: provider.principalSetMember(narrow) }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...token, ref: 'main' }, gcpMember: provider.principalSetMember(narrow) }).allowed).toBe(true);
    expect(sim.evaluate({ claims: { ...token, project_id: '43' } }).allowed).toBe(false);
    fc.assert(fc.property(tokensOf(provider), (c) => checkExact(provider, sim, c)), { numRuns: 200, seed: 13 });
  });

  test('one trust compiles as before: its own condition, a constant attribute', () => {
    const { provider } = synth([repo().onBranch('main').toTrust()]);
    expect(provider.attributeCondition).toBe("string(assertion.repository_id) == '74' && assertion.sub in ['repo:octo-org/repo-74:ref:refs/heads/main', 'repo:octo-org@65/repo-74@74:ref:refs/heads/main']");
    expect(provider.attributeMapping[`attribute.trust_${provider.trusts[0].fingerprint}`]).toBe("'ci-provider'");
  });

  test('50 branch trusts of one repository fit one provider (23 when each condition was written twice)', () => {
    const trusts = Array.from({ length: 50 }, (_, i) => repo().onBranch(`release-${String(i).padStart(2, '0')}`).toTrust());
    const { provider, sim } = synth(trusts);
    expect(provider.attributeCondition.length).toBeLessThanOrEqual(4096);
    expect(provider.attributeCondition.match(ATTR)).toHaveLength(50);
    const claims = { iss: 'https://token.actions.githubusercontent.com', aud: provider.audience, repository_id: '74', sub: 'repo:octo-org@65/repo-74@74:ref:refs/heads/release-37' };
    expect(sim.evaluate({ claims }).allowed).toBe(true);
    expect(sim.evaluate({ claims, gcpMember: provider.principalSetMember(trusts[37]) }).allowed).toBe(true);
    expect(sim.evaluate({ claims, gcpMember: provider.principalSetMember(trusts[36]) }).allowed).toBe(false);
    expect(sim.evaluate({ claims: { ...claims, repository_id: '75' } }).allowed).toBe(false);
  });

  test('property: generated trust sets (shared pins, nothing shared, in-lists, patterns) admit exactly what the model admits', () => {
    const CATALOGUE: (() => Trust)[] = [
      () => repo().onBranch('main').toTrust(),
      () => repo().onBranch('dev', 'main').toTrust(),
      () => repo().inEnvironment('prod', 'staging').toTrust(),
      () => repo().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust(),
      () => repo().onBranch('main').onBranchPattern('hotfix/*').accept(Widening.REF_PATTERN).toTrust(),
      () => repo().onTag('v1.0.0').toTrust(),
      () => repo('75').onBranch('main').toTrust(),
      () => repo('75', { subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('prod').toTrust(),
      () => repo('76', { subjectFormat: GitHubSubjectFormat.IMMUTABLE }).onBranch('main', 'dev').toTrust(),
    ];
    const seen = { shared: 0, unshared: 0, inList: 0 };
    fc.assert(fc.property(fc.uniqueArray(fc.nat(CATALOGUE.length - 1), { minLength: 2, maxLength: 5 }), fc.integer(), (picks, seed) => {
      const { provider, sim } = synth(picks.map((i) => CATALOGUE[i]()));
      if (provider.trusts.length > 1) {
        if (/^attribute\./.test(provider.attributeCondition)) seen.unshared++;
        else seen.shared++;
      }
      if (Object.values(provider.attributeMapping).some((m) => m.includes(' in ['))) seen.inList++;
      for (const c of fc.sample(tokensOf(provider), { numRuns: 40, seed })) checkExact(provider, sim, c);
    }), { numRuns: 40, seed: 4711 });
    expect(seen.shared).toBeGreaterThan(0);
    expect(seen.unshared).toBeGreaterThan(0);
    expect(seen.inList).toBeGreaterThan(0);
  });
});

describe('in-lists and factored tests', () => {
  const evalCel = (expr: string, assertion: Record<string, unknown>) => run(expr, { assertion: assertion as any }, { funcs: strings });

  test('GcpCel.attributeCondition: alternatives of several trusts that differ in one value become one in-list', () => {
    const im = () => repo('74', { subjectFormat: GitHubSubjectFormat.IMMUTABLE });
    const trusts = [im().onBranch('main').toTrust(), im().onBranch('dev').toTrust(), im().onTag('v1').toTrust()];
    const cond = GcpCel.attributeCondition(trusts);
    expect(cond).toBe("assertion.sub in ['repo:octo-org@65/repo-74@74:ref:refs/heads/dev', 'repo:octo-org@65/repo-74@74:ref:refs/heads/main', 'repo:octo-org@65/repo-74@74:ref:refs/tags/v1']");
    const or = trusts.map((t) => GcpCel.attributeCondition([t])).join(' || ');
    expect(cond.length).toBeLessThan(or.length);
    fc.assert(fc.property(fc.oneof(...trusts.map((t) => tokenFor(t))), (c) => {
      expect(evalCel(cond, c) === true).toBe(trusts.some((t) => t.condition.evaluate(c).matched));
    }), { numRuns: 500, seed: 21 });
  });

  test('tests common to a trust\'s alternatives are written once: C && (A || B)', () => {
    const t = repo().onBranch('main').onBranchPattern('hotfix/*').accept(Widening.REF_PATTERN).toTrust();
    const cond = GcpCel.attributeCondition([t]);
    expect(cond.startsWith("string(assertion.repository_id) == '74' && (")).toBe(true);
    expect(cond.match(/repository_id/g)).toHaveLength(1);
    fc.assert(fc.property(tokenFor(t), (c) => {
      expect(evalCel(cond, c) === true).toBe(t.condition.evaluate(c).matched);
    }), { numRuns: 500, seed: 22 });
  });
});

describe('subjects GCP can never map (127 bytes, no fallback)', () => {
  const ado = (project: string) => AzureDevOps.pipeline({ organizationId: '11111111-2222-3333-4444-555555555555', organization: 'contoso-enterprise-platform-engineering', project, pipeline: 'deploy-production-infrastructure' }).toTrust();

  test('an exact sub over 127 bytes on a provider without a long-subject fallback is refused at synth', () => {
    const long = ado('x'.repeat(64));
    expect(() => synth([long])).toThrow(/GCP's limit of 127 bytes on google\.subject, and Azure DevOps has no shorter unique id to map instead.*Fix: use a subject of at most 127 bytes/);
    expect(() => synth([ado('infra')])).not.toThrow();
  });

  test('the Azure DevOps Entra subject form is always over 127 bytes on GCP', () => {
    const entra = AzureDevOps.entraServiceConnection({ tenantId: '11111111-2222-3333-4444-555555555555', subject: '/eid1/c/pub/t/ERERESIiMzNERFVVVVVVVQ/a/AAABAAAAAAAAwAAAAAAAAA/sc/66666666-7777-8888-9999-000000000000/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }).toTrust();
    expect(() => synth([entra])).toThrow(/the exact subject "\/eid1\/c\/pub\/.*" is 1\d\d bytes, over GCP's limit of 127 bytes/);
  });

  test('a provider with a fallback (GitLab) keeps long subjects: they map to the job id', () => {
    const t = GitLabCi.project({ projectPath: `acme/${'g'.repeat(120)}`, projectId: '42' }).onBranch('main').toTrust();
    const { provider } = synth([t]);
    expect(provider.attributeMapping['google.subject']).toContain('gitlab-job:');
  });
});
