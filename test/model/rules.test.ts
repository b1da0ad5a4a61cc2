/**
 * Rules as data (lib/model/rules.ts): well-formed ids, one rule per widening, and no rule id used in
 * the library that the catalogue does not define (the `RuleId` type catches literals passed to
 * `rule()` and `TrustConfigError`; this also catches ids in findings and comments).
 */
import * as fs from 'fs';
import * as path from 'path';
import { rule, RuleId, RULE_IDS, RULES, Widening } from '../../lib/model/rules';

const LIB = path.join(__dirname, '../../lib');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

test('ids are unique, well formed, in order, and index the catalogue', () => {
  expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
  for (const id of RULE_IDS) expect(id).toMatch(/^CIT-M\d{3}$/);
  expect([...RULE_IDS].sort()).toEqual(RULE_IDS);
  expect(Object.keys(RULES)).toEqual(RULE_IDS);
  for (const id of RULE_IDS) {
    const r = rule(id);
    expect(r.id).toBe(id);
    for (const text of [r.title, r.rationale, r.fix]) expect(text.length).toBeGreaterThan(5);
  }
});

test('an unknown id is refused at run time too', () => {
  expect(() => rule('CIT-M999' as RuleId)).toThrow('unknown rule CIT-M999');
  // Checked by `tsc -p test/tsconfig.json`: a misspelt id does not compile.
  // @ts-expect-error 'CIT-M0O1' is not a RuleId
  expect(() => rule('CIT-M0O1')).toThrow();
});

test('every widening turns exactly one rule into a warning', () => {
  for (const w of Object.values(Widening)) {
    expect(RULE_IDS.filter((id) => RULES[id].widening === w)).toHaveLength(1);
  }
});

test('every model rule id the library mentions is in the catalogue', () => {
  const known = new Set<string>(RULE_IDS);
  const unknown: string[] = [];
  for (const file of sources(LIB)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/CIT-M\d{3}/g)) {
      if (!known.has(m[0])) unknown.push(`${path.relative(LIB, file)}: ${m[0]}`);
    }
  }
  expect(unknown).toEqual([]);
});
