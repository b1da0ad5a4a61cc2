/**
 * The jsii assembly (.jsii, written by `npm test`'s compile step) as other languages see it: the
 * `testing` submodule must not be Go's `package testing`, which clashes with the standard library in
 * every `_test.go` file that would use it.
 */
import * as fs from 'fs';
import * as path from 'path';

const ASSEMBLY = path.join(__dirname, '..', '.jsii');
const GO_STDLIB = new Set(['testing', 'errors', 'context', 'net', 'time', 'sort', 'strings']);

(fs.existsSync(ASSEMBLY) ? test : test.skip)('every submodule has a Go package name that is not a standard-library one', () => {
  const assembly = JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'));
  const submodules = Object.entries<any>(assembly.submodules ?? {});
  expect(submodules.map(([name]) => name)).toContain('ci-oidc-trust.testing');
  for (const [name, sub] of submodules) {
    const goName = sub.targets?.go?.packageName ?? name.split('.').pop();
    expect(GO_STDLIB.has(goName)).toBe(false);
  }
});
