/**
 * The repository stands on its own: nothing reads or cites files outside it, every link between
 * its documents resolves (file and anchor), and every `docs/<file>.md#anchor` cited from code,
 * tests or messages names an anchor that exists.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '../..');
const SKIP_DIRS = new Set(['node_modules', '.git', 'cdk.out', 'cdktf.out', '.bench', 'coverage', 'test-reports', 'dist', '.jsii', '.pacmak', '__snapshots__']);
const TEXT = /\.(ts|md|json|js|snap)$/;

/** Repository text files, relative to the root (compiled lib/*.js and *.d.ts left out). */
function files(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    const rel = path.relative(ROOT, abs);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : files(abs);
    if (!TEXT.test(e.name) || e.name.endsWith('.d.ts')) return [];
    if (rel.startsWith(`lib${path.sep}`) && e.name.endsWith('.js')) return [];
    if (dir === ROOT && !['README.md', 'CONTRIBUTING.md', 'API.md', '.projenrc.ts'].includes(e.name)) return [];
    return [rel.split(path.sep).join('/')];
  });
}
const ALL = files();
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** Text outside fenced code blocks. */
function prose(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchors plus explicit `<a id>` / `<a name>` ones. */
function anchorsOf(rel: string): Set<string> {
  const md = read(rel);
  const out = new Set<string>();
  for (const m of md.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  const seen = new Map<string, number>();
  for (const m of prose(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = m[1].toLowerCase().replace(/<[^>]+>/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}
const anchorCache = new Map<string, Set<string>>();
const anchors = (rel: string) => anchorCache.get(rel) ?? anchorCache.set(rel, anchorsOf(rel)).get(rel)!;

// Built from parts so this file does not match itself.
const OUTSIDE = ['/wo' + 'rk/', '../sha' + 'red/', 'shared/' + 'reference', 'shared/' + 'corpus'];

test('no file reads or names a path outside the repository', () => {
  const hits = ALL.flatMap((f) => OUTSIDE.filter((p) => read(f).includes(p)).map((p) => `${f}: ${p}`));
  expect(hits).toEqual([]);
});

// Reference notes that are not part of the repository: cite docs/security.md, docs/claims.md,
// docs/limits.md, docs/architecture.md or a public URL instead.

test('no file cites the reference notes that are not in the repository', () => {
  const hits: string[] = [];
  for (const f of ALL) {
    const text = read(f);
    for (const m of text.matchAll(/\b(?:clouds|ci-claims|toolchain)\.md\b/g)) hits.push(`${f}: ${m[0]}`);
    // Documents in docs/ link to each other relatively; a section sign or a bare failure-mode number
    // after the file name is the old citation form, and outside docs/ the path must start at docs/.
    for (const m of text.matchAll(/(\S*)security\.md(\s*(?:§|F\d+))?/g)) {
      if (m[2] || (!f.startsWith('docs/') && !m[1].endsWith('docs/'))) hits.push(`${f}: ${m[0]}`);
    }
  }
  expect(hits).toEqual([]);
});

test('every docs/<file>.md#anchor cited anywhere exists', () => {
  const broken: string[] = [];
  for (const f of ALL) {
    // An anchor completed in code (`#f${n}`) is checked where it is built (test/review/scanner.test.ts).
    for (const m of read(f).matchAll(/(docs\/(?:adr\/)?[\w.-]+\.md)((?:#[\w-]+(?:,\s*)?)+)(?!\$\{)/g)) {
      if (!fs.existsSync(path.join(ROOT, m[1]))) {
        broken.push(`${f}: ${m[1]} does not exist`);
        continue;
      }
      for (const a of m[2].split(/,\s*/).map((x) => x.replace(/^#/, '')).filter(Boolean)) {
        if (!anchors(m[1]).has(a)) broken.push(`${f}: ${m[1]}#${a}`);
      }
    }
  }
  expect(broken).toEqual([]);
});

test('every relative link in the documentation resolves, anchors included', () => {
  const broken: string[] = [];
  for (const f of ALL.filter((x) => x.endsWith('.md') && x !== 'API.md')) {
    for (const m of prose(read(f)).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [file, anchor] = target.split('#');
      const rel = file ? path.posix.normalize(path.posix.join(path.posix.dirname(f), file)) : f;
      if (!fs.existsSync(path.join(ROOT, rel))) {
        broken.push(`${f}: ${target}`);
      } else if (anchor && rel.endsWith('.md') && !anchors(rel).has(anchor)) {
        broken.push(`${f}: ${target} (no such anchor)`);
      }
    }
  }
  expect(broken).toEqual([]);
});

test('the anchors other code cites are stable', () => {
  const security = anchors('docs/security.md');
  const required = [
    ...Array.from({ length: 16 }, (_, i) => `f${i + 1}`),
    'github-actions', 'gitlab', 'buildkite', 'circleci', 'bitbucket', 'azure-devops', 'hcp-terraform',
    'issuer-and-audience', 'syntactic-guardrails', 'aws-wide-hazards', 'aws-network-keys', 'bad-input-matrix',
  ];
  expect(required.filter((a) => !security.has(a))).toEqual([]);
  expect(['aws', 'gcp', 'azure', 'model'].filter((a) => !anchors('docs/limits.md').has(a))).toEqual([]);
  expect(['github-actions', 'gitlab', 'buildkite', 'circleci', 'bitbucket', 'azure-devops', 'hcp-terraform', 'aws-condition-keys']
    .filter((a) => !anchors('docs/claims.md').has(a))).toEqual([]);
});
