/**
 * The real CDK CLI (the `aws-cdk` dev dependency): `cdk synth` runs an example app as a user's
 * project does, with `cdk init`'s feature flags in cdk.json and the context the CLI adds (path
 * metadata, version reporting, …), and the review of the cloud assembly it writes says what the
 * review of the same app synthesized in-process says. Skipped with a notice where the CLI is absent.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';

const REPO = path.resolve(__dirname, '..', '..');

function findCdk(): string | undefined {
  try {
    return require.resolve('aws-cdk/bin/cdk');
  } catch {
    return undefined;
  }
}

const cdk = findCdk();
if (!cdk) {
  // eslint-disable-next-line no-console
  console.warn('the aws-cdk CLI is not installed: the real `cdk synth` checks are SKIPPED (npm install, it is a dev dependency).');
}

/** `cdk synth` of one example in a project directory of its own; returns the cloud assembly's directory. */
function cdkSynth(example: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-cli-'));
  fs.writeFileSync(path.join(dir, 'app.js'), 'require(process.env.CIT_EXAMPLE).main(process.env.CDK_OUTDIR);\n');
  // What `cdk init` writes: the app command and aws-cdk-lib's recommended feature flags.
  const flags = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
  const app = ['node', '-r', require.resolve('ts-node/register/transpile-only'), '-r', path.join(REPO, 'examples', 'register.js'), 'app.js'].map((a) => JSON.stringify(a)).join(' ');
  fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app, context: flags }, null, 1));
  const r = spawnSync(process.execPath, [cdk!, 'synth', '--quiet', '--no-notices', '--output', 'cdk.out'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      CIT_EXAMPLE: path.join(REPO, 'examples', `${example}.ts`),
      TS_NODE_PROJECT: path.join(REPO, 'test', 'tsconfig.json'),
      // Offline: no instance-metadata credential lookup, no CLI telemetry.
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    },
  });
  if (r.status !== 0) throw new Error(`cdk synth of ${example} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return path.join(dir, 'cdk.out');
}

/** The review's JSON, without the one field that names the input directory. */
async function reviewJson(dir: string): Promise<any> {
  const { code, stdout } = await runCli(['review', dir, '--format', 'json']);
  const json = JSON.parse(stdout);
  delete json.input;
  return { code, json };
}

(cdk ? describe : describe.skip)('cdk synth (the real CLI)', () => {
  test.each(['aws-github-deploy', 'aws-gitlab-protected'])('%s: the review of what `cdk synth` wrote equals the review of the in-process synth', async (example) => {
    const cli = cdkSynth(example);
    const template = fs.readdirSync(cli).find((f) => f.endsWith('.template.json'))!;
    const resources = Object.values<any>(JSON.parse(fs.readFileSync(path.join(cli, template), 'utf8')).Resources);
    const role = resources.find((r) => r.Type === 'AWS::IAM::Role' && r.Metadata?.['ci-oidc-trust']);
    // The CLI's context reached the app (path metadata beside the review metadata).
    expect(role.Metadata['aws:cdk:path']).toEqual(expect.any(String));

    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-local-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(REPO, 'examples', example)).main(local);
    const [viaCli, inProcess] = [await reviewJson(cli), await reviewJson(local)];
    expect(viaCli.code).toBe(0);
    expect(viaCli.json.summary).toEqual(inProcess.json.summary);
    expect(viaCli.json.summary.trusts).toBeGreaterThan(0);
    expect(viaCli.json.trusts).toEqual(inProcess.json.trusts);
    fs.rmSync(path.dirname(cli), { recursive: true, force: true });
    fs.rmSync(local, { recursive: true, force: true });
  }, 180_000);
});
