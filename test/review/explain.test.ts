/**
 * `ci-oidc-trust explain TOKEN PATH`: small CDK apps and CDKTF stacks synthesized to temp dirs,
 * judged with corpus tokens (test/corpus) reshaped to the trusts, through the CLI as users run it.
 * The verdicts come from the simulators of lib/testing; the property test at the end checks that
 * they are exactly the simulators' and that the review lists every principal explain allows.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { App, Stack } from 'aws-cdk-lib';
import * as cdktf from 'cdktf';
import fc from 'fast-check';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { Trust } from '../../lib/model/trust';
import { loadPath } from '../../lib/review/commands/load';
import { ExplainNetwork, judgeAll } from '../../lib/review/explain/judge';
import { parseToken } from '../../lib/review/explain/token';
import { AwsTrustSimulator, AzureTrustSimulator, GcpTrustSimulator } from '../../lib/testing';
import { runCli } from '../support/cli';
import { corpusTokens } from '../support/corpus';
import { validate } from '../support/schema';
import { requestFor, tokenFor } from '../support/tokens';

const EXPLAIN_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/explain-schema.json'), 'utf8'));

const run = (argv: string[], stdin?: string) => runCli(argv, { stdin });

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `cit-explain-${name}-`));

function writeToken(content: string | object, name = 'token.json'): string {
  const file = path.join(tmp('token'), name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwtOf = (claims: object) => `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64url(claims)}.${Buffer.from('not-a-real-signature').toString('base64url')}`;

// ------------------------------------------------------------------ apps

const OWNER = { owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456' };
const web = () => GitHubActions.repository(OWNER);
const webImmutable = () => GitHubActions.repository({ ...OWNER, subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const VPCE = 'vpce-0a1b2c3d4e5f60718';

/** A corpus GitHub token reshaped to acme/web on a ref, with the given audience. */
function githubToken(ref: string, aud: string | string[], opts: { immutable?: boolean; environment?: string } = {}): Record<string, any> {
  const base = corpusTokens('github-actions')[0].claims;
  const { environment: _environment, ...rest } = base;
  const repo = opts.immutable ? 'repo:acme@1234567/web@890123456' : 'repo:acme/web';
  const sub = opts.environment ? `${repo}:environment:${opts.environment}` : `${repo}:ref:${ref}`;
  return {
    ...rest,
    ...(opts.environment ? { environment: opts.environment } : {}),
    sub,
    aud,
    ref,
    repository: 'acme/web',
    repository_owner: 'acme',
    repository_id: '890123456',
    repository_owner_id: '1234567',
    job_workflow_ref: `acme/web/.github/workflows/deploy.yml@${ref}`,
    event_name: 'push',
  };
}

