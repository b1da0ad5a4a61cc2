/**
 * `terraform show -json` output of a plan or a state (and raw `.tfstate` files), as Terraform JSON
 * per module instance, so the same extractors read it. Values are the planned values
 * (https://developer.hashicorp.com/terraform/internals/json-format); a value Terraform knows only
 * after apply (`after_unknown`) is taken from the configuration when it is a single reference the
 * extractors can resolve (an OIDC provider's ARN), else written as `${after_apply(refs…)}` and so
 * reported as not analysable, naming what it depends on.
 */
import { escapeInterpolation } from './hcl-parse';
import { isObj, Obj } from './util';

export interface PlanModule {
  /** `''` for the root module, else `module.a` / `module.a["k"].module.b`. */
  readonly path: string;
  /** Terraform JSON of the module instance (cdktf shape); names carry instance keys (`r[0]`). */
  readonly tf: Obj;
}

/** True for `terraform show -json` plan/state output and raw state files. */
export function isPlanOrState(json: unknown): boolean {
  if (!isObj(json)) return false;
  if (typeof json.format_version === 'string' && ('planned_values' in json || 'values' in json || 'resource_changes' in json || 'prior_state' in json)) return true;
  return typeof json.version === 'number' && typeof json.terraform_version === 'string' && Array.isArray(json.resources);
}

interface Res { module: string; mode: string; type: string; name: string; index?: unknown; values: unknown }

export function planModules(json: Obj): PlanModule[] {
  const found: Res[] = [];
  if (Array.isArray(json.resources)) {
    // Raw state (version 4): resources[].instances[].attributes.
    for (const r of json.resources.filter(isObj)) {
      for (const inst of (Array.isArray(r.instances) ? r.instances : []).filter(isObj)) {
        found.push({ module: typeof r.module === 'string' ? r.module : '', mode: String(r.mode), type: String(r.type), name: String(r.name), index: inst.index_key, values: inst.attributes });
      }
    }
  } else {
    // Data sources read during the plan are in prior_state; planned values win.
    const prior = isObj(json.prior_state) && isObj(json.prior_state.values) ? json.prior_state.values.root_module : undefined;
    const planned = isObj(json.planned_values) ? json.planned_values.root_module : isObj(json.values) ? json.values.root_module : undefined;
    const seen = new Set<string>();
    const planResources: Res[] = [];
    walk(planned, r => {
      seen.add(r.address);
      planResources.push(r);
    });
    walk(prior, r => {
      if (r.mode === 'data' && !seen.has(r.address)) planResources.push(r);
    });
    const changes = new Map<string, Obj>();
    for (const c of (Array.isArray(json.resource_changes) ? json.resource_changes : []).filter(isObj)) {
      if (typeof c.address === 'string' && isObj(c.change)) changes.set(c.address, c.change);
    }
    for (const r of planResources) {
      const change = changes.get((r as Res & { address: string }).address);
      const exprs = configExpressions(json.configuration, r);
      const values = change && change.after_unknown !== undefined ? fill(r.values, change.after_unknown, exprs) : r.values;
      found.push({ ...r, values });
    }
  }
  const modules = new Map<string, Obj>();
  const referenced = referencedDocuments(json.configuration, found);
  for (const r of found) {
    // A policy document a resource's known value already holds is not also an unattached one.
    if (r.mode === 'data' && referenced.has(`${r.module}|data.${r.type}.${r.name}`)) continue;
    const tf = modules.get(r.module) ?? {};
    modules.set(r.module, tf);
    const kind = r.mode === 'data' ? 'data' : 'resource';
    const group = (tf[kind] ??= {}) as Obj;
    const byType = (group[r.type] ??= {}) as Obj;
    const key = r.index === undefined || r.index === null ? r.name : `${r.name}[${typeof r.index === 'string' ? JSON.stringify(r.index) : r.index}]`;
    byType[key] = literal(r.values);
  }
  return [...modules.keys()].sort().map(path => ({ path, tf: modules.get(path)! }));
}

/**
 * `module|data.aws_iam_policy_document.N` for the documents that a managed resource's configuration
 * refers to, unless its planned value still points at the document (then the extractor follows it).
 */
