/**
 * `--format sarif`: a SARIF 2.1.0 log validated against the OASIS schema (as shipped in Microsoft's
 * SARIF SDK, @microsoft/jest-sarif), with every rule's help, results with file and region, and
 * fingerprints that survive edits elsewhere in the file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { main } from '../../lib/review/cli';
import { FINGERPRINT_KEY } from '../../lib/review/sarif';
import { FINDINGS } from '../../lib/review/scan/findings';

const FIXTURES = path.join(__dirname, 'fixtures');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SARIF_SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// The schema's language-tag pattern is not a valid `u`-flag regular expression.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(SARIF_SCHEMA);

async function sarif(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['review', ...argv, '--format', 'sarif'], { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, isTTY: false });
  return { code, log: JSON.parse(stdout), stdout, stderr };
}

const errorsOf = (log: unknown) => (validateSarif(log) ? [] : (validateSarif.errors ?? []).map(e => `${e.instancePath} ${e.message}`));

describe('SARIF', () => {
  test.each([
    ['insecure fixtures', path.join(FIXTURES, 'insecure')],
    ['secure fixtures', path.join(FIXTURES, 'secure')],
    ['HCL', path.join(FIXTURES, 'hcl-written', 'google')],
    ['CloudFormation YAML', path.join(FIXTURES, 'cloudformation-yaml')],
    ['plan JSON', path.join(FIXTURES, 'plan')],
  ])('%s: valid SARIF 2.1.0, exit code as for the other formats', async (_n, input) => {
    const r = await sarif([input]);
    expect(errorsOf(r.log)).toEqual([]);
    expect(r.log.version).toBe('2.1.0');
    const errors = r.log.runs[0].results.filter((x: any) => x.level === 'error').length;
    expect(r.code).toBe(errors > 0 ? 1 : 0);
  });

  test('the validator is not vacuous', async () => {
    const { log } = await sarif([path.join(FIXTURES, 'insecure')]);
    log.runs[0].results[0].level = 'fatal';
    delete log.runs[0].tool.driver.name;
    expect(errorsOf(log).length).toBeGreaterThanOrEqual(2);
  });

  test('one rule per catalogue entry, with help text, sources and a link where the source has one', async () => {
    const { log } = await sarif([path.join(FIXTURES, 'insecure')]);
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((r: any) => r.id)).toEqual(FINDINGS.map(f => f.id));
    for (const [i, d] of FINDINGS.entries()) {
      expect(rules[i].help.text).toContain(d.fix);
      expect(rules[i].help.markdown).toContain(d.rationale);
      expect(rules[i].defaultConfiguration.level).toBe(d.severity);
      if (/https:\/\//.test(d.source)) expect(rules[i].helpUri).toMatch(/^https:\/\//);
    }
    for (const res of log.runs[0].results) expect(rules[res.ruleIndex].id).toBe(res.ruleId);
  });

  test('results name the file from the input path and the region where the input has positions', async () => {
    const input = path.relative(process.cwd(), path.join(FIXTURES, 'hcl-written', 'azurerm'));
    const { log } = await sarif([input]);
    const res = log.runs[0].results.find((x: any) => x.ruleId === 'CIT-AZ-003');
    const loc = res.locations[0];
    expect(loc.physicalLocation.artifactLocation.uri).toBe(`${input.split(path.sep).join('/')}/main.tf`);
    const text = fs.readFileSync(path.join(input, 'main.tf'), 'utf8').split('\n');
    expect(text[loc.physicalLocation.region.startLine - 1]).toBe('resource "azurerm_federated_identity_credential" "wildcard" {');
    expect(loc.logicalLocations[0].fullyQualifiedName).toBe('azurerm_federated_identity_credential.wildcard');
  });

  test('fingerprints are stable across runs and edits elsewhere in the file; regions follow the edit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-sarif-'));
    const src = path.join(FIXTURES, 'hcl-written', 'azurerm', 'main.tf');
    fs.copyFileSync(src, path.join(dir, 'main.tf'));
    const a = (await sarif([dir])).log.runs[0].results;
    fs.writeFileSync(path.join(dir, 'main.tf'), `# a comment\n# and another\n\n${fs.readFileSync(src, 'utf8')}`);
    const b = (await sarif([dir])).log.runs[0].results;
    expect(b.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(a.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY]));
    expect(new Set(a.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY])).size).toBe(a.length);
    const line = (r: any) => r.locations[0].physicalLocation.region.startLine;
    expect(b.map(line)).toEqual(a.map((r: any) => line(r) + 3));
  });

  test('--strict makes not-analysable results errors', async () => {
    const input = path.join(FIXTURES, 'hcl-written', 'unknowns');
    const plain = await sarif([input]);
    const strict = await sarif([input, '--strict']);
    const levels = (log: any) => log.runs[0].results.filter((x: any) => /^not analysable/.test(x.message.text.split(': ').slice(1).join(': '))).map((x: any) => x.level);
    expect(levels(plain.log).every((l: string) => l === 'warning')).toBe(true);
    expect(levels(strict.log).length).toBeGreaterThan(0);
    expect(levels(strict.log).every((l: string) => l === 'error')).toBe(true);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('--strict');
  });

  test('--skip keeps the finding as a note; --fail-on warning gates on warnings', async () => {
    const input = path.join(FIXTURES, 'hcl-written', 'unknowns');
    const plain = await sarif([input]);
    const ids = [...new Set(plain.log.runs[0].results.map((x: any) => x.ruleId))] as string[];
    const skipped = await sarif([input, '--skip', ids[0]]);
    const of = (log: any, id: string) => log.runs[0].results.filter((x: any) => x.ruleId === id).map((x: any) => x.level);
    expect(of(skipped.log, ids[0]).length).toBeGreaterThan(0);
    expect(of(skipped.log, ids[0]).every((l: string) => l === 'note')).toBe(true);
    expect(errorsOf(skipped.log)).toEqual([]);
    const warnGate = await sarif([input, '--fail-on', 'warning']);
    expect(warnGate.code).toBe(1);
  });

  test('byte-identical across runs', async () => {
    const a = await sarif([path.join(FIXTURES, 'insecure')]);
    const b = await sarif([path.join(FIXTURES, 'insecure')]);
    expect(a.stdout).toBe(b.stdout);
  });
});
