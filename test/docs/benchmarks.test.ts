/**
 * The deterministic figures of docs/benchmarks.md are what the benchmark computes now: the AWS
 * trust-policy table (lengths, ratios, trusts per role) is bench/policy-size.ts's, so a change to
 * the compiler or to a default cannot leave the docs describing the previous one. (Timings are
 * not checked: they are a machine's, with its date.) On failure: run the bench and update the rows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { docsRow, measure } from '../../bench/policy-size';

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'benchmarks.md'), 'utf8');

test('the AWS trust-policy size table is the one bench/policy-size.ts computes', () => {
  const measured = measure();
  const table = DOC.split('\n').filter((l) => /^\| \([a-e]′?\) /.test(l));
  expect(table).toEqual(measured.map(docsRow));
  // The targets, as the docs state them: every shape as short as the hand-written policy
  // with its meaning, and 25 branch trusts of one repository in the immutable subject.
  for (const m of measured) for (const p of m.points) expect(p.compiled / p.handWritten).toBeLessThanOrEqual(1.05);
  expect(measured[0].fit[0]).toBeGreaterThanOrEqual(25);
}, 60_000);
