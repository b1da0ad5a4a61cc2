/**
 * IAM string semantics shared by the AWS trust-policy compiler and the independent simulator.
 *
 * Sources (see also docs/security.md#aws-wide-hazards):
 * - Policy variables: in a `Version: 2012-10-17` policy, `${...}` inside a condition value is
 *   interpolated; the literal characters `*`, `?` and `$` are written `${*}`, `${?}`, `${$}`
 *   (IAM User Guide "Policy variables" / special characters; AWS IoT policy-variables page).
 *   With the older `2008-10-17` version variables are not interpreted and the text is literal.
 * - StringLike: `*` matches any run of characters (including none, `:`, `/`, newlines), `?` exactly
 *   one character; matching is case-sensitive (IAM "Condition operators", security.md F2/F11).
 * - StringEquals is exact and case-sensitive.
 * - Character set: policies may contain only tab, LF, CR and U+0020-U+00FF (IAM quotas page).
 *
 * This module is internal (not part of the jsii API): it uses free functions and literal types.
 * @internal
 */
import { AWS_LIMITS } from './limits';

/** Operators whose value semantics this module implements. Negations are handled by the caller. @internal */
export type IamStringOperator = 'StringEquals' | 'StringEqualsIgnoreCase' | 'StringLike';

/** Returned by {@link matchIamString} when the policy value holds a variable it cannot resolve. @internal */
export const IAM_UNRESOLVABLE = 'unresolvable';

/** @internal */
export interface IamMatchOptions {
  /**
   * Interpret `${...}` policy variables. Only the `2012-10-17` policy language does; pass `false`
   * for a `2008-10-17` policy, where `${aws:username}` is plain text.
   * @default true
   */
  readonly policyVariables?: boolean;
}

/**
 * Writes `value` so that IAM reads it back as exactly `value`.
 * Every `$` becomes `${$}` (so no `${` can start a variable); for StringLike also `*` -> `${*}` and
 * `?` -> `${?}`. StringEquals treats `*` and `?` literally, so they stay as they are.
 * @internal
 */
export function escapeIamLiteral(value: string, operator: 'StringEquals' | 'StringLike'): string {
  if (!(operator === 'StringLike' ? /[$*?]/ : /\$/).test(value)) return value; // the common case, no copy
  let out = '';
  for (const ch of value) {
    if (ch === '$') out += '${$}';
    else if (operator === 'StringLike' && (ch === '*' || ch === '?')) out += '${' + ch + '}';
    else out += ch;
  }
  return out;
}

/**
 * A StringLike pattern: the literal `parts` joined by a real `*` wildcard.
 * `['repo:acme/api:ref:refs/heads/', '']` -> `repo:acme/api:ref:refs/heads/*`.
 * @internal
 */
export function likePattern(parts: readonly string[]): string {
  if (parts.length === 0) throw new Error('likePattern: needs at least one literal part');
  return parts.map((p) => escapeIamLiteral(p, 'StringLike')).join('*');
}

/**
 * StringLike text for a glob kept as literal parts (the shape of `lib/model/glob.ts` `Glob`).
 * @internal
 */
export function iamGlobToString(glob: { readonly parts: readonly string[] }): string {
  return likePattern(glob.parts);
}

const POLICY_CHARSET = new RegExp(`^[\\t\\n\\r\\u0020-\\u${AWS_LIMITS.policyCharset.value.toString(16).padStart(4, '0')}]*$`);

/** True when the text uses only characters IAM accepts in a policy (tab, LF, CR, U+0020 to the limit). @internal */
export function isIamPolicyCharset(value: string): boolean {
  return POLICY_CHARSET.test(value);
}

/** One element of a parsed policy value. */
type Token = { readonly kind: 'lit'; readonly cp: string } | { readonly kind: 'star' } | { readonly kind: 'any1' };

interface ParsedValue {
  readonly tokens: Token[];
  /** Variables other than `${*}`, `${?}`, `${$}`, verbatim (e.g. `${aws:username}`). */
  readonly unresolved: string[];
}

/**
 * Splits a policy value into literal code points and wildcards.
 * A `${` with no closing `}` is reported as unresolvable: IAM's behaviour for it is undocumented,
 * and our compiler never emits it, so the simulator must not guess.
 */
