/**
 * AWS units and principals. A role's principal gate is its web-identity Allow statements. Its units:
 * one per declared trust, whose alternatives are the IAM Condition blocks its metadata entry
 * records (`conditions`, as compiled before statements of several trusts were merged, or
 * `statements`, the indexes of the statements whose conditions are the blocks when nothing was
 * merged), each of which must lie inside a statement of the policy; any part of a statement no
 * declared block covers is a unit of its own. Without that metadata: one unit per statement (one
 * unit for the role when it declares a single trust).
 */
import { awsRolePermissions } from './permissions';
import { awsStatementConjs } from './read-aws';
import { Principal, Unit, UnitCondition } from './types';
import { parseReviewMetadata } from '../../emit/metadata';
import { AwsCondition, LoadedFile, TrustMetadata, TrustRelationship } from '../scan/extract';
import { readMetadata } from '../scan/extract/metadata';
import { isPlanOrState, planModules } from '../scan/extract/terraform-plan';
import { asArray, isObj, Obj } from '../scan/extract/util';

const MAX_COMBINATIONS = 4096;

/** `blocks`: a trust's condition blocks; undefined for a statement index the policy does not have. */
interface Entry { readonly meta: TrustMetadata; readonly blocks?: (AwsCondition[] | undefined)[] }

/**
 * The resource body of a relationship (CloudFormation logical id, or Terraform `type.name` /
 * `data.type.name`, `module.m.type.name` in a plan): as written, or, for a plan, as the extractors
 * read its values. In HCL (hcl2json's shape) a block is a list of one body.
 */
export function rawResource(file: LoadedFile | undefined, resource: string): Obj | undefined {
  const json = file?.json;
  if (!isObj(json)) return undefined;
  if (isObj(json.Resources)) return isObj(json.Resources[resource]) ? json.Resources[resource] : undefined;
  if (isPlanOrState(json)) return planBodies(json).get(resource);
  const parts = resource.split('.');
  const [kind, type, name] = parts[0] === 'data' ? ['data', parts[1], parts.slice(2).join('.')] : ['resource', parts[0], parts.slice(1).join('.')];
  const written = json[kind]?.[type]?.[name];
  const body = Array.isArray(written) && written.length === 1 ? written[0] : written;
  return isObj(body) ? body : undefined;
}

const PLAN_BODIES = new WeakMap<Obj, Map<string, Obj>>();

/** A plan's resource bodies by full address, read once per plan (planModules is what the extractors read). */
function planBodies(json: Obj): Map<string, Obj> {
  let bodies = PLAN_BODIES.get(json);
  if (!bodies) {
    bodies = new Map();
    for (const m of planModules(json)) {
      for (const kind of ['resource', 'data']) {
        for (const [type, byName] of Object.entries(isObj(m.tf[kind]) ? m.tf[kind] : {})) {
          for (const [name, body] of Object.entries(isObj(byName) ? byName : {})) {
            if (isObj(body)) bodies.set(`${m.path ? `${m.path}.` : ''}${kind === 'data' ? 'data.' : ''}${type}.${name}`, body);
          }
        }
      }
    }
    PLAN_BODIES.set(json, bodies);
  }
  return bodies;
}

function entriesOf(body: Obj | undefined, cfn: boolean, json: unknown, statements: readonly TrustRelationship[]): Entry[] {
  if (!body) return [];
  const texts: unknown[] = cfn ? [isObj(body.Metadata) ? body.Metadata['ci-oidc-trust'] : undefined] : [isObj(body['//']) ? body['//']['ci-oidc-trust'] : undefined];
  if (!cfn) {
    // A role whose assume_role_policy is a policy document: the document may carry the entries.
    const ref = typeof body.assume_role_policy === 'string' ? /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(body.assume_role_policy) : null;
    const doc = ref && isObj(json) ? (json as Obj).data?.aws_iam_policy_document?.[ref[1]] : undefined;
    if (isObj(doc) && isObj(doc['//'])) texts.push(doc['//']['ci-oidc-trust']);
  }
  const out: Entry[] = [];
  for (const text of texts) {
    const metas = readMetadata(text, cfn && isObj(body.Properties) ? body.Properties.Description : undefined);
    const raw = parseReviewMetadata(text);
    const rawTrusts = isObj(raw) && Array.isArray(raw.trusts) ? raw.trusts.filter(isObj) : [];
    metas.forEach((meta, i) => {
      const c = rawTrusts[i]?.conditions;
      const at = rawTrusts[i]?.statements;
      if (Array.isArray(c)) out.push({ meta, blocks: c.filter(isObj).map(flattenBlock) });
      else if (Array.isArray(at)) out.push({ meta, blocks: at.map(k => statementBlock(statements, k)) });
      else out.push({ meta });
    });
  }
  return out;
}

