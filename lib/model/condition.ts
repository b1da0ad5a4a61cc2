import { TrustConfigError } from './errors';
import { Glob, globSource, isWildcard, matchGlob, parseGlob } from './glob';
import { MODEL_LIMITS } from './limits';
import { cmp, uniqSorted } from './text';

/** How a claim test compares. */
export enum ClaimOperator {
  /** The claim is a string equal to one of the values (exact, case-sensitive). */
  EQUALS = 'EQUALS',
  /** The claim is a string matching one of the anchored glob patterns (`*` wildcard only). */
  LIKE = 'LIKE',
  /** The claim is a list of strings containing at least one of the values (e.g. CircleCI context ids). */
  CONTAINS = 'CONTAINS',
}

/** One test of a canonical term: `claim` compared with `values` by `operator`; the values are ORed. */
export interface ClaimTest {
  /** Claim name as it appears in the token payload (for example `sub`, `repository_id`). */
  readonly claim: string;
  /** Comparison. */
  readonly operator: ClaimOperator;
  /** Exact values (EQUALS) or glob sources (LIKE), sorted, deduplicated. */
  readonly values: string[];
}

/** A conjunction of claim tests: every test must pass. */
export interface ConditionTerm {
  /** Tests, sorted by claim then operator. */
  readonly tests: ClaimTest[];
}

/** Why a condition did or did not match a token. */
export interface ConditionResult {
  /** True when at least one term matched. */
  readonly matched: boolean;
  /** For a miss: the failed tests of each term (which claim, expected, got). Empty on a match. */
  readonly reasons: string[];
}

/** @internal */
export interface InTest { readonly kind: 'in'; readonly claim: string; readonly values: readonly string[] }
/** @internal */
export interface LikeTest { readonly kind: 'like'; readonly claim: string; readonly patterns: readonly Glob[] }
/** A list claim containing one of the values. @internal */
export interface HasTest { readonly kind: 'has'; readonly claim: string; readonly values: readonly string[] }
/** @internal */
export type Test = InTest | LikeTest | HasTest;
/** A canonical conjunction. @internal */
export interface Term { readonly tests: readonly Test[] }

/** Upper bound on canonical terms: a condition this large is a mistake, and no cloud could hold it. */
export const MAX_TERMS = MODEL_LIMITS.alternatives.value;

const CLAIM = MODEL_LIMITS.claimNameLength;
const CLAIM_NAME = new RegExp(`^[\\x21-\\x7e]{${CLAIM.min},${CLAIM.value}}$`);

// Re-exported for the compilers that sort canonical output.
export { cmp };
function testKey(t: Test): string {
  return t.kind === 'like'
    ? `${t.claim}\u0000like\u0000${JSON.stringify(t.patterns.map(globSource))}`
    : `${t.claim}\u0000${t.kind}\u0000${JSON.stringify(t.values)}`;
}
function compareTests(a: Test, b: Test): number {
  return cmp(a.claim, b.claim) || cmp(a.kind, b.kind) || cmp(testKey(a), testKey(b));
}
/** Sorts in place. A term has a handful of tests: an insertion sort (stable, as Array#sort). */
function sortTests(tests: Test[]): Test[] {
  for (let i = 1; i < tests.length; i++) {
    const t = tests[i];
    let j = i - 1;
    for (; j >= 0 && compareTests(tests[j], t) > 0; j--) tests[j + 1] = tests[j];
    tests[j + 1] = t;
  }
  return tests;
}
function termKey(t: Term): string {
  return t.tests.map(testKey).join('\u0001');
}
function likeMatches(patterns: readonly Glob[], value: string): boolean {
  return patterns.some((p) => matchGlob(p, value));
}

