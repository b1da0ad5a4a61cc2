/**
 * docs/snippets.md's provider × cloud tables are the matrix's outcomes (test/snippets/cases.ts);
 * regenerate with UPDATE_SNIPPET_DOCS=1.
 */
import * as fs from 'fs';
import * as path from 'path';
import { snippetTables } from './table';

const FILE = path.join(__dirname, '..', '..', 'docs', 'snippets.md');
const START = '<!-- snippets:start -->\n';
const END = '\n<!-- snippets:end -->';

test('docs/snippets.md shows, per CI provider and cloud, a verified snippet or why there is none', () => {
  const doc = fs.readFileSync(FILE, 'utf8');
  const from = doc.indexOf(START) + START.length;
  const to = doc.indexOf(END);
  expect(from).toBeGreaterThan(START.length - 1);
  const generated = snippetTables();
  if (process.env.UPDATE_SNIPPET_DOCS === '1') fs.writeFileSync(FILE, doc.slice(0, from) + generated + doc.slice(to));
  else expect(doc.slice(from, to)).toBe(generated);
});
