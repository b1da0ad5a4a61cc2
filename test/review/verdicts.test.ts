/**
 * Verdicts a team can gate CI on (docs/review.md#severity): one severity principle on every cloud
 * and input form, provider-aware rules, honest "not analysable", and the configurations vendors
 * and well-known projects publish (written here in their shapes) judged as safe or broad by intent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GitHubActions } from '../../lib/ci/github';
import { GitLabCi, GitLabSubjectComponent } from '../../lib/ci/gitlab';
import { TrustConfigError } from '../../lib/model/errors';
import { RULES, RuleLevel } from '../../lib/model/rules';
import { reviewModel } from '../../lib/review/attribution/attribute';
import { buildReport } from '../../lib/review/render';
import { extractAll, extractCloudFormation, extractTerraform, loadFiles, loadInputs, TrustRelationship } from '../../lib/review/scan/extract';
import { failsGate, FINDING_CLASSES, FINDINGS, fixFor, sarifLevel, severityOf } from '../../lib/review/scan/findings';
import { Finding, scan } from '../../lib/review/scan/scanner';
import { runCli } from '../support/cli';
import { SCHEMA, validate } from '../support/schema';

const GH = 'token.actions.githubusercontent.com';
const ids = (found: Finding[]) => [...new Set(found.map(f => f.id))].sort();
const classes = (found: Finding[]) => [...new Set(found.map(f => f.class))].sort();

// ---------------------------------------------------------------- input builders

function cfnTemplate(condition: unknown, host = GH, extra: Record<string, unknown> = {}, federated: unknown = { Ref: 'Provider' }) {
  return {
    ...extra,
    Resources: {
      Provider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: `https://${host}`, ClientIdList: ['sts.amazonaws.com'] } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: federated }, ...(condition === undefined ? {} : { Condition: condition }) }],
          },
        },
      },
    },
  };
}
const aws = (condition: unknown, host = GH, extra: Record<string, unknown> = {}) => scan(extractCloudFormation('t.template.json', cfnTemplate(condition, host, extra)));
const ghAws = (subOp: string, sub: unknown) => aws(subOp === 'StringEquals'
  ? { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: sub } }
  : { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, [subOp]: { [`${GH}:sub`]: sub } });

function tfAwsDocument(conditions: { test: string; variable: string; values: string[] }[], host = GH) {
  return scan(extractTerraform('t.tf.json', {
    resource: {
      aws_iam_openid_connect_provider: { p: { url: `https://${host}`, client_id_list: ['sts.amazonaws.com'] } },
      aws_iam_role: { r: { name: 'r', assume_role_policy: '${data.aws_iam_policy_document.d.json}' } },
    },
    data: {
      aws_iam_policy_document: {
        d: {
          statement: [{
            effect: 'Allow',
            actions: ['sts:AssumeRoleWithWebIdentity'],
            principals: [{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.p.arn}'] }],
            condition: conditions,
          }],
        },
      },
    },
  }));
}

interface GcpOptions {
  issuer?: string;
  mapping?: Record<string, string>;
  members?: string[];
  disabled?: boolean;
  poolDisabled?: boolean;
}
const GH_MAPPING = {
  'google.subject': 'assertion.sub',
  'attribute.repository': 'assertion.repository',
  'attribute.repository_id': 'assertion.repository_id',
  'attribute.repository_owner': 'assertion.repository_owner',
  'attribute.repository_owner_id': 'assertion.repository_owner_id',
  'attribute.ref': 'assertion.ref',
};
function gcpTf(condition: string | undefined, o: GcpOptions = {}) {
  const pool = '${google_iam_workload_identity_pool.ci.name}';
  return {
    resource: {
      google_iam_workload_identity_pool: { ci: { workload_identity_pool_id: 'ci-pool', ...(o.poolDisabled ? { disabled: true } : {}) } },
      google_iam_workload_identity_pool_provider: {
        p: {
          workload_identity_pool_id: '${google_iam_workload_identity_pool.ci.workload_identity_pool_id}',
          workload_identity_pool_provider_id: 'p',
          attribute_mapping: o.mapping ?? GH_MAPPING,
          oidc: [{ issuer_uri: o.issuer ?? `https://${GH}` }],
          ...(condition === undefined ? {} : { attribute_condition: condition }),
          ...(o.disabled ? { disabled: true } : {}),
        },
      },
      google_service_account_iam_member: Object.fromEntries((o.members ?? ['attribute.repository_id/2002']).map((m, i) => [`g${i}`, {
        service_account_id: '${google_service_account.deploy.name}', role: 'roles/iam.workloadIdentityUser', member: `principalSet://iam.googleapis.com/${pool}/${m}`,
      }])),
    },
  };
}
const gcp = (condition: string | undefined, o: GcpOptions = {}) => scan(extractTerraform('g.tf.json', gcpTf(condition, o)));

const azureFic = (subject: string, issuer = `https://${GH}`) => scan(extractTerraform('a.tf.json', {
  resource: { azurerm_federated_identity_credential: { f: { parent_id: 'x', issuer, subject, audience: ['api://AzureADTokenExchange'] } } },
}));
const azureFlex = (expression: string, issuer = `https://${GH}`) => scan(extractTerraform('a.tf.json', {
  resource: { azuread_application_flexible_federated_identity_credential: { f: { application_id: 'x', issuer, audience: 'api://AzureADTokenExchange', claims_matching_expression: expression } } },
}));

// ---------------------------------------------------------------- the severity principle

describe('one severity principle, the same exposure the same class on every cloud', () => {
  const exposures: { name: string; aws: Finding[]; gcp: Finding[]; azure: Finding[]; cls: string[] }[] = [
    {
      name: 'no identity pin on a shared issuer',
      aws: aws({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }),
      gcp: gcp(undefined, { members: ['attribute.ref/refs/heads/main'] }),
      azure: azureFic('environment:prod'),
      cls: ['error'],
    },
    {
      name: 'a wildcard that crosses the owner',
      aws: ghAws('StringLike', 'repo:acme*'),
      gcp: gcp("assertion.sub.startsWith('repo:acme') && assertion.ref == 'refs/heads/main'"),
      azure: azureFlex("claims['sub'] matches 'repo:acme*'"),
      cls: ['error'],
    },
    {
      // The real attack: a repository names its workflow so that its one-key template renders this.
      name: 'a claim any workflow author chooses ahead of the repository',
      aws: ghAws('StringEquals', 'workflow:github-actions:repo:myOrg/myRepo:ref:refs/heads/main'),
      gcp: gcp("assertion.sub == 'workflow:github-actions:repo:myOrg/myRepo:ref:refs/heads/main'"),
      azure: azureFic('workflow:github-actions:repo:myOrg/myRepo:ref:refs/heads/main'),
      cls: ['error'],
    },
    {
      name: 'organisation-wide: a whole-segment wildcard after the owner, or the owner alone',
      aws: ghAws('StringLike', 'repo:acme@1001/*'),
      gcp: gcp("assertion.repository_owner_id == '1001'", { members: ['attribute.ref/refs/heads/main'] }),
      azure: azureFlex("claims['sub'] matches 'repo:acme@1001/*'"),
      cls: ['warning'],
    },
    {
      name: 'any branch (`ref:refs/heads/*`)',
      aws: ghAws('StringLike', 'repo:acme@1001/web@2002:ref:refs/heads/*'),
      gcp: gcp("assertion.sub.startsWith('repo:acme@1001/web@2002:ref:refs/heads/')"),
      azure: azureFlex("claims['sub'] matches 'repo:acme@1001/web@2002:ref:refs/heads/*'"),
      cls: ['warning'],
    },
    {
      name: 'a `*` under an exact comparison never matches',
      aws: ghAws('StringEquals', 'repo:acme@1001/web@2002:*'),
      gcp: gcp("assertion.sub == 'repo:acme@1001/web@2002:*'"),
      azure: azureFic('repo:acme@1001/web@2002:*'),
      cls: ['broken'],
    },
    {
      name: 'no identity pin on a per-tenant issuer (CircleCI organization)',
      aws: aws({ StringEquals: { 'oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0:aud': '0191f956-042f-7ec4-aa62-8e5eeae396d0' } }, 'oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0'),
      gcp: gcp(undefined, { issuer: 'https://oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0', mapping: { 'google.subject': 'assertion.sub' }, members: ['subject/org/0191f956-042f-7ec4-aa62-8e5eeae396d0/project/0184990a-477b-4fa8-9968-496074483cee/user/u'] }),
      azure: azureFlex("claims['sub'] matches 'org/0191f956-042f-7ec4-aa62-8e5eeae396d0/*'", 'https://oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0'),
      cls: ['warning'],
    },
  ];
  test.each(exposures)('$name', ({ aws: a, gcp: g, azure: z, cls }) => {
    expect({ aws: classes(a), gcp: classes(g), azure: classes(z) }).toEqual({ aws: cls, gcp: cls, azure: cls });
  });

  test('a value GitHub %3A-encodes stays one field: the repository still leads and pins', () => {
    for (const fs0 of [ghAws('StringEquals', 'repo:myOrg@1/myRepo@2:environment:Production%3AV1'), azureFic('repo:myOrg@1/myRepo@2:environment:Production%3AV1'), gcp("assertion.sub == 'repo:myOrg@1/myRepo@2:environment:Production%3AV1'")]) {
      expect(ids(fs0)).toEqual([]);
    }
    // Owner keys ahead of the repository are set by GitHub and cannot be chosen: allowed, as the builders allow them.
    expect(ids(ghAws('StringEquals', 'repository_owner_id:1001:repo:acme/web:environment:prod'))).toEqual([]);
    // The same field after a claim any author chooses does not pin: what is left is the owner.
    expect(ids(ghAws('StringEquals', 'repository_owner_id:1001:workflow:deploy:repo:acme/web:environment:prod'))).toEqual(['CIT-AWS-019']);
    expect(ids(ghAws('StringEquals', 'environment:prod'))).toEqual(['CIT-AWS-005']);
    // Encoded or not, a user-chosen field first is refused: the scanner does not rely on the encoding.
    expect(ids(ghAws('StringEquals', 'workflow:Deploy%3A prod:repo:acme@1/web@2:ref:refs/heads/main'))).toEqual(['CIT-AWS-005']);
  });

  test('a grant whose provider is in another file: not analysable, no claim about its condition', () => {
    const r = scan(extractTerraform('g.tf.json', {
      resource: { google_service_account_iam_member: { g: { role: 'r', member: 'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other/attribute.environment/prod' } } },
    }));
    expect(ids(r)).toEqual(['CIT-GCP-016']);
  });

  test('GitLab components: the project must lead', () => {
    const gl = (sub: string) => aws({ StringEquals: { 'gitlab.com:aud': 'https://gitlab.com', 'gitlab.com:sub': sub } }, 'gitlab.com');
    expect(ids(gl('project_path:acme/web:ref_type:branch:ref:main'))).toEqual([]);
    expect(ids(gl('ref_type:branch:ref:main:project_path:acme/web'))).toEqual(['CIT-AWS-005']);
    expect(ids(gl('project_id:42:project_path:acme/web:ref_type:branch:ref:main'))).toEqual([]);
    // On a self-managed instance the issuer is the tenant: the same subject is tenant-wide.
    const self = aws({ StringEquals: { 'gitlab.acme.com:aud': 'x', 'gitlab.acme.com:sub': 'ref_type:branch:ref:main:project_path:acme/web' } }, 'gitlab.acme.com');
    expect(ids(self)).toEqual(['CIT-AWS-018']);
  });

  test('per-tenant issuers: what would cross the tenant is the tenant-wide warning, with the issuer named', () => {
    const ghec = 'token.actions.githubusercontent.com/acme';
    const r = aws({ StringEquals: { [`${ghec}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${ghec}:sub`]: 'repo:*' } }, ghec);
    expect(ids(r)).toEqual(['CIT-AWS-018']);
    expect(r[0].message).toContain(`issuer https://${ghec}`);
  });

  test('rules for shared issuers stay errors there (and the registry knows which issuers are shared)', () => {
    expect(ids(gcp(undefined))).toEqual(['CIT-GCP-001', 'CIT-GCP-007']);
    expect(ids(gcp('true'))).toContain('CIT-GCP-002');
    expect(ids(gcp("assertion.repository_id == '2002' || assertion.ref == 'refs/heads/main'"))).toContain('CIT-GCP-003');
    expect(ids(gcp('true', { issuer: 'https://oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0' }))).toEqual(['CIT-GCP-018']);
  });
});

// ---------------------------------------------------------------- the published configurations

describe('configurations written like the vendors\' published examples', () => {
  test('terraform-aws-modules iam-role: ForAllValues:StringEquals on iss/aud is style, the exact sub pins', () => {
    const tam = (sub: string, test = 'StringEquals') => tfAwsDocument([
      { test: 'ForAllValues:StringEquals', variable: `${GH}:iss`, values: [`https://${GH}`] },
      { test: 'ForAllValues:StringEquals', variable: `${GH}:aud`, values: ['sts.amazonaws.com'] },
      { test, variable: `${GH}:sub`, values: [sub] },
    ]);
    const exact = tam('repo:acme/web:ref:refs/heads/main');
    expect(ids(exact)).toEqual(['CIT-AWS-014', 'CIT-AWS-022']);
    expect(exact.filter(f => f.severity === 'error')).toEqual([]);
    // On the identity pin the set operator is an error: a typo in the key would remove the pin.
    expect(ids(tam('repo:acme/web:ref:refs/heads/main', 'ForAllValues:StringEquals'))).toContain('CIT-AWS-007');
  });

  test('CloudFormation with Parameters, Fn::Sub and Fn::If: not analysable, never "no pin"; the literal skeleton and the defaults are used', () => {
    const [t] = extractAll(loadFiles(path.join(__dirname, 'fixtures', 'insecure'), ['aws-cfn-parameters-fn-sub.template.json']));
    const r = scan([t]);
    expect(ids(r)).toEqual(['CIT-AWS-003', 'CIT-AWS-014', 'CIT-AWS-020']);
    expect(r.some(f => f.id === 'CIT-AWS-001')).toBe(false);
    expect(t.issuer).toBe(`https://${GH}`); // the Fn::If branch that is an OIDC provider
    const na = r.filter(f => f.id === 'CIT-AWS-020').map(f => f.message).join('\n');
    expect(na).toContain('parameter GitHubOrg has no Default');
    expect(na).toContain('parameter OIDCAudience is read as its Default `sts.amazonaws.com`');
    expect(na).toContain('`${GitHubOrg}`, `${RepositoryName}`');
    expect(r.find(f => f.id === 'CIT-AWS-003')!.message).toContain('repo:${GitHubOrg}/${RepositoryName}:*'); // the value as written
  });

  test('a parameter with a Default is judged with it, and said so', () => {
    const extra = { Parameters: { Subject: { Type: 'String', Default: 'repo:acme@1001/*' } } };
    const r = aws({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:sub`]: { Ref: 'Subject' } } }, GH, extra);
    expect(ids(r)).toEqual(['CIT-AWS-019', 'CIT-AWS-020']);
    expect(r.find(f => f.id === 'CIT-AWS-020')!.message).toContain('parameter Subject is read as its Default `repo:acme@1001/*`');
  });

  test('a parameter without a Default for the whole subject: not analysable only', () => {
    const extra = { Parameters: { Subject: { Type: 'String' } } };
    const r = aws({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:sub`]: { Ref: 'Subject' } } }, GH, extra);
    expect(ids(r)).toEqual(['CIT-AWS-020']);
    expect(r.map(f => f.message).join('\n')).toContain('parameter Subject has no Default');
    expect(r.map(f => f.message).join('\n')).toContain('value `${Subject}` holds `${Subject}`, not known statically');
  });

  test('a condition whose values cannot be read is not analysable, never "no pin"', () => {
    const r = scan(extractTerraform('t.tf.json', {
      resource: {
        aws_iam_openid_connect_provider: { p: { url: `https://${GH}`, client_id_list: ['sts.amazonaws.com'] } },
        aws_iam_role: {
          r: {
            assume_role_policy: JSON.stringify({
              Statement: [{
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: '${aws_iam_openid_connect_provider.p.arn}' },
                Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: { unexpected: 'object' } } },
              }],
            }),
          },
        },
      },
    }));
    expect(ids(r)).toEqual(['CIT-AWS-020']);
  });

  test('Fn::If in a condition value: every branch is an alternative, so the broadest decides', () => {
    const r = aws({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:sub`]: { 'Fn::If': ['IsProd', 'repo:acme@1/web@2:ref:refs/heads/main', 'repo:*'] } } });
    expect(ids(r)).toEqual(['CIT-AWS-002', 'CIT-AWS-010', 'CIT-AWS-020']);
  });

  test('Terraform variables in a subject: judged on the literal text around them', () => {
    const r = tfAwsDocument([
      { test: 'StringEquals', variable: `${GH}:aud`, values: ['sts.amazonaws.com'] },
      { test: 'StringLike', variable: `${GH}:sub`, values: ['repo:${var.org}/${var.repo}:*'] },
    ]);
    expect(ids(r)).toEqual(['CIT-AWS-003', 'CIT-AWS-014', 'CIT-AWS-020']);
    expect(ids(azureFic('repo:${var.org}@${var.org_id}/${var.repo}@${var.repo_id}:environment:prod'))).toEqual(['CIT-AZ-014']);
    // A literal wildcard owner is cross-tenant whatever the variable holds.
    expect(ids(tfAwsDocument([{ test: 'StringEquals', variable: `${GH}:aud`, values: ['sts.amazonaws.com'] }, { test: 'StringLike', variable: `${GH}:sub`, values: ['repo:*/${var.repo}:*'] }])))
      .toEqual(['CIT-AWS-002', 'CIT-AWS-020']);
  });

  test('GitHub\'s reusable-workflow pattern (owner plus job_workflow_ref) is organisation-wide, not "no caller"', () => {
    const r = ghAws('StringLike', 'repo:acme/*:job_workflow_ref:acme/shared/.github/workflows/deploy.yml@refs/heads/main');
    expect(ids(r)).toEqual(['CIT-AWS-014', 'CIT-AWS-019']);
    const g = gcp("assertion.repository_owner_id == '1001' && assertion.job_workflow_ref == 'acme/shared/.github/workflows/deploy.yml@refs/heads/main'", { members: ['attribute.repository_owner_id/1001'] });
    expect(ids(g)).toEqual(['CIT-GCP-015']);
  });

  test('a whole-pool grant whose providers all pin one workspace is a warning', () => {
    const hcp = gcp("assertion.terraform_workspace_id == 'ws-0123456789abcdef' && assertion.terraform_run_phase == 'apply'", {
      issuer: 'https://app.terraform.io',
      mapping: { 'google.subject': 'assertion.sub', 'attribute.terraform_workspace_id': 'assertion.terraform_workspace_id' },
      members: ['*'],
    });
    expect(ids(hcp)).toEqual(['CIT-GCP-004']);
    expect(classes(hcp)).toEqual(['warning']);
    // The workspace without the run phase: plan and apply together.
    expect(ids(gcp("assertion.terraform_workspace_id == 'ws-0123456789abcdef'", { issuer: 'https://app.terraform.io', mapping: { 'google.subject': 'assertion.sub' }, members: ['*'] })))
      .toEqual(['CIT-GCP-004', 'CIT-GCP-012']);
  });

  test('Buildkite: session tags without a ref, bare UUID subjects', () => {
    const tags = aws({ StringEquals: { 'agent.buildkite.com:aud': 'sts.amazonaws.com', 'aws:RequestTag/organization_slug': 'acme', 'aws:RequestTag/pipeline_slug': 'deploy' } }, 'agent.buildkite.com');
    expect(ids(tags)).toEqual(['CIT-AWS-003']);
    const branch = aws({ StringEquals: { 'agent.buildkite.com:aud': 'sts.amazonaws.com', 'aws:RequestTag/organization_slug': 'acme', 'aws:RequestTag/pipeline_slug': 'deploy', 'aws:RequestTag/build_branch': 'main' } }, 'agent.buildkite.com');
    expect(ids(branch)).toEqual([]);
    const uuid = aws({ StringEquals: { 'agent.buildkite.com:aud': 'sts.amazonaws.com', 'agent.buildkite.com:sub': '0191f956-042f-7ec4-aa62-8e5eeae396d0' } }, 'agent.buildkite.com');
    expect(ids(uuid)).toEqual(['CIT-AWS-023']);
  });

  test('a bare UUID our construct declared as the pipeline id (its snippet requests --subject-claim pipeline_id) is not flagged', () => {
    const tpl = cfnTemplate({ StringEquals: { 'agent.buildkite.com:aud': 'sts.amazonaws.com', 'agent.buildkite.com:sub': '0191f956-042f-7ec4-aa62-8e5eeae396d0' } }, 'agent.buildkite.com') as any;
    tpl.Resources.Role.Metadata = { 'ci-oidc-trust': JSON.stringify({ version: 1, trusts: [{ id: 't', provider: 'buildkite', description: 'Buildkite jobs of pipeline acme/deploy', ciSnippet: 'buildkite-agent oidc request-token --audience sts.amazonaws.com --subject-claim pipeline_id' }] }) };
    expect(ids(scan(extractCloudFormation('t.template.json', tpl)))).toEqual([]);
  });

  test('gcloud-equivalent Terraform (owner condition, repository grant by name): warnings only', () => {
    const r = gcp("assertion.repository_owner == 'my-org'", { members: ['attribute.repository/my-org/my-repo'] });
    expect(ids(r)).toEqual(['CIT-GCP-007', 'CIT-GCP-011']);
    expect(r.filter(f => f.severity === 'error')).toEqual([]);
  });

  test('disabled providers and pools are reported as disabled', () => {
    const pinned = "assertion.repository_owner_id == '1001' && assertion.repository_id == '2002' && assertion.ref == 'refs/heads/main'";
    expect(ids(gcp(pinned, { disabled: true }))).toEqual(['CIT-GCP-020']);
    expect(gcp(pinned, { poolDisabled: true }).map(f => f.message)).toEqual(['pool ci-pool is disabled: the provider admits no token until the pool is enabled again']);
    // The configuration a re-enable restores is still judged.
    expect(ids(gcp(undefined, { disabled: true }))).toEqual(['CIT-GCP-001', 'CIT-GCP-007', 'CIT-GCP-020']);
  });
});