/** AND of two terms; undefined when unsatisfiable. */
function conjoin(a: Term, b: Term): Term | undefined {
  // Tests on different claims never interact: the common case (sub AND ref AND …) needs no merging.
  if (!a.tests.some((x) => b.tests.some((y) => y.claim === x.claim))) return { tests: sortTests([...a.tests, ...b.tests]) };
  const byClaim = new Map<string, Test[]>();
  for (const t of [...a.tests, ...b.tests]) {
    const list = byClaim.get(t.claim) ?? [];
    list.push(t);
    byClaim.set(t.claim, list);
  }
  const out: Test[] = [];
  for (const [claim, tests] of byClaim) {
    const ins = tests.filter((t): t is InTest => t.kind === 'in');
    const likes = tests.filter((t): t is LikeTest => t.kind === 'like');
    const has = tests.filter((t): t is HasTest => t.kind === 'has');
    if (has.length > 0) {
      // A list claim is never a string: list membership and string tests on one claim contradict.
      if (ins.length + likes.length > 0) return undefined;
      const seen = new Set<string>();
      for (const h of has) {
        if (!seen.has(testKey(h))) out.push(h);
        seen.add(testKey(h));
      }
    } else if (ins.length > 0) {
      let values = [...ins[0].values];
      for (const t of ins.slice(1)) values = values.filter((v) => t.values.includes(v));
      for (const l of likes) values = values.filter((v) => likeMatches(l.patterns, v));
      if (values.length === 0) return undefined;
      out.push({ kind: 'in', claim, values: uniqSorted(values) });
    } else {
      const seen = new Set<string>();
      const uniq: LikeTest[] = [];
      for (const l of likes) {
        const k = testKey(l);
        if (!seen.has(k)) {
          seen.add(k);
          uniq.push(l);
        }
      }
      // Drop a pattern test implied by a stricter one on the same claim (`like [p] && like [p, q]`
      // is `like [p]`), so the canonical text does not depend on the order the parts were combined.
      out.push(...uniq.filter((l) => !uniq.some((m) => m !== l && testImplies(m, l))));
    }
  }
  return { tests: sortTests(out) };
}

/** Does test `a` imply test `b` (same claim)? Conservative: false when unsure. */
function testImplies(a: Test, b: Test): boolean {
  if (a.claim !== b.claim) return false;
  if (a.kind === 'has' || b.kind === 'has') return a.kind === 'has' && b.kind === 'has' && a.values.every((v) => b.values.includes(v));
  if (b.kind === 'in') return a.kind === 'in' && a.values.every((v) => b.values.includes(v));
  if (a.kind === 'in') return a.values.every((v) => likeMatches(b.patterns, v));
  const bs = new Set(b.patterns.map(globSource));
  return a.patterns.every((p) => bs.has(globSource(p)));
}
/** Does term `a` imply term `b`? (every test of b is implied by some test of a) */
function termImplies(a: Term, b: Term): boolean {
  return b.tests.every((tb) => a.tests.some((ta) => testImplies(ta, tb)));
}

/** Merge two terms that differ in exactly one test of the same claim and kind (values OR). */
function tryMerge(a: Term, b: Term): Term | undefined {
  if (a.tests.length !== b.tests.length) return undefined;
  let diff = -1;
  for (let i = 0; i < a.tests.length; i++) {
    if (a.tests[i] !== b.tests[i] && testKey(a.tests[i]) !== testKey(b.tests[i])) {
      if (diff >= 0) return undefined;
      diff = i;
    }
  }
  if (diff < 0) return a;
  const ta = a.tests[diff];
  const tb = b.tests[diff];
  if (ta.claim !== tb.claim || ta.kind !== tb.kind) return undefined;
  // Two 'like' (or 'has') tests on one claim in a term are ANDed; merging them would turn AND into OR.
  if (a.tests.filter((t) => t.claim === ta.claim).length > 1) return undefined;
  const merged: Test = ta.kind === 'like'
    ? { kind: 'like', claim: ta.claim, patterns: uniqGlobs([...ta.patterns, ...(tb as LikeTest).patterns]) }
    : { kind: ta.kind, claim: ta.claim, values: uniqSorted([...ta.values, ...(tb as InTest | HasTest).values]) };
  const tests = [...a.tests];
  tests[diff] = merged;
  return { tests: sortTests(tests) };
}

function uniqGlobs(globs: readonly Glob[]): Glob[] {
  const m = new Map<string, Glob>();
  for (const g of globs) m.set(globSource(g), g);
  return [...m.keys()].sort(cmp).map((k) => m.get(k)!);
}

