/**
 * Differential tests: for every trust Azure can express, the model (`trust.evaluate`) and Entra's
 * exact matching against the *synthesized* credentials (AzureTrustSimulator) agree on every
 * corpus token and on generated tokens (test/support/tokens.ts: realistic, near misses, adversarial
 * values, case variants); every trust Azure cannot express fails synth.
 */
import { TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { AzureCloud, AzureFederation, FederatedManagedIdentity } from '../../lib/azure';
import { Buildkite, BuildkiteSubject } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi, GitLabSubjectComponent } from '../../lib/ci/gitlab';
import { TrustConfigError } from '../../lib/model/errors';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { AzureTrustSimulator } from '../../lib/testing';
import { corpusTokens } from '../support/corpus';
import { HAZARDS, tokenFor } from '../support/tokens';

const IDS = { ownerId: '65', repositoryId: '74', subjectFormat: GitHubSubjectFormat.IMMUTABLE };
const gh = (p: Partial<Parameters<typeof GitHubActions.repository>[0]> = {}) => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', ...IDS, ...p });

/** Trusts Azure can hold exactly. */
const EXPRESSIBLE: [string, () => Trust][] = [
  ['GitHub immutable, environments', () => gh().inEnvironment('prod', 'Production:V1').toTrust()],
  ['GitHub immutable, branches and tags', () => gh().onBranch('main', 'release/1.2').onTag('v1.0.0').toTrust()],
  ['GitHub immutable, pull requests', () => gh().onPullRequest().toTrust()],
  ['GitHub name form (accepted)', () => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo' }).inEnvironment('prod').accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
  ['GitHub mixed-case owner', () => GitHubActions.repository({ owner: 'Octo-Org', repository: 'Octo.Repo', ...IDS }).onBranch('Main').toTrust()],
  ['GitHub template with ref', () => gh().inEnvironment('prod').onBranch('main').withSubjectTemplate('repo', 'context', 'ref').toTrust()],
  ['GitHub template with job_workflow_ref', () => gh().onBranch('main').fromReusableWorkflow('octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main').withSubjectTemplate('repo', 'context', 'job_workflow_ref').toTrust()],
  ['GHEC enterprise issuer', () => gh({ issuer: GitHubIssuer.enterpriseCloud('octocat-inc') }).onBranch('main').toTrust()],
  ['GHES (name form)', () => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', issuer: GitHubIssuer.enterpriseServer('github.example.com') }).inEnvironment('prod').accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
  ['GitHub custom audience', () => gh().inEnvironment('prod').withAudience('api://AzureADTokenExchange').toTrust()],
  ['GitLab project id subject', () => GitLabCi.project({ projectPath: 'my-group/my-project', projectId: '42', subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF] }).onBranch('main', 'feature-branch-1').toTrust()],
  ['GitLab project id + ref_protected subject', () => GitLabCi.project({ projectPath: 'mygroup/myproject', projectId: '42', instanceUrl: 'https://gitlab.example.com', subjectComponents: [GitLabSubjectComponent.PROJECT_PATH, GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF, GitLabSubjectComponent.REF_PROTECTED] }).onProtectedBranch('main').toTrust()],
  ['GitLab default subject, name only', () => GitLabCi.project({ projectPath: 'mygroup/myproject', instanceUrl: 'https://gitlab.example.com' }).onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
];

/** Trusts Azure cannot hold: synth must fail, naming Azure and the fix. */
const INEXPRESSIBLE: [string, () => Trust, RegExp][] = [
  ['GitHub ref pattern', () => gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust(), /enumerate the branches/],
  ['GitHub any ref', () => gh().onAnyRef().accept(Widening.ANY_REF).toTrust(), /enumerate the branches/],
  ['GitHub every branch', () => gh().onBranchPattern('*').accept(Widening.REF_PATTERN).toTrust(), /enumerate the branches, tags or environments/],
  ['GitHub every tag', () => gh().onTagPattern('*').accept(Widening.REF_PATTERN).toTrust(), /enumerate the branches, tags or environments/],
  ['GitHub every environment', () => gh().inEnvironmentPattern('*').accept(Widening.REF_PATTERN).toTrust(), /enumerate the branches, tags or environments/],
  ['GitHub event pin', () => gh().onBranch('main').onEvent('push').toTrust(), /also pins event_name.*required reviewers/],
  ['GitHub environment + branch pin', () => gh().inEnvironment('prod').onBranch('main').toTrust(), /pins ref.*withSubjectTemplate/],
  ['GitHub name form with ids', () => gh({ subjectFormat: GitHubSubjectFormat.NAME }).inEnvironment('prod').toTrust(), /pins repository_id.*choose the subject form the repository emits.*GitHubSubjectFormat\.IMMUTABLE/],
  ['GitHub both forms', () => gh({ subjectFormat: GitHubSubjectFormat.BOTH }).onBranch('main').toTrust(), /choose the subject form the repository emits \(Azure matches the subject only/],
  ['GitHub reusable workflow pin', () => gh().onBranch('main').fromReusableWorkflow('octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main').toTrust(), /job_workflow_ref.*withSubjectTemplate/],
  ['GitHub hosted runners pin', () => gh().onBranch('main').onGitHubHostedRunners().toTrust(), /runner_environment/],
  ['GitLab default subject with project id', () => GitLabCi.project({ projectPath: 'g/p', projectId: '42' }).onBranch('main').toTrust(), /project_id.*ci_id_token_sub_claim_components/],
  ['GitLab protected ref outside the subject', () => GitLabCi.project({ projectPath: 'g/p', projectId: '42', subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF] }).onProtectedBranch('main').toTrust(), /ref_protected/],
  // The commit in the composite subject varies: the fix is the pipeline-id subject, not enumerating branches.
  ['Buildkite composite subject', () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app' }).onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).toTrust(), /commit SHA.*--subject-claim pipeline_id/],
  ['Buildkite pipeline id subject with slug pins', () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app', pipelineId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', subject: BuildkiteSubject.PIPELINE_ID }).onBranch('main').toTrust(), /--subject-claim/],
];

/** The builders are being written concurrently; a builder refusal is a refusal, just earlier. */
function buildOrSkip(make: () => Trust): Trust | undefined {
  try {
    return make();
  } catch (e) {
    if (e instanceof TrustConfigError) return undefined;
    throw e;
  }
}

let counter = 0;
function synthSimulator(trust: Trust, cloud?: AzureCloud): AzureTrustSimulator {
  const stack = new TerraformStack(Testing.app(), `s${counter++}`);
  new FederatedManagedIdentity(stack, 'Id', { name: 'ci-deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [trust], cloud });
  return AzureTrustSimulator.fromTerraformJson(Testing.synth(stack));
}

function expectAgreement(bound: Trust, sim: AzureTrustSimulator, claims: Record<string, unknown>): boolean {
  const model = bound.evaluate(claims);
  const azure = sim.evaluate({ claims });
  if (model.allowed !== azure.allowed) {
    throw new Error(`disagreement on ${JSON.stringify(claims)}: model ${JSON.stringify(model)}, azure ${JSON.stringify(azure)}`);
  }
  return true;
}

describe('Azure differential: model vs synthesized credentials', () => {
  let disagreements = 0;
  afterAll(() => expect(disagreements).toBe(0));

  describe.each(EXPRESSIBLE)('%s', (_name, make) => {
    const trust = make();
    const bound = AzureFederation.bind(trust);
    const sim = synthSimulator(trust);

    test('compiles to one credential per subject and audience', () => {
      const subjects = bound.condition._terms().flatMap((t) => (t.tests[0] as any).values as string[]);
      expect(sim.credentials.map((c) => c.subject).sort()).toEqual([...new Set(subjects)].sort());
      expect(sim.credentials.every((c) => c.issuer === trust.issuer && bound.audiences!.includes(c.audience))).toBe(true);
    });

    test('agrees on every corpus token, as issued and re-addressed to Azure', () => {
      for (const t of corpusTokens()) {
        for (const claims of [t.claims, { ...t.claims, aud: bound.audiences![0] }, { ...t.claims, aud: [t.claims.aud, bound.audiences![0]] }]) {
          try { expectAgreement(bound, sim, claims); } catch (e) { disagreements++; throw e; }
        }
      }
    });

    test('agrees on generated tokens (realistic, near misses, adversarial, case variants)', () => {
      let allowed = 0;
      fc.assert(fc.property(tokenFor(bound), (claims) => {
        try { expectAgreement(bound, sim, claims); } catch (e) { disagreements++; throw e; }
        if (sim.evaluate({ claims }).allowed) allowed++;
      }), { numRuns: 1500 });
      // The generator must exercise both verdicts, or agreement proves nothing.
      expect(allowed).toBeGreaterThan(50);
    });

    test('agrees on case variants of each expected subject', () => {
      for (const c of sim.credentials) {
        for (const sub of [c.subject, c.subject.toUpperCase(), c.subject.toLowerCase(), c.subject + ':', ` ${c.subject}`, c.subject.replace(/:/g, '%3A')]) {
          const claims = { iss: c.issuer, sub, aud: c.audience, ref: 'refs/heads/main', job_workflow_ref: 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' };
          expectAgreement(bound, sim, claims);
        }
      }
    });
  });

  test.each([AzureCloud.PUBLIC, AzureCloud.US_GOVERNMENT, AzureCloud.CHINA])('default audience of %s is what both sides accept', (cloud) => {
    const trust = gh().inEnvironment('prod').toTrust();
    const bound = AzureFederation.bind(trust, { cloud });
    const sim = synthSimulator(trust, cloud);
    const aud = AzureFederation.defaultAudience(cloud);
    const sub = 'repo:octo-org@65/octo-repo@74:environment:prod';
    for (const a of [aud, 'api://AzureADTokenExchange', 'api://AzureADTokenExchangeUSGov', 'api://AzureADTokenExchangeChina', [aud, 'x'], []]) {
      const claims = { iss: trust.issuer, sub, aud: a };
      expectAgreement(bound, sim, claims);
      expect(sim.evaluate({ claims }).allowed).toBe(a === aud || (Array.isArray(a) && a.includes(aud)));
    }
  });

  test('generated trusts with adversarial environment and branch names: compile and agree, or the builder refuses them', () => {
    let compiled = 0;
    const name = fc.array(fc.constantFrom(...HAZARDS, 'prod', 'main', 'x'), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(fc.property(fc.array(name, { minLength: 1, maxLength: 3 }), fc.boolean(), (names, env) => {
      let trust: Trust;
      try {
        trust = env ? gh().inEnvironment(...names).toTrust() : gh().onBranch(...names).toTrust();
      } catch (e) {
        if (e instanceof TrustConfigError) return; // refused before reaching Azure
        throw e;
      }
      const bound = AzureFederation.bind(trust);
      const sim = synthSimulator(trust);
      compiled++;
      fc.assert(fc.property(tokenFor(bound), (claims) => expectAgreement(bound, sim, claims)), { numRuns: 40 });
    }), { numRuns: 150 });
    expect(compiled).toBeGreaterThan(10);
  });
});

describe('Azure refuses every trust it cannot express', () => {
  test.each(INEXPRESSIBLE)('%s', (_name, make, fix) => {
    const trust = buildOrSkip(make);
    if (!trust) return; // the builder (in progress) already refuses it: refused before Azure
    const stack = new TerraformStack(Testing.app(), `r${counter++}`);
    let err: unknown;
    try {
      new FederatedManagedIdentity(stack, 'Id', { name: 'ci-deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [trust] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrustConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^Azure\(/);
    expect(msg).toContain(trust.condition.toString().slice(0, 20).replace(/"/g, '\\"'));
    expect(msg).toMatch(fix);
    // Nothing was created for a refused trust.
    expect(JSON.parse(Testing.synth(stack)).resource?.azurerm_federated_identity_credential).toBeUndefined();
  });

  test('a trust compiles exactly when every alternative is an exact test on sub alone', () => {
    for (const [, make] of [...EXPRESSIBLE, ...INEXPRESSIBLE.map(([n, m]) => [n, m] as [string, () => Trust])]) {
      const trust = buildOrSkip(make);
      if (!trust) continue;
      const expressible = trust.condition._terms().every((t) => t.tests.length === 1 && t.tests[0].claim === 'sub' && t.tests[0].kind === 'in');
      let ok = true;
      try { AzureFederation.credentials(trust); } catch { ok = false; }
      expect(ok).toBe(expressible);
    }
  });
});
