// Lets the examples import the package by its name, as users do (`from 'ci-oidc-trust'`), while
// running the TypeScript sources under ts-node (`-r ./examples/register.js`). jest maps the name
// with moduleNameMapper and tsc with `paths` (test/tsconfig.json). A package.json self-reference
// would need an `exports` field (which also closes deep imports for users) and would resolve to
// the compiled lib/index.js rather than the sources.
const Module = require('module');
const path = require('path');
const root = path.join(__dirname, '..', 'lib', 'index');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === 'ci-oidc-trust' ? root : request, ...rest);
};
