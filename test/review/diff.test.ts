/**
 * `ci-oidc-trust diff BASE HEAD`: pairs built with the library (CDK apps, CDKTF stacks synthesized
 * to temp dirs) and hand-written foreign templates (fixtures/diff/<case>/{base,head}). Every
 * witness token the diff shows for a widening or narrowing is replayed through the simulators of
 * lib/testing: admitted by the side that admits more, denied by the other.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cdktf from 'cdktf';
import fc from 'fast-check';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { Buildkite } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { ANY, Conj } from '../../lib/review/attribution/constraints';
import { difference } from '../../lib/review/diff/contain';
import { AwsTrustSimulator, AzureTrustSimulator, GcpTrustSimulator } from '../../lib/testing';
import { runCli } from '../support/cli';
import { validate } from '../support/schema';
import { requestFor, tokenFor } from '../support/tokens';

const FIXTURES = path.join(__dirname, 'fixtures', 'diff');
const DIFF_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/diff-schema.json'), 'utf8'));

const run = (argv: string[]) => runCli(argv);

async function diffJson(base: string, head: string) {
  const r = await run(['diff', base, head, '--format', 'json']);
  expect(r.stderr).toBe('');
  const doc = JSON.parse(r.stdout);
  expect(validate(doc, DIFF_SCHEMA)).toEqual([]);
  return { code: r.code, doc };
}

// ------------------------------------------------------------------ witnesses through the simulators

const json = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'));

/** Every template or Terraform JSON file under a path (a file: itself). */
function artifacts(p: string): string[] {
  if (fs.statSync(p).isFile()) return [p];
  return fs.readdirSync(p, { recursive: true } as any).map(String).map(f => path.join(p, f))
    .filter(f => /\.(template|tf)\.json$/.test(f) && fs.statSync(f).isFile());
}

/** Does the simulator of the principal's cloud admit the witness through the principal (undefined: principal not on this side)? */
interface Tok { claims: Record<string, unknown>; request?: Record<string, string> }

