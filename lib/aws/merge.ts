import { AwsStatementJson } from './compile';
import { cmp } from '../model/condition';

type Values = string | string[];
type ConditionJson = Record<string, Record<string, Values>>;

/**
 * Merge trust-policy statements that differ only in the values of one condition key, into one
 * statement with the union of the values, repeated until nothing merges; the result is sorted by
 * its JSON text, so it is deterministic.
 *
 * Exact, not an approximation: a statement allows when every (operator, key) test holds, and a test
 * holds when the request's value matches any listed value. So for statements equal in effect,
 * principal, action and every other (operator, key, values), `(C and k in A) or (C and k in B)` is
 * `C and k in (A or B)`. Statements whose (operator, key) sets differ never merge, so StringEquals
 * and StringLike on one key stay apart. This is how hand-written trust policies list several
 * subjects in one statement, and what keeps a role within IAM's 2,048-character quota.
 * @internal
 */
export function mergeStatements(statements: readonly AwsStatementJson[]): AwsStatementJson[] {
  // Most roles have one statement: nothing to merge or order (the loop below would serialize it ~10 times).
  if (statements.length < 2) return [...statements];
  let current = dedupe(statements);
  for (;;) {
    const next = mergeOnce(current);
    if (next.length === current.length) return current;
    current = next;
  }
}

/** One pass: group by "everything but the values of one (operator, key)", merge each group. */
function mergeOnce(statements: AwsStatementJson[]): AwsStatementJson[] {
  const used = new Set<number>();
  const out: AwsStatementJson[] = [];
  // Try the (operator, key) pairs in a fixed order, so the same input always merges the same way.
  const slots = [...new Set(statements.flatMap((s) => Object.entries(s.Condition).flatMap(([op, keys]) => Object.keys(keys).map((k) => `${op}\u0000${k}`))))].sort(cmp);
  for (const slot of slots) {
    const [op, key] = slot.split('\u0000');
    const groups = new Map<string, number[]>();
    statements.forEach((s, i) => {
      if (used.has(i) || s.Condition[op]?.[key] === undefined) return;
      const rest = { ...s, Condition: { ...s.Condition, [op]: { ...s.Condition[op], [key]: null } } };
      const sig = JSON.stringify(rest);
      groups.set(sig, [...(groups.get(sig) ?? []), i]);
    });
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      members.forEach((i) => used.add(i));
      const values = [...new Set(members.flatMap((i) => list(statements[i].Condition[op][key])))].sort(cmp);
      const first = statements[members[0]];
      out.push({ ...first, Condition: withValues(first.Condition, op, key, values) });
    }
  }
  statements.forEach((s, i) => {
    if (!used.has(i)) out.push(s);
  });
  return dedupe(out);
}

function withValues(c: ConditionJson, op: string, key: string, values: string[]): ConditionJson {
  return { ...c, [op]: { ...c[op], [key]: values.length === 1 ? values[0] : values } };
}

function list(v: Values): string[] {
  return Array.isArray(v) ? v : [v];
}

function dedupe(statements: readonly AwsStatementJson[]): AwsStatementJson[] {
  const byText = new Map<string, AwsStatementJson>();
  for (const s of statements) byText.set(JSON.stringify(s), s);
  return [...byText.keys()].sort(cmp).map((k) => byText.get(k)!);
}