// ---------------------------------------------------------------- classes, gates, fixes

describe('the catalogue', () => {
  test('every class has findings, and every finding one class and its gate level', () => {
    expect([...new Set(FINDINGS.map(f => f.class))].sort()).toEqual([...FINDING_CLASSES].sort());
    for (const f of FINDINGS) expect(f.severity).toBe(severityOf(f.class));
  });

  test('the scanner and the model agree on the same exposure', () => {
    for (const f of FINDINGS.filter(x => x.model)) {
      const m = RULES[f.model!];
      // A scanner error is a model error; a model widening or warning is a scanner warning.
      if (f.class === 'error') expect({ id: f.id, level: m.level, widening: m.widening }).toEqual({ id: f.id, level: RuleLevel.ERROR, widening: undefined });
      if (m.widening || m.level === RuleLevel.WARNING) expect({ id: f.id, cls: f.class }).toEqual({ id: f.id, cls: 'warning' });
    }
  });

  test('SARIF levels and gates follow the class', () => {
    expect(sarifLevel('CIT-AWS-001')).toBe('error');
    expect(sarifLevel('CIT-AWS-019')).toBe('warning');
    expect(sarifLevel('CIT-AWS-021')).toBe('warning');
    expect(sarifLevel('CIT-AWS-020')).toBe('warning');
    expect(sarifLevel('CIT-AWS-020', { strict: true })).toBe('error');
    expect(sarifLevel('CIT-AWS-001', { skipped: true })).toBe('note');
    expect([failsGate('error', 'error'), failsGate('warning', 'error'), failsGate('broken', 'error'), failsGate('not-analysable', 'error')]).toEqual([true, false, false, false]);
    expect(FINDING_CLASSES.every(c => failsGate(c, 'warning'))).toBe(true);
    expect(failsGate('not-analysable', 'error', { strict: true })).toBe(true);
  });

  test('--strict (buildReport): not analysable gates and is reported as an error', () => {
    const dir = path.join(__dirname, 'fixtures', 'insecure');
    const model = reviewModel(loadFiles(dir, ['aws-unresolved-condition.template.json']));
    expect(buildReport('x', ['f'], model).summary).toMatchObject({ errors: 0, result: 'pass' });
    const strict = buildReport('x', ['f'], model, { strict: true });
    expect(strict.summary).toMatchObject({ errors: 1, warnings: 0, result: 'fail' });
    expect(strict.findings.map(f => [f.class, f.severity])).toEqual([['not-analysable', 'error']]);
  });

  test('fix texts name the provider\'s own claims, not GitHub\'s', () => {
    expect(fixFor('CIT-GCP-001', 'gitlab-ci')).toContain('project_id');
    expect(fixFor('CIT-GCP-001', 'gitlab-ci')).not.toContain('repository_id');
    expect(fixFor('CIT-GCP-018', 'circleci')).toContain('oidc.circleci.com/project-id');
    expect(fixFor('CIT-AWS-001', 'buildkite')).toContain('organization:ORG:pipeline:PIPELINE');
    expect(fixFor('CIT-AWS-001', 'github-actions')).toContain('repo:OWNER@OWNER_ID/REPO@REPO_ID');
    const [f] = gcp(undefined, { issuer: 'https://oidc.circleci.com/org/0191f956-042f-7ec4-aa62-8e5eeae396d0', mapping: { 'google.subject': 'assertion.sub' }, members: ['*'] })
      .filter(x => x.id === 'CIT-GCP-018');
    expect(f.fix).toContain('oidc.circleci.com/project-id');
  });

  test('every input form has findings of every class (fixtures)', async () => {
    const dir = path.join(__dirname, 'fixtures', 'insecure');
    const seen = new Map<string, Set<string>>();
    const note = (trusts: TrustRelationship[]) => {
      for (const t of trusts) {
        const form = formOf(t);
        for (const f of scan([t])) seen.set(form, new Set([...(seen.get(form) ?? []), f.class]));
      }
    };
    for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.json'))) note(extractAll(loadFiles(dir, [file])));
    // Terraform values that stay unknown (variables without a value, resource attributes) are in the
    // hand-written HCL configuration; the JSON fixtures' jsonencode() of literals is evaluated.
    const unknowns = path.join(__dirname, 'fixtures', 'hcl-written', 'unknowns');
    note(extractAll(await loadInputs(unknowns, fs.readdirSync(unknowns).filter(f => /\.(tf|tfvars)$/.test(f)).sort())));
    const all = [...FINDING_CLASSES].sort();
    expect(Object.fromEntries([...seen].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      'cloudformation': all, 'terraform aws_iam_role': all, 'terraform google': all, 'terraform azure': all,
    });
  });
});

