/**
 * The generated tables (README rules and limits, docs/limits.md per cloud) match the data they are
 * generated from. On failure: `npx projen docs:tables`, then commit the result.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RULE_IDS } from '../../lib/model/rules';
import { BLOCKS, committedBlock, replaceBlock, renderRulesTable } from '../../scripts/gen-docs-tables';

const ROOT = path.join(__dirname, '../..');

test.each(BLOCKS.map((b) => [b.file, b.name, b] as const))('%s: the %s table is the generated one (npx projen docs:tables)', (file, name, b) => {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  expect(committedBlock(text, name)).toBe(b.render());
});

test('the rules table has one row per rule, linking its failure modes', () => {
  const rows = renderRulesTable().split('\n').slice(2);
  expect(rows.map((r) => r.split(' | ')[0].replace('| ', ''))).toEqual([...RULE_IDS]);
  expect(rows.find((r) => r.startsWith('| CIT-M010 '))).toContain('[F6](docs/security.md#f6)');
});

test('replacing a block keeps the text around it and refuses missing markers', () => {
  const text = 'before\n<!-- x:start -->\nold\n<!-- x:end -->\nafter\n';
  const out = replaceBlock(text, 'x', 'new $& $1');
  expect(out.startsWith('before\n<!-- x:start -->\n')).toBe(true);
  expect(out.endsWith('\nnew $& $1\n<!-- x:end -->\nafter\n')).toBe(true);
  expect(committedBlock(out, 'x')).toBe('new $& $1');
  expect(() => replaceBlock('no markers', 'x', 'y')).toThrow('markers <!-- x:start --> … <!-- x:end --> not found');
});
