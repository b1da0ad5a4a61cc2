/** Every builder's entry point with valid props (tests that must cover every CI provider). */
import { AzureDevOps } from '../../lib/ci/azure-devops';
import { BitbucketPipelines } from '../../lib/ci/bitbucket';
import { Buildkite } from '../../lib/ci/buildkite';
import { CircleCi } from '../../lib/ci/circleci';
import { GenericOidc } from '../../lib/ci/generic';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { HcpTerraform } from '../../lib/ci/hcp-terraform';
import { Jenkins } from '../../lib/ci/jenkins';

export const UUID1 = '0191f956-042f-7ec4-aa62-8e5eeae396d0';
export const UUID2 = '0191f956-042f-7ec4-aa62-8e5eeae396d1';

/** Valid factory props per builder; each field is replaced by every BAD value in turn. */
export const FACTORIES: [string, (props: any) => any, Record<string, unknown>][] = [
  ['GitHubActions.repository', (p) => GitHubActions.repository(p), { owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE, issuer: GitHubIssuer.GITHUB_COM }],
  ['GitLabCi.project', (p) => GitLabCi.project(p), { projectPath: 'g/p', projectId: '1' }],
  ['Buildkite.pipeline', (p) => Buildkite.pipeline(p), { organization: 'acme', pipeline: 'deploy', pipelineId: UUID1 }],
  ['CircleCi.project', (p) => CircleCi.project(p), { organizationId: UUID1, projectId: UUID2 }],
  ['BitbucketPipelines.repository', (p) => BitbucketPipelines.repository(p), { workspace: 'acme', workspaceUuid: `{${UUID1}}`, repositoryUuid: `{${UUID2}}` }],
  ['AzureDevOps.serviceConnection', (p) => AzureDevOps.serviceConnection(p), { organizationId: UUID1, organization: 'acme', project: 'web', serviceConnection: 'prod' }],
  ['AzureDevOps.entraServiceConnection', (p) => AzureDevOps.entraServiceConnection(p), { tenantId: UUID1, subject: `/eid1/c/pub/t/abcdefghijkl/a/defghijklmno/sc/${UUID2}/${UUID1}` }],
  ['HcpTerraform.workspace', (p) => HcpTerraform.workspace(p), { organization: 'acme', project: 'infra', workspace: 'prod' }],
  ['Jenkins.job', (p) => Jenkins.job(p), { jenkinsUrl: 'https://jenkins.acme.com', job: 'platform/deploy' }],
  ['GenericOidc.issuer', (p) => GenericOidc.issuer(p), { name: 'Vault', issuer: 'https://vault.example.com', identityClaims: ['sub'] }],
];
