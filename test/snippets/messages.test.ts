/**
 * The refusals and notes the snippet issue reported, each saying what can be done instead of
 * advice that cannot help: Azure's fix for a subject that varies per build, step or user; the
 * Buildkite pipeline-id trust on a branch; an HCP Terraform host name given as a URL; AWS fixes for
 * providers whose subject cannot be customized; and the snippets' own contexts.
 */
import { compileAwsTrust } from '../../lib/aws/compile';
import { AzureCloud } from '../../lib/azure';
import { compileTrust } from '../../lib/azure/compile';
import { BitbucketPipelines } from '../../lib/ci/bitbucket';
import { Buildkite, BuildkiteSubject } from '../../lib/ci/buildkite';
import { CircleCi } from '../../lib/ci/circleci';
import { GitHubActions } from '../../lib/ci/github';
import { HcpTerraform } from '../../lib/ci/hcp-terraform';
import { ciSnippet } from '../../lib/emit/snippets';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { thrownConfigError } from '../support/errors';

const PIPE = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const bb = () => BitbucketPipelines.repository({ workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' });
const cc = () => CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee' });
const azure = (t: Trust) => thrownConfigError(() => compileTrust(t, AzureCloud.PUBLIC));
const aws = (t: Trust) => thrownConfigError(() => compileAwsTrust(t.withAudiences(t.audiences ?? ['sts.amazonaws.com']), 'arn:aws:iam::1:oidc-provider/x'));

describe('Azure: a subject that varies per build, step or user is not "enumerate the branches"', () => {
  test.each([
    ['Buildkite (composite subject: the commit varies)', Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPE }).onBranch('main').toTrust(), /commit SHA.*changes with every build.*--subject-claim pipeline_id.*BuildkiteSubject\.PIPELINE_ID.*or pin branches and steps from AWS or GCP/],
    ['CircleCI (the user, then the VCS origin and ref)', cc().onAnyRef().accept(Widening.ANY_REF).toTrust(), /ends with the id of the user who started the job.*trust the project from AWS or GCP/],
    ['CircleCI with a user pinned (the v2 token still appends origin and ref)', cc().onAnyRef().byUser('4c2f1e0d-9b8a-4c7d-8e6f-5a4b3c2d1e0f').accept(Widening.ANY_REF).toTrust(), /v2 token .* appends the VCS origin and ref/],
    ['Bitbucket (the per-run step UUID)', bb().inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}').toTrust(), /ends with the step UUID, which is new for every run.*trust the repository from AWS or GCP/],
  ])('%s', (_name, trust, fix) => {
    const e = azure(trust);
    expect(e.problem).toMatch(/match the subject exactly, without wildcards/);
    expect(e.fix).toMatch(fix);
    expect(e.fix).not.toMatch(/enumerate/);
  });

  test('a pattern over refs GitHub could list still says to enumerate them', () => {
    expect(azure(GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust()).fix)
      .toMatch(/^enumerate the branches, tags or environments instead of a pattern \(one credential per subject, at most 20 per identity\)/);
  });
});

test('Azure: a pipeline-id Buildkite trust pinned to a branch is not told to use the subject claim it already uses', () => {
  const e = azure(Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPE, subject: BuildkiteSubject.PIPELINE_ID }).onBranch('main').toTrust());
  expect(e.problem).toMatch(/also pins build_branch/);
  expect(e.fix).toBe('with `--subject-claim pipeline_id` the subject is the pipeline UUID alone, so Azure cannot tell build_branch apart: drop that pin (every build of the pipeline is then trusted; gate deploys with a block step), or trust the pipeline from AWS (session tags) or GCP (attribute condition), which check it');
  expect(e.fix).not.toMatch(/^for Buildkite use|use the `--subject-claim`/);
});

describe('HCP Terraform: a host name given as a URL', () => {
  test.each([
    ['https://tfe.acme.example', /includes a URL scheme/],
    ['http://tfe.acme.example', /includes a URL scheme/],
    ['tfe.acme.example:8443', /includes a port, path or other URL part/],
    ['tfe.acme.example/app', /includes a port, path or other URL part/],
    ['tfe_acme', /has an invalid host/],
  ])('%s', (hostname, problem) => {
    const e = thrownConfigError(() => HcpTerraform.workspace({ organization: 'acme', project: 'Platform', workspace: 'net', hostname }));
    expect(e.where).toBe('HcpTerraform.workspace(hostname)');
    expect(e.problem).toMatch(problem);
    expect(e.problem).not.toMatch(/https:\/\/https:\/\/|uses port ;/);
    expect(e.fix).toBe('give the Terraform Enterprise host name only, without scheme, port or path, e.g. tfe.example.com');
    expect(e.ruleId).toBe('CIT-M006');
  });

  test('a host name alone is the issuer', () => {
    expect(HcpTerraform.workspace({ organization: 'acme', project: 'Platform', workspace: 'net', hostname: 'tfe.acme.example' }).forApply().accept(Widening.NAME_ONLY_IDENTITY).toTrust().issuer).toBe('https://tfe.acme.example');
  });
});

