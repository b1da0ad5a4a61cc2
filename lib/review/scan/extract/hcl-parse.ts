/**
 * HCL native-syntax expressions and templates: the `${…}` strings of Terraform JSON and the
 * expressions hcl2json keeps as source text. A parser and a canonical printer only; evaluation is
 * in hcl-eval.ts. The grammar follows the HCL native syntax specification
 * (https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md); what it does not cover is a
 * `HclSyntaxError`, which the evaluator turns into an unknown value (never a guess).
 */
import { terraformLiteral } from '../../../emit/terraform';

export type Node =
  | { t: 'lit'; v: null | boolean | number | string }
  | { t: 'tpl'; parts: Node[] } // quoted template or heredoc: literal strings and interpolations
  | { t: 'var'; name: string }
  | { t: 'attr'; obj: Node; name: string }
  | { t: 'index'; obj: Node; key: Node }
  | { t: 'splat'; obj: Node; each: string[] } // `x[*].a.b` / `x.*.a`
  | { t: 'call'; name: string; args: Node[]; expand: boolean }
  | { t: 'tuple'; items: Node[] }
  | { t: 'object'; items: { key: Node; value: Node }[] }
  | { t: 'unary'; op: string; x: Node }
  | { t: 'binary'; op: string; l: Node; r: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node }
  | { t: 'for'; kind: 'tuple' | 'object'; keyVar?: string; valVar: string; coll: Node; key?: Node; value: Node; cond?: Node; group: boolean }
  | { t: 'directive'; src: string }; // `%{…}` template directives: not evaluated

export class HclSyntaxError extends Error {}

const PUNCT = ['&&', '||', '==', '!=', '<=', '>=', '=>', '...', '.*', '[*]', '?', ':', '!', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ',', '.', '='];

/** Parses a Terraform JSON string: a template whose `${…}` parts are expressions. */
export function parseTemplate(src: string): Node {
  return new Parser(src).template(src, 0, src.length).node;
}

/** Parses one expression (the whole source). */
export function parseExpression(src: string): Node {
  const p = new Parser(src);
  const n = p.expr();
  p.skipWs();
  if (p.pos < src.length) throw new HclSyntaxError(`unexpected ${JSON.stringify(src.slice(p.pos, p.pos + 10))}`);
  return n;
}

/** Binary operators by precedence, loosest first. */
const LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

class Parser {
  public pos = 0;
  constructor(private readonly src: string) {}

