/**
 * The README's main job: synthesize every example offline (no cloud credentials) and print what
 * each one trusts. CDK examples go to cdk.out/<example>/, CDKTF examples to cdktf.out/<example>/.
 * Exit status 1 when the review finds an error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main as review } from '../lib/review/cli';

async function runAll(): Promise<number> {
  const root = path.resolve(__dirname, '..');
  const examples = fs.readdirSync(__dirname).filter((f) => /^(aws|gcp|azure)-.*\.ts$/.test(f)).sort();
  let status = 0;
  for (const file of examples) {
    const name = file.replace(/\.ts$/, '');
    const outdir = path.join(root, name.startsWith('aws-') ? 'cdk.out' : 'cdktf.out', name);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(outdir, { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(__dirname, file));
    mod.main(outdir);
    process.stdout.write(`\n=== ${name} -> ${path.relative(root, outdir)}\n\n`);
    const code = await review(['review', path.relative(root, outdir), '--format', 'markdown'], { stdout: process.stdout, stderr: process.stderr, isTTY: false });
    status = Math.max(status, code);
  }
  process.stdout.write(`\n${examples.length} examples synthesized; review ${status === 0 ? 'clean' : 'found errors'}.\n`);
  return status;
}

runAll().then((code) => process.exit(code), (e) => {
  process.stderr.write(`examples failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
