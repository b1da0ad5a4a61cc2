/** Small helpers shared by the extractors: loose JSON access and issuer normalization. */

export type Obj = Record<string, any>;
export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
export function asArray<T = any>(x: unknown): T[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x as T[] : [x as T];
}

/** `https://host/path` without a trailing slash; adds the scheme AWS strips from keys. */
export function normalizeIssuer(raw: string): string {
  let s = raw.trim();
  if (!/^[a-z]+:\/\//i.test(s)) s = `https://${s}`;
  return s.replace(/\/+$/, '');
}
