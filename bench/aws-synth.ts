/**
 * Synth cost of N roles built with CiOidcRole vs the same roles written with plain iam.Role +
 * iam.WebIdentityPrincipal (the same trust policy written as literal strings, one OidcProviderNative), as a user's
 * `cdk synth` pays it: each run is a fresh `node` process on the compiled JavaScript (lib/**\/*.js,
 * the package root as users require it) that imports, builds the roles and synthesizes.
 * Per run: whole-process wall time (spawn to exit, measured here), in-process time (building the
 * constructs + app.synth(), imports excluded, measured in the child), the whole process's CPU time
 * (user + system, which other load on a shared machine disturbs less than wall time) and peak RSS. The two variants alternate run by run, so drift of a shared machine hits both alike;
 * medians of REPEATS (BENCH_REPEATS overrides; BENCH_SIZES="1000" picks sizes).
 *
 * App contexts (BENCH_CONTEXTS, a comma-separated list; default "bare,cdk-cli"): `bare`, a
 * `new App()` with no context, as a unit test builds it; `cdk-cli`, the context `cdk synth` hands
 * the app: the CLI's own keys (path metadata, asset metadata, version reporting, bundling stacks;
 * aws-cdk's `contextFromSettings`) and the feature flags `cdk init` writes into cdk.json
 * (aws-cdk-lib's recommended-feature-flags.json), passed as the CLI passes them, in
 * CDK_CONTEXT_JSON; `cdk-cli-no-collection`, the same with the flag
 * `@aws-cdk/core:enableAdditionalMetadataCollection` off (CDK then records no construct props in
 * the manifest, which it does for aws-cdk-lib's own Role but not for a subclass from another package).
 *
 *   npx projen compile && TS_NODE_PROJECT=test/tsconfig.json npx ts-node --transpile-only bench/aws-synth.ts
 *
 * BENCH_INSTRUCTIONS=1 counts instructions instead: one process per variant under valgrind's
 * cachegrind with V8's --predictable (no concurrent compiler or GC threads, so the count repeats to
 * about 0.3 % where wall time drifts by 25 %). It is the A/B measure for a change too small for the
 * wall clock of a shared machine; instructions are not time (the package's per-role code runs mostly
 * unoptimized, at fewer instructions per cycle than aws-cdk-lib's), so the target is judged on the
 * wall-time table. Skipped with a notice where valgrind is absent.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchScript, compiledRoot, median, requireCompiled, ROLES_SOURCE } from './compiled';

const SIZES = (process.env.BENCH_SIZES ?? '1,10,100,1000').split(',').map(Number);
// 31 rounds by default: single processes on a shared two-vCPU machine drift by up to 25 %, and
// with fewer rounds the ratio is left to chance.
const REPEATS = Number(process.env.BENCH_REPEATS ?? 31);
const CONTEXTS = (process.env.BENCH_CONTEXTS ?? 'bare,cdk-cli').split(',');

/** The environment of a child for one app context (see the header). */
function contextEnv(context: string): NodeJS.ProcessEnv {
  if (context === 'bare') return process.env;
  if (context !== 'cdk-cli' && context !== 'cdk-cli-no-collection') {
    throw new Error(`BENCH_CONTEXTS: unknown context ${JSON.stringify(context)} (bare, cdk-cli or cdk-cli-no-collection)`);
  }
  const flags = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
  if (context === 'cdk-cli-no-collection') flags['@aws-cdk/core:enableAdditionalMetadataCollection'] = false;
  const cli = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:version-reporting': true, 'aws:cdk:bundling-stacks': ['**'] };
  return { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ ...flags, ...cli }) };
}

// The child, plain JavaScript (no ts-node in the measured process). argv: kind, n, outdir.
const CHILD = `'use strict';
const [kind, n, outdir] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const { App, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const root = kind === 'ci' ? require(${JSON.stringify(compiledRoot())}) : undefined;
const start = process.hrtime.bigint();
// One stack for all roles in both variants; lift CDK's 500-resource check (synth only).
const app = new App({ outdir, context: { '@aws-cdk/core:stackResourceLimit': 0 } });
const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
${ROLES_SOURCE}
if (kind === 'plain') {
  const provider = plainProvider(iam, stack);
  for (let i = 0; i < n; i++) plainRole(iam, stack, provider, i);
} else {
  const { CiOidcRole, GitHubActions } = root;
  for (let i = 0; i < n; i++) ciRole(CiOidcRole, GitHubActions, stack, i);
}
app.synth();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }));
`;

