/**
 * The review's subject analysers (lib/ci/<provider>/analyser.ts) are an independent reading of each
 * CI provider's `sub` grammar: they never import the builders. This test holds the two readings
 * together: for every builder and many shapes of trust (every builder method, in generated
 * combinations), every `sub` value or pattern the builder renders into the model's condition terms
 * is judged "pinned" (one repository, project, pipeline or workspace, nothing voiding it) by that
 * provider's analyser; and the registry never attributes a builder's issuer or subject to another
 * provider.
 */
import fc from 'fast-check';
import { ANY, pinsOneIdentity } from '../../lib/ci/analyser';
import { ANALYSERS, analyserFor, providerForIssuer, providerForSubject } from '../../lib/ci/analysers';
import { AzureDevOps, AzureDevOpsTrustBuilder } from '../../lib/ci/azure-devops';
import { BitbucketPipelines, BitbucketTrustBuilder } from '../../lib/ci/bitbucket';
import { Buildkite, BuildkiteBuildSource, BuildkiteSubject, BuildkiteTrustBuilder } from '../../lib/ci/buildkite';
import { CircleCi, CircleCiTrustBuilder } from '../../lib/ci/circleci';
import { GenericOidc, GenericOidcTrustBuilder } from '../../lib/ci/generic';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat, GitHubTrustBuilder } from '../../lib/ci/github';
import { GitLabCi, GitLabDeploymentTier, GitLabSubjectComponent, GitLabTrustBuilder } from '../../lib/ci/gitlab';
import { HcpTerraform, HcpTerraformTrustBuilder } from '../../lib/ci/hcp-terraform';
import { Jenkins, JenkinsTrustBuilder } from '../../lib/ci/jenkins';
import { providerSpec } from '../../lib/ci/registry';
import { ClaimOperator } from '../../lib/model/condition';
import { TrustConfigError } from '../../lib/model/errors';
import { parseGlob } from '../../lib/model/glob';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { CiProvider } from '../../lib/review/scan/extract';
import { describeSubject, MatchMode } from '../../lib/review/scan/scanner';

/** A builder method call: its name (for coverage) and how to apply it. */
type Step<B> = readonly [method: string, apply: (b: B) => B];
interface Family<B> {
  /** Provider id the trusts carry. */
  readonly provider: string;
  /** The builder class, whose every public method must appear in some valid shape. */
  readonly builder: { prototype: object };
  /** Ways to start a builder (the factory and its props). */
  readonly starts: readonly (() => B)[];
  readonly steps: readonly Step<B>[];
  /** Shapes to generate. */
  readonly runs: number;
}

const ALL_WIDENINGS = [Widening.NAME_ONLY_IDENTITY, Widening.ANY_REF, Widening.REF_PATTERN, Widening.PLAN_AND_APPLY];
const UUID1 = '0191f956-042f-7ec4-aa62-8e5eeae396d0';
const UUID2 = '0184990a-477b-4fa8-9968-496074483cee';
const UUID3 = '0184990a-4782-42b5-afc1-16715b10b8ff';

/** Every `sub` test of every term, as the analysers' encoded patterns (wildcards as ANY). */
function subPatterns(trust: Trust): { shown: string; pattern: string; mode: MatchMode }[] {
  const out: { shown: string; pattern: string; mode: MatchMode }[] = [];
  for (const term of trust.terms) {
    for (const t of term.tests) {
      if (t.claim !== 'sub') continue;
      for (const v of t.values) {
        out.push(t.operator === ClaimOperator.LIKE
          ? { shown: v, pattern: parseGlob(v).parts.join(ANY), mode: 'glob' }
          : { shown: v, pattern: v, mode: 'exact' });
      }
    }
  }
  return out;
}

/** TypeScript-private helpers live on the prototype too. */
const PRIVATE_METHODS = new Set(['constructor', 'toTrust', 'pin']);

function publicMethods(cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype).filter((m) => !PRIVATE_METHODS.has(m) && !m.startsWith('_')
    && typeof (cls.prototype as Record<string, unknown>)[m] === 'function').sort();
}

