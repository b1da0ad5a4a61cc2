/**
 * Positions of resources in source text, for SARIF regions (JSON.parse keeps none): one index per
 * file, built in one pass on first use, so a review of thousands of trusts stays linear.
 */
import { hclBlockOffsets } from './hcl';
import { InputFormat, LoadedFile, Region } from './types';

type Locator = (resource: string) => Region | undefined;
const LOCATORS = new WeakMap<LoadedFile, Locator>();

/** The region of a resource (`TYPE.NAME`, a logical id, a plan address) in a loaded file. */
export function regionIn(f: LoadedFile, format: InputFormat, resource: string): Region | undefined {
  if (f.regions?.has(resource)) return f.regions.get(resource);
  if (f.text === undefined) return undefined;
  let locate = LOCATORS.get(f);
  if (!locate) {
    locate = locator(f.text, format);
    LOCATORS.set(f, locate);
  }
  return locate(resource);
}

function locator(text: string, format: InputFormat): Locator {
  const lines = lineStarts(text);
  const at = (offset: number): { line: number; col: number } => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi + 1) / 2);
      if (lines[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - lines[lo] + 1 };
  };
  const point = (offset: number | undefined): Region | undefined => {
    if (offset === undefined) return undefined;
    const p = at(offset);
    return { startLine: p.line, startColumn: p.col };
  };
  if (format === 'terraform-hcl') {
    const blocks = hclBlockOffsets(text);
    return r => {
      const b = blocks.get(r);
      if (!b) return undefined;
      const s = at(b.start);
      if (b.end === undefined) return { startLine: s.line, startColumn: s.col };
      const e = at(b.end);
      return { startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: e.col + 1 };
    };
  }
  if (format === 'terraform-plan') {
    const first = new Map<string, number>();
    for (const m of text.matchAll(/"address"\s*:\s*("(?:[^"\\]|\\.)*")/g)) {
      const addr = JSON.parse(m[1]) as string;
      if (!first.has(addr)) first.set(addr, m.index!);
    }
    return r => point(first.get(r));
  }
  const keys = jsonKeyOffsets(text, 3);
  if (format === 'cloudformation') return r => point(keys.get(['Resources', r].join('\u0000')));
  if (format === 'terraform-json') {
    return r => {
      const m = /^(data\.)?([^.]+)\.(.+)$/.exec(r);
      return m ? point(keys.get([m[1] ? 'data' : 'resource', m[2], m[3]].join('\u0000'))) : undefined;
    };
  }
  return () => undefined;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/**
 * Offsets of the object keys of JSON text by their key path (`\0`-joined, at most `depth` keys;
 * arrays are skipped in the path, as Terraform JSON may wrap any level in one). First one wins.
 */
export function jsonKeyOffsets(text: string, depth: number): Map<string, number> {
  const out = new Map<string, number>();
  const stack: string[] = [];
  let pendingKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      i = j;
      let k = j + 1;
      while (k < text.length && (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t')) k++;
      if (text[k] === ':') {
        pendingKey = JSON.parse(text.slice(start, j + 1)) as string;
        const pathKeys = stack.filter(x => x !== '');
        if (pathKeys.length < depth) {
          const key = [...pathKeys, pendingKey].join('\u0000');
          if (!out.has(key)) out.set(key, start);
        }
      }
    } else if (c === '{' || c === '[') {
      stack.push(pendingKey ?? '');
      pendingKey = null;
    } else if (c === '}' || c === ']') {
      stack.pop();
      pendingKey = null;
    } else if (c === ',') {pendingKey = null;}
  }
  return out;
}
