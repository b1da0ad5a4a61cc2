import { GCP_LIMITS } from './limits';
import { canonicalize, Term, Test } from '../model/condition';
import { TrustConfigError } from '../model/errors';
import { Glob } from '../model/glob';
import { testPinsIdentity, Trust, withSizeHints } from '../model/trust';

/** GCP limit on `attribute_condition` (docs/limits.md#gcp). @internal */
export const MAX_CONDITION_CHARS = GCP_LIMITS.attributeCondition.value;

const IDENT = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
// CEL reserved words cannot follow `.` in a field selection (cel-spec langdef "Syntax").
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

const NAMED_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\'': '\\\'',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * A CEL string literal for `value` (cel-spec langdef "String and Bytes Literals"): single-quoted;
 * backslash and both quotes escaped; control characters as named escapes or `\xHH`; everything
 * outside printable ASCII as `\uHHHH` / `\UHHHHHHHH`. The output is printable ASCII only, so a
 * reviewer sees look-alike characters as code points and the length GCP counts equals our count.
 * Lone surrogates cannot be written in CEL at all and are refused.
 * @internal
 */
export function celString(value: string, where = 'GCP attribute_condition'): string {
  let out = '\'';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    const named = NAMED_ESCAPES[ch];
    if (named) {out += named;} else if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new TrustConfigError(where, `the value ${JSON.stringify(value)} contains a lone UTF-16 surrogate (U+${hex(cp, 4).toUpperCase()}), which a CEL string cannot hold`, 'use the value exactly as the CI provider emits it (valid Unicode)');
    } else if (cp < 0x20 || cp === 0x7f) {out += `\\x${hex(cp, 2)}`;} else if (cp < 0x7f) {out += ch;} else if (cp <= 0xffff) {out += `\\u${hex(cp, 4)}`;} else {out += `\\U${hex(cp, 8)}`;}
  }
  return out + '\'';
}

// RE2 metacharacters (Go regexp.QuoteMeta); every other character is literal in RE2 syntax.
const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** RE2 source matching `text` literally. @internal */
export function re2Literal(text: string): string {
  return text.replace(RE2_META, (c) => `\\${c}`);
}

/**
 * Anchored RE2 for a glob: `(?s)` so that `.*` (the glob `*`) also spans newlines, `^…$` because
 * CEL `matches` is a search; RE2's `$` without `(?m)` is end of text only (not before a final `\n`).
 * @internal
 */
export function globRegex(g: Glob): string {
  return `(?s)^${g.parts.map(re2Literal).join('.*')}$`;
}

/** `assertion.name`, or `assertion['name']` when the name is not a CEL identifier. @internal */
export function claimRef(claim: string): string {
  return IDENT.test(claim) && !RESERVED.has(claim) ? `assertion.${claim}` : `assertion[${celString(claim)}]`;
}

/** A presence test that never errors. @internal */
export function claimPresent(claim: string): string {
  return IDENT.test(claim) && !RESERVED.has(claim) ? `has(assertion.${claim})` : `${celString(claim)} in assertion`;
}

/** CEL for one glob on `ref`: equality, a prefix or suffix test, or an anchored regex. @internal */
export function compilePattern(ref: string, g: Glob): string {
  const p = g.parts;
  if (p.length === 1) return `${ref} == ${celString(p[0])}`;
  if (p.length === 2 && p[1] === '' && p[0] !== '') return `${ref}.startsWith(${celString(p[0])})`;
  if (p.length === 2 && p[0] === '' && p[1] !== '') return `${ref}.endsWith(${celString(p[1])})`;
  return `${ref}.matches(${celString(globRegex(g))})`;
}

/** @internal */
export function compileTest(t: Test): string {
  // The model compares a JSON number or boolean by its text (as IAM does, lib/model/condition.ts
  // claimText); string() does the same in CEL, and errors (so denies) on lists, maps and null.
  // `sub` is always a string (GCP maps it to google.subject), so it is read as is.
  if (t.kind === 'has') {
    // List membership: `'v' in assertion.list`; on a missing claim or a non-list it errors (denies),
    // as the model denies.
    for (const v of t.values) refuseReplacementChar(t.claim, v);
    const alts = t.values.map((v) => `${celString(v)} in ${claimRef(t.claim)}`);
    return alts.length === 1 ? alts[0] : `(${alts.join(' || ')})`;
  }
  const ref = t.claim === 'sub' ? claimRef(t.claim) : `string(${claimRef(t.claim)})`;
  if (t.kind === 'in') {
    for (const v of t.values) refuseReplacementChar(t.claim, v);
    return t.values.length === 1 ? `${ref} == ${celString(t.values[0])}` : `${ref} in [${t.values.map((v) => celString(v)).join(', ')}]`;
  }
  for (const g of t.patterns) for (const part of g.parts) refuseReplacementChar(t.claim, part);
  const alts = t.patterns.map((g) => compilePattern(ref, g));
  return alts.length === 1 ? alts[0] : `(${alts.join(' || ')})`;
}

