/**
 * The review's inputs: hand-written HCL configurations (aws, google, azurerm) and what they
 * cannot tell, HCL expressions, CloudFormation YAML tags, directories mixing forms, plan JSON made
 * by the real terraform, --strict, and errors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TrustReport } from '../../lib/review/report';
import { extractAll, extractTerraform, loadFiles, loadInputs, TrustRelationship } from '../../lib/review/scan/extract';
import { parseCloudFormationYaml } from '../../lib/review/scan/extract/cloudformation-yaml';
import { evalTerraformString, toTerraformJson } from '../../lib/review/scan/extract/hcl-eval';
import { scan } from '../../lib/review/scan/scanner';
import { runCli } from '../support/cli';

const FIXTURES = path.join(__dirname, 'fixtures');
const WRITTEN = path.join(FIXTURES, 'hcl-written');

const run = (argv: string[]) => runCli(argv);

async function hclDir(dir: string): Promise<TrustRelationship[]> {
  const files = fs.readdirSync(dir).filter(f => /\.(tf|tfvars)$/.test(f)).sort();
  return extractAll(await loadInputs(dir, files));
}

/** resource → sorted finding ids, for every trust (trusts without findings map to []). */
function byResource(trusts: TrustRelationship[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of trusts) out[t.resource] = out[t.resource] ?? [];
  for (const f of scan(trusts)) out[f.resource] = [...new Set([...out[f.resource], f.id])].sort();
  return out;
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cit-inputs-'));
}

describe('hand-written HCL configurations', () => {
  test('aws: variables, .tfvars, locals, dynamic blocks, jsonencode, heredoc, policy documents', async () => {
    expect(byResource(await hclDir(path.join(WRITTEN, 'aws')))).toEqual({
      'aws_iam_role.aud_only': ['CIT-AWS-001'],
      'aws_iam_role.for_all_values': ['CIT-AWS-007'],
      'aws_iam_role.immutable': [],
      // `repo:acme/*`: organisation-wide breadth inside one tenant, by name (docs/review.md#severity).
      'aws_iam_role.org_wildcard': ['CIT-AWS-014', 'CIT-AWS-019'],
      'aws_iam_role.provider_reference': ['CIT-AWS-014'],
      'aws_iam_role.pull_request': ['CIT-AWS-004'],
    });
  });

  test('the .tfvars value and the dynamic block are read: the immutable subject is exact', async () => {
    const t = (await hclDir(path.join(WRITTEN, 'aws'))).find(x => x.resource === 'aws_iam_role.immutable')!;
    expect(t.aws!.conditions.find(c => c.key.endsWith(':sub'))!.values).toEqual(['repo:acme@1001/web@2002:ref:refs/heads/main']);
    expect(t.issuer).toBe('https://token.actions.githubusercontent.com');
    expect(t.file).toBe('main.tf');
    expect(t.region).toEqual({ startLine: 30, startColumn: 1, endLine: 33, endColumn: 2 });
  });

  test('google: conditions, whole-pool grants, a provider without an oidc block is reported, aws providers skipped', async () => {
    expect(byResource(await hclDir(path.join(WRITTEN, 'google')))).toEqual({
      'google_iam_workload_identity_pool_provider.github': [],
      'google_iam_workload_identity_pool_provider.no_condition': ['CIT-GCP-001', 'CIT-GCP-004'],
      'google_iam_workload_identity_pool_provider.no_oidc_block': ['CIT-GCP-015', 'CIT-GCP-016'],
    });
  });

  test('google: a grant in HCL names its service account (a block is a list of one body in hcl2json)', async () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'main.tf'), [
      'resource "google_iam_workload_identity_pool_provider" "gh" {',
      '  workload_identity_pool_id          = "ci"',
      '  workload_identity_pool_provider_id = "github"',
      '  attribute_mapping   = { "google.subject" = "assertion.sub" }',
      '  attribute_condition = "assertion.repository_id == \'123\'"',
      '  oidc { issuer_uri = "https://token.actions.githubusercontent.com" }',
      '}',
      'resource "google_service_account_iam_member" "m" {',
      '  service_account_id = "projects/p/serviceAccounts/sa@p.iam.gserviceaccount.com"',
      '  role               = "roles/iam.workloadIdentityUser"',
      '  member             = "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/attribute.repository_id/123"',
      '}',
      '',
    ].join('\n'));
    const { stdout } = await run(['review', dir, '--format', 'json']);
    const labels = JSON.parse(stdout).principals.map((p: any) => p.principal);
    expect(labels).toEqual(['service account projects/p/serviceAccounts/sa@p.iam.gserviceaccount.com']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('azurerm: classic and flexible credentials', async () => {
    expect(byResource(await hclDir(path.join(WRITTEN, 'azurerm')))).toEqual({
      'azuread_application_flexible_federated_identity_credential.any_branch': ['CIT-AZ-006'],
      'azurerm_federated_identity_credential.environment_only': ['CIT-AZ-004'],
      'azurerm_federated_identity_credential.prod': [],
      'azurerm_federated_identity_credential.wildcard': ['CIT-AZ-003'],
    });
  });

  test('what stays unknown is not analysable, naming the variable or reference, never a silent pass', async () => {
    const trusts = await hclDir(path.join(WRITTEN, 'unknowns'));
    const fs2 = scan(trusts);
    const na = (r: string) => fs2.filter(f => f.resource === r && /^not analysable/.test(f.message)).map(f => f.message);
    // A subject with a variable in it is judged on its literal text, and says which part is unknown.
    expect(fs2.filter(f => f.resource === 'aws_iam_role.variable_subject' && f.id === 'CIT-AWS-020').map(f => f.message)[0])
      .toContain('holds `${var.repository}`, not known statically; only its literal text is judged');
    expect(na('aws_iam_role.generated')[0]).toContain('a statement block is generated from an unresolved expression (depends on var.statements');
    expect(na('google_iam_workload_identity_pool_provider.computed_condition')[0]).toContain('github_repository.web.repo_id (a resource attribute, known after apply)');
    expect(na('azuread_application_flexible_federated_identity_credential.variable_expression')[0]).toContain('var.repository');
  });
});