function parsePolicyValue(value: string, wildcards: boolean, variables: boolean): ParsedValue {
  const cps = Array.from(value);
  const tokens: Token[] = [];
  const unresolved: string[] = [];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    if (variables && c === '$' && cps[i + 1] === '{') {
      const close = cps.indexOf('}', i + 2);
      if (close < 0) {
        unresolved.push(cps.slice(i).join(''));
        break;
      }
      const name = cps.slice(i + 2, close).join('');
      if (name === '*' || name === '?' || name === '$') tokens.push({ kind: 'lit', cp: name });
      else unresolved.push('${' + name + '}');
      i = close;
      continue;
    }
    if (wildcards && c === '*') tokens.push({ kind: 'star' });
    else if (wildcards && c === '?') tokens.push({ kind: 'any1' });
    else tokens.push({ kind: 'lit', cp: c });
  }
  return { tokens, unresolved };
}

/**
 * The policy variables in `value` that IAM would interpolate, other than the `${*}`, `${?}`, `${$}`
 * escapes (e.g. `['${aws:username}']`). Empty when the value is a plain or escaped literal.
 * @internal
 */
export function unresolvedPolicyVariables(value: string, options: IamMatchOptions = {}): string[] {
  return parsePolicyValue(value, false, options.policyVariables ?? true).unresolved;
}

/**
 * Anchored wildcard match over code points; `star` = any run, `any1` = exactly one code point.
 * Classic two-pointer algorithm with backtracking to the last star: linear for typical patterns,
 * O(n*m) worst case, and exact (a later star subsumes any earlier backtracking choice).
 */
function wildcardMatch(tokens: readonly Token[], s: readonly string[]): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const t = tokens[p];
    if (t !== undefined && (t.kind === 'any1' || (t.kind === 'lit' && t.cp === s[i]))) {
      p++;
      i++;
    } else if (t !== undefined && t.kind === 'star') {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (p < tokens.length && tokens[p].kind === 'star') p++;
  return p === tokens.length;
}

/**
 * Case folding for StringEqualsIgnoreCase. AWS does not document its folding; IAM is a Java
 * service, so this follows Java's `String.equalsIgnoreCase`: per character, simple (1:1) case
 * mappings only, compare upper-then-lower. Hence `ß` != `ss` and lengths must agree. (Unverified.)
 */
function foldChar(c: string): string {
  const up = c.toUpperCase();
  const u = Array.from(up).length === 1 ? up : c;
  const low = u.toLowerCase();
  return Array.from(low).length === 1 ? low : u;
}

function equalsIgnoreCase(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && foldChar(a[i]) !== foldChar(b[i])) return false;
  }
  return true;
}

/**
 * Does `actual` (a request-context value) satisfy `policyValue` under `operator`?
 * - StringEquals: exact, case-sensitive; `*` and `?` are literal.
 * - StringEqualsIgnoreCase: as StringEquals after simple per-character case folding (see foldChar).
 * - StringLike: `*` any run of code points (also empty, `:`, `/`, newlines), `?` exactly one
 *   code point; case-sensitive.
 * In all three, `${*}`, `${?}`, `${$}` are literal `*`, `?`, `$`. Any other `${...}` makes the
 * result `'unresolvable'` (callers treat it as no match and report it): the simulator has no
 * request context here, and our compiler never emits variables on purpose.
 * @internal
 */
export function matchIamString(
  operator: IamStringOperator,
  policyValue: string,
  actual: string,
  options: IamMatchOptions = {},
): boolean | 'unresolvable' {
  const parsed = parsePolicyValue(policyValue, operator === 'StringLike', options.policyVariables ?? true);
  if (parsed.unresolved.length > 0) return IAM_UNRESOLVABLE;
  const s = Array.from(actual);
  switch (operator) {
    case 'StringEquals':
      return s.length === parsed.tokens.length && parsed.tokens.every((t, i) => t.kind === 'lit' && t.cp === s[i]);
    case 'StringEqualsIgnoreCase':
      return equalsIgnoreCase(parsed.tokens.map((t) => (t.kind === 'lit' ? t.cp : '')), s);
    case 'StringLike':
      return wildcardMatch(parsed.tokens, s);
    default:
      throw new Error(`matchIamString: unsupported operator ${String(operator)}`);
  }
}

/**
 * The literal text IAM reads from a value with no wildcards and no unresolved variables
 * (`a${$}b` -> `a$b`), or undefined when it has either.
 * @internal
 */
export function iamLiteralValue(policyValue: string, operator: 'StringEquals' | 'StringLike', options: IamMatchOptions = {}): string | undefined {
  const parsed = parsePolicyValue(policyValue, operator === 'StringLike', options.policyVariables ?? true);
  if (parsed.unresolved.length > 0) return undefined;
  let out = '';
  for (const t of parsed.tokens) {
    if (t.kind !== 'lit') return undefined;
    out += t.cp;
  }
  return out;
}
