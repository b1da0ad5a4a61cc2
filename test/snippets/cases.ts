/**
 * The snippet matrix: trusts of every CI provider in every context its builder allows, with the
 * world the emulator needs, the outcome expected on each cloud (a snippet, or the refusal's fix), and
 * near misses: edits to the snippet that drop a pinned input, whose token the trust must deny.
 */
import { azureDevOpsRuns, bitbucketRuns, buildkiteRuns, circleciRuns, genericRuns, githubRuns, gitlabRuns, hcpRuns, jenkinsRuns, Run } from './emulators';
import { Cloud, CompileOptions } from './harness';
import { AzureCloud } from '../../lib/azure';
import { AzureDevOps } from '../../lib/ci/azure-devops';
import { BitbucketPipelines } from '../../lib/ci/bitbucket';
import { Buildkite, BuildkiteBuildSource, BuildkiteSubject } from '../../lib/ci/buildkite';
import { CircleCi } from '../../lib/ci/circleci';
import { GenericOidc } from '../../lib/ci/generic';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi, GitLabDeploymentTier, GitLabSubjectComponent } from '../../lib/ci/gitlab';
import { HcpTerraform } from '../../lib/ci/hcp-terraform';
import { Jenkins } from '../../lib/ci/jenkins';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';

export interface Case {
  /** The provider, as the docs table names it. */
  readonly provider: string;
  readonly name: string;
  readonly trust: () => Trust;
  readonly runs: (snippet: string) => Run[];
  /** Clouds that refuse the trust: the fix the refusal must give, and why (for docs/snippets.md). */
  readonly refused?: Partial<Record<Cloud, readonly [RegExp, string]>>;
  /** Clouds whose snippet cannot work as the CI system issues tokens: the note that says so, and why. */
  readonly unusable?: Partial<Record<Cloud, readonly [RegExp, string]>>;
  /** Edits that drop or change a pinned input: every run of the edited snippet is denied. */
  readonly nearMisses?: ReadonlyArray<readonly [string, (snippet: string) => string, Cloud[]?]>;
  readonly options?: CompileOptions;
}

const GH = { issuer: 'https://token.actions.githubusercontent.com', owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '89012345' };
// The immutable form, chosen: the default with ids (both forms, held to repository_id) cannot be
// compiled for Azure, and the emulator derives the subject the repository emits in this form.
const gh = (props: object = {}) => GitHubActions.repository({
  owner: GH.owner,
  repository: GH.repository,
  ownerId: GH.ownerId,
  repositoryId: GH.repositoryId,
  ...('issuer' in props ? {} : { subjectFormat: GitHubSubjectFormat.IMMUTABLE }),
  ...props,
});
const ghRuns = (w: Partial<typeof GH> & { extra?: Record<string, string> } = {}) => (s: string) => githubRuns(s, { ...GH, ...w });

const GL = { issuer: 'https://gitlab.com', projectPath: 'acme/platform/infra', projectId: '4242' };
const GL_SELF = { ...GL, issuer: 'https://gitlab.acme.example' };
const BY_ID = [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF];
const glById = () => GitLabCi.project({ projectPath: GL.projectPath, projectId: GL.projectId, subjectComponents: BY_ID });

const BK = { organization: 'acme-inc', pipeline: 'deploy', organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', pipelineId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', hostedQueues: ['<hosted queue key>'] };
const bk = (props: object) => Buildkite.pipeline({ organization: BK.organization, pipeline: BK.pipeline, ...props });
const BUILDS = [
  { branch: 'main', source: 'webhook' },
  { branch: 'main', source: 'ui' },
  { branch: 'main', tag: 'v1.0.0', source: 'webhook' },
  { branch: 'feature/x', source: 'webhook' },
  { branch: 'release/x', source: 'webhook' },
];
const bkRuns = (s: string) => buildkiteRuns(s, BK, BUILDS);

