import { awscdk, javascript } from 'projen';

// Why each version is pinned: docs/architecture.md#toolchain.
const CDK_FLOOR = '2.200.0'; // first aws-cdk-lib with iam.OidcProviderNative
const project = new awscdk.AwsCdkConstructLibrary({
  name: 'ci-oidc-trust',
  description: 'Typed, secure-by-default trust policies for CI/CD OpenID Connect federation into AWS, GCP and Azure.',
  author: 'ci-oidc-trust maintainers',
  authorAddress: 'maintainers@users.noreply.example',
  repositoryUrl: 'https://example.com/ci-oidc-trust.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  cdkVersion: CDK_FLOOR,
  jsiiVersion: '~6.0.0',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  // Placeholder coordinates: nothing is published yet. The targets exist so that `npm test`
  // generates every language's bindings (jsii-pacmak --code-only) and a change that breaks one fails.
  publishToPypi: { distName: 'ci-oidc-trust', module: 'ci_oidc_trust' },
  publishToMaven: { javaPackage: 'com.example.cioidctrust', mavenGroupId: 'com.example', mavenArtifactId: 'ci-oidc-trust' },
  publishToNuget: { dotNetNamespace: 'Example.CiOidcTrust', packageId: 'Example.CiOidcTrust' },
  publishToGo: { moduleName: 'example.com/ci-oidc-trust/go' },
  keywords: ['cdk', 'cdktf', 'oidc', 'github-actions', 'gitlab', 'buildkite', 'iam', 'workload-identity'],

  // Collocated build (lib/*.ts -> lib/*.js); see the two fixes below.
  srcdir: 'lib',
  libdir: 'lib',

  // cdktf is optional: a CDK-only user never installs it, and aws-cdk-lib is optional too (below): a
  // CDKTF-only user never installs it (test/packaging.test.ts proves both).
  // @bufbuild/cel (GcpTrustSimulator only) is not a jsii module, so it cannot be a peer: the
  // simulator loads it lazily and says to install it.
  // Review inputs (lib/review/scan/extract): HashiCorp's HCL parser built to WebAssembly (CDK
  // Terrain's maintained continuation of @cdktf/hcl2json, MPL-2.0, loaded only for .tf files) and
  // eemeli's yaml (ISC) for CloudFormation YAML tags and source positions. Neither is a jsii module,
  // so both are bundled.
  bundledDeps: ['@cdktn/hcl2json@0.24.0', 'yaml@^2.9.1'],
  peerDeps: ['cdktf@^0.21.0', '@cdktf/provider-google@^16.12.1', '@cdktf/provider-azurerm@^14.23.1'],
  devDeps: [
    'typescript@~5.9.3', // TS 7 has no JS API and breaks ts-jest/ts-node/eslint
    '@types/node@^20',
    'cdktf@0.21.0',
    '@cdktf/provider-google@16.12.1',
    '@cdktf/provider-azurerm@14.23.1',
    'fast-check@^4',
    '@bufbuild/cel@0.6.1',
    'cdk-nag@2.36.8', // 3.x needs aws-cdk-lib >= 2.257
    // The real CDK CLI: a test runs `cdk synth` on an example app and reviews its cloud assembly,
    // and bench/cdk-cli-synth.ts times it (one package, no dependencies of its own).
    'aws-cdk@2.1148.1',
    // SARIF output is validated against the OASIS SARIF 2.1.0 schema that Microsoft's SARIF SDK
    // ships (a draft-04 schema, hence ajv-draft-04).
    '@microsoft/jest-sarif@1.0.0-beta.0',
    'ajv@^8.17.1',
    'ajv-draft-04@^1.0.0',
    'ajv-formats@^3.0.1',
    // (yaml, a bundled dependency of the review, also parses every YAML CI snippet in test/snippets/.)
  ],
  bin: { 'ci-oidc-trust': 'bin/ci-oidc-trust' },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Fix 1 for srcdir=lib: resolve .ts before stale compiled .js.
      moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'jsx', 'json', 'node'],
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // projen already adds 'default' (one PASS line per suite); ours adds the line CI reads.
      reporters: [new javascript.JestReporter('<rootDir>/test/support/summary-reporter.js')],
      // Examples import the package by its name, as users do; in tests that is the TypeScript source.
      moduleNameMapper: { '^ci-oidc-trust$': '<rootDir>/lib/index.ts' },
      testTimeout: 120000,
      // The differential and property tests are the measure; coverage tables drown the summary.
      collectCoverage: false,
    },
  },
  // Source maps beside the JavaScript (lib/**/*.js.map, with the sources), not inlined: an inline map
  // is two thirds of each file, and node reads and scans all of it on every require (docs/benchmarks.md#import-time).
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: true, sourceMap: true } },
  tsconfigDev: {
    include: ['examples/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    // Relative to test/ (no baseUrl). At run time: jest's moduleNameMapper above, examples/register.js.
    compilerOptions: { paths: { 'ci-oidc-trust': ['../lib/index.ts'] } },
  },
  gitignore: ['/cdk.out/', '/cdktf.out/', '/.bench/', '/.pacmak/', '/examples/**/*.js', '!/examples/register.js', '/examples/**/*.d.ts'],
});

