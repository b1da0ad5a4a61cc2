/**
 * The eslint layer zones (.projenrc.ts LAYER_ZONES, `import/no-restricted-paths`) are live: an import
 * that points upwards fails lint, one that points downwards passes. Linted as if the file were in
 * the named folder, with the repository's own eslint configuration.
 */
import * as fs from 'fs';
import * as path from 'path';
// eslint's legacy (eslintrc) API: projen generates .eslintrc.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LegacyESLint } = require('eslint/use-at-your-own-risk');

const ROOT = path.join(__dirname, '..');
// The repository's own configuration (generated from .projenrc.ts), reduced to the zone rule: the
// other rules need type information for a file that is not part of the project.
const rc = JSON.parse(fs.readFileSync(path.join(ROOT, '.eslintrc.json'), 'utf8').replace(/^\/\/.*$/m, ''));
const eslint = new LegacyESLint({
  cwd: ROOT,
  useEslintrc: false,
  baseConfig: {
    parser: rc.parser,
    parserOptions: { ecmaVersion: 2018, sourceType: 'module' },
    plugins: ['import'],
    settings: rc.settings,
    rules: { 'import/no-restricted-paths': rc.rules['import/no-restricted-paths'] },
  },
});

test('the configuration carries the zones', () => {
  expect(rc.rules['import/no-restricted-paths'][1].zones.length).toBeGreaterThanOrEqual(6);
});

async function zoneErrors(file: string, importPath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${importPath}';\nexport const y = x;\n`, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m: any) => m.ruleId === 'import/no-restricted-paths').map((m: any) => m.message);
}

test.each([
  ['lib/aws/fixture.ts', '../review/report', 'never the review'],
  ['lib/gcp/fixture.ts', '../testing/expect', 'never the review, the test kit'],
  ['lib/azure/fixture.ts', '../aws/compile', 'or another cloud'],
  ['lib/model/fixture.ts', '../ci/registry', 'lib/model is the bottom layer'],
  ['lib/ci/fixture.ts', '../emit/metadata', 'lib/ci imports only lib/model'],
  ['lib/emit/fixture.ts', '../aws/compile', 'lib/emit imports only lib/model and lib/ci'],
])('%s importing %s fails lint', async (file, from, message) => {
  const errors = await zoneErrors(file, from);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(message);
});

test.each([
  ['lib/aws/fixture.ts', '../emit/metadata'],
  ['lib/gcp/fixture.ts', '../ci/registry'],
  ['lib/review/fixture.ts', '../aws/compile'],
  ['lib/emit/fixture.ts', '../ci/registry'],
  ['lib/ci/fixture.ts', '../model/trust'],
])('%s importing %s passes', async (file, from) => {
  expect(await zoneErrors(file, from)).toEqual([]);
});
