/**
 * One configuration in every form the review reads. From a Terraform JSON file in the shape cdktf
 * writes, this writes the same configuration as HCL (policies as `jsonencode({...})`, references
 * as bare expressions, nested blocks as blocks), as Terraform JSON in the shape other tools write
 * (block bodies as one-element arrays, `"${jsonencode({...})}"` strings, label levels as arrays), and
 * as a `terraform show -json` plan in the documented format
 * (https://developer.hashicorp.com/terraform/internals/json-format); from a CloudFormation JSON
 * template, the same template as YAML with short-form intrinsics. scripts/gen-review-forms.ts
 * writes them to test/review/fixtures/<form>/; test/review/forms.test.ts checks they are current.
 */

import { parseTemplate, references } from '../../lib/review/scan/extract/hcl-parse';

type Obj = Record<string, any>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Nested blocks (everything else that is an object is a map attribute). */
const BLOCKS = new Set(['statement', 'principals', 'not_principals', 'condition', 'oidc', 'aws', 'saml', 'x509', 'inline_policy',
  'ingress_from', 'ingress_to', 'sources', 'operations', 'method_selectors', 'egress_from', 'egress_to', 'timeouts', 'lifecycle']);
/** Attributes holding a JSON policy document. */
const POLICY_ATTRS = new Set(['assume_role_policy', 'policy']);

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const WHOLE_REF = /^\$\{([^{}"]+)\}$/;

/**
 * A Terraform JSON string (a template) as an HCL expression: a whole `${x}` is `x`; otherwise a
 * quoted template, escaping outside interpolations only (strings inside `${…}` keep plain quotes).
 */
function hclString(s: string): string {
  const whole = WHOLE_REF.exec(s);
  if (whole) return whole[1];
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '$' && s[i + 2] === '{') {
      out += '$${';
      i += 2;
    } else if (s[i] === '$' && s[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}' && --depth === 0) break;
      }
      out += s.slice(i, j + 1);
      i = j;
    } else {out += s[i] === '\\' ? '\\\\' : s[i] === '"' ? '\\"' : s[i] === '\n' ? '\\n' : s[i];}
  }
  return `"${out}"`;
}

/** A decoded policy (its strings are still Terraform templates) as an HCL expression. */
function hclLiteral(v: unknown, indent: string): string {
  if (typeof v === 'string') return hclString(v);
  if (Array.isArray(v)) return `[${v.map(x => hclLiteral(x, indent)).join(', ')}]`;
  if (isObj(v)) {
    const inner = `${indent}  `;
    const items = Object.keys(v).map(k => `${inner}${IDENT.test(k) ? k : hclString(k)} = ${hclLiteral(v[k], inner)}`);
    return items.length ? `{\n${items.join('\n')}\n${indent}}` : '{}';
  }
  return JSON.stringify(v);
}