function simulate(side: string, cloud: string, principal: any, w: Tok): boolean | undefined {
  const file = artifacts(side).find(f => f.split(path.sep).join('/').endsWith(principal.file));
  if (!file) return undefined;
  const doc = json(file);
  if (cloud === 'aws') {
    return AwsTrustSimulator.fromTemplate(doc, principal.id.split('#')[1]).evaluate({ claims: w.claims, ...(w.request ?? {}) }).allowed;
  }
  const [type, name] = principal.id.split('#')[1].split('.');
  const r = doc.resource[type][name];
  if (cloud === 'gcp') {
    const pools = doc.resource.google_iam_workload_identity_pool;
    return Object.values<any>(doc.resource.google_iam_workload_identity_pool_provider).some((p) => {
      const pool = pools[/^\$\{google_iam_workload_identity_pool\.([^.]+)\./.exec(p.workload_identity_pool_id)![1]].workload_identity_pool_id;
      return GcpTrustSimulator.fromTerraformJson(doc, `${pool}/${p.workload_identity_pool_provider_id}`).evaluate({ claims: w.claims, gcpMember: r.member }).allowed;
    });
  }
  const identity = /^\$\{azurerm_user_assigned_identity\.([^.]+)\.principal_id\}$/.exec(r.principal_id)![1];
  const identityName = doc.resource.azurerm_user_assigned_identity[identity].name;
  return AzureTrustSimulator.fromTerraformJson(doc, identityName).evaluate({ claims: w.claims }).allowed;
}

/** Each witness admitted by the wider side's simulator and denied by the other's (or the principal is absent there). */
function confirm(base: string, head: string, doc: any): number {
  let n = 0;
  for (const p of doc.principals) {
    for (const [kind, more, less, ref] of [['widened', head, base, p.head], ['narrowed', base, head, p.base]] as const) {
      const c = p[kind];
      if (!c || c.certainty !== 'witness') continue;
      const other = kind === 'widened' ? p.base : p.head;
      expect({ principal: p.key, kind, admitted: simulate(more, p.cloud, ref, c.witness) }).toEqual({ principal: p.key, kind, admitted: true });
      if (other) {
        const otherSide = simulate(less, p.cloud, other, c.witness);
        expect({ principal: p.key, kind, otherSide }).toEqual({ principal: p.key, kind, otherSide: false });
      }
      n++;
    }
  }
  return n;
}

// ------------------------------------------------------------------ hand-written foreign templates

test('on a terminal: the diff without Markdown syntax, the verdict in red; a pipe gets Markdown', async () => {
  const argv = ['diff', path.join(FIXTURES, 'string-like', 'base'), path.join(FIXTURES, 'string-like', 'head')];
  const tty = await runCli(argv, { isTTY: true });
  const piped = await run(argv);
  expect(tty.code).toBe(1);
  expect(tty.stdout).toContain('\x1b[1;31mSomething becomes assumable by more than before.\x1b[0m');
  const text = tty.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  expect(text).not.toMatch(/^#+ |\*\*|`|\\[_*]/m);
  expect(text).toMatch(/^ci-oidc-trust diff: widened$/m);
  expect(piped.stdout).toMatch(/^## ci-oidc-trust diff: widened$/m);
  expect(piped.stdout).toContain('```json');
  expect(piped.stdout).not.toMatch(/\x1b\[/);
});

describe('foreign templates (fixtures/diff)', () => {
  const cases: [string, number, Record<string, string>, string][] = [
    ['string-like', 1, { 'aws AWS::IAM::Role DeployRole': 'widened' }, 'sub pin StringEquals → StringLike with *'],
    ['source-ip', 1, { 'aws AWS::IAM::Role DeployRole': 'widened' }, 'a source-IP restriction removed'],
    ['trust-removed', 0, { 'aws AWS::IAM::Role DeployRole': 'narrowed' }, 'a statement removed'],
    ['audience', 1, { 'aws AWS::IAM::Role DeployRole': 'widened' }, 'an audience added'],
    ['issuer', 1, { 'aws AWS::IAM::Role DeployRole': 'widened-and-narrowed' }, 'another issuer (GitHub enterprise)'],
    ['new-role', 1, { 'aws AWS::IAM::Role AuditRole': 'widened' }, 'a new role'],
    ['gcp-second-account', 1, { 'gcp google_service_account_iam_member google_service_account_iam_member.admin': 'widened' }, 'a grant to a second service account'],
    ['gcp-narrowed', 0, { 'gcp google_service_account_iam_member google_service_account_iam_member.deploy': 'narrowed' }, 'a provider condition narrowed'],
    ['azure-subject', 1, { 'azure azurerm_role_assignment azurerm_role_assignment.deploy': 'widened-and-narrowed' }, 'a credential subject changed'],
  ];
  test.each(cases)('%s: exit %i (%s)', async (name, exit, verdicts) => {
    const base = path.join(FIXTURES, name, 'base');
    const head = path.join(FIXTURES, name, 'head');
    const { code, doc } = await diffJson(base, head);
    expect(code).toBe(exit);
    expect(Object.fromEntries(doc.principals.map((p: any) => [p.key, p.verdict]))).toEqual(verdicts);
    expect(confirm(base, head, doc)).toBeGreaterThan(0);
  });

  test('new role: listed as added, the unchanged role only counted', async () => {
    const { doc } = await diffJson(path.join(FIXTURES, 'new-role', 'base'), path.join(FIXTURES, 'new-role', 'head'));
    expect(doc.summary).toMatchObject({ added: 1, removed: 0, widened: 1, unchanged: 1, result: 'widened' });
    expect(doc.principals[0]).toMatchObject({ change: 'added', base: null, trustsAdded: ['GitHub Actions jobs of acme/audit on branch main'] });
  });

  test('source IP removed: the witness request comes from outside the old range', async () => {
    const { doc } = await diffJson(path.join(FIXTURES, 'source-ip', 'base'), path.join(FIXTURES, 'source-ip', 'head'));
    expect(doc.principals[0].widened.witness.request).toEqual({ sourceIp: '198.51.100.10' });
    expect(doc.principals[0].narrowed).toBeNull();
  });

  test('Azure subject changed: one trust relationship removed, one added', async () => {
    const { doc } = await diffJson(path.join(FIXTURES, 'azure-subject', 'base'), path.join(FIXTURES, 'azure-subject', 'head'));
    const [p] = doc.principals;
    expect(p.trustsAdded).toEqual(['GitHub Actions jobs of acme/web (owner ID 1001, repository ID 2002) in environment staging']);
    expect(p.trustsRemoved).toEqual(['GitHub Actions jobs of acme/web (owner ID 1001, repository ID 2002) in environment prod']);
    expect(p.widened.witness.claims.sub).toBe('repo:acme@1001/web@2002:environment:staging');
  });

  test('the reverse of each widening is not a widening', async () => {
    for (const name of ['string-like', 'source-ip', 'gcp-narrowed']) {
      const { code, doc } = await diffJson(path.join(FIXTURES, name, 'head'), path.join(FIXTURES, name, 'base'));
      expect({ name, code: name === 'gcp-narrowed' ? 1 - code : code, result: doc.summary.result }).toEqual({ name, code: 0, result: name === 'gcp-narrowed' ? 'widened' : 'not-widened' });
    }
  });

  test('Markdown: headline with the verdict and counts, a section per changed principal with who and the witness', async () => {
    const r = await run(['diff', path.join(FIXTURES, 'string-like', 'base'), path.join(FIXTURES, 'string-like', 'head')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## ci-oidc-trust diff: widened\n\n\*\*Something becomes assumable by more than before\.\*\* 1 principal widened, 0 added, 0 removed, 0 narrowed, 0 unchanged\./);
    expect(r.stdout).toContain('### Widened: IAM role DeployRole');
    expect(r.stdout).toContain('"sub": "repo:acme/web:');
    expect(r.stdout).toContain('- **Trust relationships that can now use it:**\n  - GitHub Actions jobs of acme/web on any branch, tag, environment or pull request');
    expect(r.stdout).toContain('- **Trust relationships that no longer can:**\n  - GitHub Actions jobs of acme/web on branch main');
  });

  test('permissions changed, trust unchanged: listed (what it can do), exit 0 (who can use it is the same)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-diff-perm-'));
    const tpl = json(path.join(FIXTURES, 'string-like', 'base', 'deploy.template.json'));
    const head = JSON.parse(JSON.stringify(tpl));
    head.Resources.DeployRole.Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    fs.writeFileSync(path.join(dir, 'base.template.json'), JSON.stringify(tpl));
    fs.writeFileSync(path.join(dir, 'head.template.json'), JSON.stringify(head));
    // Two files of other names: matched by the logical id.
    const { code, doc } = await diffJson(path.join(dir, 'base.template.json'), path.join(dir, 'head.template.json'));
    expect(code).toBe(0);
    expect(doc.principals.map((p: any) => [p.verdict, p.permissionsAdded, p.permissionsRemoved])).toEqual([
      ['permissions-changed', ['AWS managed policy AdministratorAccess'], ['AWS managed policy ReadOnlyAccess']],
    ]);
    const md = await run(['diff', path.join(dir, 'base.template.json'), path.join(dir, 'head.template.json')]);
    expect(md.stdout).toContain('### Permissions changed: IAM role DeployRole');
    expect(md.stdout).toContain('- **Can now:** AWS managed policy AdministratorAccess');
  });

  test('identical inputs: exit 0, "no change", byte-identical output', async () => {
    const dir = path.join(FIXTURES, 'azure-subject', 'base');
    const a = await run(['diff', dir, dir]);
    const b = await run(['diff', dir, dir]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^## ci-oidc-trust diff: no change\n\nNo principal changed \(1 principal compared\)/);
    const j = await diffJson(dir, dir);
    expect(j.doc.summary).toEqual({ result: 'not-widened', changed: 0, added: 0, removed: 0, widened: 0, mayWiden: 0, narrowed: 0, unchanged: 1 });
  });

  test('JSON is byte-identical across runs', async () => {
    const args = ['diff', path.join(FIXTURES, 'azure-subject', 'base'), path.join(FIXTURES, 'azure-subject', 'head'), '--format', 'json'];
    expect((await run(args)).stdout).toBe((await run(args)).stdout);
  });
});

// ------------------------------------------------------------------ undecided → may widen

describe('the containment engine, and may widen', () => {
  const conj = (c: Partial<Conj>): Conj => ({ tests: [], ...c });
  const iss = { kind: 'eq', claim: 'iss', values: ['https://token.actions.githubusercontent.com'] } as const;
  test('a HEAD test the review cannot read is neither contained nor a witness: unknown, with why', () => {
    const base = conj({ tests: [iss, { kind: 'eq', claim: 'sub', values: ['repo:acme/web:ref:refs/heads/main'] }] });
    const head = conj({ tests: [iss], opaque: ['ForAnyValue:StringLike on sub'] });
    const d = difference(head, [base]);
    expect(d).toEqual({ kind: 'unknown', why: 'not decided: ForAnyValue:StringLike on sub' });
  });
  test('a BASE test the review cannot read cannot prove containment', () => {
    const base = conj({ tests: [iss], opaque: ['a CEL function'] });
    expect(difference(conj({ tests: [iss] }), [base]).kind).toBe('unknown');
    // The same unreadable test on both sides holds on both.
    expect(difference(conj({ tests: [iss], opaque: ['a CEL function'] }), [base]).kind).toBe('contained');
  });
  const sub = (g: string) => ({ kind: 'glob', claim: 'sub', globs: [Array.from(g).map(ch => (ch === '*' ? ANY : ch))] } as const);
  const ip = (...values: string[]) => ({ key: 'aws:SourceIp', values } as const);
  test('globs: a narrower pattern is contained, a wider one has a witness that escapes every BASE alternative', () => {
    const narrow = conj({ tests: [iss, sub('repo:acme/web:*')] });
    const wide = conj({ tests: [iss, sub('repo:acme/*')] });
    expect(difference(narrow, [wide]).kind).toBe('contained');
    const d = difference(wide, [narrow, conj({ tests: [iss, sub('repo:acme/api:*')] })]);
    expect(d.kind).toBe('witness');
    const s = (d as any).witness.claims.sub as string;
    expect(s.startsWith('repo:acme/') && !s.startsWith('repo:acme/web:') && !s.startsWith('repo:acme/api:')).toBe(true);
    // Covered only by the union of two BASE alternatives: still contained.
    const any = conj({ tests: [iss, { kind: 'eq', claim: 'ref', values: ['refs/heads/main', 'refs/heads/dev'] }] });
    const onMain = conj({ tests: [iss, { kind: 'eq', claim: 'ref', values: ['refs/heads/main'] }] });
    const dev = conj({ tests: [iss, { kind: 'eq', claim: 'ref', values: ['refs/heads/dev'] }] });
    expect(difference(any, [onMain, dev]).kind).toBe('contained');
    expect(difference(any, [onMain]).kind).toBe('witness');
  });
  test('networks: a smaller range is contained; a larger one, or none, escapes with an address outside', () => {
    const within = conj({ tests: [iss], network: [ip('10.1.0.0/16')] });
    const wider = conj({ tests: [iss], network: [ip('10.0.0.0/8')] });
    expect(difference(within, [wider]).kind).toBe('contained');
    const d = difference(wider, [within]);
    expect(d).toMatchObject({ kind: 'witness', witness: { request: { sourceIp: '10.0.0.0' } } });
    expect(difference(conj({ tests: [iss] }), [within])).toMatchObject({ kind: 'witness', witness: { request: { sourceIp: '198.51.100.10' } } });
    const vpce = conj({ tests: [iss], network: [{ key: 'aws:SourceVpce', values: ['vpce-1', 'vpce-2'] }] });
    expect(difference(vpce, [conj({ tests: [iss], network: [{ key: 'aws:SourceVpce', values: ['vpce-1'] }] })])).toMatchObject({ kind: 'witness', witness: { request: { awsVpcEndpointId: 'vpce-2' } } });
  });
  test('session tags: a gate that no longer needs them admits an untagged token', () => {
    const tagged = conj({ tests: [iss], tags: 'required' });
    expect(difference(conj({ tests: [iss] }), [tagged]).kind).toBe('witness');
    expect(difference(tagged, [conj({ tests: [iss] })]).kind).toBe('contained');
  });
  test('end to end: exit 1 and "may widen" with the reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-diff-may-'));
    const tpl = json(path.join(FIXTURES, 'string-like', 'base', 'deploy.template.json'));
    const head = JSON.parse(JSON.stringify(tpl));
    const c = head.Resources.DeployRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition;
    c['ForAnyValue:StringLike'] = { 'token.actions.githubusercontent.com:sub': ['repo:acme/*'] };
    delete c.StringEquals['token.actions.githubusercontent.com:sub'];
    fs.mkdirSync(path.join(dir, 'base'));
    fs.mkdirSync(path.join(dir, 'head'));
    fs.writeFileSync(path.join(dir, 'base', 'deploy.template.json'), JSON.stringify(tpl));
    fs.writeFileSync(path.join(dir, 'head', 'deploy.template.json'), JSON.stringify(head));
    const { code, doc } = await diffJson(path.join(dir, 'base'), path.join(dir, 'head'));
    expect(code).toBe(1);
    expect(doc.summary).toMatchObject({ result: 'widened', mayWiden: 1, widened: 0 });
    expect(doc.principals[0].widened).toMatchObject({ certainty: 'undecided', witness: null });
    expect(doc.principals[0].widened.why).toMatch(/not decided/);
    const md = await run(['diff', path.join(dir, 'base'), path.join(dir, 'head')]);
    expect(md.stdout).toContain('**May widen** (counted as a widening)');
  });
});

// ------------------------------------------------------------------ built with the library

const web = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456' });

function cdkOut(trusts: Trust[][], bound: Trust[] = [], sessionNetworkPolicy?: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-diff-cdk-'));
  const app = new App({ outdir: path.join(dir, 'cdk.out') });
  const stack = new Stack(app, 'Ci', { env: { account: '123456789012', region: 'eu-west-1' } });
  trusts.forEach((t, i) => bound.push(...new CiOidcRole(stack, `Role${i}`, { trusts: t, ...(sessionNetworkPolicy === undefined ? {} : { sessionNetworkPolicy }) }).trusts));
  app.synth();
  return path.join(dir, 'cdk.out');
}

function cdktfOut(build: (stack: cdktf.TerraformStack) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-diff-tf-'));
  const app = new cdktf.App({ outdir: path.join(dir, 'cdktf.out'), skipValidation: true });
  build(new cdktf.TerraformStack(app, 'ci'));
  app.synth();
  return path.join(dir, 'cdktf.out');
}

describe('CDK and CDKTF apps', () => {
  test('a branch trust changed to any ref: widened, exit 1, witness confirmed', async () => {
    const base = cdkOut([[web().onBranch('main').toTrust()]]);
    const head = cdkOut([[web().onAnyRef().accept(Widening.ANY_REF).toTrust()]]);
    const { code, doc } = await diffJson(base, head);
    expect(code).toBe(1);
    expect(doc.principals.map((p: any) => p.verdict)).toEqual(['widened']);
    expect(doc.principals[0].trustsAdded.join()).toMatch(/on any ref/);
    expect(confirm(base, head, doc)).toBe(1);
  });

  test('an environment added: widened', async () => {
    const base = cdkOut([[web().inEnvironment('production').toTrust()]]);
    const head = cdkOut([[web().inEnvironment('staging', 'production').toTrust()]]);
    const { code, doc } = await diffJson(base, head);
    expect(code).toBe(1);
    expect(doc.principals[0].widened.witness.claims.sub).toMatch(/environment:staging$/);
    expect(confirm(base, head, doc)).toBe(1);
  });

  test('a trust removed from a role: narrowed, exit 0', async () => {
    const base = cdkOut([[web().onBranch('main').toTrust(), web().inEnvironment('production').toTrust()]]);
    const head = cdkOut([[web().onBranch('main').toTrust()]]);
    const { code, doc } = await diffJson(base, head);
    expect(code).toBe(0);
    expect(doc.principals.map((p: any) => p.verdict)).toEqual(['narrowed']);
    expect(doc.principals[0].trustsRemoved.join()).toMatch(/production/);
    expect(confirm(base, head, doc)).toBe(1);
  });

  test('the same app twice, and a cdk.out against its own template file: no change', async () => {
    const make = () => cdkOut([[web().onBranch('main').toTrust()], [web().inEnvironment('production').toTrust()]]);
    const a = make();
    const b = make();
    const same = await run(['diff', a, b]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no change');
    const file = await diffJson(a, path.join(b, 'Ci.template.json'));
    expect(file.code).toBe(0);
    expect(file.doc.summary).toMatchObject({ changed: 0, unchanged: 2 });
  });

  test('a source-IP restriction removed (session-time Deny policy): widened, the witness from outside the range', async () => {
    const base = cdkOut([[web().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).toTrust()]]);
    const head = cdkOut([[web().onBranch('main').toTrust()]]);
    const { code, doc } = await diffJson(base, head);
    expect(code).toBe(1);
    expect(doc.principals[0].widened.witness.request.sourceIp).not.toMatch(/^203\.0\.113\./);
    expect(confirm(base, head, doc)).toBe(1);
    expect((await diffJson(head, base)).code).toBe(0);
  });

  test('GCP: a grant to a second service account widens that principal only', async () => {
    const make = (second: boolean) => cdktfOut((stack) => {
      const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-pool' });
      const p = pool.addProvider('GitHub', { providerId: 'github', trusts: [web().onBranch('main').toTrust()] });
      p.grantServiceAccountImpersonation('projects/acme-prod/serviceAccounts/deploy@acme-prod.iam.gserviceaccount.com', p.trusts[0]);
      if (second) p.grantServiceAccountImpersonation('projects/acme-prod/serviceAccounts/admin@acme-prod.iam.gserviceaccount.com', p.trusts[0]);
    });
    const base = make(false);
    const head = make(true);
    const { code, doc } = await diffJson(base, head);
    expect(code).toBe(1);
    expect(doc.principals.map((p: any) => [p.change, p.verdict])).toEqual([['added', 'widened']]);
    expect(doc.principals[0].principal).toMatch(/admin@acme-prod/);
    expect(doc.summary.unchanged).toBe(1);
    expect(confirm(base, head, doc)).toBe(1);
  });

  test('Azure: a changed credential subject is one trust removed and one added, exit 1', async () => {
    const make = (env: string) => cdktfOut((stack) => {
      const id = new FederatedManagedIdentity(stack, 'Id', { name: 'id-ci', resourceGroupName: 'rg-ci', location: 'westeurope', trusts: [GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment(env).toTrust()] });
      id.grant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app', 'Reader');
    });
    const base = make('production');
    const head = make('staging');
    const { code, doc } = await diffJson(base, head);
    expect(code).toBe(1);
    expect(doc.principals.map((p: any) => p.verdict)).toEqual(['widened-and-narrowed']);
    expect(doc.principals[0].trustsAdded.join()).toMatch(/staging/);
    expect(doc.principals[0].trustsRemoved.join()).toMatch(/production/);
    expect(confirm(base, head, doc)).toBe(2);
  });
});

// ------------------------------------------------------------------ property: containment direction

describe('property: a trust contained in another', () => {
  const BRANCHES = ['main', 'develop', 'release', 'next', 'hotfix'];
  const ENVS = ['production', 'staging', 'qa'];
  /** A trust and a strictly wider one of the same builder (more branches or environments, or any ref). */
  const pair = fc.oneof(
    fc.tuple(fc.subarray(BRANCHES, { minLength: 1 }), fc.subarray(BRANCHES, { minLength: 1 })).filter(([a, b]) => b.some(x => !a.includes(x)))
      .map(([a, b]) => ({ narrow: () => web().onBranch(...a).toTrust(), wide: () => web().onBranch(...new Set([...a, ...b])).toTrust(), what: `branches ${a} ⊂ ${[...new Set([...a, ...b])]}` })),
    fc.tuple(fc.subarray(ENVS, { minLength: 1 }), fc.constantFrom(...ENVS)).filter(([a, e]) => !a.includes(e))
      .map(([a, e]) => ({ narrow: () => web().inEnvironment(...a).toTrust(), wide: () => web().inEnvironment(...a, e).toTrust(), what: `environments ${a} ⊂ +${e}` })),
    fc.subarray(BRANCHES, { minLength: 1 })
      .map((a) => ({ narrow: () => web().onBranch(...a).toTrust(), wide: () => web().onAnyRef().accept(Widening.ANY_REF).toTrust(), what: `branches ${a} ⊂ any ref` })),
  );

  test('narrowing is never reported as a widening; widening always is', async () => {
    const samples = fc.sample(pair, { seed: 20261201, numRuns: Number(process.env.CIT_DIFF_RUNS ?? 12) });
    for (const s of samples) {
      const narrow = cdkOut([[s.narrow()]]);
      const wide = cdkOut([[s.wide()]]);
      const up = await diffJson(narrow, wide);
      const down = await diffJson(wide, narrow);
      expect({ what: s.what, up: up.code, down: down.code }).toEqual({ what: s.what, up: 1, down: 0 });
      expect(up.doc.principals[0].widened.certainty).toBe('witness');
      expect(down.doc.principals[0].narrowed.certainty).toBe('witness');
      confirm(narrow, wide, up.doc);
      confirm(wide, narrow, down.doc);
    }
  });
});

describe('property: no widening is missed (simulators as the oracle)', () => {
  const api = () => GitHubActions.repository({ owner: 'acme', repository: 'api', ownerId: '1234567', repositoryId: '890123457' });
  const infra = () => GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' });
  const deploy = () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: '0191f956-042f-7ec4-aa62-8e5eeae396d0' }).withAwsSessionTags('pipeline_id');
  const CATALOGUE: (() => Trust)[] = [
    () => web().onBranch('main').toTrust(),
    () => web().onBranch('main', 'develop').toTrust(),
    () => web().inEnvironment('production').toTrust(),
    () => web().inEnvironment('staging', 'production').toTrust(),
    () => web().onPullRequest().toTrust(),
    () => web().onAnyRef().accept(Widening.ANY_REF).toTrust(),
    () => web().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust(),
    () => web().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24', '2001:db8::/32'] }).toTrust(),
    () => web().inEnvironment('production').restrictNetwork({ awsVpcEndpointIds: ['vpce-0123456789abcdef0'] }).toTrust(),
    () => api().onBranch('main').toTrust(),
    () => infra().onProtectedBranch('main').toTrust(),
    () => infra().onAnyRef().accept(Widening.ANY_REF).toTrust(),
    () => deploy().onBranch('main').toTrust(),
    () => deploy().onAnyRef().accept(Widening.ANY_REF).toTrust(),
  ];
  const role = fc.uniqueArray(fc.nat(CATALOGUE.length - 1), { minLength: 1, maxLength: 2 });

  test('every token HEAD admits and BASE denies (generated, or a witness) is reported as a widening', async () => {
    const figures = { pairs: 0, tokens: 0, escaping: 0, widened: 0, mayWiden: 0, missed: [] as string[], false: [] as string[] };
    for (const [a, b] of fc.sample(fc.tuple(role, role), { seed: 20261202, numRuns: Number(process.env.CIT_DIFF_RUNS ?? 16) })) {
      const bound: Trust[] = [];
      // Trusts with different networks share a role only without the session deny policy.
      const base = cdkOut([a.map(i => CATALOGUE[i]())], bound, false);
      const head = cdkOut([b.map(i => CATALOGUE[i]())], bound, false);
      const { doc } = await diffJson(base, head);
      const up = doc.principals[0]?.widened;
      figures.pairs++;
      if (up?.certainty === 'undecided') figures.mayWiden++;
      if (up?.certainty === 'witness') figures.widened++;
      const sims = [base, head].map(d => {
        const tpl = json(path.join(d, 'Ci.template.json'));
        return AwsTrustSimulator.fromTemplate(tpl, Object.keys(tpl.Resources).find(k => /^Role0/.test(k) && tpl.Resources[k].Type === 'AWS::IAM::Role')!);
      });
      const tokens: Tok[] = [];
      for (const t of bound) {
        const reqs = fc.sample(requestFor(t), { seed: 7, numRuns: 24 });
        fc.sample(tokenFor(t), { seed: 7, numRuns: 24 }).forEach((claims, i) => {
          tokens.push({ claims, ...(reqs[i] ? { request: reqs[i] as Record<string, string> } : {}) });
        });
      }
      if (up?.witness) tokens.push(up.witness);
      let escaped = false;
      for (const tok of tokens) {
        figures.tokens++;
        const [inBase, inHead] = sims.map(s => s.evaluate({ claims: tok.claims, ...(tok.request ?? {}) }).allowed);
        if (inHead && !inBase) escaped = true;
      }
      if (escaped) figures.escaping++;
      if (escaped && !up) figures.missed.push(`${a} → ${b}`);
      if (up?.certainty === 'witness' && !escaped) figures.false.push(`${a} → ${b}`);
    }
    process.stdout.write(`diff soundness: ${figures.pairs} pairs, ${figures.tokens} tokens, ${figures.escaping} pairs with a token HEAD admits and BASE denies; ${figures.widened} widened, ${figures.mayWiden} may widen; ${figures.missed.length} missed, ${figures.false.length} unconfirmed witnesses\n`);
    expect(figures.missed).toEqual([]);
    expect(figures.false).toEqual([]);
  });
});

