/**
 * One configuration, every form: each review fixture (one per finding and research case, plus the
 * secure ones) is judged the same whether it is read as the Terraform JSON cdktf writes, Terraform
 * JSON in the array shape other tools write, HCL, a plan (`terraform show -json`), or, for AWS,
 * CloudFormation JSON and YAML. The other forms are committed files (scripts/gen-review-forms.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { extractAll, loadFiles, loadInputs, TrustRelationship } from '../../lib/review/scan/extract';
import { FINDING_IDS } from '../../lib/review/scan/findings';
import { scan } from '../../lib/review/scan/scanner';
import { formFiles } from '../support/forms';

const FIXTURES = path.join(__dirname, 'fixtures');

/** What a finding is, without where the file is: resource, statement, id, message. */
function judged(trusts: TrustRelationship[], withMessages = true): string[] {
  return scan(trusts).map(f => [f.resource, f.statement ?? '', f.id, withMessages ? f.message : ''].join(' | ')).sort();
}

function base(kind: string, file: string): TrustRelationship[] {
  return extractAll(loadFiles(path.join(FIXTURES, kind), [file]));
}

const CASES = ['insecure', 'secure'].flatMap(kind => fs.readdirSync(path.join(FIXTURES, kind)).sort().map(file => ({ kind, file })));
const TF = CASES.filter(c => c.file.endsWith('.tf.json')).map(c => ({ ...c, name: `${c.kind}-${c.file.replace(/\.tf\.json$/, '')}` }));
const CFN = CASES.filter(c => c.file.endsWith('.template.json')).map(c => ({ ...c, name: `${c.kind}-${c.file.replace(/\.template\.json$/, '')}` }));

/** Policies written as JSON text around a reference: a plan cannot know them before apply. */
const PLAN_AFTER_APPLY = ['insecure-aws-jsonencode-unresolvable', 'insecure-aws-role-inline-json-aud-only'];

describe('every form of a configuration is judged the same', () => {
  test('the committed forms are what scripts/gen-review-forms.ts writes', () => {
    for (const [rel, text] of formFiles(FIXTURES)) {
      expect({ rel, same: fs.existsSync(path.join(FIXTURES, rel)) && fs.readFileSync(path.join(FIXTURES, rel), 'utf8') === text }).toEqual({ rel, same: true });
    }
  });

  test.each(TF.map(c => [c.name, c]))('Terraform %s: cdktf JSON = array-shape JSON = HCL = plan JSON', async (_n, c) => {
    const want = judged(base(c.kind, c.file));
    const array = extractAll(loadFiles(path.join(FIXTURES, 'tfjson-array'), [`${c.name}.tf.json`]));
    expect(judged(array)).toEqual(want);
    const hcl = extractAll(await loadInputs(path.join(FIXTURES, 'hcl', c.name), ['main.tf']));
    expect(judged(hcl)).toEqual(want);
    // A plan resolves what the configuration names (the pool's full name), so messages may differ.
    const plan = extractAll(loadFiles(path.join(FIXTURES, 'plan'), [`${c.name}.plan.json`]));
    if (PLAN_AFTER_APPLY.includes(c.name)) {
      // The policy embeds the provider's ARN, so Terraform knows it only after apply: not analysable, by name.
      const fs2 = scan(plan);
      expect(fs2.map(f => f.id)).toEqual(['CIT-AWS-020']);
      expect(fs2[0].message).toContain('known only after apply: depends on aws_iam_openid_connect_provider.github.arn');
    } else {expect(judged(plan, false)).toEqual(judged(base(c.kind, c.file), false));}
    expect(hcl.every(t => t.format === 'terraform-hcl' && t.region !== undefined)).toBe(true);
    expect(plan.every(t => t.format === 'terraform-plan')).toBe(true);
  });

  test.each(CFN.map(c => [c.name, c]))('CloudFormation %s: JSON = YAML with short-form intrinsics', (_n, c) => {
    const want = judged(base(c.kind, c.file));
    const yaml = extractAll(loadFiles(path.join(FIXTURES, 'cloudformation-yaml'), [`${c.name}.yaml`]));
    expect(judged(yaml)).toEqual(want);
    expect(yaml.every(t => t.format === 'cloudformation-yaml' && t.region !== undefined)).toBe(true);
  });

  test('the forms cover every finding id', () => {
    const seen = new Set(CASES.flatMap(c => scan(base(c.kind, c.file)).map(f => f.id)));
    expect(FINDING_IDS.filter(id => !seen.has(id))).toEqual([]);
  });
});