const CC = { organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee', userId: '4c2f1e0d-9b8a-4c7d-8e6f-5a4b3c2d1e0f', vcsOrigin: 'github.com/acme/web' };
const CONTEXT = '0191f956-1111-4222-8333-944455556666';
const ccRuns = (s: string) => circleciRuns(s, { ...CC, contexts: { [`<name of context ${CONTEXT}>`]: CONTEXT, production: '0191f956-0000-4000-8000-000000000000' } });

const BB = { workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' };
const BB_ENV = '{3f2a8a4e-1111-4222-8333-944455556666}';
const bbRuns = (s: string) => bitbucketRuns(s, { ...BB, environments: { [`<name of the environment ${BB_ENV}>`]: BB_ENV, Staging: '{00000000-1111-4222-8333-000000000000}' } });

const TENANT_ENTRA = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ADO = { organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'acme', project: 'platform' };
const ENTRA_SUBJECT = '/eid1/c/pub/t/v4j5cvGGr0GRqy180BHbRw/a/9ElyG1qEQkWlPNSWQr2LHA/sc/5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1/8d3f0b2a-6c1e-4f5d-9a7b-3e2c1d0f9a8b';
const adoRuns = (issuer: string) => (s: string) => azureDevOpsRuns(s, {
  issuer,
  organization: ADO.organization,
  project: ADO.project,
  pipeline: 'deploy',
  connections: {
    'cloud-prod': { id: '<id of service connection cloud-prod>' },
    // The connection's name is not in the trust: the snippet names it by its id, the user fills it in.
    '<name of service connection 8d3f0b2a-6c1e-4f5d-9a7b-3e2c1d0f9a8b>': { id: '8d3f0b2a-6c1e-4f5d-9a7b-3e2c1d0f9a8b', entraSubject: ENTRA_SUBJECT },
  },
});

const TFC = { issuer: 'https://app.terraform.io', organization: 'acme', project: 'Platform', workspace: 'network-prod', workspaceId: 'ws-aB3cD4eF5gH6iJ7k', organizationId: 'org-Zy9xW8vU7tS6rQ5p' };
const tfc = (props: object = {}) =>
  HcpTerraform.workspace({ organization: TFC.organization, project: TFC.project, workspace: TFC.workspace, ...props });

const JK = 'https://jenkins.acme.com';
const jkRuns = (s: string) => jenkinsRuns(s, { jenkinsUrl: JK, branches: ['main', 'release/1', 'dev', 'feature/x'] });

/** Swap one string for another, failing loudly when the snippet does not contain it. */
const swap = (from: string | RegExp, to: string) => (s: string) => {
  const out = s.replace(from, to);
  if (out === s) throw new Error(`near miss: ${String(from)} is not in the snippet`);
  return out;
};

export const CASES: Case[] = [
  // ---------------------------------------------------------------- GitHub Actions
  {
    provider: 'GitHub Actions',
    name: 'branch',
    trust: () => gh().onBranch('main').toTrust(),
    runs: ghRuns(),
    nearMisses: [['another branch', swap('branches: [main]', 'branches: [dev]')], ['another audience', swap(/audience: .*/, 'audience: sts.amazonaws.co')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'branch and tags',
    trust: () => gh().onBranch('main').onTag('v1.2.0', 'v1.3.0').toTrust(),
    runs: ghRuns(),
    nearMisses: [['another tag', swap('tags: [v1.2.0, v1.3.0]', 'tags: [v2.0.0]')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'environment',
    trust: () => gh().inEnvironment('production').toTrust(),
    runs: ghRuns(),
    nearMisses: [['another environment', swap('environment: production', 'environment: staging')], ['no environment', swap(/\n {4}environment: production/, '')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'two environments on a branch',
    trust: () => gh().inEnvironment('staging', 'production').onBranch('main').toTrust(),
    runs: ghRuns(),
    refused: { azure: [/customize the GitHub subject template to include ref/, 'the ref is a claim outside the subject (template)'] },
    nearMisses: [['another branch', swap('branches: [main]', 'branches: [dev]')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'pull requests and a branch (two workflows)',
    trust: () => gh().onPullRequest().onBranch('main').toTrust(),
    runs: ghRuns(),
    nearMisses: [['the pull-request workflow on a push', swap('  pull_request:\n', '  push:\n    branches: [feature]\n')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'pull requests only',
    trust: () => gh().onPullRequest().toTrust(),
    runs: ghRuns(),
    nearMisses: [['a manual run instead', swap('  pull_request:\n', '  workflow_dispatch:\n')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'environment staging',
    trust: () => gh().inEnvironment('staging').toTrust(),
    runs: ghRuns(),
    nearMisses: [['production instead', swap('environment: staging', 'environment: production')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'branch pattern',
    trust: () => gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust(),
    runs: ghRuns(),
    refused: { azure: [/^enumerate the branches/, 'the subject is a pattern'] },
  },
  {
    provider: 'GitHub Actions',
    name: 'any ref',
    trust: () => gh().onAnyRef().accept(Widening.ANY_REF).toTrust(),
    runs: ghRuns(),
    refused: { azure: [/^enumerate the branches/, 'the subject is a pattern'] },
  },
  {
    provider: 'GitHub Actions',
    name: 'reusable workflow in an environment, GitHub-hosted',
    trust: () => gh().inEnvironment('production').fromReusableWorkflow('acme/shared/.github/workflows/deploy.yml@refs/heads/main').onGitHubHostedRunners().toTrust(),
    runs: ghRuns(),
    refused: { aws: [/withSubjectTemplate\(…, "runner_environment"\)/, 'STS cannot see runner_environment'], azure: [/customize the GitHub subject template to include job_workflow_ref, runner_environment/, 'claims are outside the subject (template)'] },
    nearMisses: [['the workflow called from another ref', swap('deploy.yml@main', 'deploy.yml@dev')], ['a self-hosted runner', swap(/runs-on: ubuntu-latest.*/, 'runs-on: self-hosted')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'custom subject template with the called workflow',
    trust: () => gh().onBranch('main').fromReusableWorkflow('acme/shared/.github/workflows/deploy.yml@refs/heads/main').withSubjectTemplate('repo', 'context', 'job_workflow_ref').toTrust(),
    runs: ghRuns(),
    nearMisses: [['the default template', swap(/# The repository's OIDC subject template.*\n/, '')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'manual runs of a branch (event_name)',
    trust: () => gh().onBranch('main').withClaim('event_name', 'workflow_dispatch').withSubjectTemplate('repo', 'context', 'event_name').toTrust(),
    runs: ghRuns(),
    nearMisses: [['a push instead', swap('  workflow_dispatch:\n', '  push:\n    branches: [main]\n')]],
  },
  {
    provider: 'GitHub Actions',
    name: 'GitHub Enterprise Server, ids as claims',
    trust: () => gh({ issuer: GitHubIssuer.enterpriseServer('github.acme.example') }).onBranch('main').toTrust(),
    runs: ghRuns({ issuer: 'https://github.acme.example/_services/token' }),
    refused: { aws: [/^GitHub Enterprise Server has no immutable subject .*put repository_id in the subject template/, 'STS cannot see repository_id on GHES'], azure: [/^GitHub Enterprise Server has no immutable subject .*put repository_id in the subject template/, 'GHES has no immutable subject, so the id is a claim'] },
  },
  {
    provider: 'GitHub Actions',
    name: 'GitHub Enterprise Server, by name',
    trust: () => GitHubActions.repository({ owner: 'acme', repository: 'web', issuer: GitHubIssuer.enterpriseServer('github.acme.example') }).onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).toTrust(),
    runs: ghRuns({ issuer: 'https://github.acme.example/_services/token' }),
  },
  {
    provider: 'GitHub Actions', name: 'GitHub Enterprise Cloud issuer, environment', trust: () => gh({ issuer: GitHubIssuer.enterpriseCloud('octocat-inc'), subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production').toTrust(), runs: ghRuns({ issuer: 'https://token.actions.githubusercontent.com/octocat-inc' }),
  },
  {
    provider: 'GitHub Actions', name: 'name form (no ids), branch', trust: () => GitHubActions.repository({ owner: 'acme', repository: 'web' }).onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).toTrust(), runs: ghRuns(),
  },
  {
    provider: 'GitHub Actions',
    name: 'environment, Azure US Government',
    trust: () => gh().inEnvironment('production').toTrust(),
    runs: ghRuns(),
    options: { azureCloud: AzureCloud.US_GOVERNMENT },
    nearMisses: [['the public cloud audience', swap('audience: api://AzureADTokenExchangeUSGov', 'audience: api://AzureADTokenExchange')]],
  },
  {
    provider: 'GitHub Actions', name: 'branch, GCP direct resource access', trust: () => gh().onBranch('main').toTrust(), runs: ghRuns(), options: { direct: true },
  },
  // ---------------------------------------------------------------- GitLab CI/CD
  {
    provider: 'GitLab CI/CD',
    name: 'branch (gitlab.com, project id claim)',
    trust: () => GitLabCi.project({ projectPath: GL.projectPath, projectId: GL.projectId }).onBranch('main').toTrust(),
    runs: (s) => gitlabRuns(s, GL),
    refused: { azure: [/ci_id_token_sub_claim_components/, 'project_id is a claim outside the subject'] },
    nearMisses: [['another branch', swap('$CI_COMMIT_BRANCH == "main"', '$CI_COMMIT_BRANCH == "dev"')], ['another audience', swap(/aud: .*/, 'aud: https://gitlab.com')]],
  },
  {
    provider: 'GitLab CI/CD',
    name: 'protected branch and tag, environment with tier, push pipelines',
    trust: () => glById()
      .onProtectedBranch('main').onTag('v1.0.0').inEnvironment('production').withDeploymentTier(GitLabDeploymentTier.PRODUCTION).withPipelineSource('push').toTrust(),
    runs: (s) => gitlabRuns(s, GL),
    refused: { aws: [/include it in the project's sub claim components/, 'STS cannot see deployment_tier'], azure: [/add deployment_tier, environment, pipeline_source, ref_protected to the project's ci_id_token_sub_claim_components/, 'claims are outside the subject (sub components)'] },
    nearMisses: [['unprotected', swap(/# Protect main.*\n/, '')], ['another environment', swap('name: production', 'name: prod-eu')], ['web pipelines', swap(/\$CI_PIPELINE_SOURCE == "push"/g, '$CI_PIPELINE_SOURCE == "web"')], ['the default sub components', swap(/# Project setting ci_id_token_sub_claim_components.*\n/, '')]],
  },
  {
    provider: 'GitLab CI/CD',
    name: 'self-managed, project id subject',
    trust: () => GitLabCi.project({ projectPath: GL.projectPath, projectId: GL.projectId, instanceUrl: GL_SELF.issuer, subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF] }).onBranch('main').toTrust(),
    runs: (s) => gitlabRuns(s, GL_SELF),
    nearMisses: [['the default sub components', swap(/# Project setting ci_id_token_sub_claim_components.*\n/, '')]],
  },
  {
    provider: 'GitLab CI/CD',
    name: 'self-managed, default subject by path',
    trust: () => GitLabCi.project({ projectPath: GL.projectPath, instanceUrl: GL_SELF.issuer }).onBranch('main', 'release').accept(Widening.NAME_ONLY_IDENTITY).toTrust(),
    runs: (s) => gitlabRuns(s, GL_SELF),
    options: { azureCloud: AzureCloud.CHINA },
  },
  {
    provider: 'GitLab CI/CD',
    name: 'branch pattern',
    trust: () => glById().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust(),
    runs: (s) => gitlabRuns(s, GL),
    refused: { azure: [/^enumerate the branches/, 'the subject is a pattern'] },
  },
  {
    provider: 'GitLab CI/CD',
    name: 'any ref',
    trust: () => glById().onAnyRef().accept(Widening.ANY_REF).toTrust(),
    runs: (s) => gitlabRuns(s, GL),
    refused: { azure: [/^enumerate the branches/, 'the subject is a pattern'] },
  },
  // ---------------------------------------------------------------- Buildkite
  {
    provider: 'Buildkite',
    name: 'branch (composite subject)',
    trust: () => bk({ pipelineId: BK.pipelineId }).onBranch('main').toTrust(),
    runs: bkRuns,
    refused: { aws: [/withAwsSessionTags\("pipeline_id"\)/, 'pipeline_id needs a session tag'], azure: [/commit SHA.*--subject-claim pipeline_id/, 'the commit in the subject varies'] },
    nearMisses: [['no pipeline_id claim', swap(' --claim pipeline_id', '')]],
  },
  {
    provider: 'Buildkite',
    name: 'tag, step key, webhook builds, session tags',
    trust: () => bk({ pipelineId: BK.pipelineId, organizationId: BK.organizationId })
      .onTag('v1.0.0').onStep('deploy').fromBuildSource(BuildkiteBuildSource.WEBHOOK).withAwsSessionTags('organization_id', 'pipeline_id', 'build_source').toTrust(),
    runs: bkRuns,
    refused: { azure: [/commit SHA/, 'the commit in the subject varies'] },
    nearMisses: [['no step key', swap(/\n {4}key: deploy.*/, '')], ['no session tags', swap(/ --aws-session-tag \S+/, ''), ['aws']]],
  },
  {
    provider: 'Buildkite',
    name: 'pipeline-id subject, any ref',
    trust: () => bk({ pipelineId: BK.pipelineId, subject: BuildkiteSubject.PIPELINE_ID }).onAnyRef().accept(Widening.ANY_REF).toTrust(),
    runs: bkRuns,
    options: { azureCloud: AzureCloud.US_GOVERNMENT },
    nearMisses: [['the composite subject', swap(' --subject-claim pipeline_id', '')]],
  },
  {
    provider: 'Buildkite',
    name: 'pipeline-id subject on a branch',
    trust: () => bk({ pipelineId: BK.pipelineId, subject: BuildkiteSubject.PIPELINE_ID }).onBranch('main').withAwsSessionTags('build_branch').toTrust(),
    runs: bkRuns,
    refused: { azure: [/the subject is the pipeline UUID alone, so Azure cannot tell build_branch apart: drop that pin/, 'the pipeline-id subject carries no branch'] },
    nearMisses: [['no build_branch session tag', swap(/ --aws-session-tag \S+/, ''), ['aws']], ['a tag build only', swap('build.branch == "main"', 'build.branch == "release/x"')]],
  },
  {
    provider: 'Buildkite',
    name: 'hosted agents, steps',
    trust: () => bk({ pipelineId: BK.pipelineId }).onBranch('main').onStep('plan', 'apply').onHostedAgents().withAwsSessionTags('pipeline_id', 'runner_environment').toTrust(),
    runs: bkRuns,
    refused: { azure: [/commit SHA/, 'the commit in the subject varies'] },
    nearMisses: [['a self-hosted queue', swap(/"<hosted queue key>"/g, '"default"')]],
  },
  // ---------------------------------------------------------------- CircleCI
  {
    provider: 'CircleCI',
    name: 'any branch',
    trust: () => CircleCi.project({ organizationId: CC.organizationId, projectId: CC.projectId }).onAnyRef().accept(Widening.ANY_REF).toTrust(),
    runs: ccRuns,
    refused: { azure: [/ends with the id of the user who started the job.*AWS or GCP/, 'the user in the subject varies'] },
    nearMisses: [['the v1 token audience elsewhere', swap(/\$CIRCLE_OIDC_TOKEN_V2/g, '$(circleci run oidc get --claims \'{"aud":"other"}\')')]],
  },
  {
    provider: 'CircleCI',
    name: 'branch',
    trust: () => CircleCi.project({ organizationId: CC.organizationId, projectId: CC.projectId }).onBranch('main').toTrust(),
    runs: ccRuns,
    refused: { aws: [/CircleCI's subject cannot be made to carry oidc.circleci.com\/vcs-ref: drop the pin for AWS/, 'STS cannot see vcs-ref'], azure: [/AWS or GCP/, 'the user in the subject varies'] },
    nearMisses: [['another branch', swap('only: [main]', 'only: [dev]')]],
  },
  {
    provider: 'CircleCI',
    name: 'branch in a context',
    trust: () => CircleCi.project({ organizationId: CC.organizationId, projectId: CC.projectId }).onBranch('main').inContext(CONTEXT).toTrust(),
    runs: ccRuns,
    refused: { aws: [/drop this pin for AWS \(the subject still pins the project\), or use GCP/, 'STS cannot check the context list'], azure: [/AWS or GCP/, 'the user in the subject varies'] },
    nearMisses: [['no context', swap(/\n {10}context: .*/, '')], ['another context', swap(`"<name of context ${CONTEXT}>"`, 'production')]],
  },
  {
    provider: 'CircleCI',
    name: 'custom audience, a user, the repository',
    trust: () => CircleCi.project({ organizationId: CC.organizationId, projectId: CC.projectId, vcsOrigin: CC.vcsOrigin }).onAnyRef().byUser(CC.userId).withAudience('https://ci.acme.example').accept(Widening.ANY_REF).toTrust(),
    runs: ccRuns,
    refused: { aws: [/CircleCI's subject cannot be made to carry oidc.circleci.com\/vcs-origin/, 'STS cannot see vcs-origin'], azure: [/AWS or GCP/, 'the user in the subject varies'] },
    nearMisses: [['the default audience', swap(/"\$\(circleci run oidc get --claims '\{"aud":"https:\/\/ci\.acme\.example"\}'\)"/g, '"$CIRCLE_OIDC_TOKEN_V2"')]],
  },
  // ---------------------------------------------------------------- Bitbucket Pipelines
  {
    provider: 'Bitbucket Pipelines',
    name: 'deployment environment',
    trust: () => BitbucketPipelines.repository(BB).inDeploymentEnvironment(BB_ENV).toTrust(),
    runs: bbRuns,
    refused: { azure: [/ends with the step UUID.*AWS or GCP/, 'the step UUID in the subject varies'] },
    nearMisses: [['another environment', swap(`"<name of the environment ${BB_ENV}>"`, 'Staging')], ['not a deployment step', swap(/\n\s*deployment: .*/, '')]],
  },
  {
    provider: 'Bitbucket Pipelines',
    name: 'deployment environment on a branch',
    trust: () => BitbucketPipelines.repository(BB).inDeploymentEnvironment(BB_ENV).onBranch('main').toTrust(),
    runs: bbRuns,
    refused: { aws: [/Bitbucket's subject cannot be made to carry branchName: on AWS pin the deployment environment/, 'STS cannot see branchName'], azure: [/ends with the step UUID/, 'the step UUID in the subject varies'] },
    nearMisses: [['another branch', swap('    main:\n', '    dev:\n')]],
  },
  {
    provider: 'Bitbucket Pipelines',
    name: 'any step',
    trust: () => BitbucketPipelines.repository(BB).onAnyStep().accept(Widening.ANY_REF).toTrust(),
    runs: bbRuns,
    refused: { azure: [/ends with the step UUID/, 'the step UUID in the subject varies'] },
  },
  {
    provider: 'Bitbucket Pipelines',
    name: 'deployment environment, custom audience',
    trust: () => BitbucketPipelines.repository(BB).inDeploymentEnvironment(BB_ENV).withAudience('https://ci.acme.example').toTrust(),
    runs: bbRuns,
    refused: { azure: [/ends with the step UUID/, 'the step UUID in the subject varies'] },
    unusable: { aws: [/AWS documents one audience per token, nothing for several, so the AWS trust denies it/, 'Bitbucket adds the audience to a list, and STS reads one audience'] },
  },
  // ---------------------------------------------------------------- Azure DevOps
  {
    provider: 'Azure DevOps',
    name: 'service connection',
    trust: () => AzureDevOps.serviceConnection({ ...ADO, serviceConnection: 'cloud-prod' }).toTrust(),
    runs: adoRuns(`https://vstoken.dev.azure.com/${ADO.organizationId}`),
    nearMisses: [['the pipeline token', swap(/&serviceConnectionId=[^"]*/, '')]],
  },
  {
    provider: 'Azure DevOps', name: 'pipeline token', trust: () => AzureDevOps.pipeline({ ...ADO, pipeline: 'deploy' }).toTrust(), runs: adoRuns(`https://vstoken.dev.azure.com/${ADO.organizationId}`),
  },
  {
    provider: 'Azure DevOps',
    name: 'service connection, Entra issuer',
    trust: () => AzureDevOps.entraServiceConnection({ tenantId: TENANT_ENTRA, subject: ENTRA_SUBJECT }).toTrust(),
    runs: adoRuns(`https://login.microsoftonline.com/${TENANT_ENTRA}/v2.0`),
    refused: { gcp: [/use a subject of at most 127 bytes/, 'the subject is over GCP\'s 127 bytes (google.subject)'] },
  },
  // ---------------------------------------------------------------- HCP Terraform
  {
    provider: 'HCP Terraform',
    name: 'apply runs (by name)',
    trust: () => tfc().forApply().accept(Widening.NAME_ONLY_IDENTITY).toTrust(),
    runs: (s) => hcpRuns(s, TFC),
    nearMisses: [['plan runs instead', swap(/_APPLY_/g, '_PLAN_')]],
  },
  {
    provider: 'HCP Terraform',
    name: 'plan and apply with ids, custom audience',
    trust: () => tfc({ workspaceId: TFC.workspaceId, organizationId: TFC.organizationId }).forPlan().forApply().withAudience('https://tfc.acme.example').accept(Widening.PLAN_AND_APPLY).toTrust(),
    runs: (s) => hcpRuns(s, TFC),
    refused: { aws: [/leave out workspaceId\/organizationId and accept Widening.NAME_ONLY_IDENTITY/, 'STS sees only the subject (no ids)'], azure: [/leave out workspaceId\/organizationId/, 'Azure sees only the subject (no ids)'] },
    nearMisses: [['the default audience', swap(/\n[A-Z_]+_WORKLOAD_IDENTITY_AUDIENCE=.*/, '')]],
  },
  {
    provider: 'HCP Terraform',
    name: 'Terraform Enterprise, plan runs, Azure US Government',
    trust: () => tfc({ hostname: 'tfe.acme.example' }).forPlan().accept(Widening.NAME_ONLY_IDENTITY).toTrust(),
    runs: (s) => hcpRuns(s, { ...TFC, issuer: 'https://tfe.acme.example' }),
    options: { azureCloud: AzureCloud.US_GOVERNMENT },
  },
  // ---------------------------------------------------------------- Jenkins
  {
    provider: 'Jenkins',
    name: 'job',
    trust: () => Jenkins.job({ jenkinsUrl: JK, job: 'deploy' }).toTrust(),
    runs: jkRuns,
    nearMisses: [['another audience on the credential', swap(/, audience \S+\.$/m, ', audience https://jenkins.acme.com.')], ['another job', swap('Job: deploy ', 'Job: deploy-staging ')]],
  },
  {
    provider: 'Jenkins',
    name: 'multibranch pipeline in a folder, two branches',
    trust: () => Jenkins.job({ jenkinsUrl: JK, job: 'platform/web app' }).onBranch('main', 'release/1').toTrust(),
    runs: jkRuns,
    nearMisses: [
      ['no branch condition', swap(/\n {6}when \{[\s\S]*?\n {6}\}(?=\n)/, '')],
      ['another branch', swap('pattern: \'release/1\'', 'pattern: \'dev\'')],
      ['another folder', swap('Job: platform/web app,', 'Job: web app,')],
    ],
  },
  {
    provider: 'Jenkins',
    name: 'alternate issuer, custom audience, Azure US Government',
    trust: () => Jenkins.job({ jenkinsUrl: JK, job: 'platform/deploy', issuer: 'https://oidc.acme.example/jenkins' }).withAudience('https://cloud.acme.example').toTrust(),
    runs: jkRuns,
    options: { azureCloud: AzureCloud.US_GOVERNMENT },
    nearMisses: [['the credential at the root (the root issuer)', swap(/\(not the root's .*$/m, '(the plugin\'s issuer for a credential at the Jenkins root; create it there).')]],
  },
  // ---------------------------------------------------------------- Generic OIDC
  {
    provider: 'GenericOidc',
    name: 'Kubernetes service account (EKS issuer)',
    trust: () => GenericOidc.issuer({ name: 'EKS cluster prod', issuer: 'https://oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', identityClaims: ['sub'] })
      .withClaim('sub', 'system:serviceaccount:deploy:ci-deployer').withAudience('sts.amazonaws.com').toTrust(),
    runs: (s) => genericRuns(s, 'https://oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'),
    nearMisses: [['another service account', swap(/serviceAccountName: ci-deployer/, 'serviceAccountName: default')], ['another audience', swap(/audience: sts\.amazonaws\.com/, 'audience: https://kubernetes.default.svc')]],
  },
  {
    provider: 'GenericOidc',
    name: 'Jenkins job',
    trust: () => GenericOidc.issuer({ name: 'Jenkins (ci.acme.example)', issuer: 'https://ci.acme.example/oidc', identityClaims: ['sub'] })
      .withClaim('sub', 'https://ci.acme.example/job/deploy/').withClaim('build_cause', 'scm').withAudience('https://ci.acme.example/cloud').toTrust(),
    runs: (s) => genericRuns(s, 'https://ci.acme.example/oidc'),
    refused: { aws: [/put it in the subject, or drop this pin/, 'STS cannot see build_cause'], azure: [/make the CI provider put build_cause into the subject/, 'a claim is outside the subject'] },
  },
];

