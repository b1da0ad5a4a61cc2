/**
 * A small, strict reader for the declarative-pipeline Groovy the Jenkins snippet writes: nested
 * `name(args) { … }` blocks, command calls (`agent any`, `branch pattern: 'x', comparator: 'EQUALS'`,
 * `sh '''…'''`), `KEY = 'value'` assignments, lists, strings and `//` comments. Anything else
 * (unbalanced braces, an unterminated string, an unknown token) is an error, so a snippet that
 * would not load in Jenkins fails the matrix. Test-side code: it does not import the renderer.
 * Declarative syntax: https://www.jenkins.io/doc/book/pipeline/syntax/
 */

export type GroovyValue =
  | { readonly kind: 'string'; readonly text: string; readonly quote: '\'' | '\'\'\'' | '"' }
  | { readonly kind: 'ident'; readonly name: string }
  | { readonly kind: 'list'; readonly items: GroovyValue[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: GroovyArg[] };

export interface GroovyArg { readonly key?: string; readonly value: GroovyValue }

export interface GroovyNode {
  readonly name: string;
  readonly args: GroovyArg[];
  /** `KEY = value` (environment blocks). */
  readonly assign?: GroovyValue;
  readonly body?: GroovyNode[];
}

type Tok = { t: 'ident' | 'punct' | 'nl'; v: string } | { t: 'string'; v: string; q: '\'' | '\'\'\'' | '"' };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const unescape = (s: string, q: string) => {
    if (q === '"' && /\$/.test(s)) throw new Error(`groovy: interpolating string "${s}" (Groovy would substitute $…)`);
    return s.replace(/\\(.)/g, '$1');
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { out.push({ t: 'nl', v: '\n' }); i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (src.startsWith('//', i)) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (src.startsWith('\'\'\'', i)) {
      const end = src.indexOf('\'\'\'', i + 3);
      if (end < 0) throw new Error('groovy: unterminated \'\'\' string');
      out.push({ t: 'string', v: unescape(src.slice(i + 3, end), '\'\'\''), q: '\'\'\'' });
      i = end + 3;
      continue;
    }
    if (c === '\'' || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new Error('groovy: newline in a one-line string');
        j += src[j] === '\\' ? 2 : 1;
      }
      if (j >= src.length) throw new Error('groovy: unterminated string');
      out.push({ t: 'string', v: unescape(src.slice(i + 1, j), c), q: c as '\'' | '"' });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'ident', v: id[0] }); i += id[0].length; continue; }
    if ('{}()[],:='.includes(c)) { out.push({ t: 'punct', v: c }); i++; continue; }
    throw new Error(`groovy: unexpected ${JSON.stringify(c)} at ${i}`);
  }
  return out;
}

/** Parse a Jenkinsfile body into its statements. */
export function parseGroovy(src: string): GroovyNode[] {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isP = (v: string) => peek()?.t === 'punct' && peek().v === v;
  const eat = (v: string) => {
    if (!isP(v)) throw new Error(`groovy: expected ${v}, got ${peek() ? JSON.stringify(peek().v) : 'end'}`);
    p++;
  };
  const skipNl = () => { while (peek()?.t === 'nl') p++; };

  const value = (): GroovyValue => {
    skipNl();
    const k = peek();
    if (!k) throw new Error('groovy: value expected, got end');
    if (k.t === 'string') { p++; return { kind: 'string', text: k.v, quote: k.q }; }
    if (isP('[')) {
      p++;
      const items: GroovyValue[] = [];
      skipNl();
      while (!isP(']')) { items.push(value()); skipNl(); if (isP(',')) { p++; skipNl(); } else {break;} }
      skipNl();
      eat(']');
      return { kind: 'list', items };
    }
    if (k.t === 'ident') {
      p++;
      if (isP('(')) return { kind: 'call', name: k.v, args: parenArgs() };
      return { kind: 'ident', name: k.v };
    }
    throw new Error(`groovy: unexpected ${JSON.stringify(k.v)}`);
  };
  const arg = (): GroovyArg => {
    skipNl();
    if (peek()?.t === 'ident' && toks[p + 1]?.t === 'punct' && toks[p + 1].v === ':') {
      const key = peek().v;
      p += 2;
      return { key, value: value() };
    }
    return { value: value() };
  };
  const parenArgs = (): GroovyArg[] => {
    eat('(');
    const args: GroovyArg[] = [];
    skipNl();
    while (!isP(')')) { args.push(arg()); skipNl(); if (isP(',')) p++; else break; }
    skipNl();
    eat(')');
    return args;
  };
  const block = (top: boolean): GroovyNode[] => {
    const nodes: GroovyNode[] = [];
    for (;;) {
      skipNl();
      if (!peek()) { if (top) return nodes; throw new Error('groovy: missing }'); }
      if (isP('}')) { if (top) throw new Error('groovy: unbalanced }'); p++; return nodes; }
      const k = peek();
      if (k.t !== 'ident') throw new Error(`groovy: statement expected, got ${JSON.stringify(k.v)}`);
      p++;
      let args: GroovyArg[] = [];
      let assign: GroovyValue | undefined;
      if (isP('=')) { p++; assign = value(); } else if (isP('(')) {
        args = parenArgs();
      } else if (peek() && peek().t !== 'nl' && !isP('{') && !isP('}')) {
        // A command call: comma-separated arguments up to the end of the line.
        args.push(arg());
        while (isP(',')) { p++; args.push(arg()); }
      }
      let body: GroovyNode[] | undefined;
      if (isP('{')) { p++; body = block(false); }
      if (peek() && peek().t !== 'nl' && !isP('}')) throw new Error(`groovy: unexpected ${JSON.stringify(peek().v)} after ${k.v}`);
      nodes.push({ name: k.v, args, ...(assign ? { assign } : {}), ...(body ? { body } : {}) });
    }
  };
  return block(true);
}

/** The child statements called `name`. */
export function children(node: { body?: GroovyNode[] } | GroovyNode[], name: string): GroovyNode[] {
  const body = Array.isArray(node) ? node : node.body ?? [];
  return body.filter((n) => n.name === name);
}

/** The one child called `name`, or an error naming the parent. */
export function child(node: GroovyNode, name: string): GroovyNode {
  const found = children(node, name);
  if (found.length !== 1) throw new Error(`Jenkinsfile: ${node.name} must have one ${name} block, has ${found.length}`);
  return found[0];
}

/** A string value, or an error. */
export function str(v: GroovyValue | undefined, where: string): string {
  if (v?.kind !== 'string') throw new Error(`Jenkinsfile: ${where} must be a string`);
  return v.text;
}

/** A named argument of a call or command. */
export function named(args: GroovyArg[], key: string): GroovyValue | undefined {
  return args.find((a) => a.key === key)?.value;
}
