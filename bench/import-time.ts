/**
 * Import time: a fresh `node` process that requires the package root (lib/index.js, compiled, as
 * users require `ci-oidc-trust`) against one that requires aws-cdk-lib alone and aws-cdk-lib/aws-iam,
 * and one that touches CiOidcRole (the root's lazy getter loads lib/aws and aws-cdk-lib then).
 * Wall time from spawn to exit, the time inside the process spent in `require` (hrtime around it)
 * and the process's CPU time (user + system; steadier than wall time on a shared machine); an empty
 * `node` process is the floor. Cases alternate run by run; medians of REPEATS.
 *
 *   npx projen compile && TS_NODE_PROJECT=test/tsconfig.json npx ts-node --transpile-only bench/import-time.ts
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import { benchScript, compiledRoot, median, requireCompiled } from './compiled';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const ROOT = JSON.stringify(compiledRoot());
const CASES: Record<string, string> = {
  'node (empty process)': '',
  'aws-cdk-lib': "require('aws-cdk-lib')",
  'aws-cdk-lib/aws-iam': "require('aws-cdk-lib/aws-iam')",
  'aws-cdk-lib + aws-cdk-lib/aws-iam': "require('aws-cdk-lib'); require('aws-cdk-lib/aws-iam')",
  'ci-oidc-trust (package root)': `require(${ROOT})`,
  'ci-oidc-trust root + CiOidcRole': `require(${ROOT}).CiOidcRole`,
};

function main(): void {
  requireCompiled();
  const scripts = Object.entries(CASES).map(([name, code], i) => ({
    name,
    file: benchScript(`import-${i}.js`, `'use strict';\nconst t0 = process.hrtime.bigint();\n${code};\nconst ms = Number(process.hrtime.bigint() - t0) / 1e6;\nconst c = process.cpuUsage();\nprocess.stdout.write(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000 }));\n`),
  }));
  const wall = new Map<string, number[]>(scripts.map((s) => [s.name, []]));
  const inside = new Map<string, number[]>(scripts.map((s) => [s.name, []]));
  const cpu = new Map<string, number[]>(scripts.map((s) => [s.name, []]));
  for (let i = 0; i < REPEATS; i++) {
    // Rotate the order each round so no case always runs first.
    for (let j = 0; j < scripts.length; j++) {
      const s = scripts[(i + j) % scripts.length];
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [s.file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${s.name}: exit ${r.status}`);
      wall.get(s.name)!.push(ms);
      const out = JSON.parse(r.stdout);
      inside.get(s.name)!.push(out.ms);
      cpu.get(s.name)!.push(out.cpuMs);
    }
  }
  const cdk = median(wall.get('aws-cdk-lib')!);
  const cpuFloor = median(cpu.get('node (empty process)')!);
  const rows = ['| process requires | wall ms | require ms | process CPU ms | CPU − empty node ms | wall / aws-cdk-lib |', '|---|---:|---:|---:|---:|---:|'];
  for (const s of scripts) {
    const w = median(wall.get(s.name)!);
    const c = median(cpu.get(s.name)!);
    rows.push(`| ${s.name} | ${w.toFixed(0)} | ${median(inside.get(s.name)!).toFixed(0)} | ${c.toFixed(0)} | ${(c - cpuFloor).toFixed(0)} | ${(w / cdk).toFixed(2)}× |`);
  }
  // eslint-disable-next-line no-console
  console.log(`Import time, medians of ${REPEATS} rotated runs (${os.cpus()[0]?.model}, ${os.cpus().length} CPUs, node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n\n${rows.join('\n')}`);
}

main();
