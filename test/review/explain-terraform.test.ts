/**
 * explain on Terraform: an AWS role's trust policy from Terraform JSON, HCL and a plan made by the
 * real terraform, GCP and Azure from HCL. The oracle is the model (what each trust admits) and, for
 * the plan, the simulator reading the policy Terraform rendered; explain only translates the
 * module for the simulators, so a translation that drops or alters a value shows as a verdict that
 * differs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { CiOidcRole } from '../../lib/aws/role';
import { GitHubActions } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { terraformLiteral } from '../../lib/emit/terraform';
import { Trust } from '../../lib/model/trust';
import { loadPath } from '../../lib/review/commands/load';
import { judgeAll } from '../../lib/review/explain/judge';
import { AwsTrustSimulator } from '../../lib/testing';
import { awsPlanMissing, planJson } from '../support/terraform';
import { tokenFor } from '../support/tokens';

const io = { stdout: { write: () => true }, stderr: { write: () => true }, isTTY: false };
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `cit-explain-tf-${name}-`));
const FIXTURES = path.join(__dirname, 'fixtures', 'hcl-written');
const OWNER = { owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456' };
const ISSUERS: Record<string, string> = { 'https://token.actions.githubusercontent.com': 'github', 'https://gitlab.com': 'gitlab' };

/** Deep copy with every string a Terraform literal (a policy value may hold `${`, as IAM's escapes do). */
const literal = (v: unknown): unknown => (typeof v === 'string' ? terraformLiteral(v) : Array.isArray(v) ? v.map(literal) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x)])) : v);

