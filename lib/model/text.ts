/**
 * Text helpers every layer shares, so output is the same everywhere.
 * @internal
 */
import * as crypto from 'crypto';

/** Code-unit order: locale-independent, so output is byte-identical on every machine. @internal */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct values in code-unit order (the order of every list the library prints or compiles). @internal */
export function uniqSorted(values: Iterable<string>): string[] {
  // Most lists hold one value: no Set, no sort.
  if (Array.isArray(values) && values.length < 2) return [...values];
  return [...new Set(values)].sort(cmp);
}

/**
 * Cut `s` to at most `n` characters, marking the cut. IAM role descriptions allow only Latin-1, so
 * AWS passes `'...'`; elsewhere the single-character ellipsis keeps more of the text.
 * @internal
 */
export function truncate(s: string, n: number, ellipsis = '…'): string {
  return s.length <= n ? s : `${s.slice(0, n - ellipsis.length)}${ellipsis}`;
}

/**
 * The first `length` hex digits of the SHA-256 of `s`: the stable short ids in fingerprints and
 * resource names (same input, same id on every machine). @internal
 */
export function shortHash(s: string, length = 8): string {
  return sha256Hex(s).slice(0, length);
}

// Every trust's fingerprint is hashed: the one-shot crypto.hash (Node 20.12 and later) skips making
// a Hash object per call; older Node gets the same digest from createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex = oneShot
  ? (s: string): string => oneShot('sha256', s, 'hex')
  : (s: string): string => crypto.createHash('sha256').update(s).digest('hex');