  public skipWs() {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {this.pos++;} else if (c === '#' || (c === '/' && s[this.pos + 1] === '/')) {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else if (c === '/' && s[this.pos + 1] === '*') {
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0) throw new HclSyntaxError('unterminated comment');
        this.pos = end + 2;
      } else {return;}
    }
  }

  private peekPunct(): string | undefined {
    this.skipWs();
    for (const p of PUNCT) if (this.src.startsWith(p, this.pos)) return p;
    return undefined;
  }

  private eat(p: string): boolean {
    if (this.peekPunct() === p && !(p === '.' && this.src.startsWith('...', this.pos))) {
      this.pos += p.length;
      return true;
    }
    return false;
  }

  private expect(p: string) {
    if (!this.eat(p)) throw new HclSyntaxError(`expected '${p}' at ${this.pos}`);
  }

  private ident(): string | undefined {
    this.skipWs();
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 256));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  public expr(): Node {
    const c = this.binary(0);
    if (this.eat('?')) {
      const a = this.expr();
      this.expect(':');
      const b = this.expr();
      return { t: 'cond', c, a, b };
    }
    return c;
  }

  private binary(level: number): Node {
    if (level >= LEVELS.length) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      const p = this.peekPunct();
      if (!p || !LEVELS[level].includes(p)) return l;
      this.pos += p.length;
      l = { t: 'binary', op: p, l, r: this.binary(level + 1) };
    }
  }

  private unary(): Node {
    const p = this.peekPunct();
    if (p === '!' || p === '-') {
      this.pos++;
      return { t: 'unary', op: p, x: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(n: Node): Node {
    for (;;) {
      const p = this.peekPunct();
      if (p === '.*' || p === '[*]') {
        this.pos += p.length;
        const each: string[] = [];
        while (this.peekPunct() === '.' && !this.src.startsWith('...', this.pos)) {
          const save = this.pos;
          this.pos++;
          const id = this.ident();
          if (!id) {
            this.pos = save;
            break;
          }
          each.push(id);
        }
        n = { t: 'splat', obj: n, each };
      } else if (p === '.' && !this.src.startsWith('...', this.pos)) {
        this.pos++;
        this.skipWs();
        const num = /^[0-9]+/.exec(this.src.slice(this.pos, this.pos + 20));
        if (num) {
          this.pos += num[0].length;
          n = { t: 'index', obj: n, key: { t: 'lit', v: Number(num[0]) } };
        } else {
          const id = this.ident();
          if (!id) throw new HclSyntaxError(`expected an attribute name at ${this.pos}`);
          n = { t: 'attr', obj: n, name: id };
        }
      } else if (p === '[') {
        this.pos++;
        const key = this.expr();
        this.expect(']');
        n = { t: 'index', obj: n, key };
      } else {return n;}
    }
  }

  private primary(): Node {
    this.skipWs();
    const s = this.src;
    const c = s[this.pos];
    if (c === undefined) throw new HclSyntaxError('unexpected end of expression');
    if (c === '"') return this.quoted();
    if (s.startsWith('<<', this.pos)) return this.heredoc();
    const num = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(this.pos, this.pos + 64));
    if (num) {
      this.pos += num[0].length;
      return { t: 'lit', v: Number(num[0]) };
    }
    if (this.eat('(')) {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (this.eat('[')) return this.tupleOrFor();
    if (this.eat('{')) return this.objectOrFor();
    const id = this.ident();
    if (!id) throw new HclSyntaxError(`unexpected ${JSON.stringify(s.slice(this.pos, this.pos + 10))}`);
    if (id === 'true' || id === 'false') return { t: 'lit', v: id === 'true' };
    if (id === 'null') return { t: 'lit', v: null };
    this.skipWs();
    // Provider-namespaced functions: provider::aws::arn_parse(...)
    let name = id;
    while (s.startsWith('::', this.pos)) {
      this.pos += 2;
      name += `::${this.ident() ?? ''}`;
    }
    if (this.src[this.pos] === '(' ) {
      this.pos++;
      const args: Node[] = [];
      let expand = false;
      while (!this.eat(')')) {
        args.push(this.expr());
        if (this.eat('...')) expand = true;
        if (!this.eat(',')) {
          this.expect(')');
          break;
        }
      }
      return { t: 'call', name, args, expand };
    }
    return { t: 'var', name };
  }

  private isForKeyword(): boolean {
    this.skipWs();
    return /^for\s/.test(this.src.slice(this.pos, this.pos + 4));
  }

  private forHeader(): { keyVar?: string; valVar: string; coll: Node } {
    this.ident(); // `for`
    const a = this.ident();
    if (!a) throw new HclSyntaxError('expected a for variable');
    let keyVar: string | undefined;
    let valVar = a;
    if (this.eat(',')) {
      keyVar = a;
      valVar = this.ident() ?? '';
    }
    if (this.ident() !== 'in') throw new HclSyntaxError("expected 'in'");
    const coll = this.expr();
    this.expect(':');
    return { keyVar, valVar, coll };
  }

  private forCond(): Node | undefined {
    this.skipWs();
    if (/^if[\s(]/.test(this.src.slice(this.pos, this.pos + 3))) {
      this.ident();
      return this.expr();
    }
    return undefined;
  }

  private tupleOrFor(): Node {
    if (this.isForKeyword()) {
      const h = this.forHeader();
      const value = this.expr();
      const cond = this.forCond();
      this.expect(']');
      return { t: 'for', kind: 'tuple', ...h, value, cond, group: false };
    }
    const items: Node[] = [];
    while (!this.eat(']')) {
      items.push(this.expr());
      if (!this.eat(',')) {
        this.expect(']');
        break;
      }
    }
    return { t: 'tuple', items };
  }

  private objectOrFor(): Node {
    if (this.isForKeyword()) {
      const h = this.forHeader();
      const key = this.expr();
      this.expect('=>');
      const value = this.expr();
      const group = this.eat('...');
      const cond = this.forCond();
      this.expect('}');
      return { t: 'for', kind: 'object', ...h, key, value, cond, group };
    }
    const items: { key: Node; value: Node }[] = [];
    while (!this.eat('}')) {
      this.skipWs();
      // A bare identifier key is the literal name (HCL object constructor rules).
      const save = this.pos;
      const id = this.ident();
      let key: Node;
      const next = this.peekPunct();
      if (id && (next === '=' || next === ':') && !this.src.startsWith('==', this.pos)) {key = { t: 'lit', v: id };} else {
        this.pos = save;
        key = this.expr();
      }
      if (!this.eat('=') && !this.eat(':')) throw new HclSyntaxError(`expected '=' or ':' in an object at ${this.pos}`);
      items.push({ key, value: this.expr() });
      this.eat(',');
    }
    return { t: 'object', items };
  }

  private quoted(): Node {
    const s = this.src;
    const start = ++this.pos;
    // Find the closing quote, skipping escapes and nested `${…}` (which may hold strings).
    let depth = 0;
    let i = start;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '\\') {i++;} else if ((c === '$' || c === '%') && s[i + 1] === '{' && s[i - 1] !== c) {
        depth++;
        i++;
      } else if (depth > 0 && c === '"') {i = skipString(s, i);} else if (depth > 0 && c === '{') {depth++;} else if (depth > 0 && c === '}') {depth--;} else if (depth === 0 && c === '"') {break;}
    }
    if (i >= s.length) throw new HclSyntaxError('unterminated string');
    this.pos = i + 1;
    return this.template(s, start, i, true).node;
  }

  private heredoc(): Node {
    const s = this.src;
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(s.slice(this.pos, this.pos + 200));
    if (!m) throw new HclSyntaxError('malformed heredoc');
    const bodyStart = this.pos + m[0].length;
    const endRe = new RegExp(`^[ \\t]*${m[2]}[ \\t]*$`, 'm');
    const rest = s.slice(bodyStart);
    const em = endRe.exec(rest);
    if (!em) throw new HclSyntaxError('unterminated heredoc');
    let body = rest.slice(0, em.index);
    this.pos = bodyStart + em.index + em[0].length;
    if (m[1] === '-') {
      const lines = body.split('\n');
      const indents = lines.filter(l => l.trim() !== '').map(l => /^[ \t]*/.exec(l)![0].length);
      const cut = indents.length ? Math.min(...indents) : 0;
      body = lines.map(l => l.slice(cut)).join('\n');
    }
    return new Parser(body).template(body, 0, body.length, false).node;
  }

  /** Template between [from, to): literal text, `${expr}` and `%{directive}`. */
  public template(s: string, from: number, to: number, quotedEscapes = false): { node: Node } {
    const parts: Node[] = [];
    let lit = '';
    let i = from;
    const flush = () => {
      if (lit) parts.push({ t: 'lit', v: lit });
      lit = '';
    };
    while (i < to) {
      const c = s[i];
      if (quotedEscapes && c === '\\') {
        const e = s[i + 1];
        const map: Record<string, string> = { 'n': '\n', 'r': '\r', 't': '\t', '"': '"', '\\': '\\' };
        if (e in map) {
          lit += map[e];
          i += 2;
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          lit += String.fromCodePoint(parseInt(s.slice(i + 2, i + 2 + len), 16));
          i += 2 + len;
        } else {throw new HclSyntaxError(`invalid escape \\${e}`);}
      } else if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
        lit += `${c}{`; // `$${` and `%%{` are literal
        i += 3;
      } else if ((c === '$' || c === '%') && s[i + 1] === '{') {
        const end = matchBrace(s, i + 1, to);
        flush();
        let inner = s.slice(i + 2, end);
        // `~` strip markers trim adjacent whitespace.
        if (inner.startsWith('~')) {
          inner = inner.slice(1);
          const prev = parts[parts.length - 1];
          if (prev?.t === 'lit' && typeof prev.v === 'string') prev.v = prev.v.replace(/\s+$/, '');
        }
        let stripAfter = false;
        if (inner.endsWith('~')) {
          inner = inner.slice(0, -1);
          stripAfter = true;
        }
        if (c === '%') parts.push({ t: 'directive', src: s.slice(i, end + 1) });
        else parts.push(parseExpression(inner));
        i = end + 1;
        if (stripAfter) while (i < to && /\s/.test(s[i])) i++;
      } else {
        lit += c;
        i++;
      }
    }
    flush();
    if (parts.length === 0) return { node: { t: 'lit', v: '' } };
    return { node: { t: 'tpl', parts } };
  }
}

