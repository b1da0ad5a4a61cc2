/**
 * GCP workload identity federation CEL as alternatives over the token (constraints.ts): a
 * provider's `attribute_condition` in disjunctive normal form, and what an IAM member selects
 * (`attribute.K/V` is "the mapping of K yields V"), so that a grant can be attributed by its member.
 * The CEL comes from the scanner's parser (scan/cel.ts); the reading is this file's own.
 */
import { ANY, ClaimTest, Conj, conjoin, GlobToken, re2Glob } from './constraints';
import { CelNode, parseCel } from '../scan/scanner';

const LIMIT = 256;

export class CelTooComplex extends Error {}

/** Parsed `attribute_mapping` (keys `google.subject`, `attribute.x`); unparsable values are absent. */
export type Mapping = ReadonlyMap<string, CelNode>;

export function parseMappingOf(mapping: Record<string, string>): Mapping {
  const out = new Map<string, CelNode>();
  for (const k of Object.keys(mapping).sort()) {
    try {
      out.set(k, parseCel(mapping[k]));
    } catch {
      // Unparsable: a member on it reads as undecided (the scanner reports the expression).
    }
  }
  return out;
}

const TRUE: Conj[] = [{ tests: [], shown: [] }];
const FALSE: Conj[] = [];

function or(a: Conj[], b: Conj[]): Conj[] {
  const r = [...a, ...b];
  if (r.length > LIMIT) throw new CelTooComplex('more than 256 alternatives');
  return r;
}

export function and(a: Conj[], b: Conj[]): Conj[] {
  const r: Conj[] = [];
  for (const x of a) for (const y of b) r.push(conjoin(x, y));
  if (r.length > LIMIT) throw new CelTooComplex('more than 256 alternatives');
  return r;
}

function one(test: ClaimTest, shown: string): Conj[] {
  return [{ tests: [test], shown: [shown] }];
}

function opaque(shown: string): Conj[] {
  return [{ tests: [], opaque: [`\`${shown}\``], shown: [shown] }];
}

/** A condition as alternatives; an absent condition admits every token of the issuer. */
export function conditionConjs(condition: string | undefined, mapping: Mapping): Conj[] {
  if (condition === undefined || condition.trim() === '') return TRUE;
  return dnf(parseCel(condition), mapping, false);
}

/** The tokens whose mapped `key` is `value` (an IAM member `…/attribute.K/V` or `…/subject/V`). */
export function mappedValueConjs(key: string, value: string, mapping: Mapping): Conj[] {
  const expr = mapping.get(key);
  if (!expr) return key === 'google.subject' ? opaque(`google.subject == '${value}' (no mapping)`) : [{ tests: [], never: `${key} is not mapped, so no identity has it` }];
  return valueIs(expr, value, mapping, 0);
}

function valueIs(n: CelNode, value: string, mapping: Mapping, depth: number): Conj[] {
  if (n.k === 'lit') return n.v === value ? TRUE : FALSE;
  if (n.k === 'cond') {
    // A branch that cannot yield the value adds nothing (and its negated condition is not expanded).
    const branch = (c: CelNode, neg: boolean, e: CelNode) => {
      const v = valueIs(e, value, mapping, depth);
      return v.length === 0 ? FALSE : and(dnf(c, mapping, neg), v);
    };
    return or(branch(n.c, false, n.t), branch(n.c, true, n.f));
  }
  const claim = claimOf(n, mapping, depth);
  if (claim) return one({ kind: 'eq', claim: claim.name, values: [value] }, `${text(n)} == '${value}'`);
  return opaque(`${text(n)} == '${value}'`);
}

/** The claim an expression reads as is (`assertion.x`, `assertion['x']`, `string(…)`, a mapped attribute). */
function claimOf(n: CelNode, mapping: Mapping, depth = 0): { name: string; text: boolean } | undefined {
  if (depth > 8) return undefined;
  if (n.k === 'call' && !n.target && n.name === 'string' && n.args.length === 1) {
    const c = claimOf(n.args[0], mapping, depth + 1);
    return c ? { name: c.name, text: true } : undefined;
  }
  if (n.k === 'member' && n.e.k === 'ident' && n.e.name === 'assertion') return { name: n.name, text: false };
  if (n.k === 'index' && n.e.k === 'ident' && n.e.name === 'assertion' && n.i.k === 'lit' && typeof n.i.v === 'string') return { name: n.i.v, text: false };
  if (n.k === 'member' && n.e.k === 'ident' && (n.e.name === 'attribute' || n.e.name === 'google')) {
    const m = mapping.get(`${n.e.name}.${n.name}`);
    return m ? claimOf(m, mapping, depth + 1) : undefined;
  }
  return undefined;
}

