/**
 * Synth time and peak memory of N roles built with CiOidcRole vs the same roles written with plain
 * iam.Role + iam.WebIdentityPrincipal (same conditions, one OidcProviderNative).
 * Each measurement runs in a fresh child process; the two variants alternate run by run, so drift of a
 * shared machine hits both alike; medians of REPEATS. Time = build constructs + app.synth() (imports
 * excluded), memory = the child's peak RSS (process.resourceUsage().maxRSS).
 *
 *   TS_NODE_PROJECT=test/tsconfig.json npx ts-node --transpile-only bench/aws-synth.ts
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SIZES = [1, 10, 100, 1000];
const REPEATS = 9;

function child(kind: string, n: number): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const iam = require('aws-cdk-lib/aws-iam') as typeof import('aws-cdk-lib/aws-iam');
  const { CiOidcRole } = require('../lib/aws/role') as typeof import('../lib/aws/role');
  const { GitHubActions } = require('../lib/ci/github') as typeof import('../lib/ci/github');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const start = process.hrtime.bigint();
  // One stack for all roles, as in the plain variant; lift CDK's 500-resource check (synth only).
  const app = new App({ outdir, context: { '@aws-cdk/core:stackResourceLimit': 0 } });
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const K = 'token.actions.githubusercontent.com';
  if (kind === 'plain') {
    const provider = new iam.OidcProviderNative(stack, 'GitHub', { url: `https://${K}`, clientIds: ['sts.amazonaws.com'] });
    for (let i = 0; i < n; i++) {
      new iam.Role(stack, `Role${i}`, {
        assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, {
          StringEquals: {
            [`${K}:aud`]: 'sts.amazonaws.com',
            [`${K}:ref`]: 'refs/heads/main',
            [`${K}:sub`]: `repo:acme@1234567/web${i}@${1000 + i}:environment:production`,
          },
        }),
      });
    }
  } else {
    for (let i = 0; i < n; i++) {
      new CiOidcRole(stack, `Role${i}`, {
        trusts: [GitHubActions.repository({ owner: 'acme', repository: `web${i}`, ownerId: '1234567', repositoryId: String(1000 + i) }).onBranch('main').inEnvironment('production').toTrust()],
      });
    }
  }
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function parent(): void {
  const rows: string[] = ['| roles | CiOidcRole ms | plain CDK ms | time ratio | CiOidcRole peak RSS MB | plain peak RSS MB | RSS ratio |', '|---:|---:|---:|---:|---:|---:|---:|'];
  for (const n of SIZES) {
    const runs: Record<string, { ms: number; maxRssKb: number }[]> = { ci: [], plain: [] };
    for (let i = 0; i < REPEATS; i++) {
      for (const kind of i % 2 ? ['plain', 'ci'] : ['ci', 'plain']) {
        runs[kind].push(JSON.parse(execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, 'child', kind, String(n)], {
          encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20, env: { ...process.env, TS_NODE_PROJECT: process.env.TS_NODE_PROJECT ?? 'test/tsconfig.json', TS_NODE_PREFER_TS_EXTS: 'true' },
        })));
      }
    }
    const r = Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, { ms: median(xs.map((x) => x.ms)), rss: median(xs.map((x) => x.maxRssKb)) / 1024 }]));
    rows.push(`| ${n} | ${r.ci.ms.toFixed(0)} | ${r.plain.ms.toFixed(0)} | ${(r.ci.ms / r.plain.ms).toFixed(2)}× | ${r.ci.rss.toFixed(0)} | ${r.plain.rss.toFixed(0)} | ${(r.ci.rss / r.plain.rss).toFixed(2)}× |`);
  }
  // eslint-disable-next-line no-console
  console.log(rows.join('\n'));
}

if (process.argv[2] === 'child') child(process.argv[3], Number(process.argv[4]));
else parent();