/** The role's compiled trust policy as a Terraform user writes it: the provider named by reference. */
function policyText(role: CiOidcRole): string {
  // `.arn` for the GitHub provider, `.id` (the same ARN) for the other: both forms are read.
  const ref = (issuer: string) => {
    const name = ISSUERS[issuer];
    return `\${aws_iam_openid_connect_provider.${name}.${name === 'github' ? 'arn' : 'id'}}`;
  };
  const issuer = role.trusts[0].issuer; // one trust per role here
  const statements = role.principal._statements.map((s) => ({ ...(literal(s) as object), Principal: { Federated: ref(issuer) } }));
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

describe('a CiOidcRole trust policy written as Terraform', () => {
  const branch = 'feat/${x}%{y}';
  const roles: { name: string; role: CiOidcRole }[] = [];
  let dir: string;
  beforeAll(() => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const make = (name: string, trusts: Trust[]) => roles.push({ name, role: new CiOidcRole(stack, name, { trusts }) });
    make('main', [GitHubActions.repository(OWNER).onBranch('main').toTrust()]);
    make('production', [GitHubActions.repository(OWNER).inEnvironment('production').toTrust()]);
    make('template_text', [GitHubActions.repository(OWNER).onBranch(branch).toTrust()]);
    make('gitlab', [GitLabCi.project({ projectPath: 'acme/infra', projectId: '4242' }).onProtectedBranch('main').toTrust()]);
    dir = tmp('roles');
    const providers = {
      github: { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] },
      gitlab: { url: 'https://gitlab.com', client_id_list: ['sts.amazonaws.com'] },
    };
    fs.mkdirSync(path.join(dir, 'json'));
    fs.writeFileSync(path.join(dir, 'json', 'main.tf.json'), JSON.stringify({
      resource: {
        aws_iam_openid_connect_provider: providers,
        aws_iam_role: Object.fromEntries(roles.map(({ name, role }) => [name, { name, assume_role_policy: policyText(role) }])),
      },
    }));
    // HCL: the same policies in heredocs (templates: `$${` is a literal `${`, the reference interpolates).
    fs.mkdirSync(path.join(dir, 'hcl'));
    fs.writeFileSync(path.join(dir, 'hcl', 'main.tf'), [
      ...Object.entries(providers).map(([n, p]) => `resource "aws_iam_openid_connect_provider" "${n}" {\n  url            = "${p.url}"\n  client_id_list = ["sts.amazonaws.com"]\n}\n`),
      ...roles.map(({ name, role }) => `resource "aws_iam_role" "${name}" {\n  name               = "${name}"\n  assume_role_policy = <<-EOT\n    ${policyText(role)}\n  EOT\n}\n`),
    ].join('\n'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(['json', 'hcl'])('%s: explain judges generated tokens as the model does, the audience checked against the provider', async (form) => {
    const input = await loadPath(path.join(dir, form), io);
    const all = roles.flatMap(({ name, role }) => role.trusts.map((trust) => ({ name, trust })));
    let allowed = 0;
    let denied = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...all).chain((t) => tokenFor(t.trust)), async (claims) => {
      const judged = judgeAll(input, claims, {});
      expect(judged).toHaveLength(roles.length);
      for (const { name, role } of roles) {
        const p = judged.find((x) => x.id.endsWith(`#aws_iam_role.${name}`))!;
        expect(p.verdict).not.toBe('not-simulated');
        if (p.verdict === 'allowed') expect(p.notes.join(' ')).not.toContain('audience is not checked');
        const model = role.trusts.some((t) => t.evaluate(claims).allowed);
        expect({ role: name, claims, allowed: p.verdict === 'allowed' }).toEqual({ role: name, claims, allowed: model });
        if (model) allowed++;
        else denied++;
      }
    }), { seed: 20261202, numRuns: 60 });
    expect(allowed).toBeGreaterThan(0);
    expect(denied).toBeGreaterThan(0);
  });

  test('the branch holding ${ and %{ is allowed as text, and a token for another audience is denied by the provider\'s client IDs', async () => {
    const input = await loadPath(path.join(dir, 'json'), io);
    const trust = roles.find((r) => r.name === 'template_text')!.role.trusts[0];
    const claims = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: `repo:acme/web:ref:refs/heads/${branch}`, repository_id: '890123456', ref: `refs/heads/${branch}` };
    expect(trust.evaluate(claims).allowed).toBe(true);
    const p = (c: object) => judgeAll(input, c, {}).find((x) => x.id.endsWith('#aws_iam_role.template_text'))!;
    expect(p(claims).verdict).toBe('allowed');
    const other = p({ ...claims, aud: 'other' });
    expect(other.verdict).toBe('denied');
    // With a network option, the note says what is not read from Terraform.
    const withNetwork = judgeAll(input, claims, { sourceIp: '203.0.113.7' }).find((x) => x.id.endsWith('#aws_iam_role.template_text'))!;
    expect(withNetwork.notes).toContain('the role\'s own policies are not read from Terraform, so a session network policy (deny unless from a network) is not judged: only the trust policy is');
  });
});

describe('hand-written Terraform (test/review/fixtures/hcl-written)', () => {
  const token = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme/web:ref:refs/heads/main', repository_id: '89012345', ref: 'refs/heads/main' };

  test('AWS: JSON policies and policy documents are judged (the documents as the provider renders them: the plan test below holds them to it)', async () => {
    const input = await loadPath(path.join(FIXTURES, 'aws'), io);
    const verdict = (claims: object, r: string) => judgeAll(input, claims, {}).find((p) => p.id.endsWith(`#aws_iam_role.${r}`))!;
    expect(verdict(token, 'aud_only').verdict).toBe('allowed'); // the audience-only policy admits any subject
    expect(verdict(token, 'pull_request').verdict).toBe('denied');
    // The document's dynamic condition block: the immutable subject of the repository in the .tfvars.
    expect(verdict(token, 'immutable').verdict).toBe('denied');
    expect(verdict({ ...token, sub: 'repo:acme@1001/web@2002:ref:refs/heads/main' }, 'immutable').verdict).toBe('allowed');
  });

  test('AWS: a document that merges other documents is not simulated, and says why', async () => {
    const dir = tmp('merged');
    try {
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({
        data: {
          aws_iam_policy_document: {
            trust: {
              source_policy_documents: ['${data.aws_iam_policy_document.other.json}'],
              statement: [{ actions: ['sts:AssumeRoleWithWebIdentity'], principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'] }] }],
            },
          },
        },
        resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } },
      }));
      const [p] = judgeAll(await loadPath(dir, io), token, {});
      expect(p.verdict).toBe('not-simulated');
      expect(p.notes[0]).toBe('not simulated: data.aws_iam_policy_document.trust: source_policy_documents merges other policy documents into this one, which the review does not read');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Azure: the credentials of the identity are judged', async () => {
    const judged = judgeAll(await loadPath(path.join(FIXTURES, 'azurerm'), io), { ...token, aud: 'api://AzureADTokenExchange' }, {});
    expect(judged.map((p) => p.verdict)).toEqual(['denied']);
    expect(judged[0].failures.map((f) => f.check)).toContain('sub');
  });

  test('GCP without the project number in the configuration: not simulated, saying so', async () => {
    const judged = judgeAll(await loadPath(path.join(FIXTURES, 'google'), io), token, {});
    expect(judged.length).toBeGreaterThan(0);
    for (const p of judged) expect({ verdict: p.verdict, note: p.notes[0] }).toEqual({ verdict: 'not-simulated', note: expect.stringContaining('the project number is not in the Terraform JSON') });
  });
});