function skipString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j;
  }
  throw new HclSyntaxError('unterminated string');
}

/** Index of the `}` closing the `{` at `open`, skipping nested braces and strings. */
function matchBrace(s: string, open: number, to: number): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    const c = s[i];
    if (c === '"') i = skipString(s, i);
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new HclSyntaxError('unterminated ${');
}

// ---------------------------------------------------------------- canonical printing

/** The canonical HCL text of an expression (what unknown values are written back as). */
export function print(n: Node): string {
  switch (n.t) {
    case 'lit': return typeof n.v === 'string' ? quote(n.v) : String(n.v);
    case 'tpl': return `"${n.parts.map(p => (p.t === 'lit' && typeof p.v === 'string' ? terraformLiteral(p.v).replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n') : p.t === 'directive' ? p.src : `\${${print(p)}}`)).join('')}"`;
    case 'var': return n.name;
    case 'attr': return `${print(n.obj)}.${n.name}`;
    case 'index': return `${print(n.obj)}[${print(n.key)}]`;
    case 'splat': return `${print(n.obj)}[*]${n.each.map(e => `.${e}`).join('')}`;
    case 'call': return `${n.name}(${n.args.map(print).join(', ')}${n.expand ? '...' : ''})`;
    case 'tuple': return `[${n.items.map(print).join(', ')}]`;
    case 'object': return `{${n.items.map(i => `${i.key.t === 'lit' && typeof i.key.v === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(i.key.v) ? i.key.v : print(i.key)} = ${print(i.value)}`).join(', ')}}`;
    case 'unary': return `${n.op}${print(n.x)}`;
    case 'binary': return `${print(n.l)} ${n.op} ${print(n.r)}`;
    case 'cond': return `${print(n.c)} ? ${print(n.a)} : ${print(n.b)}`;
    case 'for': {
      const head = `for ${n.keyVar ? `${n.keyVar}, ` : ''}${n.valVar} in ${print(n.coll)} : `;
      const tail = n.cond ? ` if ${print(n.cond)}` : '';
      return n.kind === 'tuple' ? `[${head}${print(n.value)}${tail}]` : `{${head}${print(n.key!)} => ${print(n.value)}${n.group ? '...' : ''}${tail}}`;
    }
    case 'directive': return n.src;
  }
}

