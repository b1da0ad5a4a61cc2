/**
 * Evaluates HCL expressions as far as literal values allow: literals, templates, objects, tuples,
 * `for` expressions, conditionals, operators, `var.*` with defaults, `local.*`, and Terraform's
 * pure functions (jsonencode, replace, format, join, …). Whatever depends on a value Terraform
 * knows only at plan or apply time (resource attributes, data sources, variables without a
 * default, `each`/`count`) stays an `Unknown` that keeps its canonical text and the references it
 * names, so the extractors can resolve what they know (an OIDC provider's URL) and report the rest
 * as not analysable by name.
 */
import { escapeInterpolation, HclSyntaxError, Node, parseTemplate, print, references } from './hcl-parse';
import { terraformLiteral } from '../../../emit/terraform';

/** A value known only later: its canonical HCL text, the references it reads, and as a string template. */
export class Unknown {
  constructor(
    public readonly expr: string,
    public readonly refs: readonly string[],
    /** Terraform JSON string form when the value is a string with unknown parts (`repo:${var.r}`). */
    public readonly template?: string,
  ) {}
}

export type Value = null | boolean | number | string | Value[] | { [k: string]: Value } | Unknown;

export interface Scope {
  /** `var.NAME`: the value, or undefined when the variable has no usable default. */
  variable(name: string): Value | undefined;
  /** `local.NAME`, evaluated on demand. */
  local(name: string): Value | undefined;
}

const EMPTY_SCOPE: Scope = { variable: () => undefined, local: () => undefined };

const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;
const isObject = (v: Value): v is { [k: string]: Value } => typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnknown(v);

/** True when the value or any part of it is unknown. */
export function hasUnknown(v: Value): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObject(v)) return Object.values(v).some(hasUnknown);
  return false;
}

/** Every reference an unknown (part of a) value depends on. */
export function unknownRefs(v: Value): string[] {
  const out = new Set<string>();
  const walk = (x: Value) => {
    if (isUnknown(x)) x.refs.forEach(r => out.add(r));
    else if (Array.isArray(x)) x.forEach(walk);
    else if (isObject(x)) Object.values(x).forEach(walk);
  };
  walk(v);
  return [...out];
}

/** HCL text of a value (for unknown expressions built from partly known parts). */
export function toExpr(v: Value): string {
  if (isUnknown(v)) return v.expr;
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return print({ t: 'lit', v });
  if (Array.isArray(v)) return `[${v.map(toExpr).join(', ')}]`;
  return `{${Object.keys(v).map(k => `${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)} = ${toExpr(v[k])}`).join(', ')}}`;
}