project.gitignore.exclude('/lib/**/*.js.map'); // compiled, as lib/**/*.js

// Fix 2 for srcdir=lib: ship .js/.d.ts only (consumers' tsc would prefer .ts over .d.ts).
project.npmignore?.exclude('/lib/**/*.ts', '/examples/', '/bench/', '/docs/', '/.ci/', '/cdk.out/', '/cdktf.out/', '/.scratch/', '/scripts/', '/.pacmak/');
project.npmignore?.include('/lib/**/*.d.ts', '/docs/review-schema.json');
project.package.addField('peerDependenciesMeta', {
  'aws-cdk-lib': { optional: true },
  'cdktf': { optional: true },
  '@cdktf/provider-google': { optional: true },
  '@cdktf/provider-azurerm': { optional: true },
});

const CLOUDS = ['./lib/aws', './lib/gcp', './lib/azure'];
const LAYER_ZONES = [
  { target: './lib/model', from: ['./lib/ci', './lib/emit', ...CLOUDS, './lib/review', './lib/testing'], message: 'lib/model is the bottom layer: it imports nothing else from lib.' },
  { target: './lib/ci', from: ['./lib/emit', ...CLOUDS, './lib/review', './lib/testing'], message: 'lib/ci imports only lib/model.' },
  { target: './lib/emit', from: [...CLOUDS, './lib/review', './lib/testing'], message: 'lib/emit imports only lib/model and lib/ci.' },
  ...CLOUDS.map((cloud) => ({
    target: cloud,
    from: ['./lib/review', './lib/testing', ...CLOUDS.filter((c) => c !== cloud)],
    message: 'A cloud imports lib/model, lib/ci (the registry) and lib/emit, never the review, the test kit or another cloud.',
  })),
];

// Root provider imports cost seconds and hundreds of MB: only per-resource submodules.
project.eslint?.addRules({
  'no-restricted-imports': ['error', {
    paths: [
      { name: '@cdktf/provider-google', message: 'Import a resource submodule (@cdktf/provider-google/lib/<resource>).' },
      { name: '@cdktf/provider-azurerm', message: 'Import a resource submodule (@cdktf/provider-azurerm/lib/<resource>).' },
    ],
  }],
  // The layers point one way (docs/architecture.md): model <- ci <- emit <- clouds <- review. A change
  // that imports upwards fails lint; test/architecture.test.ts proves the zones are live.
  'import/no-restricted-paths': ['error', { zones: LAYER_ZONES }],
});

