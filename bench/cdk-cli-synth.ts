/**
 * `cdk synth` with the real CDK CLI (the `aws-cdk` dev dependency) of an app of 1,000 roles,
 * CiOidcRole against plain iam.Role + iam.WebIdentityPrincipal with the same trust policy (as in
 * bench/aws-synth.ts), in a project directory whose cdk.json is what `cdk init` writes (the app
 * command and aws-cdk-lib's recommended feature flags). What a user waits for: the CLI's own start,
 * the app (compiled package, no ts-node), the CLI reading and validating the cloud assembly.
 * 250 roles a stack in four stacks of four accounts: this CLI checks CloudFormation's 500-resource
 * and 1 MB template limits, and an account holds one OIDC provider per issuer. The variants
 * alternate; medians of BENCH_REPEATS (default 15).
 *
 *   npx projen compile && TS_NODE_PROJECT=test/tsconfig.json npx ts-node --transpile-only bench/cdk-cli-synth.ts
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchScript, compiledRoot, median, requireCompiled, ROLES_SOURCE } from './compiled';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const ROLES = 1000;
const STACKS = 4;

const APP = `'use strict';
const { App, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const kind = process.env.BENCH_KIND;
const app = new App();
const stacks = [];
for (let s = 0; s < ${STACKS}; s++) stacks.push(new Stack(app, 'Bench' + s, { env: { account: '12345678901' + s, region: 'us-east-1' } }));
${ROLES_SOURCE}
if (kind === 'plain') {
  const providers = stacks.map((stack) => plainProvider(iam, stack));
  for (let i = 0; i < ${ROLES}; i++) plainRole(iam, stacks[i % ${STACKS}], providers[i % ${STACKS}], i);
} else {
  const { CiOidcRole, GitHubActions } = require(${JSON.stringify(compiledRoot())});
  for (let i = 0; i < ${ROLES}; i++) ciRole(CiOidcRole, GitHubActions, stacks[i % ${STACKS}], i);
}
app.synth();
`;

function main(): void {
  requireCompiled();
  let cdk: string;
  try {
    cdk = require.resolve('aws-cdk/bin/cdk');
  } catch {
    // eslint-disable-next-line no-console
    console.log('cdk-cli-synth: the aws-cdk CLI is not installed (npm install), so nothing was measured (skipped)');
    return;
  }
  const script = benchScript('cdk-cli-app.js', APP);
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cdk-cli-'));
  const flags = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
  fs.writeFileSync(path.join(project, 'cdk.json'), JSON.stringify({ app: `node ${JSON.stringify(script)}`, context: flags }, null, 1));
  const times: Record<string, number[]> = { ci: [], plain: [] };
  try {
    for (let i = 0; i < REPEATS; i++) {
      for (const kind of i % 2 ? ['plain', 'ci'] : ['ci', 'plain']) {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(process.execPath, [cdk, 'synth', '--quiet', '--no-notices', '--output', `cdk.out.${kind}`], {
          cwd: project,
          encoding: 'utf8',
          env: { ...process.env, BENCH_KIND: kind, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
        });
        if (r.status !== 0) throw new Error(`cdk synth (${kind}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
        times[kind].push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
  const [c, p] = [median(times.ci), median(times.plain)];
  const paired = median(times.ci.map((t, i) => t / times.plain[i]));
  /* eslint-disable no-console */
  console.log(`cdk synth with the real CLI (aws-cdk ${require('aws-cdk/package.json').version}, aws-cdk-lib ${require('aws-cdk-lib/package.json').version}; ${os.cpus()[0]?.model}, ${os.cpus().length} CPUs, node ${process.version}, ${new Date().toISOString().slice(0, 10)}), ${ROLES} roles in ${STACKS} stacks, medians of ${REPEATS} interleaved runs:`);
  console.log(`CiOidcRole ${c.toFixed(0)} ms, plain ${p.toFixed(0)} ms, ratio ${(c / p).toFixed(2)}×, paired ${paired.toFixed(2)}×`);
  /* eslint-enable no-console */
}

main();
