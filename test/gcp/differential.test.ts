/**
 * Differential tests: the model (`trust.evaluate`) against GCP's evaluation of the *synthesized*
 * provider (GcpTrustSimulator: issuer, audiences, attribute_condition and attribute_mapping run in
 * @bufbuild/cel) for every corpus token and >= 1,000 generated tokens per CI provider
 * (test/support/tokens.ts: realistic, near misses, adversarial values, non-string claims).
 * Also the grants: on a provider with several trusts, each trust's principal set admits exactly
 * the tokens that trust admits.
 */
import { TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { Buildkite, BuildkiteSubject } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi, GitLabSubjectComponent } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool, GcpWorkloadIdentityProvider } from '../../lib/gcp';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { GcpTrustSimulator } from '../../lib/testing';
import { corpusTokens } from '../support/corpus';
import { tokenFor } from '../support/tokens';

const IDS = { ownerId: '65', repositoryId: '74' };
const gh = (p: Partial<Parameters<typeof GitHubActions.repository>[0]> = {}) => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', ...IDS, ...p });
const PIPELINE_ID = '0191f956-042f-7ec4-aa62-8e5eeae396d0';

const TRUSTS: Record<string, [string, () => Trust][]> = {
  'github-actions': [
    ['immutable, environments', () => gh().inEnvironment('prod', 'Production:V1').toTrust()],
    ['immutable, branches, tags and PRs', () => gh().onBranch('main', 'release/1.2').onTag('v1.0.0').toTrust()],
    ['ref pattern', () => gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust()],
    ['any ref', () => gh().onAnyRef().accept(Widening.ANY_REF).toTrust()],
    ['every branch (onBranchPattern *)', () => gh().onBranchPattern('*').accept(Widening.REF_PATTERN).toTrust()],
    ['every tag (onTagPattern *)', () => gh().onTagPattern('*').accept(Widening.REF_PATTERN).toTrust()],
    ['every environment (inEnvironmentPattern *)', () => gh().inEnvironmentPattern('*').accept(Widening.REF_PATTERN).toTrust()],
    ['environment pattern and exact environment', () => gh().inEnvironmentPattern('prod-*').inEnvironment('staging').accept(Widening.REF_PATTERN).toTrust()],
    ['every environment, name-form template without context', () => gh().inEnvironmentPattern('*').withSubjectTemplate('repo', 'environment').accept(Widening.REF_PATTERN).toTrust()],
    ['branch pinned to push runs (onEvent)', () => gh().onBranch('main').onEvent('push', 'workflow_dispatch').toTrust()],
    ['both subject forms + env and branch pin', () => gh({ subjectFormat: GitHubSubjectFormat.BOTH }).inEnvironment('prod').onBranch('main').toTrust()],
    ['name form with ids, reusable workflow, hosted runners', () => gh({ subjectFormat: GitHubSubjectFormat.NAME }).onBranch('main').fromReusableWorkflow('octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main').onGitHubHostedRunners().toTrust()],
    ['name only (accepted)', () => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo' }).inEnvironment('prod').accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
    ['GHEC enterprise issuer, custom audience', () => gh({ issuer: GitHubIssuer.enterpriseCloud('octocat-inc') }).onBranch('main').withAudience('https://github.com/octocat-inc').toTrust()],
    ['custom template with job_workflow_ref', () => gh().onBranch('main').fromReusableWorkflow('octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main').withSubjectTemplate('repo', 'context', 'job_workflow_ref').toTrust()],
  ],
  'gitlab-ci': [
    ['default subject, name only', () => GitLabCi.project({ projectPath: 'mygroup/myproject', instanceUrl: 'https://gitlab.example.com' }).onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
    ['project id pin, protected branch', () => GitLabCi.project({ projectPath: 'my-group/my-project', projectId: '42' }).onProtectedBranch('main').toTrust()],
    ['project id subject, branches', () => GitLabCi.project({ projectPath: 'my-group/my-project', projectId: '42', subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF] }).onBranch('main', 'feature-branch-1').toTrust()],
    ['branch pattern', () => GitLabCi.project({ projectPath: 'g/sub/p', projectId: '42', instanceUrl: 'https://gitlab.example.com' }).onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust()],
  ],
  'buildkite': [
    ['composite subject, slugs (accepted)', () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app' }).onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
    ['composite subject with pipeline id, step', () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app', pipelineId: PIPELINE_ID }).onBranch('main').onStep('build').toTrust()],
    ['pipeline id subject', () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app', pipelineId: PIPELINE_ID, subject: BuildkiteSubject.PIPELINE_ID }).onBranch('main').toTrust()],
    ['branch pattern', () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPELINE_ID }).onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust()],
  ],
};

let counter = 0;
function synth(trusts: Trust[]): { provider: GcpWorkloadIdentityProvider; sim: GcpTrustSimulator } {
  const stack = new TerraformStack(Testing.app(), `s${counter++}`);
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' });
  const provider = pool.addProvider('P', { providerId: 'ci-provider', trusts });
  provider.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com', trusts[0]);
  return { provider, sim: GcpTrustSimulator.fromTerraformJson(Testing.synth(stack)) };
}

/** Per-run ids GCP's subject fallback reads; real tokens always carry them. */
function withRunIds(claims: Record<string, unknown>): Record<string, unknown> {
  return { jti: '8b3a2f7e-0000-4000-8000-000000000001', job_id: '0191f956-1111-7ec4-aa62-8e5eeae396d0', ...claims };
}

const stats = { tokens: 0, allowed: 0, disagreements: 0, mappingFailures: 0 };

/** Model and GCP agree; a GCP mapping failure (fail closed) may only ever deny a model-allowed token. */
function agree(bound: Trust, sim: GcpTrustSimulator, raw: Record<string, unknown>, member?: string): void {
  const claims = withRunIds(raw);
  const model = bound.evaluate(claims);
  const gcp = sim.evaluate({ claims, gcpMember: member });
  stats.tokens++;
  if (model.allowed) stats.allowed++;
  const mappingFailed = gcp.failures.some((f) => f.check.startsWith('attribute_mapping ') || f.check === 'google.subject');
  if (mappingFailed) stats.mappingFailures++;
  if (gcp.allowed && !model.allowed) stats.disagreements++;
  if (!mappingFailed && gcp.allowed !== model.allowed) stats.disagreements++;
  if ((gcp.allowed && !model.allowed) || (!mappingFailed && gcp.allowed !== model.allowed)) {
    throw new Error(`disagreement on ${JSON.stringify(claims)}: model ${JSON.stringify(model)}, gcp ${JSON.stringify(gcp)}\ncondition: ${sim.attributeCondition}`);
  }
}

describe('GCP differential: model vs synthesized provider (CEL)', () => {
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`GCP differential: ${stats.tokens} tokens, ${stats.allowed} allowed by the model, ${stats.mappingFailures} fail-closed mapping errors, ${stats.disagreements} disagreements`);
    expect(stats.disagreements).toBe(0);
  });

  for (const [providerName, trusts] of Object.entries(TRUSTS)) {
    describe(providerName, () => {
      const generated = { n: 0 };
      afterAll(() => expect(generated.n).toBeGreaterThanOrEqual(1000));

      describe.each(trusts)('%s', (_name, make) => {
        const trust = make();
        const { provider, sim } = synth([trust]);
        const bound = provider.trusts[0];

        test('every corpus token', () => {
          for (const t of corpusTokens()) {
            agree(bound, sim, t.claims);
            // The same token retargeted at this provider (issuer and audience), so the condition decides.
            agree(bound, sim, { ...t.claims, iss: bound.issuer, aud: provider.audience });
          }
        });

        test('generated tokens (realistic, near misses, adversarial)', () => {
          const runs = Math.ceil(1000 / trusts.length) + 50;
          fc.assert(fc.property(tokenFor(bound), (claims) => {
            generated.n++;
            agree(bound, sim, claims);
            agree(bound, sim, claims, provider.principalSetMember(trust));
          }), { numRuns: runs, seed: 4242 + counter });
        });

        test('the model allows some generated tokens (the test is not vacuous)', () => {
          const samples = fc.sample(tokenFor(bound), { numRuns: 200, seed: 7 });
          expect(samples.filter((c) => bound.evaluate(c).allowed).length).toBeGreaterThan(0);
        });
      });
    });
  }
});