describe('AWS: providers whose subject cannot be customized are not told to put the claim in it', () => {
  test.each([
    ['CircleCI branch', cc().onBranch('main').toTrust(), /^CircleCI's subject cannot be made to carry oidc\.circleci\.com\/vcs-ref: drop the pin for AWS \(onAnyRef\(\) with Widening\.ANY_REF.*keep "Pass secrets to builds from forked pull requests" off\), or use GCP/],
    ['Bitbucket branch', bb().inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}').onBranch('main').toTrust(), /^Bitbucket's subject cannot be made to carry branchName: on AWS pin the deployment environment \(its UUID is in the subject\) instead, or use GCP/],
    ['CircleCI context (a list claim)', cc().onBranch('main').inContext('0191f956-1111-4222-8333-944455556666').toTrust(), /./],
  ])('%s', (_name, trust, fix) => {
    const e = aws(trust);
    expect(e.fix).toMatch(fix);
    expect(e.fix).not.toMatch(/put it in the subject|pin the project and branch instead/);
  });
});

describe('the snippets\' own contexts', () => {
  const repo = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' });
  const target = { cloud: 'azure', principal: 'client', tenantId: 't' } as const;

  test('a pull-request trust\'s workflow runs on pull requests, not on a manual dispatch its token would not match', () => {
    const text = ciSnippet(repo().onPullRequest().toTrust().withAudiences(['api://AzureADTokenExchange']), target);
    expect(text).toContain('on:\n  pull_request:\n');
    expect(text).not.toMatch(/workflow_dispatch|push:/);
  });

  test('an environment staging trust\'s job is in environment staging', () => {
    const text = ciSnippet(repo().inEnvironment('staging').toTrust().withAudiences(['api://AzureADTokenExchange']), target);
    expect(text).toContain('    environment: staging\n');
    expect(text).not.toContain('production');
  });

  test('Bitbucket: the step properties are under step:, the deployment is the pinned environment\'s', () => {
    const text = ciSnippet(bb().inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}').toTrust(), { cloud: 'gcp', principal: 'projects/1/locations/global/workloadIdentityPools/p/providers/q', serviceAccount: 'sa@p.iam.gserviceaccount.com' });
    expect(text).toContain('    - step:\n        name: deploy\n        oidc: true\n        deployment: "<name of the environment {3f2a8a4e-1111-4222-8333-944455556666}>"\n        script:\n');
    expect(text).toContain('--service-account=sa@p.iam.gserviceaccount.com');
    expect(text).not.toMatch(/# exchange/);
  });
});

test('the review renders a GCP trust\'s snippet with the service account granted to it', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TerraformStack, Testing } = require('cdktf');
  const { GcpWorkloadIdentityPool } = require('../../lib/gcp');
  const { readMetadata } = require('../../lib/review/scan/extract/metadata');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const stack = new TerraformStack(Testing.app(), 'review');
  const trust = Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPE }).onBranch('main').toTrust();
  const provider = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' }).addProvider('P', { providerId: 'buildkite', trusts: [trust] });
  const before = readMetadata(JSON.parse(JSON.stringify(stack.toTerraform())).resource.google_iam_workload_identity_pool_provider[provider.resource.friendlyUniqueId]['//']['ci-oidc-trust'])[0].ciSnippet;
  expect(before).toMatch(/Direct resource access/);
  provider.grantServiceAccountImpersonation('deployer@my-project.iam.gserviceaccount.com', trust);
  const json = JSON.parse(JSON.stringify(stack.toTerraform()));
  const fromProvider = readMetadata(json.resource.google_iam_workload_identity_pool_provider[provider.resource.friendlyUniqueId]['//']['ci-oidc-trust'])[0].ciSnippet;
  expect(fromProvider).toContain('--service-account=deployer@my-project.iam.gserviceaccount.com');
  expect(fromProvider).not.toMatch(/Direct resource access/);
});