function flattenBlock(cond: Obj): AwsCondition[] {
  const out: AwsCondition[] = [];
  for (const op of Object.keys(cond).sort()) {
    if (!isObj(cond[op])) continue;
    for (const key of Object.keys(cond[op]).sort()) out.push({ operator: op, key, values: asArray(cond[op][key]).map(String) });
  }
  return out;
}

/** The conditions of the policy's statement `index` as a block, in flattenBlock's order. */
function statementBlock(statements: readonly TrustRelationship[], index: unknown): AwsCondition[] | undefined {
  const s = statements.find(t => t.statement === index);
  if (!s) return undefined;
  const order = (c: AwsCondition) => `${c.operator}\u0000${c.key}`;
  return [...s.aws!.conditions].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)).map(c => ({ ...c, values: [...c.values] }));
}

const slot = (c: AwsCondition) => `${c.operator}\u0000${c.key.toLowerCase()}`;

/** Does the statement's condition admit everything the block admits (same tests, each with a superset of values)? */
function covers(statement: readonly AwsCondition[], block: readonly AwsCondition[]): boolean {
  if (statement.length !== block.length) return false;
  const bySlot = new Map(statement.map(c => [slot(c), c]));
  return block.every(b => {
    const s = bySlot.get(slot(b));
    return s !== undefined && b.values.every(v => s.values.includes(v));
  });
}

/** Is every value combination of the statement inside one of the blocks? undefined when too many to check. */
function fullyCovered(statement: readonly AwsCondition[], blocks: readonly AwsCondition[][]): boolean | undefined {
  let combos: string[][] = [[]];
  for (const c of statement) {
    combos = combos.flatMap(x => c.values.map(v => [...x, v]));
    if (combos.length > MAX_COMBINATIONS) return undefined;
  }
  const mine = blocks.filter(b => covers(statement, b)).map(b => new Map(b.map(c => [slot(c), c.values])));
  return combos.every(combo => mine.some(b => statement.every((c, i) => b.get(slot(c))!.includes(combo[i]))));
}

function statementConditions(t: TrustRelationship, conditions: readonly AwsCondition[], alternative?: number): UnitCondition[] {
  const alt = alternative === undefined ? {} : { alternative };
  return [
    ...t.aws!.federated.map(value => ({ kind: 'federated-principal' as const, value, ...alt })),
    ...conditions.map(c => ({ kind: 'iam' as const, operator: c.operator, key: c.key, values: [...c.values], ...alt })),
  ];
}

/** `metadata`: the entry to show; null for none (a statement no declared trust covers); default: as extracted. */
function statementUnit(t: TrustRelationship, homeKey: string, metadata?: TrustMetadata | null): Unit {
  const readable = t.statement !== undefined;
  const meta = metadata === null ? undefined : metadata ?? t.metadata;
  const { metadata: _dropped, ...bare } = t;
  const part: TrustRelationship = meta ? { ...bare, metadata: meta } : bare;
  return {
    id: t.id,
    cloud: 'aws',
    file: t.file,
    resource: t.resource,
    resourceType: t.resourceType,
    kind: 'statement',
    ...(readable ? { statement: t.statement } : {}),
    home: t.principal,
    ...(t.issuer ? { issuer: t.issuer } : {}),
    ciProvider: t.ciProvider,
    audiences: [...t.audiences],
    network: [...t.network],
    ...(meta ? { metadata: meta } : {}),
    parts: [part],
    conjs: readable ? awsStatementConjs(t) : [{ tests: [], opaque: t.unresolved.length ? t.unresolved : ['the trust policy could not be read'] }],
    conditions: statementConditions(t, t.aws!.conditions),
    notes: [],
    homeKey,
  };
}

