/**
 * HCL (`.tf`, `.tfvars`) through HashiCorp's own HCL parser (hashicorp/hcl v2 via hcl2json, built to
 * WebAssembly and shipped in @cdktn/hcl2json, so it runs offline). Its output is Terraform JSON in
 * the "block bodies as arrays" shape, with every expression kept as `${source text}`, which
 * terraform-config.ts then evaluates. The parser is loaded only when a `.tf` file is read: the
 * WebAssembly module starts at require time.
 */
import { InputError } from './errors';
import { Obj } from './util';

type Hcl2Json = { parse(filename: string, contents: string): Promise<Obj> };
let parser: Hcl2Json | undefined;

function load(): Hcl2Json {
  if (!parser) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parser = require('@cdktn/hcl2json') as Hcl2Json;
  }
  return parser;
}

/** Parses one HCL file into Terraform JSON; syntax errors are InputErrors naming file and line. */
export async function parseHcl(file: string, text: string): Promise<Obj> {
  try {
    return await load().parse(file, text);
  } catch (e) {
    const msg = String((e as Error)?.message ?? e).replace(/^parse config: \[?/, '').replace(/\]$/, '');
    throw new InputError(`${file}: not valid HCL (${msg.split('\n')[0]}).`);
  }
}

/**
 * Where each `resource "TYPE" "NAME" {` / `data …` block of HCL source text starts and ends, by
 * `TYPE.NAME` / `data.TYPE.NAME`, in one pass (`at` turns offsets into lines and columns).
 */
export function hclBlockOffsets(text: string): Map<string, { start: number; end?: number }> {
  const out = new Map<string, { start: number; end?: number }>();
  const re = /^[ \t]*(resource|data)[ \t]+"?([\w-]+)"?[ \t]+"?([\w-]+)"?[ \t]*\{/gm;
  for (const m of text.matchAll(re)) {
    const key = `${m[1] === 'data' ? 'data.' : ''}${m[2]}.${m[3]}`;
    if (out.has(key)) continue;
    const start = m.index! + m[0].length - m[0].trimStart().length;
    out.set(key, { start, end: closingBrace(text, m.index! + m[0].length - 1) });
  }
  return out;
}

/** The `}` matching the `{` at `open`, skipping strings, heredocs and comments (undefined if none). */
function closingBrace(s: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && s[i + 1] === '/')) {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '/' && s[i + 1] === '*') {
      const e = s.indexOf('*/', i + 2);
      if (e < 0) return undefined;
      i = e + 1;
    } else if (c === '<' && s[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(s.slice(i, i + 200));
      if (m) {
        const endRe = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
        const rest = s.slice(i + m[0].length);
        const em = endRe.exec(rest);
        if (!em) return undefined;
        i += m[0].length + em.index + em[0].length - 1;
      }
    } else if (c === '{') {depth++;} else if (c === '}' && --depth === 0) {return i;}
  }
  return undefined;
}