describe('--strict and the not-analysable note', () => {
  const dir = path.join(WRITTEN, 'unknowns');
  test('without --strict the review says what it could not read; with it the review fails', async () => {
    const plain = await run(['review', path.join(FIXTURES, 'insecure', 'aws-unresolved-condition.template.json')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('**Not analysable**: 1 trust relationship is not analysable');
    expect(plain.stdout).toContain('run with --strict to fail on them');
    const strict = await run(['review', path.join(FIXTURES, 'insecure', 'aws-unresolved-condition.template.json'), '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('**FAIL**');
    expect(strict.stdout).toContain('--strict: 1 trust relationship is not analysable');
    const json = await run(['review', dir, '--strict', '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).summary.result).toBe('fail');
    expect(json.stderr).toContain('--strict: 4 trust relationships are not analysable');
  });

  test('a clean review stays clean under --strict', async () => {
    const r = await run(['review', path.join(FIXTURES, 'secure'), '--strict']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Not analysable');
  });
});

describe('inputs the CLI reads', () => {
  test('a directory mixing CloudFormation YAML, HCL and plan JSON (and skipping other JSON and YAML)', async () => {
    const dir = tmpdir();
    fs.copyFileSync(path.join(FIXTURES, 'cloudformation-yaml', 'insecure-aws-repo-star.yaml'), path.join(dir, 'template.yaml'));
    fs.mkdirSync(path.join(dir, 'infra'));
    fs.copyFileSync(path.join(FIXTURES, 'hcl', 'insecure-gcp-no-condition', 'main.tf'), path.join(dir, 'infra', 'main.tf'));
    fs.copyFileSync(path.join(FIXTURES, 'plan', 'insecure-azure-fic-wildcard.plan.json'), path.join(dir, 'tfplan.json'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x"}');
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.github', 'workflows', 'ci.yml'), 'on: push\njobs: {}\n');
    const r = await run(['review', dir, '--format', 'json']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.files).toEqual(['infra/main.tf', 'template.yaml', 'tfplan.json']);
    expect([...new Set(doc.findings.map((f: any) => f.id))].sort()).toEqual(['CIT-AWS-002', 'CIT-AZ-003', 'CIT-GCP-001', 'CIT-GCP-007']);
    expect(r.code).toBe(1);
  });

  test('.tfvars files Terraform loads by itself are applied, in its order; others are not', async () => {
    const dir = tmpdir();
    fs.copyFileSync(path.join(WRITTEN, 'unknowns', 'main.tf'), path.join(dir, 'main.tf'));
    const sub = async () => {
      const t = (await hclDir(dir)).find(x => x.resource === 'aws_iam_role.variable_subject')!;
      return t.aws!.conditions.find(c => c.key.endsWith(':sub'))?.values ?? [];
    };
    fs.writeFileSync(path.join(dir, 'prod.tfvars'), 'repository = "ignored"\n');
    // Unknown: kept as a placeholder, so the literal text around it is still judged.
    expect(await sub()).toEqual(['repo:acme/${var.repository}:ref:refs/heads/main']);
    fs.writeFileSync(path.join(dir, 'terraform.tfvars'), 'repository = "web"\n');
    expect(await sub()).toEqual(['repo:acme/web:ref:refs/heads/main']);
    fs.writeFileSync(path.join(dir, 'z.auto.tfvars'), 'repository = "api"\n');
    expect(await sub()).toEqual(['repo:acme/api:ref:refs/heads/main']);
  });

  test('a YAML file named explicitly that is not a template is an input error', async () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'ci.yml'), 'on: push\njobs: {}\n');
    const r = await run(['review', path.join(dir, 'ci.yml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('neither a CloudFormation template');
  });

  test('an HCL syntax error is one line naming file and position (exit 2)', async () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'main.tf'), 'resource "aws_iam_role" "r" {\n');
    const r = await run(['review', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ci-oidc-trust: main\.tf: not valid HCL \(main\.tf:1,\d+-\d+: Unclosed configuration block/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('TrustReport.fromPathAsync reads HCL; fromPath says to use it', async () => {
    const report = await TrustReport.fromPathAsync(path.join(WRITTEN, 'azurerm'));
    expect(report.findingIds()).toEqual(['CIT-AZ-003', 'CIT-AZ-004', 'CIT-AZ-006']);
    expect(() => TrustReport.fromPath(path.join(WRITTEN, 'azurerm'))).toThrow(/fromPathAsync/);
  });
});

describe('Terraform JSON shapes and expressions', () => {
  const role = (policy: unknown) => ({ name: 'r', assume_role_policy: policy });
  const awsIds = (tf: any) => scan(extractTerraform('x.tf.json', tf)).map(f => f.id).sort();
  const AUD_ONLY = '${jsonencode({Statement = [{Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = {Federated = "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"}, Condition = {StringEquals = {"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"}}}]})}';

  test.each([
    ['objects at every level', { resource: { aws_iam_role: { r: role(AUD_ONLY) } } }],
    ['the body as a one-element array', { resource: { aws_iam_role: { r: [role(AUD_ONLY)] } } }],
    ['the names as an array', { resource: { aws_iam_role: [{ r: [role(AUD_ONLY)] }] } }],
    ['the types as an array', { resource: [{ aws_iam_role: [{ r: [role(AUD_ONLY)] }] }] }],
  ])('%s: an aud-only jsonencode() policy is an error (it passed a CI gate as a warning before)', (_n, tf) => {
    expect(awsIds(tf)).toEqual(['CIT-AWS-001']);
  });

  test('a policy document that merges other documents is not analysable, never read as its own blocks only', () => {
    const doc = (extra: object) => ({
      data: { aws_iam_policy_document: { trust: { ...extra, statement: [{ actions: ['sts:AssumeRoleWithWebIdentity'], principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com'] }], condition: [{ test: 'StringEquals', variable: 'token.actions.githubusercontent.com:sub', values: ['repo:acme@1/web@2:ref:refs/heads/main'] }, { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] }] }] } } },
      resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } },
    });
    expect(awsIds(doc({}))).toEqual([]);
    expect(awsIds(doc({ source_policy_documents: ['${data.aws_iam_policy_document.more.json}'] }))).toEqual(['CIT-AWS-020']);
    expect(awsIds(doc({ override_policy_documents: [] }))).toEqual([]);
    // Nothing of its own: still reported.
    const only = doc({ source_policy_documents: ['${data.aws_iam_policy_document.more.json}'] });
    delete (only.data.aws_iam_policy_document.trust as any).statement;
    expect(awsIds(only)).toEqual(['CIT-AWS-020']);
  });

  test('a statement whose effect is an expression is not analysable, in a role\'s trust policy or a web-identity document', () => {
    const statement = (effect: string, action = 'sts:AssumeRoleWithWebIdentity') => ({ effect, actions: [action], principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com'] }] });
    const attached = { variable: { effect: {} }, data: { aws_iam_policy_document: { trust: { statement: [statement('${var.effect}')] } } }, resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } } };
    expect(awsIds(attached)).toEqual(['CIT-AWS-020']);
    const unattached = (action: string) => ({ variable: { effect: {} }, data: { aws_iam_policy_document: { d: { statement: [statement('${var.effect}', action)] } } } });
    expect(awsIds(unattached('sts:AssumeRoleWithWebIdentity'))).toEqual(['CIT-AWS-020']);
    expect(awsIds(unattached('s3:GetObject'))).toEqual([]); // a permission policy: not a trust
    // A service's trust policy with an unknown value is not a web-identity trust either.
    const service = {
      variable: { key: {} },
      data: { aws_iam_policy_document: { trust: { statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }], condition: [{ test: 'StringEquals', variable: '${var.key}', values: ['x'] }] }] } } },
      resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } },
    };
    expect(awsIds(service)).toEqual([]);
    const json = '${jsonencode({Statement = [{Effect = var.effect, Action = "sts:AssumeRoleWithWebIdentity", Principal = {Federated = "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"}}]})}';
    expect(awsIds({ variable: { effect: {} }, resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: json } } } })).toEqual(['CIT-AWS-020']);
  });

  test('variables, locals and functions are evaluated; unknowns keep their text and names', () => {
    const scope = { variable: (n: string) => (n === 'org' ? 'acme' : undefined), local: () => undefined };
    const ev = (s: string) => toTerraformJson(evalTerraformString(s, scope));
    expect(ev('${format("repo:%s/%s", var.org, "web")}')).toBe('repo:acme/web');
    expect(ev('${replace("https://x.io/", "/^https:\\\\/\\\\//", "")}')).toBe('x.io/');
    expect(ev('${[for r in ["a", "b"] : "repo:${var.org}/${r}:*" if r != "b"]}')).toEqual(['repo:acme/a:*']);
    expect(ev('${merge({a = 1}, {b = 2})}')).toEqual({ a: 1, b: 2 });
    expect(ev('$${aws:username}')).toBe('$${aws:username}');
    expect(ev('repo:${var.org}/${var.repo}')).toBe('repo:acme/${var.repo}');
    expect(ev('${jsonencode({sub = "repo:${var.org}/${var.repo}", v = "$${aws:x}"})}')).toBe('{"sub":"repo:acme/${var.repo}","v":"$${aws:x}"}');
    expect(ev('${upper(aws_iam_role.r.arn)}')).toBe('${upper(aws_iam_role.r.arn)}');
    expect(ev('${var.org == "acme" ? "yes" : "no"}')).toBe('yes');
  });
});

describe('template text in a value is text', () => {
  // A branch may be named `feat/${x}%{y}`: Terraform configurations write it `feat/$${x}%%{y}`, plans
  // hold the value itself. The review reads the value in every form (shown, judged and attributed as
  // Entra compares it), and only a real expression is unknown.
  const VALUE = 'repo:acme/app:ref:refs/heads/feat/${x}%{y}';
  const ESCAPED = 'repo:acme/app:ref:refs/heads/feat/$${x}%%{y}';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const credential = (subject: string) => ({ name: 'github-main', resource_group_name: 'rg', parent_id: '${azurerm_user_assigned_identity.deploy.id}', issuer: ISSUER, subject, audience: ['api://AzureADTokenExchange'] });
  const tfJson = (subject: string) => ({
    resource: {
      azurerm_user_assigned_identity: { deploy: { name: 'deploy', resource_group_name: 'rg', location: 'westeurope' } },
      azurerm_role_assignment: { deploy: { scope: '/subscriptions/0000/resourceGroups/rg', role_definition_name: 'Contributor', principal_id: '${azurerm_user_assigned_identity.deploy.principal_id}' } },
      azurerm_federated_identity_credential: { gh: credential(subject) },
    },
  });
  // A hand-written fixture with the subject (and a name Azure accepts) changed.
  const HCL = fs.readFileSync(path.join(FIXTURES, 'hcl', 'insecure-azure-fic-name-only', 'main.tf'), 'utf8')
    .replace('name = "gh"', 'name = "github-main"')
    .replace(/subject = ".*"/, () => `subject = "${ESCAPED}"`);
  const plan = () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'plan', 'secure-azure-fic-hcp-plan.plan.json'), 'utf8'));
    const fic = fixture.planned_values.root_module.resources.find((r: any) => r.type === 'azurerm_federated_identity_credential');
    Object.assign(fic.values, { name: 'github-main', issuer: ISSUER, subject: VALUE });
    const change = fixture.resource_changes.find((r: any) => r.type === 'azurerm_federated_identity_credential');
    Object.assign(change.change.after, { name: 'github-main', issuer: ISSUER, subject: VALUE });
    return fixture;
  };

  test.each([
    ['Terraform JSON', 'main.tf.json', () => JSON.stringify(tfJson(ESCAPED))],
    ['HCL', 'main.tf', () => HCL],
    ['plan JSON', 'plan.json', () => JSON.stringify(plan())],
  ])('%s: the subject is read as its value, judged, and attributed with certainty', async (_form, name, content) => {
    const dir = tmpdir();
    try {
      fs.writeFileSync(path.join(dir, name), content());
      const [rel] = extractAll(await loadInputs(dir, [name]));
      expect(rel.azure?.subject).toBe(VALUE);
      expect(rel.azure?.issuer).toBe(ISSUER);
      expect(rel.unresolved).toEqual([]);
      expect(scan([rel]).map(f => f.id)).not.toContain('CIT-AZ-014');
      const report = JSON.parse((await TrustReport.fromPathAsync(path.join(dir, name))).toJson());
      expect(report.principals.map((p: any) => p.usedBy.map((u: any) => u.certainty))).toEqual([['admitted']]);
      expect(JSON.stringify(report.trusts[0])).not.toContain('$${');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a subject that is an expression stays unknown, named, and undecided', async () => {
    const dir = tmpdir();
    try {
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(tfJson('repo:acme/${var.repo}:ref:refs/heads/main')));
      const [rel] = extractAll(await loadInputs(dir, ['main.tf.json']));
      expect(rel.expressions).toEqual(['subject']);
      expect(rel.unresolved).toEqual([expect.stringContaining('subject contains a Terraform interpolation (depends on var.repo')]);
      expect(scan([rel]).map(f => f.id)).toContain('CIT-AZ-014');
      const report = JSON.parse((await TrustReport.fromPathAsync(path.join(dir, 'main.tf.json'))).toJson());
      expect(report.principals.map((p: any) => p.usedBy.map((u: any) => u.certainty))).toEqual([['possibly']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('plan JSON: principals are read from the planned values, as a configuration\'s are', () => {
  const FIXTURE = path.join(FIXTURES, 'plan', 'secure-gcp-sub-exact-in-list.plan.json');
  const label = async (plan: unknown) => {
    const dir = tmpdir();
    try {
      fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
      const report = JSON.parse((await TrustReport.fromPathAsync(path.join(dir, 'plan.json'))).toJson());
      return report.principals.map((p: any) => [p.principal, p.usedBy.map((u: any) => u.certainty)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test('a service account known only after apply is named by its reference; a known one by its id', async () => {
    const plan = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    expect(await label(plan)).toEqual([['service account google_service_account.deploy', ['admitted']]]);
    const id = 'projects/acme-prod/serviceAccounts/deploy@acme-prod.iam.gserviceaccount.com';
    plan.planned_values.root_module.resources.find((r: any) => r.address === 'google_service_account_iam_member.wif0').values.service_account_id = id;
    const change = plan.resource_changes.find((c: any) => c.address === 'google_service_account_iam_member.wif0').change;
    change.after.service_account_id = id;
    change.after_unknown = {};
    expect(await label(plan)).toEqual([[`service account ${id}`, ['admitted']]]);
  });
});

describe('CloudFormation YAML', () => {
  test('short-form intrinsics become their JSON form; resources keep their position', () => {
    const text = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Parameters:',
      '  Org: { Type: String, Default: acme }',
      'Resources:',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      RoleName: !Sub "${Org}-deploy"',
      '      Arn: !GetAtt Provider.Arn',
      '      Joined: !Join ["", [!Ref "AWS::Partition", ":x"]]',
      '      Picked: !Select [0, !Split [",", "a,b"]]',
      '      Maybe: !If [IsProd, !Ref Org, !Ref "AWS::NoValue"]',
      '      Mapped: !FindInMap [M, !Ref "AWS::Region", K]',
    ].join('\n');
    const { json, regions } = parseCloudFormationYaml('t.yaml', text);
    expect((json as any).Resources.Role.Properties).toEqual({
      RoleName: { 'Fn::Sub': '${Org}-deploy' },
      Arn: { 'Fn::GetAtt': ['Provider', 'Arn'] },
      Joined: { 'Fn::Join': ['', [{ Ref: 'AWS::Partition' }, ':x']] },
      Picked: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
      Maybe: { 'Fn::If': ['IsProd', { Ref: 'Org' }, { Ref: 'AWS::NoValue' }] },
      Mapped: { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'K'] },
    });
    expect(regions.get('Role')).toMatchObject({ startLine: 5, startColumn: 3 });
  });

  test('invalid YAML is an input error', () => {
    expect(() => parseCloudFormationYaml('t.yaml', 'Resources: [\n')).toThrow(/t\.yaml: not valid YAML/);
  });

  test('JSON files read by loadFiles keep working unchanged', () => {
    const t = extractAll(loadFiles(path.join(FIXTURES, 'insecure'), ['aws-repo-star.template.json']));
    expect(t[0].region).toMatchObject({ startColumn: expect.any(Number) });
  });
});