/** Generates shapes, keeps the ones the builder accepts, and checks each of their subjects. */
function checkFamily<B extends { accept(...w: Widening[]): B; toTrust(): Trust }>(f: Family<B>) {
  const usedMethods = new Set<string>('accept' in f.builder.prototype ? ['accept'] : []);
  let valid = 0;
  let subjects = 0;
  const disagreements: unknown[] = [];
  fc.assert(fc.property(fc.nat(f.starts.length - 1), fc.shuffledSubarray([...f.steps]), (start, steps) => {
    let trust: Trust;
    try {
      let b = f.starts[start]();
      for (const [, apply] of steps) b = apply(b);
      // Jenkins has no widening to accept (its subject is always one job's exact URL).
      trust = ('accept' in b ? (b as any).accept(...ALL_WIDENINGS) : b).toTrust();
    } catch (e) {
      if (e instanceof TrustConfigError) return; // a shape the builder refuses: nothing rendered
      throw e;
    }
    valid++;
    steps.forEach(([m]) => usedMethods.add(m));
    expect(trust.provider).toBe(f.provider);
    for (const { shown, pattern, mode } of subPatterns(trust)) {
      subjects++;
      const verdict = analyserFor(trust.provider).analyser.analyse(pattern);
      if (!pinsOneIdentity(verdict)) disagreements.push({ sub: shown, trust: trust.condition.toString(), verdict });
      // The analyser's sentence for it never throws, and a recognisable subject is never another provider's.
      expect(typeof describeSubject(trust.provider as CiProvider, shown, mode)).toBe('string');
      const bySubject = providerForSubject(shown);
      if (bySubject !== 'unknown') expect({ sub: shown, provider: bySubject }).toEqual({ sub: shown, provider: f.provider });
    }
    const byIssuer = providerForIssuer(trust.issuer);
    if (byIssuer !== 'unknown') expect({ issuer: trust.issuer, provider: byIssuer }).toEqual({ issuer: trust.issuer, provider: f.provider });
  }), { numRuns: f.runs, seed: 20260715 });
  expect(disagreements).toEqual([]);
  // Enough accepted shapes, every one of them rendered a subject to check, and every method took part.
  expect(valid).toBeGreaterThan(f.runs / 10);
  expect(subjects).toBeGreaterThanOrEqual(valid);
  expect([...usedMethods].sort()).toEqual(publicMethods(f.builder));
}

const github: Family<GitHubTrustBuilder> = {
  provider: 'github-actions',
  builder: GitHubTrustBuilder,
  starts: [
    () => GitHubActions.repository({ owner: 'acme', repository: 'web' }),
    () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }),
    () => GitHubActions.repository({ owner: 'acme-inc', repository: 'web.app', ownerId: '101', repositoryId: '202', subjectFormat: GitHubSubjectFormat.NAME }),
    () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.BOTH }),
    () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', issuer: GitHubIssuer.enterpriseCloud('acme') }),
    () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', issuer: GitHubIssuer.dataResidency('acme', true) }),
    () => GitHubActions.repository({ owner: 'acme', repository: 'web', issuer: GitHubIssuer.enterpriseServer('github.acme.com') }),
  ],
  steps: [
    ['onBranch', (b) => b.onBranch('main')],
    ['onBranch', (b) => b.onBranch('release/1.2', 'dev')],
    ['onTag', (b) => b.onTag('v1.2.0')],
    ['onBranchPattern', (b) => b.onBranchPattern('release/*')],
    ['onTagPattern', (b) => b.onTagPattern('v*')],
    ['onBranchPattern', (b) => b.onBranchPattern('*')],
    ['inEnvironmentPattern', (b) => b.inEnvironmentPattern('*')],
    ['inEnvironmentPattern', (b) => b.inEnvironmentPattern('prod-*')],
    ['onEvent', (b) => b.onEvent('push')],
    ['inEnvironment', (b) => b.inEnvironment('prod')],
    ['inEnvironment', (b) => b.inEnvironment('eu:prod', 'staging')],
    ['onPullRequest', (b) => b.onPullRequest()],
    ['onAnyRef', (b) => b.onAnyRef()],
    ['fromReusableWorkflow', (b) => b.fromReusableWorkflow('acme/shared/.github/workflows/deploy.yml@refs/heads/main')],
    ['onGitHubHostedRunners', (b) => b.onGitHubHostedRunners()],
    ['withClaim', (b) => b.withClaim('event_name', 'push', 'workflow_dispatch')],
    ['withClaim', (b) => b.withClaim('repo_property_team', 'platform')],
    ['withClaim', (b) => b.withClaim('workflow', 'Deploy: prod')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('repo', 'context', 'job_workflow_ref')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('repository_owner_id', 'repository_id', 'context')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('repository_id', 'environment')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('context', 'repo')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('repo', 'ref')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('repo', 'context', 'runner_environment', 'event_name')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('workflow', 'repo', 'context')],
    ['withSubjectTemplate', (b) => b.withSubjectTemplate('repo')],
    ['withAudience', (b) => b.withAudience('sts.amazonaws.com')],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 1500,
};

