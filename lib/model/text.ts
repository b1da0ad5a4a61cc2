/**
 * Text helpers every layer shares, so output is the same everywhere.
 * @internal
 */
import { createHash } from 'crypto';

/** Code-unit order: locale-independent, so output is byte-identical on every machine. @internal */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
  return createHash('sha256').update(s).digest('hex').slice(0, length);
}
