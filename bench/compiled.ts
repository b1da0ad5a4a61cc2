/**
 * Shared by the whole-process benchmarks: they run the compiled JavaScript (what users load), so it
 * must exist and be newer than the sources; children are plain .js files in .bench/ (gitignored),
 * where `require('aws-cdk-lib')` resolves from the repository's node_modules.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');
const LIB = path.join(REPO, 'lib');

/** The package root as users require it (lib/index.js, with its lazy getters). */
export function compiledRoot(): string {
  return path.join(LIB, 'index.js');
}

function newestSource(dir: string): number {
  return Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return newestSource(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? fs.statSync(p).mtimeMs : 0;
  }));
}

/** Refuse to measure a missing or stale build (its numbers would not be the sources'). */
export function requireCompiled(): void {
  const root = compiledRoot();
  if (!fs.existsSync(root) || fs.statSync(root).mtimeMs < newestSource(LIB)) {
    throw new Error(`${path.relative(REPO, root)} is missing or older than lib/**/*.ts: run \`npx projen compile\` first`);
  }
}

/** Write a child script into .bench/ and return its path. */
export function benchScript(name: string, text: string): string {
  const dir = path.join(REPO, '.bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