/** A value as Terraform JSON: known strings with `${` escaped, unknowns as `${…}`. */
export function toTerraformJson(v: Value): unknown {
  if (isUnknown(v)) return v.template ?? `\${${v.expr}}`;
  if (typeof v === 'string') return escapeInterpolation(v);
  if (Array.isArray(v)) return v.map(toTerraformJson);
  if (isObject(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = toTerraformJson(v[k]);
    return o;
  }
  return v;
}

/** Evaluates a Terraform JSON string (a template). Strings without `${`/`%{` are returned as they are. */
export function evalTerraformString(s: string, scope: Scope = EMPTY_SCOPE, bound: ReadonlyMap<string, Value> = new Map()): Value {
  if (!s.includes('{')) return s;
  let node: Node;
  try {
    node = parseTemplate(s);
  } catch (e) {
    if (e instanceof HclSyntaxError) return new Unknown(`(${JSON.stringify(s)})`, [`unparseable expression: ${e.message}`]);
    throw e;
  }
  return evaluate(node, scope, bound);
}

export function evaluate(n: Node, scope: Scope = EMPTY_SCOPE, bound: ReadonlyMap<string, Value> = new Map()): Value {
  return new Evaluator(scope).eval(n, bound);
}

class EvalUnknown extends Error {}

class Evaluator {
  constructor(private readonly scope: Scope) {}

  private unknown(n: Node, bound: ReadonlyMap<string, Value>, parts?: Value[]): Unknown {
    const refs = references(n, new Set(bound.keys()));
    const extra = parts ? unknownRefs(parts as Value) : [];
    return new Unknown(print(n), [...new Set([...extra, ...refs])]);
  }

  public eval(n: Node, bound: ReadonlyMap<string, Value>): Value {
    switch (n.t) {
      case 'lit': return n.v;
      case 'directive': return new Unknown(n.src, [`template directive ${n.src}`]);
      case 'tpl': return this.template(n.parts, bound);
      case 'var': {
        if (bound.has(n.name)) return bound.get(n.name)!;
        return new Unknown(n.name, [n.name]);
      }
      case 'attr': {
        if (n.obj.t === 'var' && !bound.has(n.obj.name) && (n.obj.name === 'var' || n.obj.name === 'local')) {
          const v = n.obj.name === 'var' ? this.scope.variable(n.name) : this.scope.local(n.name);
          return v === undefined ? new Unknown(`${n.obj.name}.${n.name}`, [`${n.obj.name}.${n.name}`]) : v;
        }
        const o = this.eval(n.obj, bound);
        if (isUnknown(o)) return new Unknown(`${o.expr}.${n.name}`, refsOf(o, n.name));
        if (isObject(o) && n.name in o) return o[n.name];
        return this.unknown(n, bound);
      }
      case 'index': {
        const o = this.eval(n.obj, bound);
        const k = this.eval(n.key, bound);
        if (isUnknown(o) || isUnknown(k)) return new Unknown(`${toExpr(o)}[${toExpr(k)}]`, unknownRefs([o, k]).map(r => (isUnknown(o) && !isUnknown(k) ? `${r}[${toExpr(k)}]` : r)));
        if (Array.isArray(o) && typeof k === 'number' && o[k] !== undefined) return o[k];
        if (isObject(o) && (typeof k === 'string' || typeof k === 'number') && String(k) in o) return o[String(k)];
        return this.unknown(n, bound);
      }
      case 'splat': {
        const o = this.eval(n.obj, bound);
        if (!Array.isArray(o)) return this.unknown(n, bound, [o]);
        return o.map(item => n.each.reduce<Value>((acc, name) => (isObject(acc) && name in acc ? acc[name] : new Unknown(`${toExpr(acc)}.${name}`, unknownRefs(acc))), item));
      }
      case 'tuple': return n.items.map(i => this.eval(i, bound));
      case 'object': {
        const o: { [k: string]: Value } = {};
        for (const it of n.items) {
          const k = this.eval(it.key, bound);
          if (typeof k !== 'string' && typeof k !== 'number') return this.unknown(n, bound, [k]);
          o[String(k)] = this.eval(it.value, bound);
        }
        return o;
      }
      case 'unary': {
        const x = this.eval(n.x, bound);
        if (isUnknown(x)) return new Unknown(`${n.op}${x.expr}`, x.refs);
        return n.op === '!' ? !truthy(x) : -Number(x);
      }
      case 'binary': return this.binary(n.op, this.eval(n.l, bound), this.eval(n.r, bound));
      case 'cond': {
        const c = this.eval(n.c, bound);
        if (isUnknown(c)) return new Unknown(`${c.expr} ? ${toExpr(this.eval(n.a, bound))} : ${toExpr(this.eval(n.b, bound))}`, c.refs);
        return truthy(c) ? this.eval(n.a, bound) : this.eval(n.b, bound);
      }
      case 'for': return this.forExpr(n, bound);
      case 'call': {
        let args = n.args.map(a => this.eval(a, bound));
        if (n.expand) {
          const last = args[args.length - 1];
          if (!Array.isArray(last)) return new Unknown(print(n), unknownRefs(args));
          args = [...args.slice(0, -1), ...last];
        }
        return this.call(n.name, args);
      }
    }
  }

  private template(parts: Node[], bound: ReadonlyMap<string, Value>): Value {
    const vals = parts.map(p => this.eval(p, bound));
    if (vals.length === 1 && parts[0].t !== 'lit') return vals[0]; // "${x}" is x itself, of any type
    if (!vals.some(hasUnknown)) {
      return vals.map(v => {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
        if (v === null) return '';
        throw new EvalUnknown('non-string in template');
      }).join('');
    }
    let template = '';
    let expr = '';
    for (const v of vals) {
      if (isUnknown(v)) {
        template += v.template ?? `\${${v.expr}}`;
        expr += `\${${v.expr}}`;
      } else {
        const s = typeof v === 'string' ? v : v === null ? '' : typeof v === 'object' ? toExpr(v) : String(v);
        template += escapeInterpolation(s);
        expr += terraformLiteral(s).replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n');
      }
    }
    return new Unknown(`"${expr}"`, unknownRefs(vals), template);
  }

  private forExpr(n: Extract<Node, { t: 'for' }>, bound: ReadonlyMap<string, Value>): Value {
    const coll = this.eval(n.coll, bound);
    if (isUnknown(coll) || !(Array.isArray(coll) || isObject(coll))) return this.unknown(n, bound, [coll]);
    const entries: [Value, Value][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : Object.keys(coll).sort().map(k => [k, coll[k]]);
    const list: Value[] = [];
    const obj: { [k: string]: Value } = {};
    for (const [k, v] of entries) {
      const b = new Map(bound);
      b.set(n.valVar, v);
      if (n.keyVar) b.set(n.keyVar, k);
      if (n.cond) {
        const c = this.eval(n.cond, b);
        if (isUnknown(c)) return this.unknown(n, bound, [c]);
        if (!truthy(c)) continue;
      }
      if (n.kind === 'tuple') {list.push(this.eval(n.value, b));} else {
        const key = this.eval(n.key!, b);
        if (typeof key !== 'string' && typeof key !== 'number') return this.unknown(n, bound, [key]);
        const val = this.eval(n.value, b);
        if (n.group) obj[String(key)] = [...((obj[String(key)] as Value[]) ?? []), val];
        else obj[String(key)] = val;
      }
    }
    return n.kind === 'tuple' ? list : obj;
  }

  private binary(op: string, l: Value, r: Value): Value {
    if (isUnknown(l) || isUnknown(r)) return new Unknown(`${toExpr(l)} ${op} ${toExpr(r)}`, unknownRefs([l, r]));
    switch (op) {
      case '==': return JSON.stringify(l) === JSON.stringify(r);
      case '!=': return JSON.stringify(l) !== JSON.stringify(r);
      case '&&': return truthy(l) && truthy(r);
      case '||': return truthy(l) || truthy(r);
      case '<': return Number(l) < Number(r);
      case '>': return Number(l) > Number(r);
      case '<=': return Number(l) <= Number(r);
      case '>=': return Number(l) >= Number(r);
      case '+': return Number(l) + Number(r);
      case '-': return Number(l) - Number(r);
      case '*': return Number(l) * Number(r);
      case '/': return Number(l) / Number(r);
      case '%': return Number(l) % Number(r);
      default: throw new EvalUnknown(op);
    }
  }

  private call(name: string, args: Value[]): Value {
    const fn = FUNCTIONS[name];
    const unknownCall = () => new Unknown(`${name}(${args.map(toExpr).join(', ')})`, unknownRefs(args));
    if (name === 'jsonencode' && args.length === 1) return jsonencode(args[0], unknownCall);
    if (!fn || args.some(hasUnknown)) return unknownCall();
    try {
      return fn(...args);
    } catch {
      return new Unknown(`${name}(${args.map(toExpr).join(', ')})`, [`${name}() failed on these arguments`]);
    }
  }
}

function refsOf(o: Unknown, attr: string): string[] {
  // `aws_iam_role.r` + `.arn` names `aws_iam_role.r.arn`.
  return o.refs.map(r => (r === o.expr ? `${r}.${attr}` : r));
}

function truthy(v: Value): boolean {
  if (typeof v === 'string') return v === 'true';
  return Boolean(v);
}

/** jsonencode of a partly known value: a string template whose unknown leaves are `${…}`. */
function jsonencode(v: Value, unknownCall: () => Unknown): Value {
  if (!hasUnknown(v)) return JSON.stringify(sortKeys(v));
  const holes: Unknown[] = [];
  const mark = (x: Value): unknown => {
    if (isUnknown(x)) {
      holes.push(x);
      return `\u0000${holes.length - 1}\u0000`;
    }
    if (Array.isArray(x)) return x.map(mark);
    if (isObject(x)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = mark(x[k]);
      return o;
    }
    return x;
  };
  const text = escapeInterpolation(JSON.stringify(mark(v)));
  const template = text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => {
    const h = holes[Number(i)];
    // A whole unknown leaf: a JSON string holding the Terraform interpolation.
    return JSON.stringify(h.template ?? `\${${h.expr}}`);
  });
  const call = unknownCall();
  return new Unknown(call.expr, call.refs, template);
}

function sortKeys(v: Value): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}

