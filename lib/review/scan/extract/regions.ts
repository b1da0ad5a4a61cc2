/** Positions of keys in JSON source text, for SARIF regions (JSON.parse keeps none). */
import { Region } from './types';

/**
 * Where the object key at `keys` (a path from the root, objects only) is, or with `value`, where
 * the first `"KEY": "VALUE"` pair at any depth is (plan JSON `"address"`).
 */
export function jsonKeyRegion(text: string, keys: string[], value?: string): Region | undefined {
  if (value !== undefined) {
    const needle = new RegExp(`"${escapeRe(keys[0])}"\\s*:\\s*${escapeRe(JSON.stringify(value))}`);
    const m = needle.exec(text);
    return m ? at(text, m.index) : undefined;
  }
  // A scanner over the text: tracks the key path of every object level.
  // The key each open object or array sits under; '' for the root and array elements, which the
  // path skips (Terraform JSON may wrap any level in an array).
  const stack: string[] = [];
  let pendingKey: string | null = null;
  const want = keys.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      let s = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          i++;
          s += text[i] === 'u' ? String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16)) : text[i];
          if (text[i] === 'u') i += 4;
        } else s += text[i];
      }
      // A key when the next non-space character is ':'.
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text[j] === ':') {
        pendingKey = s;
        if ([...stack, s].filter(k => k !== '').join('\u0000') === want) return at(text, start);
      }
    } else if (c === '{' || c === '[') {
      stack.push(pendingKey ?? '');
      pendingKey = null;
    } else if (c === '}' || c === ']') {
      stack.pop();
      pendingKey = null;
    } else if (c === ',') pendingKey = null;
  }
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function at(text: string, offset: number): Region {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return { startLine: line, startColumn: col };
}
