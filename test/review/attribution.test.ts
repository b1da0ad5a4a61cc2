/**
 * The review's unit and attribution on the cases the issue names: grants attributed by member (not
 * by pool), every declared trust shown with its warnings, the summary agreeing with the lines,
 * merged IAM statements split back per trust, statements no trust declares, overlapping trusts
 * across principals, what each principal can do, and cdktf's Testing.synth output.
 */
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TerraformStack, Testing } from 'cdktf';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { Widening } from '../../lib/model/rules';
import { TrustReport } from '../../lib/review';

const web = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const infra = () => GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' });
const json = (r: TrustReport) => JSON.parse(r.toJson());

/** The issue's app: a pool with a GitHub provider (production deploy, pull requests) and a GitLab provider. */
function issueApp(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'ci');
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-deploy' });
  const production = web().inEnvironment('production').toTrust();
  const pulls = web().onPullRequest().toTrust();
  const github = pool.addProvider('GitHub', { providerId: 'github', trusts: [production, pulls] });
  github.grantServiceAccountImpersonation('deploy@acme-prod.iam.gserviceaccount.com', production);
  github.grantServiceAccountImpersonation('reader@acme-prod.iam.gserviceaccount.com', pulls);
  new StorageBucketIamMember(stack, 'State', { bucket: 'acme-state', role: 'roles/storage.objectAdmin', member: github.principalSetMember(production) });
  const gitlab = pool.addProvider('GitLab', { providerId: 'gitlab', trusts: [infra().onProtectedBranch('main').toTrust()] });
  gitlab.grantServiceAccountImpersonation('infra@acme-prod.iam.gserviceaccount.com');
  return stack;
}

describe('a GCP pool with a GitHub and a GitLab provider', () => {
  const doc = json(TrustReport.fromCdktfStack(issueApp()));
  const unit = (words: string) => doc.trusts.find((t: any) => t.identity.includes(words));
  const uses = (t: any) => t.canUse.map((u: any) => u.principal).sort();

  test('every declared trust is a trust relationship, the pull requests included', () => {
    expect(doc.trusts.map((t: any) => [t.kind, t.identity]).sort()).toEqual([
      ['declared', 'GitHub Actions jobs of acme/web (owner id 1234567, repository id 890123456; immutable subject) in environment production'],
      ['declared', 'GitHub Actions jobs of acme/web (owner id 1234567, repository id 890123456; immutable subject) in pull requests'],
      ['declared', 'GitLab CI/CD pipelines of platform/infra (project id 4242) on protected branch main'],
    ]);
    expect(unit('pull requests').metadata.warnings.map((w: any) => w.id)).toEqual(['CIT-M013']);
  });

  test('grants are attributed by their member: GitLab cannot use what GitHub was granted', () => {
    expect(uses(unit('platform/infra'))).toEqual(['service account projects/acme-prod/serviceAccounts/infra@acme-prod.iam.gserviceaccount.com']);
    expect(uses(unit('environment production'))).toEqual([
      'service account projects/acme-prod/serviceAccounts/deploy@acme-prod.iam.gserviceaccount.com',
      'storage_bucket acme-state',
    ]);
    expect(uses(unit('pull requests'))).toEqual(['service account projects/acme-prod/serviceAccounts/reader@acme-prod.iam.gserviceaccount.com']);
    const bucket = doc.principals.find((p: any) => p.principal === 'storage_bucket acme-state');
    expect(bucket.permissions).toEqual(['roles/storage.objectAdmin']);
    expect(bucket.usedBy.map((u: any) => u.trust)).toEqual([unit('environment production').id]);
  });

  test('the summary counts what is shown, declared warnings included', () => {
    const declared = doc.trusts.reduce((n: number, t: any) => n + (t.metadata?.warnings.length ?? 0), 0);
    expect(declared).toBe(2); // CIT-M013 pull requests, CIT-M014 GitLab main without an environment
    expect(doc.summary).toMatchObject({ trusts: 3, principals: 4, errors: 0, declaredWarnings: 2, warnings: 2 + doc.findings.filter((f: any) => f.severity === 'warning').length });
    const md = TrustReport.fromCdktfStack(issueApp()).toMarkdown();
    expect(md).toContain(`${doc.summary.warnings} warning${doc.summary.warnings === 1 ? '' : 's'} (2 declared by ci-oidc-trust)`);
    expect((md.match(/^- warning `CIT-M01[34]`/gm) ?? []).length).toBe(2);
  });

  test('Testing.synth drops the metadata: the review says how to keep it, and still attributes by member', () => {
    const stripped = json(TrustReport.fromTemplate(JSON.parse(Testing.synth(issueApp()))));
    expect(stripped.trusts.every((t: any) => t.metadata === null)).toBe(true);
    expect(stripped.trusts.every((t: any) => t.notes.some((n: string) => n.includes('TrustReport.fromCdktfStack(stack)')))).toBe(true);
    const gitlab = stripped.trusts.filter((t: any) => t.ciProvider === 'gitlab-ci');
    expect(gitlab.flatMap((t: any) => t.canUse.map((u: any) => u.principal))).toEqual(['service account projects/acme-prod/serviceAccounts/infra@acme-prod.iam.gserviceaccount.com']);
  });
});