/** Canonical form: satisfiable, deduplicated, merged, subsumption-free, sorted terms. @internal */
export function canonicalize(terms: Term[]): Term[] {
  let cur: Term[] = terms.map((t) => ({ tests: sortTests([...t.tests]) }));
  if (cur.length <= 1) return cur; // nothing to drop or merge
  if (cur.length === 2) {
    // Two alternatives that differ in one test's values (a GitHub trust's two subject forms) merge
    // into one; that is also the result when one implies the other, or they are equal.
    const merged = tryMerge(cur[0], cur[1]);
    if (merged) return [merged];
  }
  // Work in sorted order, re-sorted after every change: which merge happens first then depends on
  // the set of terms only, never on the order the caller listed them (same meaning, same text).
  const keys = new Map<Term, string>();
  const key = (t: Term) => {
    let k = keys.get(t);
    if (k === undefined) keys.set(t, (k = termKey(t)));
    return k;
  };
  const byKey = (a: Term, b: Term) => cmp(key(a), key(b));
  for (let changed = true; changed;) {
    cur.sort(byKey);
    changed = false;
    // Drop terms implied by another (redundant disjuncts); keep the first of equal ones.
    const kept: Term[] = [];
    cur.forEach((t, i) => {
      const redundant = cur.some((o, j) => j !== i && termImplies(t, o) && (!termImplies(o, t) || j < i));
      if (!redundant) kept.push(t);
      else changed = true;
    });
    cur = kept;
    outer: for (let i = 0; i < cur.length; i++) {
      for (let j = i + 1; j < cur.length; j++) {
        const m = tryMerge(cur[i], cur[j]);
        if (m) {
          cur = [...cur.slice(0, i), m, ...cur.slice(i + 1, j), ...cur.slice(j + 1)];
          changed = true;
          break outer;
        }
      }
    }
  }
  return cur.sort(byKey);
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'absent';
  return JSON.stringify(v);
}

/**
 * The text a claim is compared by. Providers emit the claims we pin as strings; a JSON number or
 * boolean is compared by its text (`true` is "true"), because that is what IAM does and IAM cannot
 * test a claim's type: with type-strict matching, AWS would be wider than the model. Anything else
 * (absent, null, lists, objects) never matches.
 * @internal
 */
export function claimText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  return undefined;
}

/** Explain why one test fails for the claims, or undefined when it passes. @internal */
export function testFailure(t: Test, claims: Record<string, unknown>): string | undefined {
  const v = Object.prototype.hasOwnProperty.call(claims, t.claim) ? claims[t.claim] : undefined;
  if (t.kind === 'has') {
    // Lists hold strings (CircleCI context ids); elements are compared exactly.
    const ok = Array.isArray(v) && v.some((x) => typeof x === 'string' && t.values.includes(x));
    const want = t.values.length === 1 ? JSON.stringify(t.values[0]) : `one of ${JSON.stringify(t.values)}`;
    return ok ? undefined : `claim ${t.claim}: expected a list containing ${want}, got ${describeValue(v)}`;
  }
  const expected = t.kind === 'in'
    ? (t.values.length === 1 ? JSON.stringify(t.values[0]) : `one of ${JSON.stringify(t.values)}`)
    : `a match for ${t.patterns.length === 1 ? JSON.stringify(globSource(t.patterns[0])) : `one of ${JSON.stringify(t.patterns.map(globSource))}`}`;
  const text = claimText(v);
  if (text === undefined) {
    return `claim ${t.claim}: expected ${expected}, got ${describeValue(v)}${v === undefined ? '' : ' (not a string, number or boolean)'}`;
  }
  const ok = t.kind === 'in' ? t.values.includes(text) : likeMatches(t.patterns, text);
  return ok ? undefined : `claim ${t.claim}: expected ${expected}, got ${JSON.stringify(v)}`;
}