/** The shortest text; the first on a tie (deterministic). @internal */
export function shortest(texts: readonly string[]): string {
  return texts.reduce((a, b) => (b.length < a.length ? b : a));
}

function refuseReplacementChar(claim: string, v: string): void {
  // Google decodes tokens with Go: invalid UTF-8 (or a lone surrogate escape) in a claim becomes
  // U+FFFD. A literal U+FFFD in a condition would then match tokens the model (which compares the
  // raw claim) denies, so it is refused rather than compiled.
  if (v.includes('\ufffd')) {
    throw new TrustConfigError('GCP attribute_condition', `claim ${claim}: the value ${JSON.stringify(v)} contains U+FFFD, which GCP also produces for undecodable token bytes`, 'remove the replacement character; use the exact value the CI provider emits');
  }
}

/**
 * The compiled CEL of a trust's condition (no issuer/audience: those are the provider's
 * `issuer_uri` and `allowed_audiences`). Canonical term order from the model, so equal trusts
 * compile to equal text.
 *
 * No type guards are needed for agreement with the model: the expression is a monotone AND/OR of
 * `==`, `in`, `startsWith`, `endsWith` and `matches` on string literals. Each of those is true only
 * for a string claim with the right value; a missing claim or a non-string claim yields false
 * (heterogeneous equality) or an error (no overload). CEL's `&&`/`||` are commutative over errors
 * and an error is never `true`, so for a monotone formula "result is true" equals "the formula is
 * true with every error read as false" — exactly the model's rule that a missing or non-string
 * claim fails its test. GCP denies on false and on error. The differential tests check this.
 * @internal
 */
export function compileTerms(terms: readonly Term[]): string {
  if (terms.length === 0) throw new Error('internal: empty condition');
  const compiled = terms.map((term) => term.tests.map(compileTest));
  const plain = orOfAnds(compiled);
  // Tests every alternative has (the repository id pin of every branch) written once:
  // `(C && A) || (C && B)` is `C && (A || B)`, also in CEL (a monotone formula, see above).
  const common = compiled.length > 1 ? compiled[0].filter((x) => compiled.every((c) => c.includes(x))) : [];
  if (common.length === 0 || compiled.some((c) => c.length === common.length)) return plain;
  const rest = orOfAnds(compiled.map((c) => c.filter((x) => !common.includes(x))));
  return shortest([plain, [...common, `(${rest})`].join(' && ')]);
}

function orOfAnds(compiled: readonly (readonly string[])[]): string {
  return compiled.map((tests) => (compiled.length > 1 && tests.length > 1 ? `(${tests.join(' && ')})` : tests.join(' && '))).join(' || ');
}

/**
 * The same condition in a form that never errors (each claim checked present and a scalar before
 * use), for attribute mappings: a mapping error would fail the whole token exchange, even for
 * tokens of another trust on the provider.
 * @internal
 */
export function compileTermsTotal(terms: readonly Term[]): string {
  const texts = terms.map((term) => {
    const claims = [...new Set(term.tests.map((t) => t.claim))];
    const isList = (c: string) => term.tests.some((t) => t.claim === c && t.kind === 'has');
    const typeTest = (c: string) => (isList(c) ? '== list' : c === 'sub' ? '== string' : 'in [string, bool, int, uint, double]');
    const guards = claims.map((c) => `${claimPresent(c)} && type(${claimRef(c)}) ${typeTest(c)}`);
    const parts = [...guards, ...term.tests.map(compileTest)];
    return terms.length > 1 ? `(${parts.join(' && ')})` : parts.join(' && ');
  });
  return texts.join(' || ');
}

