/**
 * The CEL front end for GCP workload identity federation: a tokenizer and parser for the CEL that
 * attribute conditions and mappings use (https://cloud.google.com/iam/docs/workload-identity-federation#conditions),
 * and the expansion of a condition into disjunctive normal form over claim pins, so every `||`
 * branch can be judged on its own.
 */
import { MatchMode } from './patterns';

export type CelToken = { t: 'id' | 'str' | 'num' | 'op'; v: string; pos: number };

export class CelSyntaxError extends Error {}

/** Tokenizes the CEL subset used by attribute conditions and mappings. */
export function tokenizeCel(src: string): CelToken[] {
  const out: CelToken[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      // Raw/bytes string prefixes: r'…', b'…'.
      if (/[rRbB]/.test(c) && (src[i + 1] === '\'' || src[i + 1] === '"')) {
        const raw = /[rR]/.test(c);
        i++;
        out.push({ t: 'str', v: readString(raw), pos: start });
        continue;
      }
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      out.push({ t: 'id', v: src.slice(start, i), pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9.xXa-fA-FuU]/.test(src[i])) i++;
      out.push({ t: 'num', v: src.slice(start, i), pos: start });
      continue;
    }
    if (c === '\'' || c === '"') {
      out.push({ t: 'str', v: readString(false), pos: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['||', '&&', '==', '!=', '<=', '>='].includes(two)) {
      out.push({ t: 'op', v: two, pos: start });
      i += 2;
      continue;
    }
    if ('!<>+-*/%.()[]{},?:'.includes(c)) {
      out.push({ t: 'op', v: c, pos: start });
      i++;
      continue;
    }
    throw new CelSyntaxError(`unexpected character \`${c}\` at offset ${i}`);
  }
  return out;

  function readString(raw: boolean): string {
    const begin = i;
    const q = src[i];
    const triple = src.slice(i, i + 3) === q.repeat(3);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let s = '';
    while (i < src.length) {
      if (src.startsWith(close, i)) {
        i += close.length;
        return s;
      }
      const ch = src[i];
      if (!triple && (ch === '\n' || ch === '\r')) break;
      if (ch === '\\' && !raw) {
        const n = src[i + 1];
        const simple: Record<string, string> = { 'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '\'': '\'', '"': '"', '`': '`', '?': '?', 'a': '\x07', 'b': '\b', 'f': '\f', 'v': '\v' };
        if (n in simple) { s += simple[n]; i += 2; continue; }
        const hex = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(src.slice(i + 1));
        if (hex) { s += String.fromCodePoint(parseInt(hex[1].slice(1), 16)); i += 1 + hex[1].length; continue; }
        const oct = /^[0-3][0-7]{2}/.exec(src.slice(i + 1));
        if (oct) { s += String.fromCharCode(parseInt(oct[0], 8)); i += 4; continue; }
        throw new CelSyntaxError(`invalid escape \\${n ?? ''} at offset ${i}`);
      }
      s += ch;
      i++;
    }
    throw new CelSyntaxError(`unterminated string starting at offset ${begin}`);
  }
}

export type CelNode =
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'ident'; name: string }
  | { k: 'member'; e: CelNode; name: string }
  | { k: 'index'; e: CelNode; i: CelNode }
  | { k: 'call'; target?: CelNode; name: string; args: CelNode[] }
  | { k: 'list'; items: CelNode[] }
  | { k: 'map'; entries: [CelNode, CelNode][] }
  | { k: 'unary'; op: '!' | '-'; e: CelNode }
  | { k: 'bin'; op: string; l: CelNode; r: CelNode }
  | { k: 'cond'; c: CelNode; t: CelNode; f: CelNode };