describe('AWS', () => {
  test('merged statements are split back per trust; overlapping trusts can use each other\'s roles', () => {
    const stack = new Stack(new App(), 'S');
    const production = web().inEnvironment('production').toTrust();
    const api = GitHubActions.repository({ owner: 'acme', repository: 'api', ownerId: '1234567', repositoryId: '890123457', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production').toTrust();
    const deployRole = new CiOidcRole(stack, 'Deploy', { trusts: [production, api] });
    const readOnly = new CiOidcRole(stack, 'ReadOnly', { trusts: [web().onAnyRef().accept(Widening.ANY_REF).toTrust()] });
    readOnly.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));
    const template = Template.fromStack(stack).toJSON();
    const deploy = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.Description.includes('acme/api'));
    expect(deploy.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1); // both subjects in one statement

    const doc = json(TrustReport.fromTemplate(template));
    // The review names a trust by its fingerprint as compiled (bound to its audience).
    const unit = (t: { fingerprint: string }) => doc.trusts.find((u: any) => u.metadata?.id === t.fingerprint);
    const [boundProduction, boundApi] = deployRole.trusts;
    const [anyRef] = readOnly.trusts;
    expect(doc.trusts).toHaveLength(3);
    const names = (u: any) => u.canUse.map((x: any) => `${x.principal}${x.permissions.map((p: string) => ` — ${p}`).join('')}${x.own ? '' : ` via ${x.via}`}`);
    // Each trust's own subject only, not the merged list.
    expect(unit(boundProduction).conditions.find((c: any) => c.key?.endsWith(':sub')).values).toEqual(['repo:acme@1234567/web@890123456:environment:production']);
    // web's production jobs match the any-ref trust too; api's do not.
    expect(names(unit(boundProduction))).toEqual([expect.stringMatching(/^IAM role Deploy/), expect.stringMatching(/^IAM role ReadOnly.*AWS managed policy ReadOnlyAccess via statement 0$/)]);
    expect(names(unit(boundApi))).toEqual([expect.stringMatching(/^IAM role Deploy/)]);
    // And any-ref jobs in the production environment can assume the deploy role.
    expect(names(unit(anyRef))).toEqual([expect.stringMatching(/^IAM role ReadOnly/), expect.stringMatching(/^IAM role Deploy.* via statement 0$/)]);
  });

  test('a statement no declared trust covers is a trust relationship of its own', () => {
    const stack = new Stack(new App(), 'S');
    const role = new CiOidcRole(stack, 'Deploy', { trusts: [web().inEnvironment('production').toTrust()] });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.FederatedPrincipal(role.principal.policyFragment.principalJson.Federated[0], {}, 'sts:AssumeRoleWithWebIdentity')],
      conditions: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
    }));
    const doc = json(TrustReport.fromCdkStack(stack));
    expect(doc.trusts.map((t: any) => t.kind).sort()).toEqual(['declared', 'statement']);
    const extra = doc.trusts.find((t: any) => t.kind === 'statement');
    expect(extra.metadata).toBeNull();
    expect(extra.findings.length).toBeGreaterThan(0); // judged on its own: an organisation-wide subject
  });

  test('the metadata records statement indexes where a trust\'s blocks are statements, the blocks where statements merged; both read alike', () => {
    const stack = new Stack(new App(), 'S');
    // One statement per trust, unmerged (different issuers): indexes.
    new CiOidcRole(stack, 'Mixed', { trusts: [web().inEnvironment('production').toTrust(), infra().onProtectedBranch('main').toTrust()] });
    // Two subjects of one repository merge into one statement: the blocks.
    new CiOidcRole(stack, 'Merged', { trusts: [web().inEnvironment('production').toTrust(), web().inEnvironment('staging').toTrust()] });
    const template = Template.fromStack(stack).toJSON();
    const role = (id: string) => Object.entries<any>(template.Resources).find(([k, r]) => r.Type === 'AWS::IAM::Role' && k.startsWith(id))![1];
    const entries = (id: string) => JSON.parse(role(id).Metadata['ci-oidc-trust']).trusts;
    const statements = role('Mixed').Properties.AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    const mixed = entries('Mixed');
    expect(mixed.map((e: any) => e.statements).sort()).toEqual([[0], [1]]);
    expect(mixed.every((e: any) => e.conditions === undefined)).toBe(true);
    // Each index names the statement of that trust's own provider.
    for (const e of mixed) expect(JSON.stringify(statements[e.statements[0]].Condition)).toContain(e.provider === 'gitlab-ci' ? 'gitlab.com:' : 'token.actions.githubusercontent.com:');
    expect(entries('Merged').map((e: any) => [e.statements, e.conditions?.length])).toEqual([[undefined, 1], [undefined, 1]]);

    // The same role with the blocks written out (as earlier builds did) reviews identically.
    const asBlocks = JSON.parse(JSON.stringify(template));
    const r = Object.entries<any>(asBlocks.Resources).find(([k, x]) => x.Type === 'AWS::IAM::Role' && k.startsWith('Mixed'))![1];
    const meta = JSON.parse(r.Metadata['ci-oidc-trust']);
    meta.trusts = meta.trusts.map(({ statements: at, ...e }: any) => ({ ...e, conditions: at.map((k: number) => statements[k].Condition) }));
    r.Metadata['ci-oidc-trust'] = JSON.stringify(meta);
    expect(TrustReport.fromTemplate(asBlocks).toJson()).toEqual(TrustReport.fromTemplate(template).toJson());
    expect(json(TrustReport.fromTemplate(template)).trusts.filter((t: any) => t.kind === 'declared')).toHaveLength(4);

    // An index the policy does not have is said, not attributed to another statement.
    const stale = JSON.parse(JSON.stringify(template));
    const s2 = Object.entries<any>(stale.Resources).find(([k, x]) => x.Type === 'AWS::IAM::Role' && k.startsWith('Mixed'))![1];
    const m2 = JSON.parse(s2.Metadata['ci-oidc-trust']);
    m2.trusts[0].statements = [7];
    s2.Metadata['ci-oidc-trust'] = JSON.stringify(m2);
    const notes = json(TrustReport.fromTemplate(stale)).trusts.flatMap((t: any) => t.notes);
    expect(notes).toContain('1 of the 1 condition blocks this trust declares are not in the trust policy (metadata out of date?); only the rest are shown and attributed');
  });

  test('a trust no token of which passes its own role says why', () => {
    const template = {
      Resources: {
        P: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://gitlab.com', ClientIdList: ['sts.amazonaws.com'] } },
        R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Federated: { Ref: 'P' } }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com', 'gitlab.com:sub': 'project_path:acme/web:ref_type:branch:ref:main' } } }] } } },
      },
    };
    const [t] = json(TrustReport.fromTemplate(template)).trusts;
    expect(t.canUse).toEqual([]);
    expect(t.notes).toEqual(['no token of this trust relationship gets through IAM role R: claim aud: no value passes every test']);
  });
});