const str = (v: Value): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new EvalUnknown('not a string');
};
const list = (v: Value): Value[] => {
  if (Array.isArray(v)) return v;
  throw new EvalUnknown('not a list');
};
const obj = (v: Value): { [k: string]: Value } => {
  if (isObject(v)) return v;
  throw new EvalUnknown('not an object');
};

/** Terraform's replace(): a substring, or a regular expression written `/re/`. */
function replace(s: Value, sub: Value, rep: Value): Value {
  const a = str(s);
  const b = str(sub);
  const c = str(rep);
  if (b.length > 1 && b.startsWith('/') && b.endsWith('/')) return a.replace(new RegExp(b.slice(1, -1), 'g'), c.replace(/\$\{(\w+)\}/g, '$<$1>'));
  return a.split(b).join(c);
}

function format(f: Value, ...args: Value[]): Value {
  let i = 0;
  return str(f).replace(/%(%|[-+ #0-9.]*[sdvqtfbxXeEgG])/g, (m, spec: string) => {
    if (spec === '%') return '%';
    const a = args[i++];
    const verb = spec[spec.length - 1];
    if (verb === 'q') return JSON.stringify(str(a));
    if (verb === 'd') return String(Math.trunc(Number(a)));
    if (verb === 'v' && typeof a === 'object') return JSON.stringify(a);
    if (verb === 's' || verb === 'v' || verb === 't') return str(a);
    throw new EvalUnknown(m);
  });
}

const FUNCTIONS: Record<string, (...a: Value[]) => Value> = {
  jsondecode: s => JSON.parse(str(s)) as Value,
  replace,
  format,
  formatlist: (f, ...a) => {
    const lists = a.filter(Array.isArray) as Value[][];
    const n = lists.length ? lists[0].length : 1;
    return Array.from({ length: n }, (_x, i) => format(f, ...a.map(x => (Array.isArray(x) ? x[i] : x))));
  },
  join: (sep, ...ls) => ls.flatMap(list).map(str).join(str(sep)),
  split: (sep, s) => str(s).split(str(sep)),
  concat: (...ls) => ls.flatMap(list),
  flatten: l => flatDeep(list(l)),
  distinct: l => list(l).filter((x, i, a) => a.findIndex(y => JSON.stringify(y) === JSON.stringify(x)) === i),
  compact: l => list(l).filter(x => x !== null && x !== ''),
  lower: s => str(s).toLowerCase(),
  upper: s => str(s).toUpperCase(),
  title: s => str(s).replace(/\b\w/g, c => c.toUpperCase()),
  trimspace: s => str(s).trim(),
  trimprefix: (s, p) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimsuffix: (s, p) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  trim: (s, cs) => {
    const set = new Set([...str(cs)]);
    const a = [...str(s)];
    while (a.length && set.has(a[0])) a.shift();
    while (a.length && set.has(a[a.length - 1])) a.pop();
    return a.join('');
  },
  substr: (s, o, l) => [...str(s)].slice(Number(o), Number(l) < 0 ? undefined : Number(o) + Number(l)).join(''),
  tostring: s => (s === null ? null : str(s)),
  tonumber: s => (s === null ? null : Number(str(s))),
  tobool: s => (s === null ? null : str(s) === 'true'),
  tolist: l => [...list(l)],
  toset: l => [...new Set(list(l).map(x => JSON.stringify(x)))].sort().map(x => JSON.parse(x) as Value),
  tomap: o => ({ ...obj(o) }),
  sort: l => list(l).map(str).sort(),
  reverse: l => [...list(l)].reverse(),
  length: v => (typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : Object.keys(obj(v)).length),
  keys: o => Object.keys(obj(o)).sort(),
  values: o => Object.keys(obj(o)).sort().map(k => obj(o)[k]),
  merge: (...os) => Object.assign({}, ...os.filter(o => o !== null).map(obj)),
  lookup: (o, k, d) => (str(k) in obj(o) ? obj(o)[str(k)] : d === undefined ? (() => { throw new EvalUnknown('lookup'); })() : d),
  element: (l, i) => list(l)[Number(i) % list(l).length],
  slice: (l, a, b) => list(l).slice(Number(a), Number(b)),
  contains: (l, v) => list(l).some(x => JSON.stringify(x) === JSON.stringify(v)),
  coalesce: (...a) => a.find(x => x !== null && x !== '') ?? null,
  coalescelist: (...a) => a.find(x => Array.isArray(x) && x.length > 0) ?? [],
  zipmap: (k, v) => Object.fromEntries(list(k).map((x, i) => [str(x), list(v)[i]])),
  startswith: (s, p) => str(s).startsWith(str(p)),
  endswith: (s, p) => str(s).endsWith(str(p)),
  strcontains: (s, p) => str(s).includes(str(p)),
  regexall: (re, s) => [...str(s).matchAll(new RegExp(str(re), 'g'))].map(m => m[0]),
  one: l => (list(l).length === 0 ? null : list(l).length === 1 ? list(l)[0] : (() => { throw new EvalUnknown('one'); })()),
};

function flatDeep(l: Value[]): Value[] {
  return l.flatMap(x => (Array.isArray(x) ? flatDeep(x) : [x]));
}