describe('GCP grants on a provider with several trusts', () => {
  const trusts = [
    gh().inEnvironment('prod').toTrust(),
    gh().onBranch('main').toTrust(),
    gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust(),
    gh().onAnyRef().accept(Widening.ANY_REF).toTrust(),
  ];
  const { provider, sim } = synth(trusts);

  test.each(trusts.map((t, i) => [i, t] as [number, Trust]))('trust %i: its principal set admits exactly its tokens', (_i, trust) => {
    const member = provider.principalSetMember(trust);
    const bound = provider.trusts[trusts.indexOf(trust)];
    const others = provider.trusts.filter((t) => t !== bound);
    let crossAdmitted = 0;
    fc.assert(fc.property(fc.oneof(tokenFor(bound), ...others.map((o) => tokenFor(o))), (raw) => {
      const claims = withRunIds(raw);
      const own = bound.evaluate(claims).allowed;
      const gcp = sim.evaluate({ claims, gcpMember: member });
      expect(gcp.allowed).toBe(own);
      if (!own && others.some((o) => o.evaluate(claims).allowed)) crossAdmitted++;
    }), { numRuns: 400, seed: 99 });
    // Tokens of the other trusts reach the provider but not this member (the any-ref trust subsumes the others).
    if (trust !== trusts[3]) expect(crossAdmitted).toBeGreaterThan(0);
  });

  test('the whole-pool member would be wider (why grants never use it)', () => {
    const claims = withRunIds({ iss: 'https://token.actions.githubusercontent.com', aud: provider.audience, repository_id: '74', sub: 'repo:octo-org@65/octo-repo@74:ref:refs/heads/feature' });
    expect(sim.evaluate({ claims, gcpMember: 'principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci-pool/*' }).allowed).toBe(true);
    expect(sim.evaluate({ claims, gcpMember: provider.principalSetMember(trusts[1]) }).allowed).toBe(false);
    expect(sim.evaluate({ claims, gcpMember: provider.principalSetMember(trusts[3]) }).allowed).toBe(true);
  });
});