function formOf(t: TrustRelationship): string {
  if (t.format === 'cloudformation') return 'cloudformation';
  if (t.cloud === 'aws') return 'terraform aws_iam_role';
  return t.cloud === 'gcp' ? 'terraform google' : 'terraform azure';
}

// ---------------------------------------------------------------- builders refuse what the scanner refuses

describe('builders refuse a user-chosen claim ahead of the identity', () => {
  const gh = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch('main');
  test('GitHub templates', () => {
    expect(() => gh().withClaim('workflow', 'deploy').withSubjectTemplate('workflow', 'repo', 'context')).toThrow(TrustConfigError);
    expect(() => gh().withSubjectTemplate('context', 'repo')).toThrow(/puts "context" ahead of the repository/);
    expect(() => gh().withSubjectTemplate('repository_owner_id', 'repo', 'context').toTrust()).not.toThrow();
  });
  test('GitLab components', () => {
    const C = GitLabSubjectComponent;
    expect(() => GitLabCi.project({ projectPath: 'acme/web', projectId: '42', subjectComponents: [C.REF_TYPE, C.REF, C.PROJECT_PATH] })).toThrow(/ahead of the project/);
    expect(() => GitLabCi.project({ projectPath: 'acme/web', projectId: '42', subjectComponents: [C.PROJECT_ID, C.PROJECT_PATH, C.REF] }).onBranch('main').toTrust()).not.toThrow();
  });
});

