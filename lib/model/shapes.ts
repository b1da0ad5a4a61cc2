import { TrustConfigError } from './errors';
import { Trust } from './trust';

/*
 * Run-time shapes of the constructs' props: Python, Java, .NET, Go and plain JavaScript can pass
 * null, a string where a list is declared, or a value outside an enum. Each check says where, what
 * and how to fix it (lib/ci/values.ts has the builders' own).
 */

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A props struct: a non-null object. @internal */
export function requireObject<T>(where: string, value: T, what = 'props'): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TrustConfigError(where, `${what} must be an object, got ${describe(value)}`, `pass the ${what} struct with its required fields`);
  }
  return value;
}

/** An optional list of Trusts (built with a CI builder's toTrust()). @internal */
export function requireTrustList(where: string, value: unknown, what = 'trusts'): Trust[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new TrustConfigError(where, `${what} must be a list of Trust, got ${describe(value)}`, value instanceof Trust ? 'wrap the trust in a list: [trust]' : `give ${what} as a list of trusts built with a CI builder's toTrust()`);
  }
  for (let i = 0; i < value.length; i++) if (!(value[i] instanceof Trust)) requireTrust(where, value[i], `${what}[${i}]`);
  return value as Trust[];
}

/** One Trust. @internal */
export function requireTrust(where: string, value: unknown, what = 'trust'): Trust {
  if (!(value instanceof Trust)) {
    throw new TrustConfigError(where, `${what} must be a Trust, got ${describe(value)}`, 'build it with a CI builder, e.g. GitHubActions.repository({ … }).onBranch("main").toTrust()');
  }
  return value;
}

/** An optional list of strings. @internal */
export function requireOptionalStringList(where: string, value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new TrustConfigError(where, `${what} must be a list of strings, got ${Array.isArray(value) ? 'a list with a non-string' : describe(value)}`, typeof value === 'string' ? `wrap it in a list: [${JSON.stringify(value)}]` : `give ${what} as a list of strings`);
  }
  return value as string[];
}

/** An optional value of a string enum. @internal */
export function requireOptionalEnum<E extends string>(where: string, value: unknown, enumObject: Record<string, E>, enumName: string): E | undefined {
  if (value === undefined) return undefined;
  const values = Object.values(enumObject);
  if (typeof value !== 'string' || !values.includes(value as E)) {
    throw new TrustConfigError(where, `${describe(value)} is not a ${enumName}`, `use one of ${values.map((v) => `${enumName}.${v}`).join(', ')}`);
  }
  return value as E;
}

/** An optional string. @internal */
export function requireOptionalString(where: string, value: unknown, what: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new TrustConfigError(where, `${what} must be a string, got ${describe(value)}`, `give ${what} as a string`);
  return value as string | undefined;
}