function str(n: CelNode): string | undefined {
  return n.k === 'lit' && typeof n.v === 'string' ? n.v : undefined;
}

function chars(s: string): GlobToken[] {
  return Array.from(s);
}

function dnf(n: CelNode, mapping: Mapping, neg: boolean): Conj[] {
  if (n.k === 'lit' && typeof n.v === 'boolean') return n.v !== neg ? TRUE : FALSE;
  if (n.k === 'unary' && n.op === '!') return dnf(n.e, mapping, !neg);
  if (n.k === 'cond') return or(and(dnf(n.c, mapping, false), dnf(n.t, mapping, neg)), and(dnf(n.c, mapping, true), dnf(n.f, mapping, neg)));
  if (n.k === 'bin' && (n.op === '&&' || n.op === '||')) {
    const l = dnf(n.l, mapping, neg);
    const r = dnf(n.r, mapping, neg);
    return (n.op === '||') !== neg ? or(l, r) : and(l, r);
  }
  if (neg) {
    if (n.k === 'bin' && n.op === '!=') return dnf({ ...n, op: '==' }, mapping, false);
    return opaque(`!(${text(n)})`);
  }
  return atom(n, mapping);
}

const SCALAR_TYPES = new Set(['string', 'bool', 'int', 'uint', 'double']);

function atom(n: CelNode, mapping: Mapping): Conj[] {
  const shown = text(n);
  if (n.k === 'bin' && n.op === '==') {
    for (const [a, b] of [[n.l, n.r], [n.r, n.l]]) {
      const c = claimOf(a, mapping);
      const v = str(b);
      if (c && v !== undefined) return one({ kind: 'eq', claim: c.name, values: [v] }, shown);
      // `attribute.K == 'v'` on a computed attribute (ci-oidc-trust's provider condition over its
      // per-trust attributes): the tokens whose mapping of K yields v, shown as written. A mapping
      // reads only `assertion`, so it is read without the mapping (no cycle can form).
      const computed = v !== undefined && a.k === 'member' && a.e.k === 'ident' && (a.e.name === 'attribute' || a.e.name === 'google') ? mapping.get(`${a.e.name}.${a.name}`) : undefined;
      if (computed && v !== undefined && !c) return valueIs(computed, v, new Map(), 1).map(x => ({ ...x, shown: [shown] }));
      // type(x) == string / list: the guards ci-oidc-trust's mappings write.
      if (a.k === 'call' && !a.target && a.name === 'type' && a.args.length === 1 && b.k === 'ident') {
        const tc = claimOf(a.args[0], mapping);
        if (tc && (b.name === 'string' || b.name === 'list')) return one({ kind: 'type', claim: tc.name, type: b.name }, shown);
      }
    }
  }
  if (n.k === 'bin' && n.op === 'in') {
    const left = claimOf(n.l, mapping);
    if (left && n.r.k === 'list') {
      const vs = n.r.items.map(str);
      if (vs.every(v => v !== undefined)) return vs.length ? one({ kind: 'eq', claim: left.name, values: vs as string[] }, shown) : FALSE;
    }
    const v = str(n.l);
    if (v !== undefined && n.r.k === 'ident' && n.r.name === 'assertion') return one({ kind: 'type', claim: v, type: 'present' }, shown);
    const list = claimOf(n.r, mapping);
    if (v !== undefined && list && !list.text) return one({ kind: 'contains', claim: list.name, value: v }, shown);
    if (n.l.k === 'call' && !n.l.target && n.l.name === 'type' && n.l.args.length === 1 && n.r.k === 'list') {
      const tc = claimOf(n.l.args[0], mapping);
      const names = n.r.items.map(x => (x.k === 'ident' ? x.name : ''));
      if (tc && names.length && names.every(x => SCALAR_TYPES.has(x)) && names.includes('string')) return one({ kind: 'type', claim: tc.name, type: 'scalar' }, shown);
    }
  }
  if (n.k === 'call' && !n.target && n.name === 'has' && n.args.length === 1) {
    const c = claimOf(n.args[0], mapping);
    if (c) return one({ kind: 'type', claim: c.name, type: 'present' }, shown);
  }
  if (n.k === 'call' && n.target && n.args.length === 1) {
    const c = claimOf(n.target, mapping);
    const v = str(n.args[0]);
    if (c && v !== undefined) {
      if (n.name === 'startsWith') return one({ kind: 'glob', claim: c.name, globs: [[...chars(v), ANY]] }, shown);
      if (n.name === 'endsWith') return one({ kind: 'glob', claim: c.name, globs: [[ANY, ...chars(v)]] }, shown);
      if (n.name === 'matches') {
        const g = re2Glob(v);
        return one(g ? { kind: 'glob', claim: c.name, globs: [g] } : { kind: 'regex', claim: c.name, source: v }, shown);
      }
    }
  }
  return opaque(shown);
}

