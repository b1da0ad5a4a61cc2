/**
 * Plan JSON made by the real terraform: the hand-written AWS configuration
 * (fixtures/hcl-written/aws) is planned offline (`terraform init -plugin-dir` with a local provider
 * mirror, mock credentials and the provider's skip flags), shown with `terraform show -json`, and
 * reviewed; its findings equal the HCL review's, except the role whose policy embeds the ARN of a
 * provider created in the same apply, which a plan cannot know: not analysable, naming the ARN.
 *
 * Needs `terraform` (TERRAFORM, else on PATH) and a provider mirror holding hashicorp/aws
 * (CIT_TF_PLUGIN_DIR, default /opt/tf-plugins). Without them the tests are skipped with a notice.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { extractAll, loadFiles, loadInputs, terraformModules, TrustRelationship } from '../../lib/review/scan/extract';
import { renderPolicyDocument } from '../../lib/review/scan/extract/policy-document';
import { knownString } from '../../lib/review/scan/extract/terraform-config';
import { scan } from '../../lib/review/scan/scanner';
import { awsPlanMissing, planJson } from '../support/terraform';

const CONFIG = path.join(__dirname, 'fixtures', 'hcl-written', 'aws');


const missing = awsPlanMissing();
if (missing) process.stderr.write(`terraform-plan.test.ts: SKIPPED, ${missing}\n`);
const maybe = missing ? describe.skip : describe;

/** A policy with lists and single values alike as sorted lists (the provider writes one value bare, and lists in its own order). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).map(x => JSON.stringify(x)).sort().map(x => JSON.parse(x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, k === 'Statement' || typeof x !== 'string' ? canonical(x) : canonical([x])]));
  return v;
}

/** The values of a normalized document as the policy holds them (`$${` is `${`). */
function valuesOf(v: unknown): unknown {
  if (typeof v === 'string') return knownString(v) ?? v;
  if (Array.isArray(v)) return v.map(valuesOf);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, valuesOf(x)]));
  return v;
}

function judged(trusts: TrustRelationship[]): string[] {
  return scan(trusts).map(f => `${f.resource} | ${f.statement ?? ''} | ${f.id} | ${f.message}`).sort();
}

maybe('a plan made by the real terraform', () => {
  let dir: string;
  let planFile: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-tfplan-'));
    for (const f of fs.readdirSync(CONFIG)) fs.copyFileSync(path.join(CONFIG, f), path.join(dir, f));
    planFile = 'plan.json';
    fs.writeFileSync(path.join(dir, planFile), JSON.stringify(planJson(dir)));
  }, 600_000);

  test('findings equal the HCL review, but for the policy known only after apply', async () => {
    const plan = extractAll(loadFiles(dir, [planFile]));
    expect(plan.every(t => t.format === 'terraform-plan' && t.file === 'plan.json')).toBe(true);
    const hcl = await extractAll(await loadInputs(CONFIG, ['main.tf', 'providers.tf', 'terraform.tfvars', 'variables.tf']));
    const after = 'aws_iam_role.provider_reference';
    expect(judged(plan).filter(l => !l.startsWith(after))).toEqual(judged(hcl).filter(l => !l.startsWith(after)));
    expect(judged(plan).filter(l => !l.startsWith(after)).length).toBe(5);
    const unknown = scan(plan).filter(f => f.resource === after);
    expect(unknown.map(f => f.id)).toEqual(['CIT-AWS-020']);
    expect(unknown[0].message).toContain('known only after apply: depends on aws_iam_openid_connect_provider.github.arn');
  });

  test('policy documents: the review renders them as the AWS provider does (repeated blocks, principals, &{…}, Deny, NotAction)', async () => {
    // Repeated condition blocks on one key are one OR list: a trap when they were meant as an AND
    // (`acme/*` and `*:ref:refs/heads/main` together admit any repository's main branch).
    const dup = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-tfdoc-'));
    try {
      fs.copyFileSync(path.join(CONFIG, 'providers.tf'), path.join(dup, 'providers.tf'));
      const condition = (test: string, variable: string, values: string) => `    condition {\n      test     = "${test}"\n      variable = "${variable}"\n      values   = [${values}]\n    }\n`;
      const principals = (arn: string) => `    principals {\n      type        = "Federated"\n      identifiers = ["${arn}"]\n    }\n`;
      const GH = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
      fs.writeFileSync(path.join(dup, 'main.tf'), `data "aws_iam_policy_document" "doc" {
  statement {
    sid     = "Ci&{x}"
    actions = ["sts:AssumeRoleWithWebIdentity"]
${principals(GH)}${principals('arn:aws:iam::123456789012:oidc-provider/gitlab.com')}${condition('StringLike', 'token.actions.githubusercontent.com:sub', '"repo:acme/*"')}${condition('StringLike', 'token.actions.githubusercontent.com:sub', '"*:ref:refs/heads/main"')}${condition('StringEquals', 'token.actions.githubusercontent.com:aud', '"sts.amazonaws.com", "&{aws:username}", "a$\${b}"')}  }
  statement {
    effect      = "Deny"
    not_actions = ["sts:TagSession"]
    resources   = ["arn:aws:iam::*:role/&{aws:username}"]
${principals(GH)}  }
}
output "doc" { value = data.aws_iam_policy_document.doc.json }
`);
      const rendered = JSON.parse(planJson(dup).planned_values.outputs.doc.value);
      const [module] = terraformModules(await loadInputs(dup, ['main.tf', 'providers.tf']));
      const ours = renderPolicyDocument((module.tf as any).data.aws_iam_policy_document.doc, { key: (k) => k, explain: () => '' });
      expect(ours.unresolved).toEqual([]);
      expect(canonical(valuesOf(ours.policy))).toEqual(canonical(rendered));
      expect(rendered.Statement[0].Condition.StringLike['token.actions.githubusercontent.com:sub'].slice().sort()).toEqual(['*:ref:refs/heads/main', 'repo:acme/*']);
      // And the review reads that union.
      const [hcl] = extractAll(await loadInputs(dup, ['main.tf', 'providers.tf'])).filter(t => t.aws?.conditions.some(c => c.key.endsWith(':sub')));
      expect(hcl.aws?.conditions.find(c => c.key.endsWith(':sub'))?.values.slice().sort()).toEqual(['*:ref:refs/heads/main', 'repo:acme/*']);
    } finally {
      fs.rmSync(dup, { recursive: true, force: true });
    }
  }, 600_000);

  test('a plan has regions: the resource address in the plan file', () => {
    const plan = extractAll(loadFiles(dir, [planFile]));
    expect(plan.every(t => t.region && t.region.startLine >= 1)).toBe(true);
  });
});