export function awsModel(rels: TrustRelationship[], files: Map<string, LoadedFile>): { units: Unit[]; principals: Principal[] } {
  const units: Unit[] = [];
  const principals: Principal[] = [];
  const groups = new Map<string, TrustRelationship[]>();
  for (const t of rels) groups.set(`${t.file}#${t.resource}`, [...(groups.get(`${t.file}#${t.resource}`) ?? []), t]);
  for (const [key, group] of groups) {
    const first = group[0];
    const file = files.get(first.file);
    const cfn = first.format === 'cloudformation';
    const body = rawResource(file, first.resource);
    const statements = group.filter(t => t.statement !== undefined);
    const isRole = first.resourceType === 'AWS::IAM::Role' || first.resourceType === 'aws_iam_role';
    if (isRole && statements.length) {
      principals.push({
        id: key,
        cloud: 'aws',
        file: first.file,
        resource: first.resource,
        resourceType: first.resourceType,
        label: first.principal,
        permissions: awsRolePermissions(file, first.resource),
        gates: statements.map(s => ({ via: `statement ${s.statement}`, conjs: awsStatementConjs(s) })),
        homeKey: key,
      });
    }
    const entries = entriesOf(body, cfn, file?.json, statements);
    if (statements.length && entries.length && entries.every(e => e.blocks && e.blocks.length)) {
      units.push(...declaredUnits(key, statements, entries));
    } else if (entries.length === 1) {
      units.push(wholeRoleUnit(key, group, entries[0].meta));
    } else {
      units.push(...group.map(t => statementUnit(t, key)));
    }
  }
  return { units, principals };
}

/** A role that declares one trust and records no per-trust conditions (earlier builds): one unit for all its statements. */
function wholeRoleUnit(key: string, group: TrustRelationship[], meta: TrustMetadata): Unit {
  if (group.length === 1) return statementUnit(group[0], key, meta);
  const first = group[0];
  const many = group.length > 1;
  return {
    ...statementUnit(first, key, meta),
    id: `${first.file}#${first.resource}#${meta.id}`,
    kind: 'declared',
    statement: undefined,
    parts: group.map(t => ({ ...t, metadata: meta })),
    conjs: group.flatMap(t => (t.statement === undefined ? [{ tests: [], opaque: t.unresolved }] : awsStatementConjs(t))),
    conditions: group.flatMap((t, i) => statementConditions(t, t.aws!.conditions, many ? i + 1 : undefined)),
    network: [...new Set(group.flatMap(t => t.network))],
  };
}

function declaredUnits(key: string, statements: TrustRelationship[], entries: Entry[]): Unit[] {
  const out: Unit[] = [];
  const first = statements[0];
  const allBlocks = entries.flatMap(e => e.blocks!).filter((b): b is AwsCondition[] => b !== undefined);
  for (const e of entries) {
    const id = `${first.file}#${first.resource}#${e.meta.id}`;
    const placed = e.blocks!.map(b => ({ block: b ?? [], in: b && statements.find(s => covers(s.aws!.conditions, b)) }));
    const missing = placed.filter(p => !p.in).length;
    const many = placed.length > 1;
    const parts = placed.filter(p => p.in).map((p, k) => ({ ...p.in!, id: `${id}#${k}`, aws: { ...p.in!.aws!, conditions: p.block }, metadata: e.meta }));
    out.push({
      id,
      cloud: 'aws',
      file: first.file,
      resource: first.resource,
      resourceType: first.resourceType,
      kind: 'declared',
      home: first.principal,
      ...(parts[0]?.issuer ?? first.issuer ? { issuer: parts[0]?.issuer ?? first.issuer } : {}),
      ciProvider: parts[0]?.ciProvider ?? first.ciProvider,
      audiences: [...(parts[0]?.audiences ?? first.audiences)],
      network: [...new Set(parts.flatMap(p => p.network))],
      metadata: e.meta,
      parts,
      conjs: parts.flatMap(p => awsStatementConjs(p)),
      conditions: placed.flatMap((p, k) => (p.in ? statementConditions(p.in, p.block, many ? k + 1 : undefined) : [])),
      notes: missing ? [`${missing} of the ${placed.length} condition blocks this trust declares are not in the trust policy (metadata out of date?); only the rest are shown and attributed`] : [],
      homeKey: key,
    });
  }
  // Whatever the declared blocks do not cover is reviewed as a statement of its own.
  for (const s of statements) {
    if (fullyCovered(s.aws!.conditions, allBlocks) !== true) out.push(statementUnit(s, key, null));
  }
  return out;
}