test('Azure: one trust relationship per declared trust, with its credentials and the role assignments', () => {
  const stack = new TerraformStack(Testing.app(), 'az');
  const id = new FederatedManagedIdentity(stack, 'Deployer', { name: 'deployer', resourceGroupName: 'rg', location: 'westeurope', trusts: [web().inEnvironment('production', 'staging').toTrust(), web().onPullRequest().toTrust()] });
  id.grant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web', 'Reader');
  const doc = json(TrustReport.fromCdktfStack(stack));
  expect(doc.trusts.map((t: any) => [t.kind, t.conditions.length]).sort()).toEqual([['declared', 1], ['declared', 2]]);
  for (const t of doc.trusts) expect(t.canUse.map((u: any) => u.principal)).toEqual(['Reader on /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web']);
  expect(doc.summary.declaredWarnings).toBe(1);
});

test('a template this library did not write: one trust relationship per condition alternative, grants attributed by member form', () => {
  const pool = 'projects/123456789012/locations/global/workloadIdentityPools/ci-pool';
  const tf = {
    resource: {
      google_iam_workload_identity_pool: { ci: { workload_identity_pool_id: 'ci-pool' } },
      google_iam_workload_identity_pool_provider: {
        github: {
          workload_identity_pool_id: '${google_iam_workload_identity_pool.ci.workload_identity_pool_id}',
          workload_identity_pool_provider_id: 'github',
          attribute_condition: "assertion.repository_id == '11' || (assertion.repository_id == '22' && assertion.ref == 'refs/heads/main')",
          attribute_mapping: { 'google.subject': 'assertion.sub', 'attribute.repository_id': 'assertion.repository_id' },
          oidc: [{ issuer_uri: 'https://token.actions.githubusercontent.com' }],
        },
      },
      google_service_account_iam_member: {
        web: { service_account_id: 'projects/p/serviceAccounts/web@p.iam.gserviceaccount.com', role: 'roles/iam.workloadIdentityUser', member: `principalSet://iam.googleapis.com/${pool}/attribute.repository_id/11` },
        api: { service_account_id: 'projects/p/serviceAccounts/api@p.iam.gserviceaccount.com', role: 'roles/iam.workloadIdentityUser', member: `principal://iam.googleapis.com/${pool}/subject/repo:acme/api:ref:refs/heads/main` },
        all: { service_account_id: 'projects/p/serviceAccounts/all@p.iam.gserviceaccount.com', role: 'roles/iam.workloadIdentityUser', member: `principalSet://iam.googleapis.com/${pool}/*` },
      },
    },
  };
  const doc = json(TrustReport.fromTemplate(tf, 'main.tf.json'));
  expect(doc.trusts.map((t: any) => [t.kind, t.id.split('#').pop(), t.canUse.map((u: any) => u.principal.replace(/^service account projects\/p\/serviceAccounts\//, '')).sort()])).toEqual([
    ['alternative', 'alternative-1', ['all@p.iam.gserviceaccount.com', 'api@p.iam.gserviceaccount.com', 'web@p.iam.gserviceaccount.com']],
    ['alternative', 'alternative-2', ['all@p.iam.gserviceaccount.com', 'api@p.iam.gserviceaccount.com']],
  ]);
  // Repository 11's tokens can carry any subject, so the subject grant for api's main branch is theirs too:
  // the simulator agrees on the review's witness.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { reviewModel } = require('../../lib/review/attribution/attribute');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GcpTrustSimulator } = require('../../lib/testing');
  const model = reviewModel([{ file: 'main.tf.json', json: tf }]);
  const sim = GcpTrustSimulator.fromTerraformJson(tf, 'github', { projectNumber: '123456789012' });
  const members: Record<string, { member: string }> = tf.resource.google_service_account_iam_member;
  for (const a of model.attributions) {
    const { member } = members[a.principal.split('.').pop()];
    const r = sim.evaluate({ claims: a.witness.claims, gcpMember: member });
    expect([a.principal, r.reasons]).toEqual([a.principal, []]);
  }
});

test('GCP: a trust\'s VPC-SC ingress policy is shown under that trust, not under the other trusts of its provider', () => {
  const stack = new TerraformStack(Testing.app(), 'net');
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-deploy' });
  const restricted = web().inEnvironment('production').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).toTrust();
  const open = web().onPullRequest().toTrust();
  const p = pool.addProvider('GitHub', { providerId: 'github', trusts: [restricted, open], perimeterName: 'accessPolicies/1/servicePerimeters/ci' });
  p.grantServiceAccountImpersonation('reader@acme-prod.iam.gserviceaccount.com', open);
  const doc = json(TrustReport.fromCdktfStack(stack));
  const network = (words: string) => doc.trusts.find((t: any) => t.identity.includes(words)).network;
  expect(network('environment production')).toEqual([expect.stringMatching(/^VPC-SC ingress .*attribute\.trust_[0-9a-f]{8}\/github/)]);
  expect(network('pull requests')).toEqual([]);
});

test('GCP: what a service account may do is shown next to who can impersonate it', () => {
  const stack = issueApp();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ProjectIamMember } = require('@cdktf/provider-google/lib/project-iam-member');
  new ProjectIamMember(stack, 'DeployerRuns', { project: 'acme-prod', role: 'roles/run.developer', member: 'serviceAccount:deploy@acme-prod.iam.gserviceaccount.com' });
  const doc = json(TrustReport.fromCdktfStack(stack));
  const production = doc.trusts.find((t: any) => t.identity.includes('environment production'));
  expect(production.canUse.find((u: any) => u.principal.includes('deploy@')).permissions).toEqual(['roles/iam.workloadIdentityUser', 'as the service account: roles/run.developer on project acme-prod']);
});

test('GCP: a condition that does not parse is shown and judged as written (not analysable), not read as true', () => {
  const tf = {
    resource: {
      google_iam_workload_identity_pool_provider: { p: { workload_identity_pool_id: 'ci-pool', workload_identity_pool_provider_id: 'p', attribute_condition: "assertion.repository_id == '2002' &&", attribute_mapping: { 'google.subject': 'assertion.sub' }, oidc: [{ issuer_uri: 'https://token.actions.githubusercontent.com' }] } },
    },
  };
  const [t] = json(TrustReport.fromTemplate(tf)).trusts;
  expect(t.conditions[0].expression).toBe("assertion.repository_id == '2002' &&");
  expect(t.findings).toEqual(['CIT-GCP-016']);
});

test('GCP: a literal member in another file reaches the pool of its project number; the same pool id elsewhere does not', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { reviewModel } = require('../../lib/review/attribution/attribute');
  const provider = (project: string) => ({
    resource: {
      google_iam_workload_identity_pool_provider: {
        gh: {
          '//': { 'ci-oidc-trust-gcp': { projectNumber: project, poolId: 'ci-pool', providerId: 'gh' } },
          'workload_identity_pool_id': 'ci-pool',
          'workload_identity_pool_provider_id': 'gh',
          'attribute_condition': "assertion.repository_id == '11'",
          'attribute_mapping': { 'google.subject': 'assertion.sub', 'attribute.repository_id': 'assertion.repository_id' },
          'oidc': [{ issuer_uri: 'https://token.actions.githubusercontent.com' }],
        },
      },
    },
  });
  const grants = { resource: { google_storage_bucket_iam_member: { state: { bucket: 'acme-state', role: 'roles/storage.objectViewer', member: 'principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/ci-pool/attribute.repository_id/11' } } } };
  const m = reviewModel([{ file: 'a/cdk.tf.json', json: provider('111') }, { file: 'b/cdk.tf.json', json: provider('222') }, { file: 'c/cdk.tf.json', json: grants }]);
  expect(m.units.map((u: any) => u.file)).toEqual(['a/cdk.tf.json', 'b/cdk.tf.json']);
  expect(m.attributions.map((a: any) => [a.unit.split('#')[0], a.principal])).toEqual([['a/cdk.tf.json', 'c/cdk.tf.json#google_storage_bucket_iam_member.state']]);
});