interface Run { readonly wallMs: number; readonly ms: number; readonly cpuMs: number; readonly maxRssKb: number }

function run(script: string, kind: string, n: number, env: NodeJS.ProcessEnv): Run {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-aws-'));
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [script, kind, String(n), outdir], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${kind} ${n}: exit ${r.status}`);
    return { wallMs, ...JSON.parse(r.stdout) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Instructions of one process per variant (valgrind I refs), the two in parallel: the count does not depend on load. */
async function instructions(script: string, sizes: readonly number[], context: string): Promise<void> {
  if (spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status !== 0) {
    // eslint-disable-next-line no-console
    console.log('BENCH_INSTRUCTIONS: valgrind is not installed here, so instructions were not counted (skipped)');
    return;
  }
  const count = (kind: string, n: number): Promise<number> => new Promise((resolve, reject) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-aws-'));
    const child = spawn('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--smc-check=all-non-file', '--cachegrind-out-file=/dev/null', process.execPath, '--predictable', script, kind, String(n), outdir], { env: contextEnv(context), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.on('error', reject);
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      fs.rmSync(outdir, { recursive: true, force: true });
      const m = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || !m) reject(new Error(`${kind} ${n} under valgrind: exit ${code}\n${err.slice(-2000)}`));
      else resolve(Number(m[1].replace(/,/g, '')));
    });
  });
  for (const n of sizes) {
    const [ci, plain] = await Promise.all([count('ci', n), count('plain', n)]);
    // eslint-disable-next-line no-console
    console.log(`AWS synth, instructions (valgrind cachegrind, node --predictable, ${new Date().toISOString().slice(0, 10)}), ${context} app, ${n} roles: CiOidcRole ${(ci / 1e9).toFixed(3)} G, plain ${(plain / 1e9).toFixed(3)} G, ratio ${(ci / plain).toFixed(3)}×`);
  }
}

function main(): void {
  requireCompiled();
  const script = benchScript('aws-synth-child.js', CHILD);
  if (process.env.BENCH_INSTRUCTIONS) {
    // About 40 times slower than a plain run: 1,000 roles unless BENCH_SIZES says otherwise.
    (async () => {
      for (const context of CONTEXTS) await instructions(script, process.env.BENCH_SIZES ? SIZES : [1000], context);
    })().catch((e) => {
      // eslint-disable-next-line no-console
      console.error(e);
      process.exitCode = 1;
    });
    return;
  }
  const rows = [
    '| app context | roles | CiOidcRole whole process ms | plain whole process ms | ratio | paired ratio | CiOidcRole in-process ms | plain in-process ms | ratio | CiOidcRole process CPU ms | plain process CPU ms | ratio | CiOidcRole peak RSS MB | plain peak RSS MB | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const context of CONTEXTS) for (const n of SIZES) {
    const env = contextEnv(context);
    const runs: Record<string, Run[]> = { ci: [], plain: [] };
    for (let i = 0; i < REPEATS; i++) {
      for (const kind of i % 2 ? ['plain', 'ci'] : ['ci', 'plain']) runs[kind].push(run(script, kind, n, env));
    }
    const m = (k: string, f: (r: Run) => number) => median(runs[k].map(f));
    // Each round's two processes ran back to back: the median of their ratios follows a drifting machine.
    const paired = median(runs.ci.map((r, i) => r.wallMs / runs.plain[i].wallMs));
    const [cw, pw, ci, pi, cc, pc, cr, pr] = [m('ci', (r) => r.wallMs), m('plain', (r) => r.wallMs), m('ci', (r) => r.ms), m('plain', (r) => r.ms), m('ci', (r) => r.cpuMs), m('plain', (r) => r.cpuMs), m('ci', (r) => r.maxRssKb / 1024), m('plain', (r) => r.maxRssKb / 1024)];
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    rows.push(`| ${context} | ${n} | ${cw.toFixed(0)} | ${pw.toFixed(0)} | ${x(cw, pw)} | ${paired.toFixed(2)}× | ${ci.toFixed(0)} | ${pi.toFixed(0)} | ${x(ci, pi)} | ${cc.toFixed(0)} | ${pc.toFixed(0)} | ${x(cc, pc)} | ${cr.toFixed(0)} | ${pr.toFixed(0)} | ${x(cr, pr)} |`);
  }
  // eslint-disable-next-line no-console
  console.log(`AWS synth, medians of ${REPEATS} interleaved runs (${os.cpus()[0]?.model}, ${os.cpus().length} CPUs, node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n\n${rows.join('\n')}`);
}

main();