describe('GCP grants on a provider with many trusts (two repositories, in-lists, patterns)', () => {
  const other = () => GitHubActions.repository({ owner: 'octo-org', repository: 'other-repo', ownerId: '65', repositoryId: '75' });
  const trusts = [
    gh().onBranch('main', 'develop').toTrust(),
    gh().inEnvironment('prod', 'staging').toTrust(),
    gh().onTag('v1.0.0', 'v2.0.0').toTrust(),
    gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust(),
    gh({ subjectFormat: GitHubSubjectFormat.BOTH }).onBranch('main').toTrust(),
    other().onBranch('main').toTrust(),
    other().inEnvironment('prod').toTrust(),
    other().onBranch('main').onBranchPattern('hotfix/*').accept(Widening.REF_PATTERN).toTrust(),
    GitHubActions.repository({ owner: 'octo-org', repository: 'third', ownerId: '65', repositoryId: '76', subjectFormat: GitHubSubjectFormat.BOTH }).onPullRequest().toTrust(),
    GitHubActions.repository({ owner: 'octo-org', repository: 'third', ownerId: '65', repositoryId: '76', subjectFormat: GitHubSubjectFormat.BOTH }).onBranch('main').toTrust(),
  ];
  // Its own stack (not synth()): the seeds above read synth()'s counter, so their figures stay as they were.
  const stack = new TerraformStack(Testing.app(), 'many');
  const provider = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' }).addProvider('P', { providerId: 'ci-provider', trusts });
  const sim = GcpTrustSimulator.fromProvider(provider);

  test('the condition is the OR of the per-trust attributes, one per trust', () => {
    expect(provider.attributeCondition.match(/attribute\.trust_[0-9a-f]{8} == 'ci-provider'/g)).toHaveLength(trusts.length);
  });

  test('the provider admits what some trust admits, and each member exactly its trust', () => {
    fc.assert(fc.property(fc.oneof(...provider.trusts.map((t) => tokenFor(t))), (raw) => {
      const claims = withRunIds(raw);
      // A mapping error (the subject fallback on a non-string id) fails closed: it may only deny.
      const closed = (r: ReturnType<GcpTrustSimulator['evaluate']>) => r.failures.some((f) => f.check.startsWith('attribute_mapping ') || f.check === 'google.subject');
      const gcp = sim.evaluate({ claims });
      const model = provider.trusts.some((t) => t.evaluate(claims).allowed);
      if (gcp.allowed || !closed(gcp)) expect(gcp.allowed).toBe(model);
      for (const t of provider.trusts) {
        const r = sim.evaluate({ claims, gcpMember: provider.principalSetMember(t) });
        if (r.allowed || !closed(r)) expect(r.allowed).toBe(t.evaluate(claims).allowed);
      }
    }), { numRuns: 300, seed: 5150 });
  });
});