/** Parses a CEL expression (full operator precedence; no macros needed beyond calls). */
export function parseCel(src: string): CelNode {
  const toks = tokenizeCel(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => peek()?.t === 'op' && peek().v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new CelSyntaxError(`expected \`${v}\` at offset ${peek()?.pos ?? src.length}`);
    p++;
  };
  const expr = (): CelNode => {
    const c = or();
    if (isOp('?')) {
      p++;
      const t = or();
      expect(':');
      const f = expr();
      return { k: 'cond', c, t, f };
    }
    return c;
  };
  const binLevel = (next: () => CelNode, ops: string[]) => (): CelNode => {
    let l = next();
    for (;;) {
      const tk = peek();
      const op = tk && ((tk.t === 'op' && ops.includes(tk.v)) || (tk.t === 'id' && tk.v === 'in' && ops.includes('in'))) ? tk.v : undefined;
      if (!op) return l;
      p++;
      l = { k: 'bin', op, l, r: next() };
    }
  };
  const unary = (): CelNode => {
    if (isOp('!') || isOp('-')) {
      const op = peek().v as '!' | '-';
      p++;
      return { k: 'unary', op, e: unary() };
    }
    return member();
  };
  const mul = binLevel(unary, ['*', '/', '%']);
  const add = binLevel(mul, ['+', '-']);
  const rel = binLevel(add, ['==', '!=', '<', '<=', '>', '>=', 'in']);
  const and = binLevel(rel, ['&&']);
  const or = binLevel(and, ['||']);
  const args = (close: string): CelNode[] => {
    const a: CelNode[] = [];
    if (isOp(close)) { p++; return a; }
    for (;;) {
      a.push(expr());
      if (isOp(',')) { p++; if (isOp(close)) { p++; return a; } continue; }
      expect(close);
      return a;
    }
  };
  function member(): CelNode {
    let e = primary();
    for (;;) {
      if (isOp('.')) {
        p++;
        const id = peek();
        if (id?.t !== 'id') throw new CelSyntaxError(`expected a field name at offset ${id?.pos ?? src.length}`);
        p++;
        if (isOp('(')) { p++; e = { k: 'call', target: e, name: id.v, args: args(')') }; } else {e = { k: 'member', e, name: id.v };}
      } else if (isOp('[')) {
        p++;
        const i = expr();
        expect(']');
        e = { k: 'index', e, i };
      } else {return e;}
    }
  }
  function primary(): CelNode {
    const tk = peek();
    if (!tk) throw new CelSyntaxError('unexpected end of expression');
    p++;
    if (tk.t === 'str') return { k: 'lit', v: tk.v };
    if (tk.t === 'num') return { k: 'lit', v: Number(tk.v.replace(/[uU]$/, '')) };
    if (tk.t === 'id') {
      if (tk.v === 'true' || tk.v === 'false') return { k: 'lit', v: tk.v === 'true' };
      if (tk.v === 'null') return { k: 'lit', v: null };
      if (isOp('(')) { p++; return { k: 'call', name: tk.v, args: args(')') }; }
      return { k: 'ident', name: tk.v };
    }
    if (tk.v === '(') { const e = expr(); expect(')'); return e; }
    if (tk.v === '[') return { k: 'list', items: args(']') };
    if (tk.v === '{') {
      const entries: [CelNode, CelNode][] = [];
      if (isOp('}')) { p++; return { k: 'map', entries }; }
      for (;;) {
        const key = expr();
        expect(':');
        entries.push([key, expr()]);
        if (isOp(',')) { p++; if (isOp('}')) { p++; break; } continue; }
        expect('}');
        break;
      }
      return { k: 'map', entries };
    }
    throw new CelSyntaxError(`unexpected \`${tk.v}\` at offset ${tk.pos}`);
  }
  const root = expr();
  if (p < toks.length) throw new CelSyntaxError(`unexpected \`${toks[p].v}\` at offset ${toks[p].pos}`);
  return root;
}

/** Claims a CEL expression reads (`assertion.x`, `assertion['x']`), mapped through attribute_mapping. */
export function claimsRead(n: CelNode, mapping: Map<string, CelNode | undefined>): string[] {
  const out = new Set<string>();
  const visit = (x: CelNode, depth: number): void => {
    if (depth > 20) return;
    const direct = directClaim(x, mapping, depth);
    if (direct) { direct.forEach(c => out.add(c)); return; }
    switch (x.k) {
      case 'member': visit(x.e, depth); break;
      case 'index': visit(x.e, depth); visit(x.i, depth); break;
      case 'call': if (x.target) visit(x.target, depth); x.args.forEach(a => visit(a, depth)); break;
      case 'list': x.items.forEach(a => visit(a, depth)); break;
      case 'map': x.entries.forEach(([a, b]) => { visit(a, depth); visit(b, depth); }); break;
      case 'unary': visit(x.e, depth); break;
      case 'bin': visit(x.l, depth); visit(x.r, depth); break;
      case 'cond': visit(x.c, depth); visit(x.t, depth); visit(x.f, depth); break;
      default: break;
    }
  };
  visit(n, 0);
  return [...out].sort();
}

