/**
 * GCP synth benchmark: time and peak memory to build and synthesize a pool with N grants
 * (N trusts, 10 per provider, each granted impersonation of its own service account).
 * Each size runs in a fresh process so peak RSS is per size.
 * Run: npx ts-node --transpile-only -P test/tsconfig.json bench/gcp-synth.ts
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import { TerraformStack, Testing } from 'cdktf';
import { GitHubActions } from '../lib/ci/github';
import { GcpWorkloadIdentityPool } from '../lib/gcp';

const SIZES = [1, 10, 100, 1000];

function once(n: number): Record<string, number> {
  const t0 = process.hrtime.bigint();
  const stack = new TerraformStack(Testing.app(), 'bench');
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'bench-project', projectNumber: '123456789', poolId: 'bench-pool' });
  const trusts = Array.from({ length: n }, (_, i) => GitHubActions.repository({ owner: 'acme', repository: `repo-${i}`, ownerId: '1000', repositoryId: String(2000 + i) }).inEnvironment('production').onBranch('main').toTrust());
  const t1 = process.hrtime.bigint();
  for (let p = 0; p * 10 < n; p++) {
    const group = trusts.slice(p * 10, p * 10 + 10);
    const provider = pool.addProvider(`P${p}`, { providerId: `github-${p}`, trusts: group });
    group.forEach((t, i) => provider.grantServiceAccountImpersonation(`deploy-${p * 10 + i}@bench-project.iam.gserviceaccount.com`, t));
  }
  const t2 = process.hrtime.bigint();
  const json = Testing.synth(stack);
  const t3 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  return { n, trustsMs: ms(t0, t1), constructsMs: ms(t1, t2), synthMs: ms(t2, t3), totalMs: ms(t0, t3), bytes: json.length, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

if (process.argv[2] === '--one') {
  process.stdout.write(JSON.stringify(once(Number(process.argv[3]))));
} else {
  const rows = SIZES.map((n) => JSON.parse(execFileSync(process.execPath, [...process.execArgv, __filename, '--one', String(n)], { encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' } })));
  const f = (x: number) => x.toFixed(x < 10 ? 1 : 0);
  process.stdout.write(`GCP synth (${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version})\n\n`);
  process.stdout.write('| grants | providers | build trusts (ms) | constructs (ms) | Testing.synth (ms) | total (ms) | JSON (KB) | peak RSS (MB) |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n');
  for (const r of rows) {
    process.stdout.write(`| ${r.n} | ${Math.ceil(r.n / 10)} | ${f(r.trustsMs)} | ${f(r.constructsMs)} | ${f(r.synthMs)} | ${f(r.totalMs)} | ${f(r.bytes / 1024)} | ${f(r.peakRssMb)} |\n`);
  }
}