/**
 * A condition over token claims: equality, membership and anchored glob patterns, combined with
 * AND / OR. It is normalized on construction to one canonical form (a deduplicated, deterministically
 * ordered OR of ANDs), so two conditions that mean the same thing print and compile the same way.
 *
 * Most users never build one by hand: the per-CI builders (`GitHubActions`, `GitLabCi`, `Buildkite`)
 * build it, and only they allow patterns, only where they are safe.
 */
export class Condition {
  /** `claim` equals `value` exactly (case-sensitive). */
  public static exact(claim: string, value: string): Condition {
    return Condition.oneOf(claim, [value]);
  }

  /** `claim` equals one of `values`. */
  public static oneOf(claim: string, values: string[]): Condition {
    return new Condition([{ tests: [{ kind: 'in', claim, values: checkValues('oneOf', claim, values) }] }]);
  }

  /**
   * `claim` matches the anchored glob `pattern`: `*` matches any sequence (including `:` and `/`),
   * `\*` is a literal star. There is no `?` wildcard.
   */
  public static like(claim: string, pattern: string): Condition {
    checkClaimName(claim);
    checkValueType(claim, pattern);
    let g: Glob;
    try {
      g = parseGlob(pattern);
    } catch (e) {
      throw new TrustConfigError(`Condition.like(${claim})`, (e as Error).message, 'escape a literal star as \\* and a backslash as \\\\');
    }
    if (!isWildcard(g)) return Condition.exact(claim, g.parts[0]);
    return new Condition([{ tests: [{ kind: 'like', claim, patterns: [g] }] }]);
  }

  /** `claim` is a list of strings containing at least one of `values` (e.g. CircleCI context ids). */
  public static containsAny(claim: string, values: string[]): Condition {
    return new Condition([{ tests: [{ kind: 'has', claim, values: checkValues('containsAny', claim, values) }] }]);
  }

  /** All of the conditions hold. `allOf()` with no argument always holds. */
  public static allOf(...conditions: Condition[]): Condition {
    if (conditions.length === 1) return conditions[0];
    // The common case (sub AND ref AND repository_id): one alternative each, no claim read twice.
    // The AND is then the union of the tests in any order, which is what the general path computes.
    if (conditions.every((c) => c.dnf.length === 1)) {
      const tests: Test[] = [];
      let distinct = true;
      for (const c of conditions) {
        for (const t of c.dnf[0].tests) {
          // A handful of tests: a scan is cheaper than a Set.
          if (distinct && tests.some((u) => u.claim === t.claim)) distinct = false;
          tests.push(t);
        }
      }
      if (distinct) return new Condition([{ tests: sortTests(tests) }], true);
    }
    // Combined in the order of the arguments' canonical text, not the caller's: the canonical form
    // is not unique for every AND of ORs, so the same arguments must always take the same path.
    const ordered = conditions.length > 1 ? [...conditions].sort((a, b) => cmp(a.toString(), b.toString())) : conditions;
    let acc: Term[] = [{ tests: [] }];
    for (const c of ordered) {
      const next: Term[] = [];
      for (const a of acc) {
        for (const b of c.dnf) {
          const t = conjoin(a, b);
          if (t) next.push(t);
        }
        if (next.length > MAX_TERMS * 4) tooLarge(next.length);
      }
      acc = canonicalize(next);
    }
    return new Condition(acc, true);
  }

  /** At least one of the conditions holds. `anyOf()` with no argument never holds. */
  public static anyOf(...conditions: Condition[]): Condition {
    if (conditions.length === 1) return conditions[0]; // already canonical (and immutable)
    return new Condition(conditions.flatMap((c) => [...c.dnf]));
  }

  /** @internal */
  public static _fromTerms(terms: Term[]): Condition {
    return new Condition(terms);
  }

  private readonly dnf: readonly Term[];
  private text?: string;

  private constructor(terms: Term[], canonical = false) {
    // One term of one test (every factory's) is canonical as it is.
    const canon = canonical || (terms.length === 1 && terms[0].tests.length < 2) ? terms : canonicalize(terms);
    if (canon.length > MAX_TERMS) tooLarge(canon.length);
    this.dnf = canon;
  }

