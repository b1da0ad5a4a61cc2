import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TrustReport } from '../../lib/review/report';
import { runCli } from '../support/cli';
import { SCHEMA, validate } from '../support/schema';

const FIXTURES = path.join(__dirname, 'fixtures');

const runWith = (argv: string[], opts: { isTTY: boolean; color?: boolean }) => runCli(argv, opts);

const run = (argv: string[], isTTY = false) => runWith(argv, { isTTY });

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cit-review-'));
}

describe('review command', () => {
  test('secure fixtures: exit 0, one section per trust, no findings', async () => {
    const r = await run(['review', path.join(FIXTURES, 'secure')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# ci-oidc-trust review\n\n\*\*PASS\*\*/);
    expect(r.stdout).toContain('GitHub Actions jobs of acme/web (owner ID 1001, repository ID 2002) on branch main');
    expect(r.stdout).toContain('VPC-SC ingress');
    expect(r.stdout).not.toMatch(/\x1b\[/);
    const sections = r.stdout.match(/^## \d+\. /gm) ?? [];
    expect(sections.length).toBe(fs.readdirSync(path.join(FIXTURES, 'secure')).length - 1); // service role has no trust
  });

  test('insecure fixtures: exit 1, findings with ids, reference table', async () => {
    const r = await run(['review', path.join(FIXTURES, 'insecure')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('**FAIL**');
    expect(r.stdout).toContain('`CIT-AWS-002`');
    expect(r.stdout).toContain('## Finding reference');
  });

  test('warnings only → exit 0', async () => {
    const r = await run(['review', path.join(FIXTURES, 'insecure', 'aws-any-ref.template.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('**warning** `CIT-AWS-003`');
  });

  test('JSON output validates against docs/review-schema.json and is byte-identical across runs', async () => {
    const a = await run(['review', path.join(FIXTURES, 'insecure'), '--format', 'json']);
    const b = await run(['review', path.join(FIXTURES, 'insecure'), '--format=json']);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout);
    expect(validate(doc, SCHEMA)).toEqual([]);
    expect(doc.summary.result).toBe('fail');
    expect(doc.trusts.map((t: any) => t.id)).toEqual([...doc.trusts.map((t: any) => t.id)].sort());
    for (const f of doc.findings) expect(doc.trusts.some((t: any) => t.id === f.trust && t.findings.includes(f.id))).toBe(true);
    const sec = JSON.parse((await run(['review', path.join(FIXTURES, 'secure'), '--format', 'json'])).stdout);
    expect(validate(sec, SCHEMA)).toEqual([]);
    expect(sec.trusts.find((t: any) => t.metadata)?.metadata.ciSnippet).toContain('id-token');
  });

  test('the validator rejects a broken document (it is not vacuous)', async () => {
    const doc = JSON.parse((await run(['review', path.join(FIXTURES, 'insecure'), '--format', 'json'])).stdout);
    doc.findings[0].severity = 'fatal';
    delete doc.trusts[0].identity;
    expect(validate(doc, SCHEMA).length).toBe(2);
  });

  test('Markdown is byte-identical across runs', async () => {
    const a = await run(['review', path.join(FIXTURES, 'insecure')]);
    const b = await run(['review', path.join(FIXTURES, 'insecure')]);
    expect(a.stdout).toBe(b.stdout);
  });

  test('cdk.out: templates found through manifest.json; cdktf.out: stacks/*/cdk.tf.json', async () => {
    const cdk = tmpdir();
    fs.copyFileSync(path.join(FIXTURES, 'insecure', 'aws-repo-org-prefix.template.json'), path.join(cdk, 'Stack.template.json'));
    fs.writeFileSync(path.join(cdk, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts: { Stack: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Stack.template.json' } } } }));
    fs.mkdirSync(path.join(cdk, 'asset.abc'));
    fs.writeFileSync(path.join(cdk, 'asset.abc', 'x.template.json'), 'not json'); // asset dirs are skipped
    const r = await run(['review', cdk, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).files).toEqual(['Stack.template.json']);

    const tf = tmpdir();
    fs.mkdirSync(path.join(tf, 'stacks', 'prod'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'secure', 'gcp-ids-condition.tf.json'), path.join(tf, 'stacks', 'prod', 'cdk.tf.json'));
    const t = await run(['review', tf, '--format', 'json']);
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout).trusts[0].file).toBe('stacks/prod/cdk.tf.json');
  });

  test('colour and progress only on a TTY, and --no-color wins', async () => {
    const file = path.join(FIXTURES, 'insecure', 'aws-aud-only.template.json');
    const tty = await run(['review', file], true);
    expect(tty.stdout).toMatch(/\x1b\[1;31m/);
    expect(tty.stderr).toBe(`Scanning 1 file under ${file}…\r\x1b[2K`); // the progress line is erased
    const plain = await run(['review', file, '--no-color'], true);
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    const noColorEnv = await runWith(['review', file], { isTTY: true, color: false });
    expect(noColorEnv.stdout).toBe(plain.stdout);
    const piped = await run(['review', file], false);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).not.toMatch(/\x1b\[/);
  });
});

describe('terminal and pipe output', () => {
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

  test('a pipe gets the Markdown of the report, byte for byte', async () => {
    const dir = path.join(FIXTURES, 'insecure');
    const piped = await run(['review', dir], false);
    expect(piped.stdout.startsWith(TrustReport.fromPath(dir, dir).toMarkdown())).toBe(true);
    expect(piped.stdout).toMatch(/^# ci-oidc-trust review$/m);
    expect(piped.stdout).toMatch(/^\| Principal \| Permissions \| Used by \|$/m);
  });

  test('a terminal gets headings and colours by severity, and no Markdown syntax or escapes', async () => {
    const dir = path.join(FIXTURES, 'insecure');
    const tty = await run(['review', dir], true);
    expect(tty.stdout.startsWith('\x1b[1;4mci-oidc-trust review\x1b[0m\n')).toBe(true);
    expect(tty.stdout).toMatch(/\x1b\[1m1\. /); // section headings in bold
    expect(tty.stdout).toContain('\x1b[1m\x1b[1;31mFAIL\x1b[0m\x1b[0m');
    expect(tty.stdout).toContain('\x1b[1;31merror\x1b[0m');
    expect(tty.stdout).toContain('\x1b[33mwarning\x1b[0m');
    const text = strip(tty.stdout);
    expect(text).not.toMatch(/^#+ /m);
    expect(text).not.toContain('**');
    expect(text).not.toContain('`');
    expect(text).not.toMatch(/\\[*_[\]<>|\\]/); // no Markdown escapes
    expect(text).not.toContain('<details>');
    expect(text).not.toMatch(/^\|/m); // tables are entries, not pipes
  });

  test('the terminal says what the Markdown says: every identity, finding and condition value, unescaped', async () => {
    const dir = path.join(FIXTURES, 'insecure');
    const doc = JSON.parse((await run(['review', dir, '--format', 'json'])).stdout);
    const text = strip((await run(['review', dir], true)).stdout);
    for (const t of doc.trusts) {
      expect(text).toContain(`Who: ${t.identity.replace(/`/g, '')}`);
      for (const c of t.conditions) if (c.kind === 'iam') for (const v of c.values) expect(text).toContain(v);
    }
    for (const f of doc.findings) expect(text).toContain(f.id);
    expect((text.match(/^\d+\. /gm) ?? []).length).toBe(doc.trusts.length);
  });

  test('control characters from an artifact never reach the terminal', async () => {
    const dir = tmpdir();
    const template = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'insecure', 'aws-aud-only.template.json'), 'utf8'));
    const role = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::IAM::Role');
    role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:aud'] = 'sts.amazonaws.com\x1b[2J\x07';
    fs.writeFileSync(path.join(dir, 'evil.template.json'), JSON.stringify(template));
    const tty = await run(['review', dir], true);
    expect(strip(tty.stdout)).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    expect(tty.stdout).toContain('sts.amazonaws.com\\x1b[2J\\x07');
    // Nor a pipe (a pipe into `less -R` is a terminal too): the Markdown shows them escaped alike.
    const piped = await run(['review', dir], false);
    expect(piped.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    expect(piped.stdout).toContain('`sts.amazonaws.com\\x1b[2J\\x07`'); // in its code span
  });

  const compiled = fs.existsSync(path.join(__dirname, '../../lib/review/cli.js'));
  (compiled ? test : test.skip)('a closed pipe (`| head`) ends quietly with the command\'s own exit code', () => {
    const bin = path.join(__dirname, '../../bin/ci-oidc-trust');
    // The insecure fixtures' review is several times the pipe's 64 KiB buffer.
    const dir = path.join(FIXTURES, 'insecure');
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(bin)} review ${JSON.stringify(dir)} | head -n 1`], { encoding: 'utf8' });
    expect(r.stdout).toBe('# ci-oidc-trust review\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1); // the insecure fixtures fail the gate; the closed pipe does not change that
  });
  if (!compiled) test('NOTICE: the closed-pipe test needs the compiled CLI (npx projen compile); skipped', () => undefined);
});

describe('error cases: one clear line, no stack trace', () => {
  const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |Error:/);

  test('missing path', async () => {
    const r = await run(['review', '/nonexistent/cdk.out']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ci-oidc-trust: \/nonexistent\/cdk\.out: no such file or directory\./);
    noStack(r.stderr);
  });

  test('non-JSON file', async () => {
    const dir = tmpdir();
    const f = path.join(dir, 'broken.template.json');
    fs.writeFileSync(f, '{"Resources": ');
    const r = await run(['review', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ci-oidc-trust: broken\.template\.json: not valid JSON \(/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    noStack(r.stderr);
  });

  test('JSON that is not a template', async () => {
    const dir = tmpdir();
    const f = path.join(dir, 'package.json');
    fs.writeFileSync(f, '{"name": "x"}');
    const r = await run(['review', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('neither a CloudFormation template');
  });

  test('template with no trust relationship → exit 0 and says so', async () => {
    const r = await run(['review', path.join(FIXTURES, 'secure', 'aws-no-oidc-service-role.template.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no trust relationships found');
    const j = await run(['review', path.join(FIXTURES, 'secure', 'aws-no-oidc-service-role.template.json'), '--format', 'json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).trusts).toEqual([]);
    expect(j.stderr).toContain('no trust relationships found');
  });

  test('empty directory', async () => {
    const r = await run(['review', tmpdir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cdk synth');
  });

  test.each([
    [['review', 'x', '--bogus'], /unknown argument '--bogus'/],
    [['review', 'x', '--format', 'yaml'], /--format must be 'markdown', 'json' or 'sarif', got 'yaml'/],
    [['review'], /missing path/],
    [['review', 'a', 'b'], /expected one path/],
  ])('usage error %j', async (argv, msg) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).toContain('Usage: ci-oidc-trust review');
    noStack(r.stderr);
  });

  test.each([
    [['scan', 'x'], /unknown command 'scan'; commands: review/],
    [[], /missing command/],
  ])('no command: %j lists the commands', async (argv, msg) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).toContain('Usage: ci-oidc-trust <command> [options]');
    expect(r.stderr).toMatch(/^ {2}review {2,}every CI OIDC trust relationship/m);
  });

  test('--help per command: its usage, options and exit codes; the overview lists every command', async () => {
    for (const argv of [['review', '--help'], ['review', '-h'], ['help', 'review'], ['review', 'x', '--help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Usage: ci-oidc-trust review </);
      expect(r.stdout).toContain('--fail-on error|warning');
      expect(r.stdout).toContain('Exit codes: 0');
    }
    const all = await run(['--help']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^Usage: ci-oidc-trust <command> \[options\]\n\nCommands:\n {2}review /);
  });

  test('a usage error names the command and how to get its help', async () => {
    const r = await run(['review', 'x', '--format']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format needs a value.');
    expect(r.stderr).toContain('Run `ci-oidc-trust review --help` for details.');
  });
});

describe('bin shim', () => {
  test('is an executable node script that delegates to lib/review/cli.js', () => {
    const bin = path.join(__dirname, '../../bin/ci-oidc-trust');
    const text = fs.readFileSync(bin, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).toContain("require('../lib/review/cli.js')");
    expect(() => fs.accessSync(bin, fs.constants.X_OK)).not.toThrow();
  });
});