const gitlab: Family<GitLabTrustBuilder> = {
  provider: 'gitlab-ci',
  builder: GitLabTrustBuilder,
  starts: [
    () => GitLabCi.project({ projectPath: 'acme/web' }),
    () => GitLabCi.project({ projectPath: 'acme/platform/web', projectId: '42' }),
    () => GitLabCi.project({ projectPath: 'acme/web', projectId: '42', instanceUrl: 'https://gitlab.example.com' }),
    () => GitLabCi.project({ projectPath: 'acme/web', projectId: '42', subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF] }),
    () => GitLabCi.project({ projectPath: 'acme/web', projectId: '42', subjectComponents: [GitLabSubjectComponent.PROJECT_PATH, GitLabSubjectComponent.REF] }),
    () => GitLabCi.project({ projectPath: 'acme/web', projectId: '42', subjectComponents: [GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF, GitLabSubjectComponent.PROJECT_PATH] }),
    () => GitLabCi.project({ projectPath: 'acme/web', projectId: '42', subjectComponents: [GitLabSubjectComponent.PROJECT_PATH] }),
    () => GitLabCi.project({
      projectPath: 'acme/web',
      projectId: '42',
      subjectComponents: [
        GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_PROTECTED, GitLabSubjectComponent.ENVIRONMENT_PROTECTED,
        GitLabSubjectComponent.DEPLOYMENT_TIER, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF,
      ],
    }),
  ],
  steps: [
    ['onBranch', (b) => b.onBranch('main')],
    ['onProtectedBranch', (b) => b.onProtectedBranch('release/1.2')],
    ['onTag', (b) => b.onTag('v1.0.0')],
    ['onBranchPattern', (b) => b.onBranchPattern('feature/*')],
    ['onTagPattern', (b) => b.onTagPattern('v*')],
    ['onAnyRef', (b) => b.onAnyRef()],
    ['requireProtectedRef', (b) => b.requireProtectedRef()],
    ['inEnvironment', (b) => b.inEnvironment('production')],
    ['requireProtectedEnvironment', (b) => b.requireProtectedEnvironment()],
    ['withDeploymentTier', (b) => b.withDeploymentTier(GitLabDeploymentTier.PRODUCTION, GitLabDeploymentTier.STAGING)],
    ['withPipelineSource', (b) => b.withPipelineSource('push', 'web')],
    ['onGitLabHostedRunners', (b) => b.onGitLabHostedRunners()],
    ['withAudience', (b) => b.withAudience('https://gitlab.com')],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 1000,
};

const buildkite: Family<BuildkiteTrustBuilder> = {
  provider: 'buildkite',
  builder: BuildkiteTrustBuilder,
  starts: [
    () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy' }),
    () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: UUID1, organizationId: UUID2 }),
    () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: UUID1, subject: BuildkiteSubject.PIPELINE_ID }),
  ],
  steps: [
    ['onBranch', (b) => b.onBranch('main')],
    ['onBranch', (b) => b.onBranch('release/2', 'dev')],
    ['onTag', (b) => b.onTag('v1')],
    ['onBranchPattern', (b) => b.onBranchPattern('release/*')],
    ['onAnyRef', (b) => b.onAnyRef()],
    ['onStep', (b) => b.onStep('deploy', 'build.x')],
    ['fromBuildSource', (b) => b.fromBuildSource(BuildkiteBuildSource.WEBHOOK, BuildkiteBuildSource.UI)],
    ['onHostedAgents', (b) => b.onHostedAgents()],
    ['withAwsSessionTags', (b) => b.withAwsSessionTags('organization_slug', 'pipeline_slug')],
    ['withAudience', (b) => b.withAudience('sts.amazonaws.com')],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 500,
};

