/**
 * One Terraform module, in whatever shape it was written, as the Terraform JSON the extractors
 * read (the shape cdktf writes): `resource.TYPE.NAME = body`, nested blocks as objects or lists,
 * every string evaluated as far as literal values allow (hcl-eval.ts). It accepts every shape the
 * Terraform JSON syntax allows (https://developer.hashicorp.com/terraform/language/syntax/json):
 * label levels as objects or arrays of objects, block bodies as one-element arrays (as hcl2json and
 * other tools write them), `dynamic` blocks (expanded when `for_each` is known), `variable`
 * defaults, `.tfvars` values and `locals`. What stays unknown is written back as a `${…}`
 * interpolation the extractors report by name (explainUnknown).
 */
import { evalTerraformString, hasUnknown, toTerraformJson, Unknown, unknownRefs, Value } from './hcl-eval';
import { TrustRelationship, ValuePart } from './types';
import { isObj, Obj } from './util';

/** One file of the module: its path and its Terraform JSON (hcl2json output for `.tf`). */
export interface ModuleFile {
  readonly file: string;
  readonly json: Obj;
}

export interface NormalizedModule {
  /** Terraform JSON in the cdktf shape. */
  readonly tf: Obj;
  /** `TYPE.NAME` / `data.TYPE.NAME` → the file that declares it. */
  readonly sources: Map<string, string>;
}

const LABELLED: Record<string, number> = { resource: 2, data: 2, variable: 1, output: 1, module: 1, provider: 1 };

/** The label levels of a block kind merged into `{label: {label: body}}` (arrays of objects merged). */
function labelled(v: unknown, depth: number): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const objs = Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : [];
  for (const o of objs) {
    for (const [k, inner] of Object.entries(o)) {
      if (depth > 1) {
        const prev = (out.get(k) as Map<string, unknown> | undefined) ?? new Map<string, unknown>();
        for (const [k2, v2] of labelled(inner, depth - 1)) if (!prev.has(k2)) prev.set(k2, v2);
        out.set(k, prev);
      } else if (!out.has(k)) {out.set(k, body(inner));}
    }
  }
  return out;
}

/** A block body: an object, or (hcl2json, other tools) a one-element array of objects. */
function body(v: unknown): Obj {
  if (isObj(v)) return v;
  if (Array.isArray(v)) return Object.assign({}, ...v.filter(isObj)) as Obj;
  return {};
}

/** `variable` values: .tfvars first (later files win), then defaults. Values are literal. */
export function normalizeModule(files: ModuleFile[], tfvars: Obj[] = []): NormalizedModule {
  const variables = new Map<string, Value>();
  const locals = new Map<string, unknown>();
  const sources = new Map<string, string>();
  const resources: { kind: 'resource' | 'data'; type: string; name: string; body: Obj }[] = [];
  const passthrough: Obj = {};
  for (const { file, json } of files) {
    for (const [name, b] of labelled(json.variable, LABELLED.variable)) {
      const d = (b as Obj).default;
      if (d !== undefined && !variables.has(name)) variables.set(name, literal(d));
    }
    for (const l of Array.isArray(json.locals) ? json.locals : [json.locals]) {
      if (isObj(l)) for (const [k, v] of Object.entries(l)) if (!locals.has(k)) locals.set(k, v);
    }
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, names] of labelled(json[kind], LABELLED[kind])) {
        for (const [name, b] of names as Map<string, unknown>) {
          const key = kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          if (sources.has(key)) continue; // Terraform refuses duplicates; the first one is reviewed
          sources.set(key, file);
          resources.push({ kind, type, name, body: b as Obj });
        }
      }
    }
    for (const k of ['terraform', 'provider']) if (json[k] !== undefined && passthrough[k] === undefined) passthrough[k] = json[k];
  }
  for (const vars of tfvars) {
    for (const [k, v] of Object.entries(vars)) variables.set(k, tfvarValue(v));
  }

  const localValues = new Map<string, Value>();
  const evaluating = new Set<string>();
  const scope = {
    variable: (n: string) => variables.get(n),
    local: (n: string): Value | undefined => {
      if (localValues.has(n)) return localValues.get(n);
      if (!locals.has(n)) return undefined;
      if (evaluating.has(n)) return new Unknown(`local.${n}`, [`local.${n} (refers to itself)`]);
      evaluating.add(n);
      const v = expression(locals.get(n), scope, new Map());
      evaluating.delete(n);
      localValues.set(n, v);
      return v;
    },
  };

  const tf: Obj = { ...passthrough };
  for (const r of resources) {
    const group = (tf[r.kind] ??= {}) as Obj;
    const byType = (group[r.type] ??= {}) as Obj;
    byType[r.name] = normalizeBody(r.body, scope, new Map());
  }
  return { tf, sources };
}

type Scope = Parameters<typeof evalTerraformString>[1];

/** A JSON value of a body read as an expression: strings are templates, containers recurse. */
function expression(v: unknown, scope: Scope, bound: ReadonlyMap<string, Value>): Value {
  if (typeof v === 'string') return evalTerraformString(v, scope, bound);
  if (Array.isArray(v)) return v.map(x => expression(x, scope, bound));
  if (isObj(v)) {
    const o: { [k: string]: Value } = {};
    for (const k of Object.keys(v)) o[k] = expression(v[k], scope, bound);
    return o;
  }
  return (v ?? null) as Value;
}