/**
 * Re-check on the compiled side that every alternative pins the CI identity (CIT-M001 says the
 * model already did; this guards the compiler against ever emitting a condition that admits every
 * tenant of a shared issuer, docs/security.md#f15). An alternative passes when it has an exact test on
 * an identity claim of the trust's CI profile, or a `sub` test whose every literal head (the value,
 * or the text before the first wildcard) already contains the complete identity.
 * @internal
 */
export function checkPinsIdentity(trust: Trust, terms: readonly Term[], where: string): void {
  const profile = trust._profile;
  const fail = (problem: string): never => {
    throw new TrustConfigError(where, `the compiled GCP attribute_condition ${problem}, so it would admit tokens of every tenant of ${trust.issuer}`, 'pin the repository, project or pipeline (by immutable id where the provider has one) with the CI builder', 'CIT-M001');
  };
  if (terms.length === 0) fail('has no alternative');
  terms.forEach((term, i) => {
    if (term.tests.length === 0) fail(`alternative ${i + 1} is empty (always true)`);
    // The model's own rule (lib/model/trust.ts), applied to what the compiler emits.
    const pinned = term.tests.some((t) => testPinsIdentity(t, profile));
    if (!pinned) fail(`alternative ${i + 1} (${compileTerms([term])}) pins no ${profile.displayName} identity`);
  });
}

/**
 * GCP attribute conditions compiled from the model, for use outside the constructs (for example in
 * a hand-written `google_iam_workload_identity_pool_provider`).
 */
export class GcpCel {
  /**
   * The `attribute_condition` for one or more trusts of one issuer (their OR). Refuses a condition
   * that pins no CI identity or exceeds GCP's 4,096 characters.
   */
  public static attributeCondition(trusts: Trust[]): string {
    return compileCondition(trusts, 'GcpCel.attributeCondition');
  }

  /** A CEL string literal for any text, escaped per the CEL spec (printable ASCII output). */
  public static stringLiteral(value: string): string {
    return celString(value, 'GcpCel.stringLiteral');
  }

  private constructor() {}
}

/** @internal */
export function compileCondition(trusts: Trust[], where: string): string {
  if (trusts.length === 0) {
    throw new TrustConfigError(where, 'no trust given; GCP would need an always-true condition', 'pass at least one Trust');
  }
  const terms: Term[] = [];
  for (const t of trusts) {
    const own = t.condition._terms();
    checkPinsIdentity(t, own, where);
    terms.push(...own);
  }
  const seen = new Set<string>();
  const uniq = terms.filter((term) => {
    const k = compileTerms([term]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  // Each trust's terms are canonical already. The OR of several trusts is canonicalized again
  // when that is shorter: alternatives of different trusts that differ in one claim's values become
  // one `in` list, and alternatives implied by another go (the same set of tokens either way).
  const text = trusts.length === 1 ? compileTerms(uniq) : shortest([compileTerms(uniq), compileTerms(canonicalize(uniq as Term[]))]);
  checkConditionLength(text, where, trusts);
  return text;
}

/** GCP's 4,096-character limit on attribute_condition, both numbers in the message. @internal */
export function checkConditionLength(text: string, where: string, trusts: readonly Trust[]): void {
  if (text.length > MAX_CONDITION_CHARS) {
    throw new TrustConfigError(where, `the GCP attribute_condition is ${text.length} characters, over GCP's limit of ${MAX_CONDITION_CHARS}`, withSizeHints('split the trusts over several providers, or pin fewer alternative values per trust', trusts));
  }
}

/**
 * The tests every alternative of every trust has (by compiled text, which is their meaning), and
 * each trust's alternatives without them. A provider's condition states the shared tests once; each
 * trust's mapping then needs only the rest (the condition holds for every token it maps).
 * @internal
 */
export function splitShared(trusts: readonly Trust[]): { shared: Test[]; rest: Term[][] } {
  const all = trusts.flatMap((t) => t.condition._terms());
  if (all.length === 0) return { shared: [], rest: trusts.map(() => []) };
  const texts = all.map((term) => term.tests.map(compileTest));
  const shared = all[0].tests.filter((_, i) => texts.every((c) => c.includes(texts[0][i])));
  const keys = new Set(shared.map(compileTest));
  const rest = trusts.map((t) => t.condition._terms().map((term) => ({ tests: term.tests.filter((x) => !keys.has(compileTest(x))) })));
  return { shared, rest };
}