function quote(s: string): string {
  return `"${terraformLiteral(s).replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** A literal string as Terraform JSON text: `${` written `$${` (what the extractors unescape). */
export function escapeInterpolation(s: string): string {
  return s.replace(/\$\{/g, () => '$${');
}

/** The references an expression reads (`var.x`, `aws_iam_role.r.arn`), outermost traversal each. */
export function references(n: Node, bound: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const walk = (x: Node, b: ReadonlySet<string>) => {
    const trav = traversal(x);
    if (trav !== undefined) {
      if (!b.has(trav.split(/[.[]/)[0])) out.push(trav);
      return;
    }
    switch (x.t) {
      case 'tpl': x.parts.forEach(p => walk(p, b)); break;
      case 'attr': walk(x.obj, b); break;
      case 'index': walk(x.obj, b); walk(x.key, b); break;
      case 'splat': walk(x.obj, b); break;
      case 'call': x.args.forEach(a => walk(a, b)); break;
      case 'tuple': x.items.forEach(a => walk(a, b)); break;
      case 'object': x.items.forEach(i => { walk(i.key, b); walk(i.value, b); }); break;
      case 'unary': walk(x.x, b); break;
      case 'binary': walk(x.l, b); walk(x.r, b); break;
      case 'cond': walk(x.c, b); walk(x.a, b); walk(x.b, b); break;
      case 'for': {
        walk(x.coll, b);
        const inner = new Set([...b, x.valVar, ...(x.keyVar ? [x.keyVar] : [])]);
        if (x.key) walk(x.key, inner);
        walk(x.value, inner);
        if (x.cond) walk(x.cond, inner);
        break;
      }
      default: break;
    }
  };
  walk(n, bound);
  return [...new Set(out)];
}

/** `a.b.c[0]` when the node is a plain traversal with literal indexes, else undefined. */
export function traversal(n: Node): string | undefined {
  if (n.t === 'var') return n.name;
  if (n.t === 'attr') {
    const o = traversal(n.obj);
    return o === undefined ? undefined : `${o}.${n.name}`;
  }
  if (n.t === 'index' && n.key.t === 'lit' && n.key.v !== null && typeof n.key.v !== 'boolean') {
    const o = traversal(n.obj);
    return o === undefined ? undefined : `${o}[${typeof n.key.v === 'string' ? JSON.stringify(n.key.v) : n.key.v}]`;
  }
  return undefined;
}
