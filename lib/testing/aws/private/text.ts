/** Small formatting helpers of the AWS simulator's trace and failures. */

/** A plain JSON object (not an array). */
export function isObj(x: any): x is { [k: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function q(v: any): string {
  return JSON.stringify(v);
}

export function fmtList(v: string[]): string {
  return JSON.stringify(v);
}

export function fmtActual(v: string[] | undefined): string {
  if (v === undefined) return 'absent';
  return v.length === 1 ? JSON.stringify(v[0]) : JSON.stringify(v);
}

export function listOrNone(ids: string[]): string {
  return ids.length ? ids.join(', ') : '(none)';
}

export function toStringList(v: any): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string');
  return [];
}