describe('property: no widening is missed on Azure (simulator as the oracle)', () => {
  const repo = (repository: string, repositoryId: string) => GitHubActions.repository({ owner: 'acme', repository, ownerId: '1234567', repositoryId, subjectFormat: GitHubSubjectFormat.IMMUTABLE });
  const CATALOGUE: (() => Trust)[] = [
    () => repo('web', '890123456').onBranch('main').toTrust(),
    () => repo('web', '890123456').inEnvironment('production').toTrust(),
    () => repo('web', '890123456').inEnvironment('staging').toTrust(),
    () => repo('web', '890123456').onPullRequest().toTrust(),
    () => repo('api', '890123457').onBranch('main').toTrust(),
  ];
  test('every token HEAD admits and BASE denies is reported as a widening', async () => {
    const figures = { pairs: 0, tokens: 0, escaping: 0, missed: [] as string[], false: [] as string[] };
    const set = fc.uniqueArray(fc.nat(CATALOGUE.length - 1), { minLength: 1, maxLength: 2 });
    for (const [a, b] of fc.sample(fc.tuple(set, set), { seed: 20261203, numRuns: Number(process.env.CIT_DIFF_RUNS ?? 12) })) {
      const bound: Trust[] = [];
      const make = (ts: number[]) => cdktfOut((stack) => {
        const id = new FederatedManagedIdentity(stack, 'Id', { name: 'id-ci', resourceGroupName: 'rg-ci', location: 'westeurope', trusts: ts.map(i => CATALOGUE[i]()) });
        id.grant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app', 'Reader');
        bound.push(...id.trusts);
      });
      const base = make(a);
      const head = make(b);
      const { doc } = await diffJson(base, head);
      const up = doc.principals[0]?.widened;
      const sims = [base, head].map(d => AzureTrustSimulator.fromTerraformJson(json(artifacts(d)[0]), 'id-ci'));
      const tokens: Tok[] = bound.flatMap(t => fc.sample(tokenFor(t), { seed: 11, numRuns: 32 }).map(claims => ({ claims })));
      if (up?.witness) tokens.push(up.witness);
      figures.pairs++;
      figures.tokens += tokens.length;
      const escaped = tokens.some(tok => sims[1].evaluate({ claims: tok.claims }).allowed && !sims[0].evaluate({ claims: tok.claims }).allowed);
      if (escaped) figures.escaping++;
      if (escaped && !up) figures.missed.push(`${a} → ${b}`);
      if (up?.certainty === 'witness' && !escaped) figures.false.push(`${a} → ${b}`);
    }
    process.stdout.write(`diff soundness (azure): ${figures.pairs} pairs, ${figures.tokens} tokens, ${figures.escaping} widening pairs; ${figures.missed.length} missed, ${figures.false.length} unconfirmed witnesses\n`);
    expect(figures.missed).toEqual([]);
    expect(figures.false).toEqual([]);
  });
});