const missing = awsPlanMissing();
if (missing) process.stderr.write(`explain-terraform.test.ts: the real-terraform plan check is SKIPPED: ${missing}\n`);

(missing ? describe.skip : describe)('a plan made by the real terraform', () => {
  test('each role with a rendered policy is judged, from the plan and from the HCL, as the simulator judges the policy terraform rendered', async () => {
    const dir = tmp('plan');
    try {
      for (const f of fs.readdirSync(path.join(FIXTURES, 'aws'))) fs.copyFileSync(path.join(FIXTURES, 'aws', f), path.join(dir, f));
      const shown = planJson(dir);
      const planDir = path.join(dir, 'plan');
      fs.mkdirSync(planDir);
      fs.writeFileSync(path.join(planDir, 'plan.json'), JSON.stringify(shown));
      const input = await loadPath(path.join(planDir, 'plan.json'), io);
      const rendered = new Map<string, string>();
      for (const r of shown.planned_values.root_module.resources) if (r.type === 'aws_iam_role' && typeof r.values.assume_role_policy === 'string') rendered.set(r.name, r.values.assume_role_policy);
      expect(rendered.has('immutable')).toBe(true); // the policy document rendered at plan
      const tokens = [
        { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme@1001/web@2002:ref:refs/heads/main' },
        { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme/web:ref:refs/heads/main' },
        { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:evil/web:ref:refs/heads/main' },
      ];
      // The same configuration as HCL: policy documents rendered by explain, JSON by the evaluator.
      const hcl = await loadPath(path.join(FIXTURES, 'aws'), io);
      let judgedRoles = 0;
      for (const claims of tokens) {
        for (const p of judgeAll(hcl, claims, {})) {
          const name = p.id.split('#aws_iam_role.')[1];
          if (!rendered.has(name)) continue;
          const oracle = AwsTrustSimulator.fromPolicyDocument(JSON.parse(rendered.get(name)!)).evaluate({ claims }).allowed;
          expect({ form: 'hcl', name, claims, allowed: p.verdict === 'allowed' }).toEqual({ form: 'hcl', name, claims, allowed: oracle });
        }
        for (const p of judgeAll(input, claims, {})) {
          const name = p.id.split('#aws_iam_role.')[1];
          if (!rendered.has(name)) {
            expect(p.verdict).toBe('not-simulated'); // known only after apply
            continue;
          }
          judgedRoles++;
          const oracle = AwsTrustSimulator.fromPolicyDocument(JSON.parse(rendered.get(name)!)).evaluate({ claims }).allowed;
          expect({ name, claims, allowed: p.verdict === 'allowed' }).toEqual({ name, claims, allowed: oracle });
        }
      }
      expect(judgedRoles).toBeGreaterThan(6);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