/** CEL text of a node (for display and for matching alternatives). */
export function text(n: CelNode): string {
  switch (n.k) {
    case 'lit': return typeof n.v === 'string' ? celQuote(n.v) : String(n.v);
    case 'ident': return n.name;
    case 'member': return `${text(n.e)}.${n.name}`;
    case 'index': return `${text(n.e)}[${text(n.i)}]`;
    case 'call': return `${n.target ? `${text(n.target)}.` : ''}${n.name}(${n.args.map(text).join(', ')})`;
    case 'list': return `[${n.items.map(text).join(', ')}]`;
    case 'map': return `{${n.entries.map(([a, b]) => `${text(a)}: ${text(b)}`).join(', ')}}`;
    case 'unary': return n.e.k === 'bin' || n.e.k === 'cond' ? `${n.op}(${text(n.e)})` : `${n.op}${text(n.e)}`;
    case 'bin': return `${paren(n.l, n.op)} ${n.op} ${paren(n.r, n.op)}`;
    case 'cond': return `${paren(n.c, '?')} ? ${paren(n.t, '?')} : ${text(n.f)}`;
  }
}

/** A CEL string literal that parses back to `v` (printable ASCII; others escaped). */
function celQuote(v: string): string {
  let out = '\'';
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '\'') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}'`;
}

/** Parentheses where the child binds looser than its parent (CEL precedence: ?: < || < && < the rest). */
function paren(n: CelNode, op: string): string {
  const rank = (o: string) => (o === '?' ? 0 : o === '||' ? 1 : o === '&&' ? 2 : 3);
  const child = n.k === 'cond' ? 0 : n.k === 'bin' ? rank(n.op) : 4;
  return child < rank(op) || (n.k === 'bin' && rank(op) === 3 && child === 3) ? `(${text(n)})` : text(n);
}

/**
 * What every token must carry for the mapping to evaluate (an error fails the exchange): the claim
 * a mapping reads as is must be present (`google.subject` a string); `size(bytes(c)) <= N ? c : …`
 * needs `c`. Other shapes are taken as total (ci-oidc-trust's guarded conditionals are); the
 * 127-byte limit on `google.subject` is not modelled.
 */
export function mappingRequirements(mapping: Mapping): ClaimTest[] {
  const out: ClaimTest[] = [];
  for (const [key, n] of mapping) {
    let ref = claimOf(n, new Map());
    if (!ref && n.k === 'cond' && n.c.k === 'bin' && n.c.op === '<=' && n.c.l.k === 'call' && n.c.l.name === 'size' && n.c.l.args[0]?.k === 'call' && n.c.l.args[0].name === 'bytes') {
      ref = claimOf(n.c.l.args[0].args[0], new Map());
    }
    if (ref) out.push({ kind: 'type', claim: ref.name, type: key === 'google.subject' || !ref.text ? 'string' : 'scalar' });
  }
  return out;
}

/** The condition of a mapping `(COND) ? 'v' : '-'` (ci-oidc-trust's per-trust attribute), else undefined. */
export function conditionalOf(expr: string): { condition: CelNode; value: string } | undefined {
  try {
    const n = parseCel(expr);
    if (n.k === 'cond' && str(n.t) !== undefined) return { condition: n.c, value: str(n.t)! };
  } catch {
    return undefined;
  }
  return undefined;
}

/** Alternatives of a parsed condition node. */
export function nodeConjs(n: CelNode, mapping: Mapping): Conj[] {
  return dnf(n, mapping, false);
}
