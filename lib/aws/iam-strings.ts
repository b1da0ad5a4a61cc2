/**
 * How the AWS trust-policy compiler writes IAM condition values. The simulator reads them back with
 * its own code (lib/testing/aws/private/iam-strings.ts), so the two are independent.
 *
 * Sources (see also docs/security.md#aws-wide-hazards):
 * - Policy variables: in a `Version: 2012-10-17` policy, `${...}` inside a condition value is
 *   interpolated; the literal characters `*`, `?` and `$` are written `${*}`, `${?}`, `${$}`
 *   (IAM User Guide "Policy variables" / special characters; AWS IoT policy-variables page).
 *   With the older `2008-10-17` version variables are not interpreted and the text is literal.
 * - StringLike: `*` matches any run of characters (including none, `:`, `/`, newlines), `?` exactly
 *   one character; matching is case-sensitive (IAM "Condition operators", docs/security.md#f2, #f11).
 * - StringEquals is exact and case-sensitive.
 * - Character set: policies may contain only tab, LF, CR and U+0020-U+00FF (IAM quotas page).
 *
 * This module is internal (not part of the jsii API): it uses free functions and literal types.
 * @internal
 */
import { AWS_LIMITS } from './limits';

/**
 * Writes `value` so that IAM reads it back as exactly `value`.
 * Every `$` becomes `${$}` (so no `${` can start a variable); for StringLike also `*` -> `${*}` and
 * `?` -> `${?}`. StringEquals treats `*` and `?` literally, so they stay as they are.
 * @internal
 */
export function escapeIamLiteral(value: string, operator: 'StringEquals' | 'StringLike'): string {
  // The common case, no copy (every value of every role passes here: no regex for StringEquals).
  if (operator === 'StringLike' ? !/[$*?]/.test(value) : !value.includes('$')) return value;
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