// ---------------------------------------------------------------- the CLI gates

describe('gates: --fail-on and --skip', () => {
  const run = (argv: string[]) => runCli(argv);
  const fixture = (f: string) => path.join(__dirname, 'fixtures', 'insecure', f);

  test('--fail-on warning fails on warnings; the default passes them', async () => {
    expect((await run(['review', fixture('aws-any-ref.template.json')])).code).toBe(0);
    const r = await run(['review', fixture('aws-any-ref.template.json'), '--fail-on', 'warning']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('**FAIL** (failing on warnings)');
    expect((await run(['review', fixture('aws-string-equals-star.template.json'), '--fail-on=warning'])).code).toBe(1); // broken
  });

  test('--skip keeps the finding in the report but out of the counts and the gate', async () => {
    const r = await run(['review', fixture('aws-repo-org-prefix.template.json'), '--skip', 'CIT-AWS-002', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc, SCHEMA)).toEqual([]);
    expect(doc.summary).toMatchObject({ errors: 0, skipped: 1, failOn: 'error', result: 'pass' });
    expect(doc.findings.map((f: any) => [f.id, f.class, f.skipped])).toEqual([['CIT-AWS-002', 'error', true]]);
    expect((await run(['review', fixture('aws-repo-org-prefix.template.json'), '--skip=CIT-AWS-019,CIT-AWS-014'])).code).toBe(1);
    const md = await run(['review', fixture('aws-repo-org-prefix.template.json'), '--skip', 'CIT-AWS-002']);
    expect(md.stdout).toContain('**skipped error** `CIT-AWS-002`');
  });

  test('bad gate flags are usage errors', async () => {
    expect((await run(['review', fixture('aws-any-ref.template.json'), '--fail-on', 'info'])).code).toBe(2);
    const r = await run(['review', fixture('aws-any-ref.template.json'), '--skip', 'CIT-AWS-999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown finding id CIT-AWS-999');
    expect((await run(['review', fixture('aws-any-ref.template.json'), '--skip'])).code).toBe(2);
  });

  test('JSON findings carry their class and the provider\'s fix', async () => {
    const doc = JSON.parse((await run(['review', fixture('gcp-circleci-no-condition.tf.json'), '--format', 'json'])).stdout);
    expect(doc.schemaVersion).toBe('2.0.0');
    expect(doc.findings.map((f: any) => [f.id, f.class, f.severity])).toEqual([['CIT-GCP-018', 'warning', 'warning']]);
    expect(doc.findings[0].fix).toContain('oidc.circleci.com/project-id');
  });
});
