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

/**
 * Role `i` of each variant, as JavaScript source for the children that build them
 * (bench/aws-synth.ts, bench/cdk-cli-synth.ts): a CiOidcRole with one GitHub trust, and a plain
 * iam.Role whose trust policy is what that trust compiles to (the default trust: both subject
 * forms, held to the repository id), on one OidcProviderNative per stack.
 */
export const ROLES_SOURCE = `
const K = 'token.actions.githubusercontent.com';
function plainProvider(iam, stack) {
  return new iam.OidcProviderNative(stack, 'GitHub', { url: 'https://' + K, clientIds: ['sts.amazonaws.com'] });
}
function plainRole(iam, stack, provider, i) {
  new iam.Role(stack, 'Role' + i, {
    assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, {
      StringEquals: {
        [K + ':aud']: 'sts.amazonaws.com',
        [K + ':ref']: 'refs/heads/main',
        [K + ':repository_id']: String(1000 + i),
        [K + ':sub']: ['repo:acme/web' + i + ':environment:production', 'repo:acme@1234567/web' + i + '@' + (1000 + i) + ':environment:production'],
      },
    }),
  });
}
function ciRole(CiOidcRole, GitHubActions, stack, i) {
  new CiOidcRole(stack, 'Role' + i, {
    trusts: [GitHubActions.repository({ owner: 'acme', repository: 'web' + i, ownerId: '1234567', repositoryId: String(1000 + i) }).onBranch('main').inEnvironment('production').toTrust()],
  });
}
`;