// ------------------------------------------------------------------ usage, schema

describe('usage and schema', () => {
  test('--help: usage, options, exit codes', async () => {
    const r = await run(['diff', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: ci-oidc-trust diff <BASE> <HEAD>');
    expect(r.stdout).toContain('--format markdown|json');
    expect(r.stdout).toContain('Exit codes: 0 nothing becomes assumable');
    expect((await run(['--help'])).stdout).toMatch(/ {2}diff {2,}what changes in who can use each principal/);
  });

  test.each([
    [['diff'], /expected two paths, BASE and HEAD, got 0/],
    [['diff', 'a'], /expected two paths, BASE and HEAD, got 1: a/],
    [['diff', FIXTURES, FIXTURES, '--format', 'sarif'], /--format must be 'markdown' or 'json', got 'sarif'/],
    [['diff', path.join(FIXTURES, 'nope'), FIXTURES], /no such file or directory/],
  ])('%j → exit 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('the schema rejects a broken document', async () => {
    const { doc } = await diffJson(path.join(FIXTURES, 'azure-subject', 'base'), path.join(FIXTURES, 'azure-subject', 'head'));
    const broken = JSON.parse(JSON.stringify(doc));
    broken.summary.result = 'maybe';
    delete broken.principals[0].widened.via;
    broken.principals[0].extra = 1;
    broken.schemaVersion = '2.0.0';
    expect(validate(broken, DIFF_SCHEMA)).toEqual([
      '$: does not match ^1\\.[0-9]+\\.[0-9]+$'.replace('$:', '$.schemaVersion:'),
      '$.summary.result: "maybe" not in enum',
      '$.principals[0].widened: matches 0 of oneOf',
      '$.principals[0]: unexpected property extra',
    ]);
  });
});