function awsApp(): string {
  const dir = tmp('aws');
  const app = new App({ outdir: path.join(dir, 'cdk.out') });
  const stack = new Stack(app, 'Ci', { env: { account: '123456789012', region: 'eu-west-1' } });
  new CiOidcRole(stack, 'Deploy', { trusts: [web().onBranch('main').toTrust()] });
  new CiOidcRole(stack, 'Private', { trusts: [web().onBranch('main').restrictNetwork({ awsVpcEndpointIds: [VPCE] }).toTrust()] });
  new CiOidcRole(stack, 'GitLabOnly', { trusts: [GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' }).onBranch('main').toTrust()] });
  app.synth();
  return path.join(dir, 'cdk.out');
}

const DEPLOY_SA = 'deploy@acme-prod.iam.gserviceaccount.com';
const READER_SA = 'reader@acme-prod.iam.gserviceaccount.com';

function gcpApp(): { dir: string; audience: string } {
  const dir = tmp('gcp');
  const app = new cdktf.App({ outdir: path.join(dir, 'cdktf.out'), skipValidation: true });
  const stack = new cdktf.TerraformStack(app, 'ci-gcp');
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-pool' });
  const main_ = web().onBranch('main').toTrust();
  const pulls = web().onPullRequest().toTrust();
  const provider = pool.addProvider('GitHub', { providerId: 'github', trusts: [main_, pulls] });
  provider.grantServiceAccountImpersonation(DEPLOY_SA, main_);
  provider.grantServiceAccountImpersonation(READER_SA, pulls);
  new StorageBucketIamMember(stack, 'State', { bucket: 'acme-state', role: 'roles/storage.objectAdmin', member: provider.principalSetMember(main_) });
  app.synth();
  const tfFile = path.join(dir, 'cdktf.out', 'stacks', 'ci-gcp', 'cdk.tf.json');
  const audience = GcpTrustSimulator.fromTerraformJson(fs.readFileSync(tfFile, 'utf8'), 'github').audiences[0];
  return { dir: path.join(dir, 'cdktf.out'), audience };
}

function azureApp(): string {
  const dir = tmp('azure');
  const app = new cdktf.App({ outdir: path.join(dir, 'cdktf.out'), skipValidation: true });
  const stack = new cdktf.TerraformStack(app, 'ci-azure');
  const id = new FederatedManagedIdentity(stack, 'Deployer', { name: 'id-deploy', resourceGroupName: 'rg-ci', location: 'westeurope', trusts: [webImmutable().onBranch('main').toTrust()] });
  id.grant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web', 'Contributor');
  app.synth();
  return path.join(dir, 'cdktf.out');
}

let AWS: string;
let GCP: { dir: string; audience: string };
let AZURE: string;
beforeAll(() => {
  AWS = awsApp();
  GCP = gcpApp();
  AZURE = azureApp();
});

async function explainJson(token: object | string, target: string, ...opts: string[]) {
  const r = await run(['explain', writeToken(token), target, '--format', 'json', ...opts]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(validate(doc, EXPLAIN_SCHEMA)).toEqual([]);
  return doc;
}

// ------------------------------------------------------------------ AWS

describe('AWS', () => {
  test('a GitHub token from main on a role pinned to main: allowed', async () => {
    const doc = await explainJson(githubToken('refs/heads/main', 'sts.amazonaws.com'), AWS);
    const p = doc.principals.find((x: any) => /#Deploy[0-9A-F]{8}$/.test(x.id));
    expect(p.verdict).toBe('allowed');
    expect(p.via.length).toBeGreaterThan(0);
    expect(doc.principals[0].verdict).toBe('allowed');
  });

  test('the same token from branch dev: denied, naming the sub condition with both values', async () => {
    const r = await run(['explain', writeToken(githubToken('refs/heads/dev', 'sts.amazonaws.com')), AWS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('StringEquals token.actions.githubusercontent.com:sub: token has "repo:acme/web:ref:refs/heads/dev", allowed "repo:acme/web:ref:refs/heads/main"');
    const doc = await explainJson(githubToken('refs/heads/dev', 'sts.amazonaws.com'), AWS);
    const p = doc.principals.find((x: any) => /#Deploy[0-9A-F]{8}$/.test(x.id));
    expect(p.verdict).toBe('denied');
    expect(p.failures.some((f: any) => f.claim === 'sub' && f.actual === '"repo:acme/web:ref:refs/heads/dev"' && f.expected.includes('"repo:acme/web:ref:refs/heads/main"'))).toBe(true);
  });

  test('on a terminal: the same lines without Markdown syntax, verdicts coloured; a pipe gets Markdown', async () => {
    const token = writeToken(githubToken('refs/heads/dev', 'sts.amazonaws.com'));
    const tty = await runCli(['explain', token, AWS], { isTTY: true });
    const piped = await run(['explain', token, AWS]);
    expect(tty.code).toBe(0);
    expect(tty.stdout.startsWith('\x1b[1;4mci-oidc-trust explain\x1b[0m\n')).toBe(true);
    expect(tty.stdout).toContain('\x1b[1;31mdenied\x1b[0m');
    const text = tty.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(text).not.toMatch(/^#+ |\*\*|`|^```/m);
    expect(text).toContain('StringEquals token.actions.githubusercontent.com:sub: token has "repo:acme/web:ref:refs/heads/dev", allowed "repo:acme/web:ref:refs/heads/main"');
    expect(piped.stdout).toMatch(/^# ci-oidc-trust explain$/m);
    expect(piped.stdout).not.toMatch(/\x1b\[/);
    expect((await runCli(['explain', token, AWS], { isTTY: true, color: false })).stdout).toBe(text);
  });

  test('a wrong audience: denied naming aud', async () => {
    const doc = await explainJson(githubToken('refs/heads/main', 'https://github.com/acme'), AWS);
    const p = doc.principals.find((x: any) => /#Deploy[0-9A-F]{8}$/.test(x.id));
    expect(p.verdict).toBe('denied');
    expect(p.failures.some((f: any) => f.claim === 'aud' && f.actual === '"https://github.com/acme"')).toBe(true);
    expect(p.failures.map((f: any) => f.explanation).join('\n')).toMatch(/aud.*token has "https:\/\/github.com\/acme"/);
  });

  test('a role of another issuer: one "other issuer" line, no wall of failures', async () => {
    const r = await run(['explain', writeToken(githubToken('refs/heads/main', 'sts.amazonaws.com')), AWS]);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf('## Other issuer');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 2]).toMatch(/^- \*\*.*GitLabOnly.*trusts `https:\/\/gitlab.com`, not `https:\/\/token.actions.githubusercontent.com`$/);
    expect(lines[at + 3] ?? '').not.toMatch(/^ {2}-/);
  });

  test('a raw JWT gives the same verdicts, says the signature is not checked and never prints the JWT', async () => {
    for (const ref of ['refs/heads/main', 'refs/heads/dev']) {
      const claims = githubToken(ref, 'sts.amazonaws.com');
      const jwt = jwtOf(claims);
      const fromClaims = await explainJson(claims, AWS);
      const fromJwt = await explainJson(`${jwt}\n`, AWS);
      expect(fromJwt.token.form).toBe('jwt');
      expect(fromJwt.token.signatureChecked).toBe(false);
      expect(fromJwt.principals).toEqual(fromClaims.principals);
      const md = await run(['explain', writeToken(jwt, 'token.jwt'), AWS]);
      expect(md.stdout).toContain('signature is NOT checked');
      for (const out of [md.stdout, md.stderr, JSON.stringify(fromJwt)]) {
        expect(out).not.toContain(jwt);
        expect(out).not.toContain(jwt.split('.')[1]);
        expect(out).not.toContain(jwt.split('.')[2]);
      }
    }
  });

  test('- reads the token from stdin', async () => {
    const claims = githubToken('refs/heads/main', 'sts.amazonaws.com');
    const r = await run(['explain', '-', AWS, '--format', 'json'], jwtOf(claims));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.token.source).toBe('stdin');
    expect(doc.principals).toEqual((await explainJson(claims, AWS)).principals);
  });

  test('a VPC-endpoint-restricted role: denied without --vpc-endpoint, allowed with it', async () => {
    const token = githubToken('refs/heads/main', 'sts.amazonaws.com');
    const find = (doc: any) => doc.principals.find((x: any) => /#Private[0-9A-F]{8}$/.test(x.id));
    const denied = find(await explainJson(token, AWS));
    expect(denied.verdict).toBe('denied');
    expect(denied.failures.some((f: any) => /aws:SourceVpce/i.test(f.check))).toBe(true);
    const allowed = find(await explainJson(token, AWS, '--vpc-endpoint', VPCE));
    expect(allowed.verdict).toBe('allowed');
    const other = find(await explainJson(token, AWS, '--vpc-endpoint', 'vpce-00000000000000000'));
    expect(other.verdict).toBe('denied');
  });

  test('token problems: expired (a note), no aud, an aud list', async () => {
    const expired = await explainJson(githubToken('refs/heads/main', 'sts.amazonaws.com'), AWS);
    expect(expired.token.problems.map((p: any) => p.id)).toEqual(['expired']);
    expect(expired.token.problems[0].message).toMatch(/not the time/);
    const { aud: _aud, ...noAud } = githubToken('refs/heads/main', 'x');
    const none = await explainJson({ ...noAud, exp: 4102444800 }, AWS);
    expect(none.token.problems.map((p: any) => p.id)).toEqual(['no-audience']);
    expect(none.principals.every((p: any) => p.verdict !== 'allowed')).toBe(true);
    const list = await explainJson({ ...githubToken('refs/heads/main', ['sts.amazonaws.com', 'other']), exp: 4102444800 }, AWS);
    expect(list.token.problems.map((p: any) => p.id)).toEqual(['audience-list']);
    expect(list.token.problems[0].message).toContain('docs/snippets.md#sts-and-a-list-audience');
    expect(list.principals.find((x: any) => /#Deploy[0-9A-F]{8}$/.test(x.id)).verdict).toBe('denied');
  });
});

describe('AWS notes', () => {
  const template = {
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow',
              Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/web:ref:refs/heads/main', 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
            }],
          },
          Policies: [{ PolicyName: 'net', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } }] } }],
        },
      },
    },
  };
  test('a provider outside the template: the audience is said not to be checked; a session Deny of the network is noted', async () => {
    const dir = tmp('aws-notes');
    fs.writeFileSync(path.join(dir, 'role.template.json'), JSON.stringify(template));
    const token = githubToken('refs/heads/main', 'sts.amazonaws.com');
    const outside = (await explainJson(token, dir, '--source-ip', '198.51.100.7')).principals[0];
    expect(outside.verdict).toBe('allowed');
    expect(outside.notes.join('\n')).toMatch(/the audience is not checked: the OIDC provider is not in the template/);
    expect(outside.notes.join('\n')).toMatch(/calls with its session from this network are denied: explicit Deny/);
    const inside = (await explainJson(token, dir, '--source-ip', '203.0.113.7')).principals[0];
    expect(inside.verdict).toBe('allowed');
    expect(inside.notes.join('\n')).not.toMatch(/session/);
  });
});

// ------------------------------------------------------------------ GCP and Azure

describe('GCP', () => {
  test('a token passing the provider but not the grant\'s member', async () => {
    const token = { ...githubToken('refs/pull/7/merge', GCP.audience), sub: 'repo:acme/web:pull_request', event_name: 'pull_request' };
    const doc = await explainJson(token, GCP.dir);
    const byLabel = (s: string) => doc.principals.filter((p: any) => p.label.includes(s));
    const [reader] = byLabel('reader@');
    const [deploy] = byLabel('deploy@');
    expect(reader.verdict).toBe('allowed');
    expect(deploy.verdict).toBe('denied');
    expect(deploy.failures.map((f: any) => f.check)).toEqual(['member']);
    expect(deploy.failures[0].explanation).toMatch(/principalSet:\/\/.*attribute\.trust_/);
  });

  test('a wrong audience: the provider\'s audience check', async () => {
    const doc = await explainJson(githubToken('refs/heads/main', 'sts.amazonaws.com'), GCP.dir);
    expect(doc.principals.every((p: any) => p.verdict === 'denied')).toBe(true);
    expect(doc.principals[0].failures.some((f: any) => f.check === 'audience' && f.actual === '"sts.amazonaws.com"')).toBe(true);
  });

  test('a false attribute_condition names its false terms', async () => {
    const doc = await explainJson({ ...githubToken('refs/heads/main', GCP.audience), repository_id: '1' }, GCP.dir);
    const f = doc.principals[0].failures.find((x: any) => x.check === 'attribute_condition');
    expect(f.falseTerms.length).toBeGreaterThan(0);
    expect(f.falseTerms.join(' ')).toContain('890123456');
    expect(f.explanation).toMatch(/not true: /);
  });
});

describe('Azure', () => {
  test('subject case differs: denied, saying matching is case-sensitive', async () => {
    const token = githubToken('refs/heads/Main', 'api://AzureADTokenExchange', { immutable: true });
    const doc = await explainJson({ ...token, sub: token.sub.replace('refs/heads/Main', 'refs/heads/main').replace('acme@', 'ACME@') }, AZURE);
    const [p] = doc.principals;
    expect(p.verdict).toBe('denied');
    expect(p.failures.map((f: any) => f.claim)).toEqual(['sub']);
    expect(p.failures[0].explanation).toMatch(/case-sensitive/);
    expect(p.notes.join(' ')).toMatch(/case-sensitive/);
    const ok = await explainJson(githubToken('refs/heads/main', 'api://AzureADTokenExchange', { immutable: true }), AZURE);
    expect(ok.principals[0].verdict).toBe('allowed');
  });

  test('network options are said not to be judged for Azure', async () => {
    const doc = await explainJson(githubToken('refs/heads/main', 'api://AzureADTokenExchange', { immutable: true }), AZURE, '--source-ip', '203.0.113.9');
    expect(doc.principals[0].notes.join(' ')).toMatch(/not judged for Azure/);
  });
});

// ------------------------------------------------------------------ input and usage

describe('input and usage errors', () => {
  test('a file that is neither JSON claims nor a JWT: exit 2, a clear message, no stack trace, no content', async () => {
    const secret = 'this is not a token: hunter2';
    const r = await run(['explain', writeToken(secret, 'token.txt'), AWS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/neither a JSON object of token claims nor a JWT/);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test.each([
    ['broken JSON', '{"iss": "https://x", '],
    ['a JSON array', '[1, 2]'],
    ['a JWT whose payload is not JSON', 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln'],
    ['an encrypted JWT', 'eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn'],
  ])('%s: exit 2', async (_name, content) => {
    const r = await run(['explain', writeToken(content, 'token.txt'), AWS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ci-oidc-trust: .*token\.txt: /);
    expect(r.stderr).not.toContain(content);
  });

  test('TOKEN and PATH swapped: a template in the TOKEN place is refused, naming the order', async () => {
    const template = path.join(tmp('swapped'), 'x.template.json');
    fs.writeFileSync(template, JSON.stringify({ Resources: {} }));
    const r = await run(['explain', template, AWS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the order is explain TOKEN PATH');
  });

  test('control characters of a token are escaped in the Markdown, never sent as is', async () => {
    const file = writeToken({ ...githubToken('refs/heads/main', 'sts.amazonaws.com'), sub: 'repo:acme/web:ref:refs/heads/\u001b[31mmain' }, 'token\u001b[31m.json');
    const r = await run(['explain', file, AWS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('token\\x1b[31m.json');
    expect(r.stdout).not.toMatch(/\x1b/);
  });

  test('usage: missing arguments, a bad IP, --vpc without --vpc-endpoint, a bad format', async () => {
    const token = writeToken(githubToken('refs/heads/main', 'sts.amazonaws.com'));
    for (const argv of [['explain'], ['explain', token], ['explain', token, AWS, '--source-ip', 'nope'], ['explain', token, AWS, '--vpc', 'vpc-1'], ['explain', token, AWS, '--format', 'sarif']]) {
      const r = await run(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toContain('Usage: ci-oidc-trust explain');
    }
    expect((await run(['explain', path.join(tmp('missing'), 'nope.json'), AWS])).code).toBe(2);
    expect((await run(['explain', token, tmp('empty')])).code).toBe(2);
  });

  test('--help: usage, options, exit codes and the signature note', async () => {
    const r = await run(['explain', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['Usage: ci-oidc-trust explain', '--source-ip', '--vpc-endpoint', '--format markdown|json', 'Exit codes: 0', 'signature is NOT checked']) expect(r.stdout).toContain(s);
    expect((await run(['--help'])).stdout).toMatch(/^ {2}explain /m);
  });

  test('parseToken accepts claims JSON with a BOM and a JWT with a Bearer prefix', () => {
    expect(parseToken('\uFEFF{"iss":"https://a"}', 'f').claims).toEqual({ iss: 'https://a' });
    expect(parseToken(`Bearer ${jwtOf({ iss: 'https://a' })}`, 'f')).toEqual({ form: 'jwt', claims: { iss: 'https://a' } });
  });
});

describe('hand-written HCL', () => {
  test('principals are judged, or say why not; the command still exits 0 (test/review/explain-terraform.test.ts judges them)', async () => {
    const doc = await explainJson(githubToken('refs/heads/main', 'sts.amazonaws.com'), path.join(__dirname, 'fixtures', 'hcl-written'));
    expect(doc.summary.principals).toBeGreaterThan(doc.summary.notSimulated);
    for (const p of doc.principals.filter((x: any) => x.verdict === 'not-simulated')) expect(p.notes.join(' ')).toMatch(/^(not simulated: |the simulator cannot read it: )/);
  });
});

describe('bin shim', () => {
  const bin = path.join(__dirname, '../../bin/ci-oidc-trust');
  test('passes stdin, so `-` reads the token from a pipe', () => {
    expect(fs.readFileSync(bin, 'utf8')).toContain('stdin: process.stdin');
  });

  // The compiled CLI (lib/**/*.js, written by `npx projen compile`, which `npx projen test` runs first).
  const compiled = fs.existsSync(path.join(__dirname, '../../lib/review/commands/explain.js'));
  (compiled ? test : test.skip)('end to end: a JWT piped to `explain -`', () => {
    const claims = githubToken('refs/heads/main', 'sts.amazonaws.com');
    const jwt = jwtOf(claims);
    const r = spawnSync(process.execPath, [bin, 'explain', '-', AWS, '--format', 'json'], { input: jwt, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain(jwt.split('.')[1]);
    const doc = JSON.parse(r.stdout);
    expect(doc.token).toMatchObject({ source: 'stdin', form: 'jwt', signatureChecked: false });
    expect(doc.principals.find((x: any) => /#Deploy[0-9A-F]{8}$/.test(x.id)).verdict).toBe('allowed');
  });
});

describe('the JSON document', () => {
  test('the schema rejects a broken document', async () => {
    const doc = await explainJson(githubToken('refs/heads/dev', 'sts.amazonaws.com'), AWS);
    expect(validate({ ...doc, schemaVersion: 1 }, EXPLAIN_SCHEMA)).not.toEqual([]);
    expect(validate({ ...doc, token: { ...doc.token, signatureChecked: true } }, EXPLAIN_SCHEMA)).not.toEqual([]);
    expect(validate({ ...doc, principals: [{ ...doc.principals[0], verdict: 'maybe' }] }, EXPLAIN_SCHEMA)).not.toEqual([]);
    const { summary: _s, ...noSummary } = doc;
    expect(validate(noSummary, EXPLAIN_SCHEMA)).not.toEqual([]);
  });

  test('byte-identical across runs', async () => {
    const token = writeToken(githubToken('refs/heads/dev', 'sts.amazonaws.com'));
    const a = await run(['explain', token, AWS, '--format', 'json']);
    const b = await run(['explain', token, AWS, '--format=json']);
    expect(a.stdout).toBe(b.stdout);
  });
});

// ------------------------------------------------------------------ property: explain = simulators = review

describe('property: explain\'s verdict per principal is the simulator\'s, and the review lists what explain allows', () => {
  let dir: string;
  let trusts: { trust: Trust; cloud: 'aws' | 'gcp' | 'azure' }[];
  beforeAll(() => {
    dir = tmp('mixed');
    const cdkApp = new App({ outdir: path.join(dir, 'cdk.out') });
    const stack = new Stack(cdkApp, 'Ci', { env: { account: '123456789012', region: 'eu-west-1' } });
    const awsTrusts = [
      web().onBranch('main').toTrust(),
      web().inEnvironment('production').toTrust(),
      web().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).toTrust(),
      web().inEnvironment('production').restrictNetwork({ awsVpcEndpointIds: [VPCE] }).toTrust(),
    ];
    const roles = awsTrusts.map((t, i) => new CiOidcRole(stack, `Role${i}`, { trusts: [t] }));
    cdkApp.synth();
    const tfApp = new cdktf.App({ outdir: path.join(dir, 'cdktf.out'), skipValidation: true });
    const tf = new cdktf.TerraformStack(tfApp, 'mixed');
    const gcpTrusts = [web().onBranch('main').toTrust(), web().onPullRequest().toTrust()];
    const provider = new GcpWorkloadIdentityPool(tf, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-pool' }).addProvider('P', { providerId: 'github', trusts: gcpTrusts });
    provider.grantServiceAccountImpersonation(DEPLOY_SA, gcpTrusts[0]);
    provider.grantServiceAccountImpersonation(READER_SA, gcpTrusts[1]);
    const azureTrusts = [webImmutable().onBranch('main').toTrust(), webImmutable().inEnvironment('production').toTrust()];
    const id = new FederatedManagedIdentity(tf, 'Id', { name: 'id-ci', resourceGroupName: 'rg-ci', location: 'westeurope', trusts: azureTrusts });
    id.grant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web', 'Reader');
    tfApp.synth();
    // The trusts as each construct bound them (with the cloud's audience), as the differential review test takes them.
    trusts = [
      ...roles.flatMap((r) => r.trusts).map((trust) => ({ trust, cloud: 'aws' as const })),
      ...provider.trusts.map((trust) => ({ trust, cloud: 'gcp' as const })),
      ...id.trusts.map((trust) => ({ trust, cloud: 'azure' as const })),
    ];
  });

  test('for generated tokens', async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, isTTY: false };
    const input = await loadPath(dir, io);
    const root = dir;
    const cfnFile = input.files.find((f) => f.endsWith('.template.json'))!;
    const tfFile = input.files.find((f) => f.endsWith('.tf.json'))!;
    const template = JSON.parse(fs.readFileSync(path.join(root, cfnFile), 'utf8'));
    const doc = JSON.parse(fs.readFileSync(path.join(root, tfFile), 'utf8'));
    const gcpSim = GcpTrustSimulator.fromTerraformJson(doc);
    const azureSim = AzureTrustSimulator.fromTerraformJson(doc);
    // The oracle per principal, built here from the artifacts (not from explain's code).
    const oracle = (id: string, claims: Record<string, unknown>, network: ExplainNetwork): boolean => {
      const [file, resource] = id.split('#');
      if (file === cfnFile) return AwsTrustSimulator.fromTemplate(template, resource).evaluate({ claims, ...network }).allowed;
      const [type, name] = resource.split('.');
      if (type === 'azurerm_role_assignment') return azureSim.evaluate({ claims }).allowed;
      return gcpSim.evaluate({ claims, gcpMember: doc.resource[type][name].member }).allowed;
    };
    const listed = new Set(input.model.attributions.map((a) => a.principal));
    const withRunIds = (c: Record<string, unknown>) => ({ jti: '8b3a2f7e-0000-4000-8000-000000000001', ...c });
    const allowed = { aws: 0, gcp: 0, azure: 0 };
    let checked = 0;
    const tokenAndRequest = fc.constantFrom(...trusts).chain((t) => fc.tuple(tokenFor(t.trust), requestFor(t.trust)));
    let withNetwork = 0;
    await fc.assert(fc.asyncProperty(tokenAndRequest, async ([raw, request]) => {
      const claims = withRunIds(raw);
      // The network fields the CLI takes (--source-ip, --vpc, --vpc-endpoint): AWS's.
      const network: ExplainNetwork = Object.fromEntries(Object.entries(request ?? {}).filter(([k, v]) => ['sourceIp', 'awsVpcId', 'awsVpcEndpointId'].includes(k) && v !== undefined));
      if (Object.keys(network).length) withNetwork++;
      const judged = judgeAll(input, claims, network);
      expect(judged.map((p) => p.id).sort()).toEqual(input.model.principals.map((p) => p.id).sort());
      for (const p of judged) {
        expect(p.verdict).not.toBe('not-simulated');
        expect({ id: p.id, allowed: p.verdict === 'allowed' }).toEqual({ id: p.id, allowed: oracle(p.id, claims, network) });
        if (p.verdict === 'allowed') {
          allowed[p.cloud]++;
          expect({ id: p.id, listed: listed.has(p.id) }).toEqual({ id: p.id, listed: true });
        } else {
          expect(p.failures.length + (p.verdict === 'other-issuer' ? 1 : 0)).toBeGreaterThan(0);
        }
        checked++;
      }
    }), { seed: 20261201, numRuns: 80 });
    expect(checked).toBeGreaterThan(0);
    expect(withNetwork).toBeGreaterThan(0);
    // Not vacuous: every cloud admits some generated tokens.
    expect(Object.values(allowed).every((n) => n > 0)).toBe(true);
  });
});