function referencedDocuments(config: unknown, found: Res[]): Set<string> {
  const out = new Set<string>();
  const pointing = new Set<string>();
  for (const r of found) {
    if (r.mode === 'data') continue;
    for (const m of JSON.stringify(r.values ?? null, (_k, x) => (isObj(x) && UNKNOWN in x ? (x as Marker)[UNKNOWN] : x)).matchAll(/\$\{(data\.aws_iam_policy_document\.[\w-]+)\.json\}/g)) pointing.add(`${r.module}|${m[1]}`);
    const refs = JSON.stringify(configExpressions(config, r) ?? null).matchAll(/"(data\.aws_iam_policy_document\.[\w-]+)(\.json)?"/g);
    for (const m of refs) out.add(`${r.module}|${m[1]}`);
  }
  for (const p of pointing) out.delete(p);
  return out;
}

function walk(mod: unknown, visit: (r: Res & { address: string }) => void, module = '') {
  if (!isObj(mod)) return;
  for (const r of (Array.isArray(mod.resources) ? mod.resources : []).filter(isObj)) {
    visit({
      module, address: String(r.address), mode: String(r.mode), type: String(r.type), name: String(r.name), index: r.index, values: r.values ?? {},
    });
  }
  for (const c of (Array.isArray(mod.child_modules) ? mod.child_modules : []).filter(isObj)) walk(c, visit, String(c.address ?? ''));
}

/** The configuration's `expressions` of a resource (module calls followed, instance keys dropped). */
function configExpressions(config: unknown, r: Res): unknown {
  if (!isObj(config)) return undefined;
  let mod: unknown = config.root_module;
  for (const call of r.module.match(/module\.[\w-]+/g) ?? []) {
    const name = call.slice('module.'.length);
    mod = isObj(mod) && isObj(mod.module_calls) && isObj(mod.module_calls[name]) ? mod.module_calls[name].module : undefined;
  }
  if (!isObj(mod)) return undefined;
  const prefix = r.mode === 'data' ? 'data.' : '';
  const res = (Array.isArray(mod.resources) ? mod.resources : []).filter(isObj).find(c => c.address === `${prefix}${r.type}.${r.name}`);
  return res?.expressions;
}

/** Fills `after_unknown` positions from configuration expressions (see the file comment). */
function fill(v: unknown, unknown: unknown, expr: unknown, key?: string): unknown {
  if (unknown === true) return marker(expr, key);
  if (Array.isArray(unknown)) {
    const arr = Array.isArray(v) ? [...v] : [];
    unknown.forEach((u, i) => {
      if (u !== false) arr[i] = fill(arr[i], u, Array.isArray(expr) ? expr[i] : expr);
    });
    return arr;
  }
  if (isObj(unknown)) {
    const o: Obj = isObj(v) ? { ...v } : {};
    for (const k of Object.keys(unknown)) {
      if (unknown[k] === false) continue;
      const e = Array.isArray(expr) ? expr[0] : expr;
      o[k] = fill(o[k], unknown[k], isObj(e) && !('references' in e) && !('constant_value' in e) ? e[k] : e, k);
    }
    return o;
  }
  return v;
}

const UNKNOWN = Symbol('unknown');
type Marker = { [UNKNOWN]: string };

/** Attributes that hold a policy document: the bare value of a reference only when it is a document's `.json`. */
const DOCUMENTS = new Set(['assume_role_policy', 'policy']);

function marker(expr: unknown, key?: string): Marker {
  const refs = isObj(expr) && Array.isArray(expr.references) ? expr.references.map(String) : [];
  // Drop `aws_x.y` when `aws_x.y.arn` is listed too, and variables (known in a plan).
  const useful = refs.filter((r: string) => !/^(var|local)\./.test(r) && !refs.some((o: string) => o !== r && o.startsWith(`${r}.`)));
  if (useful.length === 1 && !(key && DOCUMENTS.has(key) && !/^data\.[\w-]+\.[\w-]+\.json$/.test(useful[0]))) return { [UNKNOWN]: `\${${useful[0]}}` };
  return { [UNKNOWN]: `\${after_apply(${useful.join(', ')})}` };
}

/** Planned values are literal: strings get `${` escaped, markers become interpolations. */
function literal(v: unknown): unknown {
  if (isObj(v) && UNKNOWN in v) return (v as Marker)[UNKNOWN];
  if (typeof v === 'string') return escapeInterpolation(v);
  if (Array.isArray(v)) return v.map(literal);
  if (isObj(v)) {
    const o: Obj = {};
    for (const k of Object.keys(v)) o[k] = literal(v[k]);
    return o;
  }
  return v;
}
