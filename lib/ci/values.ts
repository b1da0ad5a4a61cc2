import { TrustConfigError } from '../model/errors';
import { UNSAFE_CHARS } from '../model/rules';

/**
 * Validators shared by the CI builders. Each throws a TrustConfigError that names the field,
 * the bad value and the fix (bad-input matrix, security.md §4).
 * @internal
 */
export function requireText(where: string, value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw new TrustConfigError(where, `${what} must be a string, got ${JSON.stringify(value)}`, `give the ${what} as a string`);
  }
  if (value.trim() === '') {
    throw new TrustConfigError(where, `${what} is empty or blank`, `give the exact ${what}`, 'CIT-M003');
  }
  if (/^[*?]+$/.test(value.trim())) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(value)} is a wildcard`, `give the exact ${what}; wildcards are only allowed through the explicit pattern methods`, 'CIT-M003');
  }
  if (UNSAFE_CHARS.test(value)) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(value)} contains a control, invisible or bidirectional character`, `type the ${what} as plain text`, 'CIT-M004');
  }
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(value)} has characters outside printable ASCII (look-alike letters such as Cyrillic "р" pass review but match nothing)`, 'use the ASCII name exactly as the CI provider shows it', 'CIT-M004');
  }
  if (value !== value.trim()) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(value)} has leading or trailing spaces`, 'remove them', 'CIT-M003');
  }
  return value;
}

/** An identity name: no wildcard anywhere (prefix collisions: `app*` matches `app-fork`). @internal */
export function requireName(where: string, value: unknown, what: string, re: RegExp, rule: string): string {
  const v = requireText(where, value, what);
  if (/[*?]/.test(v)) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(v)} contains a wildcard; a wildcard in an identity admits look-alike and future names`, `give the exact ${what}`, 'CIT-M002');
  }
  if (!re.test(v)) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(v)} is not valid: ${rule}`, `give the ${what} exactly as the CI provider shows it`);
  }
  return v;
}

/** A positive decimal id without leading zeros, as a string. @internal */
export function requireId(where: string, value: unknown, what: string): string {
  const v = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof v !== 'string' || !/^[1-9][0-9]{0,19}$/.test(v)) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(value)} is not a positive decimal id without leading zeros`, `copy the numeric ${what} from the provider's API (e.g. "123456")`);
  }
  return v;
}

/**
 * A git branch or tag name (git check-ref-format), without the refs/heads/ prefix. `patternMethod`
 * names the method that takes a pattern (`onBranchPattern`), for the message when a `*` is given here.
 * @internal
 */
export function requireRefName(where: string, value: unknown, what: string, patternMethod?: string): string {
  if (patternMethod) refuseWildcard(where, value, what, patternMethod);
  const v = requireText(where, value, what);
  const problems: string[] = [];
  if (/^refs\//.test(v)) problems.push('starts with refs/ (give the short name)');
  if (/[\x00-\x20~^:?*[\\\x7f]/.test(v)) problems.push('contains a space or one of ~ ^ : ? * [ \\');
  if (v.includes('..') || v.includes('@{') || v.includes('//')) problems.push('contains "..", "@{" or "//"');
  if (v.startsWith('/') || v.endsWith('/') || v.endsWith('.') || v.endsWith('.lock') || v.startsWith('-') || v === '@') problems.push('starts or ends with a character git forbids');
  if (v.length > 255) problems.push(`is ${v.length} characters long (over 255)`);
  if (problems.length) {
    throw new TrustConfigError(where, `${what} ${JSON.stringify(v.length > 80 ? v.slice(0, 80) + '…' : v)} is not a valid git ref name: it ${problems.join('; ')}`, `give the ${what} exactly as git shows it, e.g. "main" or "release/1.2"`);
  }
  return v;
}

/**
 * A ref pattern: a valid ref name in which `*` stands for any text. Only the explicit pattern
 * methods call this, and they require Widening.REF_PATTERN.
 * @internal
 */
export function requireRefPattern(where: string, value: unknown, what: string): string {
  // `*` alone is every branch (tag, environment) of the pinned identity: narrower than any ref, and
  // the subject field it ends cannot hold a ':' (git refs forbid it; GitHub writes %3A).
  if (value === '*') return value;
  const v = requireText(where, value, what);
  if (!v.includes('*')) throw new TrustConfigError(where, `${what} ${JSON.stringify(v)} has no *`, 'use the exact-name method instead');
  if (/^\*/.test(v)) throw new TrustConfigError(where, `${what} ${JSON.stringify(v)} starts with a wildcard`, 'start the pattern with literal text, e.g. "release/*"', 'CIT-M003');
  requireRefName(where, v.replace(/\*/g, 'x'), what);
  return v;
}

/**
 * An exact-value method given a wildcard: name the pattern method that takes it.
 * @internal
 */
export function refuseWildcard(where: string, value: unknown, what: string, patternMethod: string): void {
  if (typeof value !== 'string' || !/[*?]/.test(value)) return;
  const every = /^[*?]+$/.test(value.trim());
  throw new TrustConfigError(where,
    `${what} ${JSON.stringify(value)} ${every ? 'is a wildcard' : 'contains a wildcard'}; this method takes exact names only`,
    every
      ? `for every ${what} of the pinned identity call ${patternMethod}('*') and accept Widening.REF_PATTERN`
      : `call ${patternMethod}(${JSON.stringify(value)}) and accept Widening.REF_PATTERN, or give the exact ${what}`,
    'CIT-M003');
}

/** Sorted, deduplicated copy. @internal */
export function uniqSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** A lower-case UUID (Buildkite, CircleCI and Azure DevOps ids). @internal */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A Bitbucket UUID, which keeps its braces in tokens and subjects. @internal */
export const BRACED_UUID = new RegExp(`^\\{${UUID.source.slice(1, -1)}\\}$`);

/**
 * Branch names that usually deploy to production (for the CIT-M014 warning: production without an
 * environment). One list for every builder.
 * @internal
 */
export const PRODUCTION_REF = /^(main|master|trunk|prod|production|live|release)$|^release\//i;