/** `assertion.x` → ['x']; `attribute.y`/`google.subject` → the claims its mapping reads. */
function directClaim(x: CelNode, mapping: Map<string, CelNode | undefined>, depth: number): string[] | undefined {
  if (x.k === 'member' && x.e.k === 'ident') {
    if (x.e.name === 'assertion') return [x.name];
    if (x.e.name === 'attribute' || x.e.name === 'google') {
      const m = mapping.get(`${x.e.name}.${x.name}`);
      return m ? claimsRead(m, depth > 10 ? new Map() : mapping) : [`unmapped:${x.e.name}.${x.name}`];
    }
  }
  if (x.k === 'index' && x.e.k === 'ident' && x.e.name === 'assertion' && x.i.k === 'lit' && typeof x.i.v === 'string') return [x.i.v];
  return undefined;
}

/** The single claim an expression *is* (not merely reads), e.g. `attribute.repo` mapped to `assertion.repository`. */
export function exactClaim(x: CelNode, mapping: Map<string, CelNode | undefined>): string | undefined {
  // string(assertion.x) compares the claim by its text (ci-oidc-trust's GCP compiler writes it).
  if (x.k === 'call' && !x.target && x.name === 'string' && x.args.length === 1) return exactClaim(x.args[0], mapping);
  if (x.k === 'member' && x.e.k === 'ident' && x.e.name === 'assertion') return x.name;
  if (x.k === 'index' && x.e.k === 'ident' && x.e.name === 'assertion' && x.i.k === 'lit' && typeof x.i.v === 'string') return x.i.v;
  if (x.k === 'member' && x.e.k === 'ident' && (x.e.name === 'attribute' || x.e.name === 'google')) {
    const m = mapping.get(`${x.e.name}.${x.name}`);
    return m && m !== x ? exactClaim(m, new Map()) : undefined;
  }
  return undefined;
}

export type Atom = { kind: 'pin'; claim: string; values: string[]; mode: MatchMode; text: string } | { kind: 'other'; claims: string[]; text: string };
export type Dnf = Atom[][];
const DNF_LIMIT = 256;

class CelTooComplex extends Error {}

function dnfOr(a: Dnf, b: Dnf): Dnf {
  const r = [...a, ...b];
  if (r.length > DNF_LIMIT) throw new CelTooComplex('condition has too many alternatives');
  return r;
}
function dnfAnd(a: Dnf, b: Dnf): Dnf {
  const r: Dnf = [];
  for (const x of a) for (const y of b) r.push([...x, ...y]);
  if (r.length > DNF_LIMIT) throw new CelTooComplex('condition has too many alternatives');
  return r;
}

function unparse(n: CelNode): string {
  switch (n.k) {
    case 'lit': return typeof n.v === 'string' ? `'${n.v.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'` : String(n.v);
    case 'ident': return n.name;
    case 'member': return `${unparse(n.e)}.${n.name}`;
    case 'index': return `${unparse(n.e)}[${unparse(n.i)}]`;
    case 'call': return `${n.target ? `${unparse(n.target)}.` : ''}${n.name}(${n.args.map(unparse).join(', ')})`;
    case 'list': return `[${n.items.map(unparse).join(', ')}]`;
    case 'map': return `{${n.entries.map(([a, b]) => `${unparse(a)}: ${unparse(b)}`).join(', ')}}`;
    case 'unary': return `${n.op}${unparse(n.e)}`;
    case 'bin': return `${unparse(n.l)} ${n.op} ${unparse(n.r)}`;
    case 'cond': return `${unparse(n.c)} ? ${unparse(n.t)} : ${unparse(n.f)}`;
  }
}

