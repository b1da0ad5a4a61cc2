/**
 * How IAM reads a condition value, for the simulator: policy variables, the `${*}` `${?}` `${$}`
 * escapes, StringLike wildcards, StringEqualsIgnoreCase folding. The compiler writes values with
 * lib/aws/iam-strings.ts; this is the independent reading, so a wrong escape shows up as a
 * disagreement in the differential tests instead of being read back by the same code.
 *
 * Sources: IAM User Guide "Policy variables" (special characters: `${*}`, `${?}`, `${$}`; only the
 * `2012-10-17` policy language interpolates variables), "Condition operators" (StringLike: `*` any
 * run of characters, `?` exactly one, case-sensitive; StringEquals exact), and the IAM quotas page
 * (policies may contain only tab, LF, CR and U+0020-U+00FF).
 */

/** Operators whose value semantics this module implements. Negations are handled by the caller. */
export type IamStringOperator = 'StringEquals' | 'StringEqualsIgnoreCase' | 'StringLike';

/** Returned by {@link matchIamString} when the policy value holds a variable it cannot resolve. */
export const IAM_UNRESOLVABLE = 'unresolvable';

export interface IamMatchOptions {
  /**
   * Interpret `${...}` policy variables. Only the `2012-10-17` policy language does; pass `false`
   * for a `2008-10-17` policy, where `${aws:username}` is plain text.
   * @default true
   */
  readonly policyVariables?: boolean;
}

/** True when the text uses only characters IAM accepts in a policy (tab, LF, CR, U+0020-U+00FF). */
export function isIamPolicyCharset(value: string): boolean {
  return /^[\t\n\r\u0020-\u00ff]*$/.test(value);
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
