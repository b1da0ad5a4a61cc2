/**
 * Anchored glob patterns over claim values. `*` is the only wildcard (any sequence of code points,
 * including none, `:` and newlines); `\*` and `\\` are a literal `*` and `\`. There is no `?`:
 * single-character wildcards buy nothing for CI claims and are a classic IAM pitfall.
 *
 * A pattern is kept as its literal parts: `refs/heads/release/*` is `['refs/heads/release/', '']`.
 * Every compiler renders from the parts, never from the source text, so no escaping is re-parsed.
 * @internal
 */
export interface Glob {
  /** Literal text between wildcards; length = number of wildcards + 1. */
  readonly parts: readonly string[];
}

/** @internal */
export function parseGlob(source: string): Glob {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (n === '*' || n === '\\') {
        cur += n;
        i++;
        continue;
      }
      throw new Error(`invalid escape at ${i} in pattern ${JSON.stringify(source)}: only \\* and \\\\ are escapes`);
    }
    if (c === '*') {
      parts.push(cur);
      cur = '';
      // Collapse '**' into one wildcard: same language, one canonical form.
      while (source[i + 1] === '*') i++;
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return { parts };
}

/** Canonical source text of a glob (inverse of parseGlob). @internal */
export function globSource(g: Glob): string {
  return g.parts.map((p) => p.replace(/\\/g, '\\\\').replace(/\*/g, '\\*')).join('*');
}

/** Glob for one exact value. @internal */
export function literalGlob(value: string): Glob {
  return { parts: [value] };
}

/** True when the glob has at least one wildcard. @internal */
export function isWildcard(g: Glob): boolean {
  return g.parts.length > 1;
}

/** The literal text before the first wildcard. @internal */
export function globPrefix(g: Glob): string {
  return g.parts[0];
}

/**
 * Anchored match. Greedy-free algorithm: the first part must be a prefix, the last a suffix,
 * and the middle parts must occur in order, leftmost first (which is optimal for `*`-only globs).
 * Compares UTF-16 code units; since parts are literal substrings that is the same as code points.
 * @internal
 */
export function matchGlob(g: Glob, value: string): boolean {
  const p = g.parts;
  if (p.length === 1) return value === p[0];
  const first = p[0];
  const last = p[p.length - 1];
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < p.length - 1; i++) {
    const idx = value.indexOf(p[i], pos);
    if (idx < 0 || idx + p[i].length > end) return false;
    pos = idx + p[i].length;
  }
  return true;
}
