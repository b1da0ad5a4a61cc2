/**
 * The trust report of every example (what `npm run examples` prints), as Markdown snapshots for
 * review and as JSON validated against docs/review-schema.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TerraformStack, Testing } from 'cdktf';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { TrustReport } from '../../lib/review';
import { SCHEMA, validate } from '../support/schema';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const names = fs.readdirSync(EXAMPLES).filter((f) => /^(aws|gcp|azure)-.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();

describe.each(names)('example %s', (name) => {
  let report: TrustReport;
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cit-${name}-`));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(EXAMPLES, name)).main(dir);
    report = TrustReport.fromPath(dir, name);
  });

  test('Markdown report (snapshot for review)', () => {
    expect(report.summary.trusts).toBeGreaterThan(0);
    expect(report.summary.errors).toBe(0);
    expect(report.toMarkdown()).toMatchSnapshot();
  });

  test('JSON report matches its schema', () => {
    expect(validate(JSON.parse(report.toJson()), SCHEMA)).toEqual([]);
  });
});

const trust = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production').onBranch('main').toTrust();

test('TrustReport.fromCdkApp and fromCdkStack see the role and its sentence', () => {
  const app = new App();
  const stack = new Stack(app, 'S');
  new CiOidcRole(stack, 'Deploy', { trusts: [trust()] });
  for (const r of [TrustReport.fromCdkApp(app), TrustReport.fromCdkStack(stack)]) {
    expect(r.summary).toEqual({ trusts: 1, errors: 0, warnings: 0, declaredWarnings: 0 });
    expect(r.toMarkdown()).toContain('GitHub Actions jobs of acme/web (owner id 1, repository id 2; immutable subject) in environment production, on branch main');
  }
});

test('CI snippets: the CDKTF constructs give the job configuration for each trust', () => {
  const gcpStack = new TerraformStack(Testing.app(), 'g2');
  const provider = new GcpWorkloadIdentityPool(gcpStack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' }).addProvider('P', { providerId: 'github', trusts: [trust()] });
  const gcp = provider.ciSnippet(undefined, 'deploy@my-project.iam.gserviceaccount.com');
  expect(gcp).toContain('id-token: write');
  expect(gcp).toContain(`workload_identity_provider: ${provider.providerName}`);
  expect(gcp).toContain('service_account: deploy@my-project.iam.gserviceaccount.com');
  expect(gcp).toContain('environment: production');

  const azStack = new TerraformStack(Testing.app(), 'a2');
  const envOnly = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production').toTrust();
  const id = new FederatedManagedIdentity(azStack, 'Id', { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [envOnly] });
  const azure = id.ciSnippet(envOnly, '00000000-0000-4000-8000-000000000000', '11111111-1111-4111-8111-111111111111');
  expect(azure).toContain('uses: azure/login@v2');
  expect(azure).toContain('audience: api://AzureADTokenExchange');
  expect(azure).toContain('tenant-id: 00000000-0000-4000-8000-000000000000');
  expect(azure).toContain('subscription-id: 11111111-1111-4111-8111-111111111111');
  expect(azure).toContain('environment: production');
  expect(() => id.ciSnippet(trust())).toThrow(/not one of this identity's trusts/);
});

test('CI snippet as a CDK stack output', () => {
  const stack = new Stack(new App(), 'S');
  new CiOidcRole(stack, 'Deploy', { trusts: [trust()], ciSnippetOutput: true });
  const outputs = Object.values(Template.fromStack(stack).toJSON().Outputs ?? {}) as any[];
  expect(outputs).toHaveLength(1);
  const text = JSON.stringify(outputs[0].Value);
  expect(text).toContain('aws-actions/configure-aws-credentials');
  expect(text).toContain('Fn::GetAtt'); // the role ARN, resolved at deploy
  expect(text).toContain('audience: sts.amazonaws.com');
});

test('the metadata repeats the sentence only when the role description differs from it', () => {
  const stack = new Stack(new App(), 'S');
  const t = trust();
  new CiOidcRole(stack, 'Default', { trusts: [t] });
  new CiOidcRole(stack, 'Custom', { trusts: [t], description: 'Deploys the web app' });
  const template = Template.fromStack(stack).toJSON();
  const roles = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
  const entry = (d: string) => JSON.parse(roles.find((r) => r.Properties.Description === d).Metadata['ci-oidc-trust']).trusts[0];
  expect(entry(t.description).description).toBeUndefined(); // the role's Description is the sentence
  expect(entry('Deploys the web app').description).toBe(t.description);
  // Either way the review names who is trusted.
  const identities = JSON.parse(TrustReport.fromTemplate(template).toJson()).trusts.map((x: any) => x.identity);
  expect(identities).toEqual([t.description, t.description]);
});

test('the CI snippet is rendered from the compact source in the metadata; a malformed source shows none', () => {
  const stack = new Stack(new App(), 'S');
  new CiOidcRole(stack, 'Deploy', { trusts: [trust()] });
  const template = Template.fromStack(stack).toJSON();
  const role = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::IAM::Role');
  const meta = JSON.parse(role.Metadata['ci-oidc-trust']);
  expect(JSON.stringify(meta.trusts[0].ciSnippetSource).length).toBeLessThan(600); // a few hundred bytes per role, not the rendered text
  expect(TrustReport.fromTemplate(template).toMarkdown()).toContain('aws-actions/configure-aws-credentials@v4');
  // Earlier builds wrote the metadata as an object and the snippet source as a JSON string: still read.
  role.Metadata['ci-oidc-trust'] = { ...meta, trusts: [{ ...meta.trusts[0], ciSnippetSource: JSON.stringify(meta.trusts[0].ciSnippetSource) }] };
  expect(TrustReport.fromTemplate(template).toMarkdown()).toContain('aws-actions/configure-aws-credentials@v4');
  role.Metadata['ci-oidc-trust'].trusts[0].ciSnippetSource = '{not json';
  const broken = TrustReport.fromTemplate(template);
  expect(broken.summary.trusts).toBe(1);
  expect(broken.toMarkdown()).not.toContain('CI snippet');
  role.Metadata['ci-oidc-trust'] = '{not json'; // unreadable metadata text: the statement is still reviewed
  const unreadable = TrustReport.fromTemplate(template);
  expect(unreadable.summary.trusts).toBe(1);
  expect(unreadable.toMarkdown()).not.toContain('Declared by ci-oidc-trust');
});

test('TrustReport.fromCdktfApp synthesizes the app and reviews its stacks', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-cdktf-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App: TfApp } = require('cdktf');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GoogleProvider } = require('@cdktf/provider-google/lib/provider');
  const app = new TfApp({ outdir: dir });
  const stack = new TerraformStack(app, 'ci');
  new GoogleProvider(stack, 'google', { project: 'my-project' });
  new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' }).addProvider('P', { providerId: 'github', trusts: [trust()] });
  const report = TrustReport.fromCdktfApp(app);
  expect(report.summary).toEqual({ trusts: 1, errors: 0, warnings: 0, declaredWarnings: 0 });
  expect(report.toMarkdown()).toContain('GitHub Actions jobs of acme/web');
  expect(() => TrustReport.fromCdktfApp({})).toThrow(/expected a cdktf App/);
});

describe('CI snippets of the other providers say what the job must request', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { CircleCi } = require('../../lib/ci/circleci');
  const { BitbucketPipelines } = require('../../lib/ci/bitbucket');
  const { AzureDevOps } = require('../../lib/ci/azure-devops');
  const { HcpTerraform } = require('../../lib/ci/hcp-terraform');
  const { Widening } = require('../../lib/model/rules');
  const { ciSnippet } = require('../../lib/emit/snippets');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const aws = { cloud: 'aws', principal: 'arn:aws:iam::123456789012:role/deploy' };
  const bound = (t: any) => t.withAudiences(t.audiences ?? ['sts.amazonaws.com']);

  test('CircleCI: the v2 token for its organization audience, a custom audience through `circleci run oidc get`', () => {
    const t = CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee' }).onBranch('main').toTrust();
    expect(ciSnippet(t, aws)).toContain('printf \'%s\' "$CIRCLE_OIDC_TOKEN_V2" > "$AWS_WEB_IDENTITY_TOKEN_FILE"');
    expect(ciSnippet(t, aws)).toContain('filters: { branches: { only: [main] } }');
    expect(ciSnippet(t.withAudiences(['sts.amazonaws.com']), aws)).toContain('circleci run oidc get --claims \'{"aud":"sts.amazonaws.com"}\'');
  });

  test('Bitbucket: oidc on the step, custom audiences listed', () => {
    const t = BitbucketPipelines.repository({ workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' }).inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}').toTrust();
    // Step properties sit under `step:`; the deployment names the environment whose UUID the trust pins.
    expect(ciSnippet(t, aws)).toContain('    - step:\n        name: deploy\n        oidc: true\n');
    expect(ciSnippet(t, aws)).toContain('deployment: "<name of the environment {3f2a8a4e-1111-4222-8333-944455556666}>"');
    expect(ciSnippet(t, aws)).not.toContain('deployment: production');
    expect(ciSnippet(t.withAudiences(['sts.amazonaws.com']), aws)).toContain('        oidc:\n          audiences:\n            - sts.amazonaws.com\n');
  });

  test('Azure DevOps: the service connection by name, or the pipeline token request', () => {
    const ado = { organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'acme', project: 'platform' };
    // On AWS no Azure task: the service connection's token comes from the same REST call as the pipeline's.
    const sc = ciSnippet(AzureDevOps.serviceConnection({ ...ado, serviceConnection: 'aws-prod' }).toTrust(), aws);
    expect(sc).toContain('"$SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=<id of service connection aws-prod>"');
    expect(sc).not.toContain('AzureCLI@2');
    expect(ciSnippet(AzureDevOps.serviceConnection({ ...ado, serviceConnection: 'az-prod' }).toTrust(), { cloud: 'azure', principal: 'client' })).toContain('azureSubscription: az-prod');
    expect(ciSnippet(AzureDevOps.pipeline({ ...ado, pipeline: 'deploy' }).toTrust(), aws)).toContain('"$SYSTEM_OIDCREQUESTURI?api-version=7.1"');
  });

  test('HCP Terraform: the workspace variables for the run phase', () => {
    const apply = bound(HcpTerraform.workspace({ organization: 'acme', project: 'Platform', workspace: 'net' }).forApply().accept(Widening.NAME_ONLY_IDENTITY).toTrust());
    const header = '# HCP Terraform workspace acme/net: variables\n# Environment variables of workspace acme/Platform/net (category "env").\n';
    expect(ciSnippet(apply, aws)).toBe(`${header}# Plan runs need credentials of their own (TFC_*_PLAN_*): this trust admits apply runs only.\nTFC_AWS_PROVIDER_AUTH=true\nTFC_AWS_APPLY_ROLE_ARN=arn:aws:iam::123456789012:role/deploy\nTFC_AWS_WORKLOAD_IDENTITY_AUDIENCE=sts.amazonaws.com\nAWS_REGION=<region of the role's stack>\n`);
    const plan = HcpTerraform.workspace({ organization: 'acme', project: 'Platform', workspace: 'net' }).forPlan().accept(Widening.NAME_ONLY_IDENTITY).toTrust().withAudiences(['aws.workload.identity']);
    expect(ciSnippet(plan, { ...aws, region: 'eu-west-1' })).toBe(`${header}# Apply runs need credentials of their own (TFC_*_APPLY_*): this trust admits plan runs only.\nTFC_AWS_PROVIDER_AUTH=true\nTFC_AWS_PLAN_ROLE_ARN=arn:aws:iam::123456789012:role/deploy\nAWS_REGION=eu-west-1\n`);
  });
});

test('role descriptions longer than 1,000 characters are cut with ASCII dots (IAM allows Latin-1 only)', () => {
  const stack = new Stack(new App(), 'S');
  const trusts = Array.from({ length: 12 }, (_, i) => GitHubActions.repository({ owner: 'acme', repository: `web-service-with-a-long-name-${i}`, ownerId: '1', repositoryId: String(10 + i) }).inEnvironment('production').toTrust());
  new CiOidcRole(stack, 'Deploy', { trusts, trustPolicySizeQuota: 8192 });
  const role = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::IAM::Role');
  const description: string = role.Properties.Description;
  expect(description.length).toBe(1000);
  expect(description.endsWith('...')).toBe(true);
  expect(/^[\t\n\r\u0020-\u007e\u00a1-\u00ff]*$/.test(description)).toBe(true);
});