/** Converts a boolean CEL expression into DNF over pin/other atoms; `neg` pushes negation inward. */
export function toDnf(n: CelNode, mapping: Map<string, CelNode | undefined>, neg: boolean): Dnf {
  const other = (): Dnf => [[{ kind: 'other', claims: claimsRead(n, mapping), text: (neg ? '!' : '') + unparse(n) }]];
  if (n.k === 'lit' && typeof n.v === 'boolean') return (n.v !== neg) ? [[]] : [];
  if (n.k === 'unary' && n.op === '!') return toDnf(n.e, mapping, !neg);
  if (n.k === 'cond') {
    const c = n.c;
    return dnfOr(dnfAnd(toDnf(c, mapping, false), toDnf(n.t, mapping, neg)), dnfAnd(toDnf(c, mapping, true), toDnf(n.f, mapping, neg)));
  }
  if (n.k === 'bin' && (n.op === '||' || n.op === '&&')) {
    const l = toDnf(n.l, mapping, neg);
    const r = toDnf(n.r, mapping, neg);
    return (n.op === '||') !== neg ? dnfOr(l, r) : dnfAnd(l, r);
  }
  // `!(x != 'v')` is `x == 'v'`: flip the comparison instead of giving up on the negation.
  if (neg && n.k === 'bin' && n.op === '!=') return toDnf({ ...n, op: '==' }, mapping, false);
  if (neg) return other();
  const claimOf = (x: CelNode): string | undefined => {
    const exact = exactClaim(x, mapping);
    if (exact) return exact.toLowerCase();
    const read = claimsRead(x, mapping);
    return read.length ? `derived:${read.map(c => c.toLowerCase()).join(',')}` : undefined;
  };
  const str = (x: CelNode): string | undefined => (x.k === 'lit' && typeof x.v === 'string' ? x.v : undefined);
  if (n.k === 'bin' && n.op === '==') {
    for (const [a, b] of [[n.l, n.r], [n.r, n.l]]) {
      // `attribute.K == 'v'` where K is mapped to `C ? 'x' : 'y'` (a provider condition over
      // computed attributes): the branches of C whose literal is v.
      const m = a.k === 'member' && a.e.k === 'ident' && (a.e.name === 'attribute' || a.e.name === 'google') ? mapping.get(`${a.e.name}.${a.name}`) : undefined;
      const v = str(b);
      if (m && m.k === 'cond' && v !== undefined && str(m.t) !== undefined && str(m.f) !== undefined) {
        // A mapping reads only `assertion`, so its condition is read without the mapping (no cycle).
        const branch = (e: CelNode, neg2: boolean): Dnf => (str(e) === v ? toDnf(m.c, new Map(), neg2) : []);;
        return dnfOr(branch(m.t, false), branch(m.f, true));
      }
    }
    for (const [a, b] of [[n.l, n.r], [n.r, n.l]]) {
      const claim = claimOf(a);
      const v = str(b);
      if (claim && v !== undefined) return [[{ kind: 'pin', claim, values: [v], mode: 'exact', text: unparse(n) }]];
    }
  }
  if (n.k === 'bin' && n.op === 'in' && n.r.k === 'list') {
    const claim = claimOf(n.l);
    const vs = n.r.items.map(str);
    if (claim && vs.every(v => v !== undefined)) {
      if (vs.length === 0) return [];
      return [[{ kind: 'pin', claim, values: vs as string[], mode: 'exact', text: unparse(n) }]];
    }
  }
  if (n.k === 'call' && n.target && n.args.length === 1 && (n.name === 'startsWith' || n.name === 'matches')) {
    const claim = claimOf(n.target);
    const v = str(n.args[0]);
    if (claim && v !== undefined) return [[{ kind: 'pin', claim, values: [v], mode: n.name === 'startsWith' ? 'prefix' : 'regex', text: unparse(n) }]];
  }
  return other();
}

/** Parses `attribute_mapping` values; unparseable ones map to undefined (→ not analysable). */
export function parseMapping(mapping: Record<string, string>): { map: Map<string, CelNode | undefined>; errors: string[] } {
  const map = new Map<string, CelNode | undefined>();
  const errors: string[] = [];
  for (const k of Object.keys(mapping).sort()) {
    try {
      map.set(k, parseCel(mapping[k]));
    } catch (e) {
      map.set(k, undefined);
      errors.push(`attribute_mapping["${k}"]: ${(e as Error).message}`);
    }
  }
  return { map, errors };
}