function normalizeBody(b: Obj, scope: Scope, bound: ReadonlyMap<string, Value>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(b)) {
    if (k === '//') out[k] = v; // cdktf comments and our metadata: not Terraform expressions
    else if (k === 'dynamic') continue;
    else if (isObj(v)) out[k] = normalizeBody(v, scope, bound);
    else if (Array.isArray(v)) out[k] = v.map(x => (isObj(x) ? normalizeBody(x, scope, bound) : toTerraformJson(expression(x, scope, bound))));
    else out[k] = toTerraformJson(expression(v, scope, bound));
  }
  // dynamic "T" { for_each = …; iterator = …; content { … } }: one T block per element when known.
  for (const [type, defs] of labelled(b.dynamic, 1)) {
    const d = defs as Obj;
    const blocks: unknown[] = Array.isArray(out[type]) ? [...out[type]] : out[type] !== undefined ? [out[type]] : [];
    const iter = typeof d.iterator === 'string' ? d.iterator.replace(/^\$\{(.*)\}$/, '$1') : type;
    const each = expression(d.for_each, scope, bound);
    if (hasUnknown(each) || !(Array.isArray(each) || (typeof each === 'object' && each !== null))) {
      // Unknown for_each: an interpolation in place of the blocks, reported by the extractor.
      blocks.push(toTerraformJson(each instanceof Unknown ? each : new Unknown(`dynamic.${type}.for_each`, unknownRefs(each))));
    } else {
      const entries: [Value, Value][] = Array.isArray(each) ? each.map((v, i) => [i, v]) : Object.keys(each).sort().map(k => [k, (each as Obj)[k]]);
      for (const [key, value] of entries) {
        const inner = new Map(bound);
        inner.set(iter, { key, value });
        blocks.push(normalizeBody(body(d.content), scope, inner));
      }
    }
    out[type] = blocks;
  }
  return out;
}

/** A variable default as written in JSON: literal (a default cannot refer to anything). */
function literal(v: unknown): Value {
  if (Array.isArray(v)) return v.map(literal);
  if (isObj(v)) {
    const o: { [k: string]: Value } = {};
    for (const k of Object.keys(v)) o[k] = literal(v[k]);
    return o;
  }
  return (v ?? null) as Value;
}

/** A .tfvars value from hcl2json: literal strings, or `${…}` of a literal expression. */
function tfvarValue(v: unknown): Value {
  if (typeof v === 'string' && v.includes('${')) {
    const e = evalTerraformString(v);
    return e;
  }
  if (typeof v === 'string') return v.replace(/\$\$\{/g, '${');
  if (Array.isArray(v)) return v.map(tfvarValue);
  if (isObj(v)) {
    const o: { [k: string]: Value } = {};
    for (const k of Object.keys(v)) o[k] = tfvarValue(v[k]);
    return o;
  }
  return (v ?? null) as Value;
}

// ---------------------------------------------------------------- explaining unknowns

/**
 * The value of a normalized Terraform JSON string (toTerraformJson: templates evaluated, a literal
 * `${` written `$${`, an unknown as `${…}`) when it is known, else undefined.
 */
export function knownString(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith('$${', i)) {
      out += '${';
      i += 2;
    } else if (s.startsWith('${', i)) {
      return undefined;
    } else {
      out += s[i];
    }
  }
  return out;
}

/** True when the trust's part is a known value (text in which `${` is itself), not an expression. */
export function isLiteral(t: TrustRelationship, part: ValuePart): boolean {
  return !t.expressions?.includes(part);
}

/** The value of a known string; an unknown one (or another value) as its text. */
export function literalOrRaw(v: unknown): string {
  return (typeof v === 'string' ? knownString(v) : undefined) ?? String(v);
}

/** True when a Terraform JSON string still holds an interpolation (`$${` is a literal `${`). */
export function hasInterpolation(s: string): boolean {
  return knownString(s) === undefined;
}

/** Why a reference is not known when the configuration is read. */
export function referenceReason(ref: string): string {
  if (/^var\./.test(ref)) return `${ref} (a variable without a default or .tfvars value)`;
  if (/^local\./.test(ref)) return `${ref} (a local value that is not defined here)`;
  if (/^data\./.test(ref)) return `${ref} (a data source, read by Terraform at plan time)`;
  if (/^(each|count)\./.test(ref)) return `${ref} (a per-instance value of count/for_each)`;
  if (/^module\./.test(ref)) return `${ref} (a module output)`;
  if (/^(path|terraform|self)\./.test(ref)) return `${ref} (set by Terraform when it runs)`;
  if (/^[a-z][a-z0-9_]*_[a-z0-9_]+\.[\w-]+/.test(ref)) return `${ref} (a resource attribute, known after apply)`;
  return ref;
}

/** "depends on var.repo (a variable without a default …), …" for a string with interpolations. */
export function explainUnknown(v: unknown): string {
  if (typeof v !== 'string') return 'not a literal value';
  const e = evalTerraformString(v);
  const refs = unknownRefs(e);
  if (refs.length === 0) return /after_apply\(/.test(v) ? 'known only after apply' : 'not a literal value';
  return `${/after_apply\(/.test(v) ? 'known only after apply: ' : ''}depends on ${refs.map(referenceReason).join(', ')}`;
}