const hcp: Family<HcpTerraformTrustBuilder> = {
  provider: 'hcp-terraform',
  builder: HcpTerraformTrustBuilder,
  starts: [
    () => HcpTerraform.workspace({ organization: 'my-org', project: 'Default Project', workspace: 'my-workspace' }),
    () => HcpTerraform.workspace({ organization: 'my-org', project: 'infra', workspace: 'prod', workspaceId: 'ws-abcdefgh12345678', organizationId: 'org-abcdefgh12345678' }),
    () => HcpTerraform.workspace({ organization: 'my-org', project: 'infra', workspace: 'prod', hostname: 'tfe.acme.com' }),
  ],
  steps: [
    ['forPlan', (b) => b.forPlan()],
    ['forApply', (b) => b.forApply()],
    ['withAudience', (b) => b.withAudience('aws.workload.identity')],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 100,
};

const jenkins: Family<JenkinsTrustBuilder> = {
  provider: 'jenkins',
  builder: JenkinsTrustBuilder,
  starts: [
    () => Jenkins.job({ jenkinsUrl: 'https://jenkins.acme.com', job: 'deploy' }),
    () => Jenkins.job({ jenkinsUrl: 'https://ci.acme.com/jenkins', job: 'platform/web app/deploy', issuer: 'https://ci.acme.com/jenkins/oidc' }),
  ],
  steps: [
    ['onBranch', (b) => b.onBranch('main', 'feature/x')],
    ['withAudience', (b) => b.withAudience('sts.amazonaws.com')],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 50,
};

const circleci: Family<CircleCiTrustBuilder> = {
  provider: 'circleci',
  builder: CircleCiTrustBuilder,
  starts: [
    () => CircleCi.project({ organizationId: UUID1, projectId: UUID2 }),
    () => CircleCi.project({ organizationId: UUID1, projectId: UUID2, vcsOrigin: 'github.com/acme/web' }),
  ],
  steps: [
    ['byUser', (b) => b.byUser(UUID3)],
    ['byUser', (b) => b.byUser(UUID3, UUID1)],
    ['onBranch', (b) => b.onBranch('main')],
    ['inContext', (b) => b.inContext(UUID3)],
    ['onAnyRef', (b) => b.onAnyRef()],
    ['withAudience', (b) => b.withAudience(UUID1)],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 200,
};

const BB = { workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' };
const bitbucket: Family<BitbucketTrustBuilder> = {
  provider: 'bitbucket-pipelines',
  builder: BitbucketTrustBuilder,
  starts: [() => BitbucketPipelines.repository(BB)],
  steps: [
    ['inDeploymentEnvironment', (b) => b.inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}')],
    ['inDeploymentEnvironment', (b) => b.inDeploymentEnvironment('{4f2a8a4e-1111-4222-8333-944455556666}', '{5f2a8a4e-1111-4222-8333-944455556666}')],
    ['onBranch', (b) => b.onBranch('main')],
    ['onAnyStep', (b) => b.onAnyStep()],
    ['withAudience', (b) => b.withAudience('ari:cloud:bitbucket::workspace/7baee083-4f25-4a97-8a9a-0fde1b623b45')],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 200,
};

const ADO = { organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'example', project: 'My Project (prod)' };
const azureDevOps: Family<AzureDevOpsTrustBuilder> = {
  provider: 'azure-devops',
  builder: AzureDevOpsTrustBuilder,
  starts: [
    () => AzureDevOps.serviceConnection({ ...ADO, serviceConnection: 'deploy-conn' }),
    () => AzureDevOps.pipeline({ ...ADO, pipeline: 'release pipeline' }),
    () => AzureDevOps.entraServiceConnection({
      tenantId: UUID1,
      subject: `/eid1/c/pub/t/AbCdEfGhIjKlMnOp/a/QrStUvWxYz012345/sc/${UUID2}/${UUID3}`,
    }),
  ],
  steps: [
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 50,
};

// GenericOidc: only the shapes where `sub` is a declared identity claim; for an issuer whose
// identity is another claim, `sub` pins nothing and the scanner's generic reading need not agree.
const generic: Family<GenericOidcTrustBuilder> = {
  provider: 'generic',
  builder: GenericOidcTrustBuilder,
  starts: [
    () => GenericOidc.issuer({ name: 'Forgejo', issuer: 'https://code.acme.com/api/actions', identityClaims: ['sub'] }).withClaim('sub', 'acme/web@refs/heads/main'),
    () => GenericOidc.issuer({ name: 'Kubernetes', issuer: 'https://k8s.acme.com', identityClaims: ['sub'] }).withClaim('sub', 'system:serviceaccount:ci:deployer', 'system:serviceaccount:ci:builder'),
  ],
  steps: [
    ['withClaim', (b) => b.withClaim('aud_env', 'prod')],
    ['withClaimPattern', (b) => b.withClaimPattern('ref', 'refs/heads/release/*')],
    ['withAudience', (b) => b.withAudience('sts.amazonaws.com')],
    ['restrictNetwork', (b) => b.restrictNetwork({ sourceIpCidrs: ['192.0.2.0/24'] })],
  ],
  runs: 100,
};

describe('every subject a builder renders is pinned for its provider\'s analyser', () => {
  test('GitHub Actions', () => checkFamily(github));
  test('GitLab CI/CD', () => checkFamily(gitlab));
  test('Buildkite', () => checkFamily(buildkite));
  test('HCP Terraform', () => checkFamily(hcp));
  test('CircleCI', () => checkFamily(circleci));
  test('Bitbucket Pipelines', () => checkFamily(bitbucket));
  test('Azure DevOps', () => checkFamily(azureDevOps));
  test('Jenkins', () => checkFamily(jenkins));
  test('GenericOidc (generic reading)', () => checkFamily(generic));

  test('every provider with an analyser has a builder family here', () => {
    const covered = [github, gitlab, buildkite, hcp, circleci, bitbucket, azureDevOps, jenkins].map((f) => f.provider).sort();
    expect(ANALYSERS.map((e) => e.id).sort()).toEqual(covered);
  });
});

describe('the check has teeth', () => {
  // Subjects the builders refuse to render must not pass as pinned either.
  test.each([
    ['github-actions', 'repo:acme/*:ref:refs/heads/main'],
    ['github-actions', `environment:prod:repo:acme/web${ANY}`],
    ['gitlab-ci', `project_path:acme/${ANY}:ref_type:branch:ref:main`],
    ['buildkite', `organization:acme:pipeline:${ANY}`],
    ['hcp-terraform', `organization:acme:project:infra:workspace:${ANY}`],
    ['circleci', `org/${UUID1}/project/${ANY}`],
    ['bitbucket-pipelines', `${ANY}`],
    ['azure-devops', `sc://acme/${ANY}/conn`],
    ['generic', `${ANY}:x`],
  ])('%s %s is not pinned', (provider, pattern) => {
    expect(pinsOneIdentity(analyserFor(provider).analyser.analyse(pattern))).toBe(false);
  });
});

describe('provider recognition (lib/ci/analysers.ts)', () => {
  test.each([
    ['https://token.actions.githubusercontent.com', 'github-actions'],
    ['https://token.actions.githubusercontent.com/acme', 'github-actions'],
    ['https://token.actions.acme.ghe.com', 'github-actions'],
    ['https://github.acme.com/_services/token', 'github-actions'],
    // First match wins: a GitHub Enterprise Server whose host name says gitlab is still GitHub.
    ['https://gitlab.acme.com/_services/token', 'github-actions'],
    ['https://gitlab.com', 'gitlab-ci'],
    ['https://gitlab.example.com', 'gitlab-ci'],
    ['https://agent.buildkite.com', 'buildkite'],
    [`https://oidc.circleci.com/org/${UUID1}`, 'circleci'],
    ['https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc', 'bitbucket-pipelines'],
    ['https://app.terraform.io', 'hcp-terraform'],
    ['https://app.eu.terraform.io', 'hcp-terraform'],
    [`https://vstoken.dev.azure.com/${UUID1}`, 'azure-devops'],
    ['https://jenkins.acme.com/oidc', 'jenkins'],
    ['https://code.acme.com/api/actions', 'unknown'],
    [undefined, 'unknown'],
  ])('issuer %s is %s', (issuer, provider) => {
    expect(providerForIssuer(issuer)).toBe(provider);
  });

  test.each([
    ['repo:acme/web:ref:refs/heads/main', 'github-actions'],
    ['project_id:42:ref_type:branch:ref:main', 'gitlab-ci'],
    ['organization:acme:pipeline:deploy:ref:refs/heads/main:commit:x:step:y', 'buildkite'],
    ['organization:acme:project:infra:workspace:prod:run_phase:apply', 'hcp-terraform'],
    ['{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}:x', 'bitbucket-pipelines'],
    [`org/${UUID1}/project/${UUID2}/user/${UUID3}`, 'circleci'],
    ['sc://acme/proj/conn', 'azure-devops'],
    ['system:serviceaccount:ci:deployer', 'unknown'],
  ])('subject %s is %s', (sub, provider) => {
    expect(providerForSubject(sub)).toBe(provider);
  });

  test('every registry entry names its workloads and recognises something', () => {
    for (const e of ANALYSERS) {
      expect(e.noun).toMatch(/^[A-Z].* [a-z]+$/);
      const spec = providerSpec(e.id);
      expect(spec.issuers.length + spec.subjectShapes.length).toBeGreaterThan(0);
    }
  });
});
