/**
 * Terraform reads every string as a template, so the constructs write trust values through
 * `terraformLiteral` and the simulators and the review read them back through `readTerraformString`.
 * The two are held to each other (fast-check) and, where `terraform` is installed, to Terraform
 * itself (`terraform console` on a JSON configuration of locals, no provider needed); then a GCP
 * provider whose branch holds `${…}` and `%{…}` is deployed as compiled: the simulator judges the
 * synthesized JSON as the model does, and the review reads the condition GCP will get.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { GitHubActions } from '../../lib/ci/github';
import { terraformLiteral } from '../../lib/emit/terraform';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { extractAll, loadFiles } from '../../lib/review/scan/extract';
import { hasInterpolation, knownString } from '../../lib/review/scan/extract/terraform-config';
import { GcpTrustSimulator } from '../../lib/testing';
import { readTerraformString, terraformStringValue } from '../../lib/testing/private/terraform';
import { thrownConfigError } from '../support/errors';
import { findTerraform } from '../support/terraform';

const TEMPLATE_HAZARDS = ['${', '%{', '$${', '%%{', '$', '%', '{', '}', '$$', '%%', 'x', ' ', '"', '\\', 'é'];
const templateText = fc.array(fc.constantFrom(...TEMPLATE_HAZARDS), { maxLength: 8 }).map((a) => a.join(''));

describe('terraformLiteral and readTerraformString', () => {
  test('reading what was written gives the value back, for any text', () => {
    fc.assert(fc.property(templateText, (s) => readTerraformString(terraformLiteral(s)) === s), { numRuns: 2000 });
  });

  test('an unescaped interpolation or directive has no literal value; the simulators refuse it, naming it', () => {
    expect(readTerraformString('a${var.x}')).toBeUndefined();
    expect(readTerraformString('%{ if x }y%{ endif }')).toBeUndefined();
    expect(readTerraformString('a$${var.x}%%{y}')).toBe('a${var.x}%{y}');
    const e = thrownConfigError(() => terraformStringValue('a${var.x}', 'GcpTrustSimulator', 'p: attribute_condition'));
    expect(e.where).toBe('GcpTrustSimulator');
    expect(e.problem).toContain('p: attribute_condition is a Terraform template expression ("a${var.x}")');
    expect(e.fix).toContain('escape ${ as $${');
  });
});

const terraform = findTerraform();
if (!terraform) process.stderr.write('terraform.test.ts: the real-terraform check is SKIPPED, terraform is not on PATH (set TERRAFORM)\n');

describe("the review's normalized Terraform JSON (templates evaluated, a literal ${ written $${)", () => {
  test('a known string is read back, a dollar before an escaped ${ included; an unknown is undefined', () => {
    expect(knownString('a$${x}b')).toBe('a${x}b');
    expect(knownString('$$${x}')).toBe('$${x}');
    expect(hasInterpolation('$$${x}')).toBe(false);
    expect(knownString('arn:${var.partition}:x')).toBeUndefined();
    expect(hasInterpolation('arn:${var.partition}:x')).toBe(true);
    expect(knownString('100%{')).toBe('100%{'); // directives are evaluated by then
  });
});

(terraform ? describe : describe.skip)('the real terraform reads what terraformLiteral writes as the value itself', () => {
  test('generated texts, one configuration of locals', () => {
    const values = fc.sample(templateText, { numRuns: 300, seed: 42 }).concat(['${var.x}', '%{ if true }y%{ endif }', '$$${', '%%%{', 'a$${b']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-tfliteral-'));
    try {
      const locals = Object.fromEntries(values.map((v, i) => [`v${i}`, terraformLiteral(v)]));
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals }));
      const cliConfig = path.join(dir, 'terraform.rc');
      fs.writeFileSync(cliConfig, '');
      const out = execFileSync(terraform!, ['console'], {
        cwd: dir,
        input: `base64encode(jsonencode([${values.map((_, i) => `local.v${i}`).join(', ')}]))\n`,
        env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_DATA_DIR: path.join(dir, '.terraform') },
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: 120_000,
      }).toString();
      // Base64, so that console's own quoting of the printed string (it escapes `${` again) is out of the way.
      const line = out.trim().split('\n').pop()!;
      expect(JSON.parse(Buffer.from(JSON.parse(line), 'base64').toString('utf8'))).toEqual(values);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('a GCP provider whose branch holds ${…} and %{…}', () => {
  const branch = 'feat/${var.x}%{if_y}';
  const stack = new TerraformStack(Testing.app(), 'stack');
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' });
  const trust = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).onBranch(branch).toTrust();
  const provider = pool.addProvider('GitHub', { providerId: 'github', trusts: [trust] });
  provider.grantServiceAccountImpersonation('deploy@my-project.iam.gserviceaccount.com');
  const json = JSON.parse(Testing.synth(stack));
  const p: any = Object.values(json.resource.google_iam_workload_identity_pool_provider)[0];

  test('every string written from the trust is a Terraform literal of the text GCP must receive', () => {
    expect(readTerraformString(p.attribute_condition)).toBe(provider.attributeCondition);
    expect(provider.attributeCondition).toContain("refs/heads/feat/${var.x}%{if_y}'");
    for (const [k, v] of Object.entries(p.attribute_mapping)) expect(readTerraformString(v as string)).toBe(provider.attributeMapping[k]);
    expect(readTerraformString(p.description)).toContain(branch);
  });

  test('the simulator, reading the Terraform JSON, judges as the model', () => {
    const sim = GcpTrustSimulator.fromTerraformJson(json);
    const claims = (ref: string) => ({
      iss: 'https://token.actions.githubusercontent.com',
      aud: `https://iam.googleapis.com/${provider.providerName}`,
      sub: `repo:acme@1/web@2:ref:${ref}`,
      repository_id: '2',
      ref,
    });
    for (const ref of [`refs/heads/${branch}`, 'refs/heads/feat/', 'refs/heads/feat/x']) {
      expect(sim.evaluate({ claims: claims(ref) }).allowed).toBe(provider.trusts[0].evaluate(claims(ref)).allowed);
    }
    expect(sim.evaluate({ claims: claims(`refs/heads/${branch}`) }).allowed).toBe(true);
  });

  test('the review reads the condition GCP gets, with nothing unresolved', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-tfliteral-review-'));
    try {
      fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json));
      const [rel] = extractAll(loadFiles(dir, ['cdk.tf.json'])).filter((t) => t.cloud === 'gcp' && t.resourceType === 'google_iam_workload_identity_pool_provider');
      expect(rel.gcp?.attributeCondition).toBe(provider.attributeCondition);
      expect(rel.unresolved).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
