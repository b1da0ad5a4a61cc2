// Run by the compile task, after jsii: the package root must load no aws-cdk-lib (an optional
// peer, which CDKTF-only users do not install) and no cdktf. tsc compiles every re-export of a barrel
// (lib/**/index.js) into an eager require; this turns the re-exports of the modules that need
// aws-cdk-lib at load into getters that require the module on first use, as aws-cdk-lib does for
// its own submodules. Export names are read from the compiled modules here, at build time. Only the
// JavaScript changes: the .d.ts files and the jsii assembly (both made from the sources) do not.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const LIB = path.resolve(__dirname, '..', 'lib');
const ROOT = path.join(LIB, 'index.js');
const MARK = '/* lazy-index */';
// Modules that need aws-cdk-lib at load (paths in lib/); the review (its scanner loads yaml and
// dozens of modules) and the GCP and Azure constructs, so that an app using one cloud does not
// compile the others' code at start (docs/benchmarks.md#import-time); and each CI provider's
// builders, so an app loads only the providers it uses. jsii submodules (`export * as x`) are
// always loaded on first use.
const LAZY = [/^(aws|gcp|azure|review)\/index\.js$/, /^ci\/[^/]+\/index\.js$/, /^review\/expect\.js$/, /^testing\//];

const CDK = `aws-cdk-lib@${require('../package.json').peerDependencies['aws-cdk-lib']}`;
// A missing aws-cdk-lib is named, with what to install, as the GCP and Azure constructs do for cdktf.
const HELPER = `${MARK} function __lazy(load, name) {
  try {
    return load();
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && /'aws-cdk-lib[/']/.test(e.message)) throw new Error('ci-oidc-trust: install aws-cdk-lib to use ' + name + ' (npm install ${CDK} constructs). Cause: ' + e.message);
    throw e;
  }
}
// After the first read an export is a plain value: an app reads CiOidcRole once per role, and a
// getter would call require() each time.
function __lazyExports(exports, load, names) {
  for (const n of names) {
    if (Object.prototype.hasOwnProperty.call(exports, n)) continue;
    Object.defineProperty(exports, n, {
      enumerable: true,
      configurable: true,
      get: () => {
        const value = __lazy(load, n)[n];
        Object.defineProperty(exports, n, { enumerable: true, configurable: true, writable: false, value });
        return value;
      },
    });
  }
}`;

function barrels(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return barrels(p);
    return e.name === 'index.js' ? [p] : [];
  });
}

function rewrite(file) {
  let src = fs.readFileSync(file, 'utf8');
  if (src.includes(MARK)) return [];
  const dir = path.dirname(file);
  const isLazy = (id) => LAZY.some((re) => re.test(path.relative(LIB, require.resolve(path.resolve(dir, id))).split(path.sep).join('/')));
  const made = [];
  const load = (id) => `() => require(${JSON.stringify(id)})`;
  // export * from './x'
  src = src.replace(/^__exportStar\(require\("(\.[^"]+)"\), exports\);$/gm, (line, id) => {
    if (!isLazy(id)) return line;
    const names = Object.keys(require(path.resolve(dir, id))).filter((n) => n !== 'default');
    made.push(`${id} (${names.length} names)`);
    return `${MARK} __lazyExports(exports, ${load(id)}, ${JSON.stringify(names)});`;
  });
  // export * as x from './x' (a jsii submodule)
  src = src.replace(/^exports\.(\w+) = __importStar\(require\("(\.[^"]+)"\)\);$/gm, (_line, name, id) => {
    made.push(`${id} (submodule ${name})`);
    return `${MARK} Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, configurable: true, get: () => __importStar(__lazy(${load(id)}, ${JSON.stringify(name)})) });`;
  });
  // export { X } from './x': tsc reads X from the required module inside a getter already.
  src = src.replace(/^var (\w+) = require\("(\.[^"]+)"\);$/gm, (line, v, id) => {
    if (!isLazy(id)) return line;
    made.push(`${id} (named)`);
    return `${MARK} var ${v} = new Proxy({}, { get: (_, k) => __lazy(${load(id)}, String(k))[k] });`;
  });
  if (made.length === 0) return [];
  const strict = '"use strict";\n';
  fs.writeFileSync(file, src.startsWith(strict) ? `${strict}${HELPER}\n${src.slice(strict.length)}` : `${HELPER}\n${src}`);
  return made.map((m) => `${path.relative(LIB, file)}: ${m}`);
}

// What a fresh process sees when it requires the root: its names, names that read as undefined
// (only checked when `all`, which loads everything), and which lib files load an optional peer.
function inspect(all) {
  const probe = `
    const Module = require('module');
    const load = Module._load;
    const peers = [];
    Module._load = function (request, parent, ...rest) {
      if (/^(aws-cdk-lib|cdktf|@cdktf\\/)/.test(request) && parent && !parent.filename.includes('node_modules')) peers.push(request + ' <- ' + parent.filename);
      return load.call(this, request, parent, ...rest);
    };
    const m = require(${JSON.stringify(ROOT)});
    const atLoad = [...peers];
    const names = Object.keys(m).sort();
    const missing = ${all} ? names.filter((n) => m[n] === undefined) : [];
    process.stdout.write(JSON.stringify({ names, missing, atLoad }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }));
}

const before = inspect(false).names;
const made = barrels(LIB).flatMap(rewrite);
const after = inspect(true);
const problems = [];
if (JSON.stringify(after.names) !== JSON.stringify(before)) {
  problems.push(`the root's exports changed: ${JSON.stringify(before.filter((n) => !after.names.includes(n)))} lost, ${JSON.stringify(after.names.filter((n) => !before.includes(n)))} new`);
}
if (after.missing.length) problems.push(`exports read as undefined: ${after.missing.join(', ')}`);
if (after.atLoad.length) {
  problems.push(`requiring the root loads optional peers: ${after.atLoad.join('; ')}. Fix: require them inside the function that needs them, or add the module to LAZY in scripts/lazy-index.js`);
}
if (problems.length) {
  console.error(`lazy-index: ${problems.join('\n')}`);
  process.exit(1);
}
console.log(made.length ? `lazy-index: loaded on first use: ${made.join(', ')}` : 'lazy-index: already done');