// jsii's language-compatibility warnings (a member named like its type becomes `_Type` in C#, ...)
// fail the build. reserved-word stays silenced as projen sets it: it flags any word reserved in any
// language (`operator`), which the generators already escape.
project.compileTask.reset('jsii --silence-warnings=reserved-word --fail-on-warnings');
// Part of compile, so every compiled root is lazy: it loads the AWS side (and jsii submodules) on
// first use, and CDKTF-only users need no aws-cdk-lib.
project.compileTask.exec('node scripts/lazy-index.js');

const silence = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
for (const t of ['compile', 'package:js', 'docgen']) project.tasks.tryFind(t)?.env('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The README's main job: synthesize every example offline and print what each trusts.
project.addTask('examples', {
  description: 'Synthesize every example (cdk.out/, cdktf.out/) and print the trust review',
  env: { ...silence, TS_NODE_PROJECT: 'test/tsconfig.json' },
  // --prefer-ts-exts: run the sources even when compiled lib/*.js sit next to them; register.js
  // resolves the package's own name to them.
  exec: 'ts-node --prefer-ts-exts --transpile-only -r ./examples/register.js examples/run-all.ts',
});
// The README's rule and limit tables and docs/limits.md are generated from lib/*/rules|limits data;
// test/docs/tables.test.ts fails when they differ.
project.addTask('docs:tables', {
  description: 'Regenerate the rule and limit tables in README.md and docs/limits.md from the data',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
  exec: 'ts-node --prefer-ts-exts --transpile-only scripts/gen-docs-tables.ts',
});
// The review fixtures in every other input form (HCL, array-shape JSON, plan JSON, CloudFormation
// YAML); test/review/forms.test.ts fails when the committed files differ.
project.addTask('review:forms', {
  description: 'Regenerate test/review/fixtures/{hcl,tfjson-array,plan,cloudformation-yaml} from the JSON fixtures',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
  exec: 'ts-node --prefer-ts-exts --transpile-only scripts/gen-review-forms.ts',
});
project.addTask('bench', {
  description: 'Synth, policy-size and capacity benchmarks (results in docs/benchmarks.md)',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
  steps: [
    // The whole-process benchmarks run the compiled JavaScript, as users load it.
    { spawn: 'compile' },
    { exec: 'ts-node --prefer-ts-exts --transpile-only bench/aws-synth.ts' },
    { exec: 'ts-node --prefer-ts-exts --transpile-only bench/cdk-cli-synth.ts' },
    { exec: 'ts-node --prefer-ts-exts --transpile-only bench/import-time.ts' },
    { exec: 'ts-node --prefer-ts-exts --transpile-only bench/gcp-synth.ts' },
    { exec: 'ts-node --prefer-ts-exts --transpile-only bench/policy-size.ts' },
    { exec: 'ts-node --prefer-ts-exts --transpile-only bench/capacity.ts' },
    { exec: 'ts-node --prefer-ts-exts --transpile-only bench/review-inputs.ts' },
  ],
});

// Every language's bindings, generated (no toolchain, no network): an API change that another jsii
// language cannot express fails here rather than at release.
const pacmak = project.addTask('pacmak:code', {
  description: 'Generate Python, Java, .NET and Go bindings into .pacmak/ (code only)',
  env: silence,
  exec: 'jsii-pacmak --code-only --targets python java dotnet go --outdir .pacmak --no-npmignore',
});

// npm test = compile (jsii + API.md), bindings for every language, jest, eslint.
const test = project.tasks.tryFind('test')!;
const testSteps = [...test.steps];
test.reset();
test.spawn(project.preCompileTask);
test.spawn(project.compileTask);
test.spawn(project.postCompileTask);
test.spawn(pacmak);
for (const step of testSteps) {
  if (step.spawn) test.spawn(project.tasks.tryFind(step.spawn)!);
  else if (step.exec) test.exec(step.exec, { receiveArgs: step.receiveArgs });
  else if (step.execArgs) test.execArgs(step.execArgs, { receiveArgs: step.receiveArgs });
}
project.postCompileTask.exec('node scripts/check-api-md.js');

project.synth();