function hclValue(v: unknown, indent: string, key?: string): string {
  if (typeof v === 'string') {
    if (key && POLICY_ATTRS.has(key) && /^\s*\{/.test(v)) return `jsonencode(${hclLiteral(JSON.parse(v), indent)})`;
    return hclString(v);
  }
  if (Array.isArray(v)) return `[${v.map(x => hclValue(x, indent)).join(', ')}]`;
  if (isObj(v)) {
    const inner = `${indent}  `;
    const items = Object.keys(v).map(k => `${inner}${JSON.stringify(k)} = ${hclValue(v[k], inner)}`);
    return items.length ? `{\n${items.join('\n')}\n${indent}}` : '{}';
  }
  return JSON.stringify(v);
}

function hclBody(body: Obj, indent: string): string[] {
  const lines: string[] = [];
  for (const k of Object.keys(body)) {
    if (k === '//') continue; // comments have no HCL form
    const v = body[k];
    const blocks = BLOCKS.has(k) ? (Array.isArray(v) ? v : [v]).filter(isObj) : [];
    if (blocks.length) {
      for (const b of blocks) lines.push(`${indent}${k} {`, ...hclBody(b, `${indent}  `), `${indent}}`);
    } else {lines.push(`${indent}${k} = ${hclValue(v, indent, k)}`);}
  }
  return lines;
}

export function toHcl(tf: Obj): string {
  const out: string[] = [];
  for (const kind of ['resource', 'data']) {
    for (const [type, names] of Object.entries<Obj>(tf[kind] ?? {})) {
      for (const [name, body] of Object.entries<Obj>(names)) {
        out.push(`${kind} "${type}" "${name}" {`, ...hclBody(body, '  '), '}', '');
      }
    }
  }
  return out.join('\n');
}

/** Body in the array shape: nested blocks as lists, policies as `${jsonencode(...)}`. */
function arrayBody(body: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(body)) {
    if (BLOCKS.has(k)) out[k] = (Array.isArray(v) ? v : [v]).map(b => (isObj(b) ? arrayBody(b) : b));
    else if (POLICY_ATTRS.has(k) && typeof v === 'string' && /^\s*\{/.test(v)) out[k] = `\${jsonencode(${hclLiteral(JSON.parse(v), '').replace(/\n\s*/g, ' ')})}`;
    else out[k] = v;
  }
  return out;
}

/**
 * Terraform JSON as other tools write it. `variant` picks which label level is an array, so the
 * set of fixtures covers each shape the syntax allows.
 */
export function toArrayShape(tf: Obj, variant: number): Obj {
  const out: Obj = {};
  for (const kind of ['resource', 'data']) {
    if (!tf[kind]) continue;
    const types: Obj = {};
    for (const [type, names] of Object.entries<Obj>(tf[kind])) {
      const ns: Obj = {};
      for (const [name, body] of Object.entries<Obj>(names)) ns[name] = [arrayBody(body)];
      types[type] = variant % 3 === 1 ? [ns] : ns;
    }
    out[kind] = variant % 3 === 2 ? Object.entries(types).map(([t, v]) => ({ [t]: v })) : types;
  }
  return out;
}

// ---------------------------------------------------------------- plan JSON

/** What a reference is in a plan where the pool already exists (its id and name are known). */
function knownInPlan(ref: string, tf: Obj): string | undefined {
  const m = /^google_iam_workload_identity_pool\.([\w-]+)\.(name|workload_identity_pool_id)$/.exec(ref);
  const pool = m ? tf.resource?.google_iam_workload_identity_pool?.[m[1]] : undefined;
  if (!pool) return undefined;
  return m![2] === 'name' ? `projects/123456789/locations/global/workloadIdentityPools/${pool.workload_identity_pool_id}` : pool.workload_identity_pool_id;
}

/** Values, after_unknown and configuration expressions of one body. */
function planValue(v: unknown, tf: Obj): { value: unknown; unknown: unknown; expr: unknown } {
  if (typeof v === 'string') {
    if (/(^|[^$])(\$\$)*\$\{/.test(v)) {
      const refs = references(parseTemplate(v));
      const simple = [...v.matchAll(/(?:^|[^$])\$\{([^{}]+)\}/g)].map(x => x[1]);
      const known = simple.length === refs.length ? refs.map(r => knownInPlan(r, tf)) : [undefined];
      if (known.every(k => k !== undefined)) {
        let i = 0;
        return { value: v.replace(/(^|[^$])\$\{([^{}]+)\}/g, (_m, pre: string) => `${pre}${known[i++]}`).replace(/\$\$\{/g, '${'), unknown: false, expr: { references: refs } };
      }
      // Known after apply: Terraform lists the references (and their resources) it depends on.
      const withResources = refs.flatMap(r => [r, r.split('.').slice(0, r.startsWith('data.') ? 3 : 2).join('.')]);
      return { value: undefined, unknown: true, expr: { references: [...new Set(withResources)] } };
    }
    return { value: v.replace(/\$\$\{/g, '${'), unknown: false, expr: { constant_value: v.replace(/\$\$\{/g, '${') } };
  }
  if (Array.isArray(v)) {
    const items = v.map(x => planValue(x, tf));
    return { value: items.map(i => i.value), unknown: items.map(i => i.unknown), expr: items.every(i => isObj(i.expr) && 'constant_value' in i.expr) ? { constant_value: items.map(i => i.value) } : items.map(i => i.expr) };
  }
  if (isObj(v)) {
    const o: Obj = {};
    const u: Obj = {};
    const e: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '//') continue;
      const p = planValue(x, tf);
      if (p.value !== undefined) o[k] = p.value;
      if (p.unknown !== false) u[k] = p.unknown;
      e[k] = p.expr;
    }
    return { value: o, unknown: u, expr: e };
  }
  return { value: v, unknown: false, expr: { constant_value: v } };
}

/** A `terraform show -json` plan of the configuration: every resource to be created. */
export function toPlan(tf: Obj): Obj {
  const resources: Obj[] = [];
  const changes: Obj[] = [];
  const config: Obj[] = [];
  for (const kind of ['resource', 'data']) {
    for (const [type, names] of Object.entries<Obj>(tf[kind] ?? {})) {
      for (const [name, body] of Object.entries<Obj>(names)) {
        const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
        const mode = kind === 'data' ? 'data' : 'managed';
        const p = planValue(body, tf);
        const provider = `registry.terraform.io/hashicorp/${type.split('_')[0] === 'google' ? 'google' : type.split('_')[0]}`;
        resources.push({ address, mode, type, name, provider_name: provider, schema_version: 0, values: p.value, sensitive_values: {} });
        changes.push({ address, mode, type, name, provider_name: provider, change: { actions: [kind === 'data' ? 'read' : 'create'], before: null, after: p.value, after_unknown: p.unknown, before_sensitive: false, after_sensitive: {} } });
        config.push({ address, mode, type, name, provider_config_key: type.split('_')[0], expressions: p.expr, schema_version: 0 });
      }
    }
  }
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: { resources } },
    resource_changes: changes,
    configuration: { root_module: { resources: config } },
    applyable: true,
    complete: true,
    errored: false,
  };
}

// ---------------------------------------------------------------- CloudFormation YAML

const SHORT = new Set(['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'If', 'Equals', 'Not', 'And', 'Or']);

function intrinsic(v: Obj): [string, unknown] | undefined {
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  if (k === 'Ref') return ['!Ref', v[k]];
  if (k.startsWith('Fn::') && SHORT.has(k.slice(4))) return [`!${k.slice(4)}`, v[k]];
  return undefined;
}

function yamlScalar(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
}

/** Flow form of a value (inside a short-form intrinsic). */
function yamlFlow(v: unknown): string {
  if (isObj(v)) {
    const i = intrinsic(v);
    if (i) return `${i[0]} ${yamlFlow(i[1])}`;
    return `{${Object.keys(v).map(k => `${JSON.stringify(k)}: ${yamlFlow(v[k])}`).join(', ')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(yamlFlow).join(', ')}]`;
  return yamlScalar(v);
}

function yamlBlock(v: unknown, indent: string): string[] {
  if (isObj(v)) {
    const lines: string[] = [];
    for (const k of Object.keys(v)) {
      const x = v[k];
      const key = `${indent}${/^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k)}:`;
      const i = isObj(x) ? intrinsic(x) : undefined;
      if (i) {
        // `!GetAtt A.B` is the short form of ["A", "B"].
        const arg = i[0] === '!GetAtt' && Array.isArray(i[1]) && i[1].length === 2 && typeof i[1][1] === 'string' ? `${i[1][0]}.${i[1][1]}` : undefined;
        lines.push(`${key} ${i[0]} ${arg ?? yamlFlow(i[1])}`);
      } else if ((isObj(x) && Object.keys(x).length) || (Array.isArray(x) && x.length)) {lines.push(key, ...yamlBlock(x, `${indent}  `));} else {lines.push(`${key} ${yamlFlow(x)}`);}
    }
    return lines;
  }
  if (Array.isArray(v)) {
    return v.flatMap(x => {
      if ((isObj(x) && !intrinsic(x) && Object.keys(x).length) || (Array.isArray(x) && x.length)) {
        const [first, ...rest] = yamlBlock(x, `${indent}  `);
        return [`${indent}- ${first.trimStart()}`, ...rest];
      }
      return [`${indent}- ${yamlFlow(x)}`];
    });
  }
  return [`${indent}${yamlFlow(v)}`];
}

export function cfnToYaml(tpl: Obj): string {
  return `${yamlBlock(tpl, '').join('\n')}\n`;
}

/** Every generated form file (path under fixtures/ → text) of the insecure and secure fixtures. */
export function formFiles(fixtures: string): Map<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs') as typeof import('fs');
  const out = new Map<string, string>();
  let variant = 0;
  for (const kind of ['insecure', 'secure']) {
    for (const f of fs.readdirSync(`${fixtures}/${kind}`).sort()) {
      const json = JSON.parse(fs.readFileSync(`${fixtures}/${kind}/${f}`, 'utf8'));
      if (f.endsWith('.tf.json')) {
        const name = `${kind}-${f.replace(/\.tf\.json$/, '')}`;
        out.set(`hcl/${name}/main.tf`, toHcl(json));
        out.set(`tfjson-array/${name}.tf.json`, `${JSON.stringify(toArrayShape(json, variant++), null, 2)}\n`);
        out.set(`plan/${name}.plan.json`, `${JSON.stringify(toPlan(json))}\n`);
      } else if (f.endsWith('.template.json')) {
        out.set(`cloudformation-yaml/${kind}-${f.replace(/\.template\.json$/, '')}.yaml`, cfnToYaml(json));
      }
    }
  }
  return out;
}
