import { TrustConfigError } from '../model/errors';
import { refuseUnresolvedToken } from '../model/literal';
import { UNSAFE_CHARS, Widening } from '../model/rules';

/** Sorted, deduplicated copy (the model's, so builders and conditions order values alike). @internal */
export { uniqSorted } from '../model/text';

/**
 * Validators shared by the CI builders. Each throws a TrustConfigError that names the field,
 * the bad value and the fix (docs/security.md#bad-input-matrix).
 * @internal
 */
export function requireText(where: string, value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw new TrustConfigError(where, `${what} must be a string, got ${JSON.stringify(value)}`, `give the ${what} as a string`);
  }
  refuseUnresolvedToken(where, what, value);
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
  if (typeof v === 'string') refuseUnresolvedToken(where, what, v);
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

/*
 * Run-time shapes. The jsii languages (Python, Java, .NET, Go) and plain JavaScript pass anything:
 * null, undefined, a number, a string where a list is declared, a value outside an enum. Each public
 * entry point checks what it is given and says where, what and how to fix, never a TypeError.
 */

/** What a value is, for messages: `null`, `a string ("x")`, `a list`, `a number (3)`. @internal */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value)})`;
}

/** A props struct: a non-null object, not a list. @internal */
export function requireProps<T>(where: string, props: T, what = 'props'): T {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new TrustConfigError(where, `${what} must be an object, got ${describeValue(props)}`, `pass the ${what} struct with its required fields`);
  }
  return props;
}

/** A list of strings (never a string, which would be matched by substring or split into letters). @internal */
export function requireStringList(where: string, value: unknown, what: string): string[] {
  if (!Array.isArray(value)) {
    throw new TrustConfigError(where, `${what} must be a list of strings, got ${describeValue(value)}`, typeof value === 'string' ? `wrap the value in a list: [${JSON.stringify(value)}]` : `give ${what} as a list of strings`);
  }
  value.forEach((v, i) => {
    if (typeof v !== 'string') throw new TrustConfigError(where, `${what}[${i}] must be a string, got ${describeValue(v)}`, `give ${what} as a list of strings`);
  });
  return value as string[];
}

/** Each vararg a string. @internal */
export function requireStrings(where: string, values: readonly unknown[], what: string): string[] {
  values.forEach((v, i) => {
    if (typeof v !== 'string') throw new TrustConfigError(where, `${what} ${values.length > 1 ? `#${i + 1} ` : ''}must be a string, got ${describeValue(v)}`, `give each ${what} as a string`);
  });
  return values as string[];
}

/** A value of a string enum (jsii passes enum values as their strings). @internal */
export function requireEnum<E extends string>(where: string, value: unknown, enumObject: Record<string, E>, enumName: string): E {
  const values = Object.values(enumObject);
  if (typeof value !== 'string' || !values.includes(value as E)) {
    throw new TrustConfigError(where, `${describeValue(value)} is not a ${enumName}`, `use one of ${values.map((v) => `${enumName}.${v}`).join(', ')}`);
  }
  return value as E;
}

/** Each vararg a value of the enum. @internal */
export function requireEnums<E extends string>(where: string, values: readonly unknown[], enumObject: Record<string, E>, enumName: string): E[] {
  return values.map((v) => requireEnum(where, v, enumObject, enumName));
}

/** An optional boolean. @internal */
export function requireOptionalBoolean(where: string, value: unknown, what: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new TrustConfigError(where, `${what} must be true or false, got ${describeValue(value)}`, `give ${what} as a boolean`);
  return value as boolean | undefined;
}

/** The widenings given to `accept()`. @internal */
export function requireWidenings(where: string, widenings: readonly unknown[]): Widening[] {
  return requireEnums(where, widenings, Widening as unknown as Record<string, Widening>, 'Widening');
}

/** The audiences given to `withAudience()`: strings, at least one (the model checks the values). @internal */
export function requireAudienceArgs(where: string, audiences: readonly unknown[]): string[] {
  if (audiences.length === 0) throw new TrustConfigError(where, 'no audience given', 'give the audience the CI job requests, e.g. "sts.amazonaws.com"', 'CIT-M005');
  return requireStrings(where, audiences, 'audience');
}

/** The props of `restrictNetwork()`, checked for shape here and for values by NetworkRestriction. @internal */
export function requireNetworkProps<T>(where: string, network: T): T {
  return requireProps(where, network, 'network restriction');
}

/** The method that makes a builder's trust; builders that made one refuse further changes. */
const BUILD = 'toTrust';
// Marks a builder that made its trust: a symbol-keyed property rather than a WeakSet, which every
// builder of an app would enter (each entry is work for the garbage collector).
const BUILT = Symbol('ci-oidc-trust.built');

/**
 * The safety net under the explicit checks: a TypeError from a public method of a builder (an input
 * of a shape no check above foresaw) becomes a TrustConfigError naming the method.
 * @internal
 */
export function guardMethods(cls: { prototype: object; name: string }, statics?: object): void {
  const wrap = (owner: any, key: string, label: string, instance: boolean) => {
    const fn = owner[key];
    if (typeof fn !== 'function' || key === 'constructor' || key.startsWith('_')) return;
    Object.defineProperty(owner, key, {
      configurable: true,
      writable: true,
      value: function guarded(this: object, ...args: unknown[]) {
        // Builder methods change the builder in place (jsii builders are plain mutable objects), so a
        // builder reused after toTrust() would carry the first trust's conditions into the next one.
        if (instance && key !== BUILD && (this as { [BUILT]?: true })[BUILT]) {
          throw new TrustConfigError(label, `this builder already made a trust with ${BUILD}(); its methods change the builder in place, so the next trust would also carry the conditions of the first`, 'start a new builder for each trust; to share the repository (project, pipeline), use a function: const web = () => GitHubActions.repository({ ... }); web().onBranch("main").toTrust()');
        }
        try {
          const out = fn.apply(this, args);
          if (instance && key === BUILD) Object.defineProperty(this, BUILT, { value: true });
          return out;
        } catch (e) {
          if (e instanceof TypeError) {
            throw new TrustConfigError(label, `an argument has a shape the method does not take (${e.message})`, 'pass the documented types: strings, lists of strings, structs and enum values, never null');
          }
          throw e;
        }
      },
    });
  };
  for (const key of Object.getOwnPropertyNames(cls.prototype)) wrap(cls.prototype, key, `${cls.name}.${key}`, true);
  if (statics) for (const key of Object.getOwnPropertyNames(statics)) if (!['length', 'name', 'prototype'].includes(key)) wrap(statics, key, `${(statics as any).name}.${key}`, false);
}