  /** The canonical OR-of-ANDs form. */
  public get terms(): ConditionTerm[] {
    return this.dnf.map((t) => ({
      tests: t.tests.map((x) => x.kind === 'like'
        ? { claim: x.claim, operator: ClaimOperator.LIKE, values: x.patterns.map(globSource) }
        : { claim: x.claim, operator: x.kind === 'in' ? ClaimOperator.EQUALS : ClaimOperator.CONTAINS, values: [...x.values] }),
    }));
  }

  /** Every claim the condition reads, sorted. */
  public get claims(): string[] {
    return uniqSorted(this.dnf.flatMap((t) => t.tests.map((x) => x.claim)));
  }

  /** The canonical terms with parsed patterns, for compilers. @internal */
  public _terms(): readonly Term[] {
    return this.dnf;
  }

  /** Evaluate against a token payload. Strings match; numbers and booleans by their text. */
  public evaluate(claims: { [claim: string]: any }): ConditionResult {
    const reasons: string[] = [];
    for (const [i, term] of this.dnf.entries()) {
      const failures = term.tests.map((t) => testFailure(t, claims)).filter((f): f is string => f !== undefined);
      if (failures.length === 0) return { matched: true, reasons: [] };
      const prefix = this.dnf.length > 1 ? `alternative ${i + 1}: ` : '';
      reasons.push(...failures.map((f) => prefix + f));
    }
    if (this.dnf.length === 0) reasons.push('the condition has no alternatives, so it never matches');
    return { matched: false, reasons };
  }

  /** Canonical text, for example `sub == "repo:a/b:ref:refs/heads/main" && ref in ["x", "y"]`. */
  public toString(): string {
    // Immutable, and hashed into every fingerprint of the trusts sharing it: render once. Every
    // role's trust renders it, mostly before V8 optimizes this: loops, not closures.
    if (this.text === undefined) {
      let text = this.dnf.length === 0 ? 'false' : '';
      for (let i = 0; i < this.dnf.length; i++) {
        const tests = this.dnf[i].tests;
        if (i > 0) text += ' || ';
        if (tests.length === 0) text += 'true';
        for (let j = 0; j < tests.length; j++) text += (j > 0 ? ' && ' : '') + renderTest(tests[j]);
      }
      this.text = text;
    }
    return this.text;
  }
}

/** How a test reads with one value, and with several. */
const RENDERED_OPERATOR = { in: ['==', 'in'], like: ['like', 'like any of'], has: ['contains', 'contains any of'] } as const;

function renderTest(t: Test): string {
  const values = t.kind === 'like' ? t.patterns.map(globSource) : t.values;
  const op = RENDERED_OPERATOR[t.kind];
  return values.length === 1 ? `${t.claim} ${op[0]} ${JSON.stringify(values[0])}` : `${t.claim} ${op[1]} ${JSON.stringify(values)}`;
}

function tooLarge(n: number): never {
  throw new TrustConfigError('Condition', `the condition expands to ${n} alternatives, over the limit of ${MAX_TERMS}`, 'split the trust into several trusts or roles');
}

function checkClaimName(claim: string): void {
  if (typeof claim !== 'string' || !CLAIM_NAME.test(claim)) {
    throw new TrustConfigError('Condition', `claim name ${JSON.stringify(claim)} is not ${CLAIM.min}-${CLAIM.value} printable ASCII characters without spaces`, 'use the claim name exactly as the token carries it, for example "repository_id"');
  }
}

/** Validated, sorted, deduplicated values of a value test. */
function checkValues(factory: string, claim: string, values: string[]): string[] {
  checkClaimName(claim);
  if (values.length === 0) {
    throw new TrustConfigError(`Condition.${factory}(${claim})`, 'the list of values is empty, so nothing could match', 'give at least one value');
  }
  for (const v of values) checkValueType(claim, v);
  return uniqSorted(values);
}

function checkValueType(claim: string, v: unknown): void {
  if (typeof v !== 'string') {
    throw new TrustConfigError(`Condition(${claim})`, `value ${JSON.stringify(v)} is not a string`, 'claims are compared as strings; quote numbers, e.g. "123"');
  }
}
