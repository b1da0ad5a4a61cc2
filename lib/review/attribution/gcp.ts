/**
 * GCP units and principals. A principal is an IAM grant whose member is a principal (set) of a
 * pool; its gate, per provider of the pool: the provider's issuer, audiences and condition, and what
 * the member selects through that provider's mapping (`attribute.K/V`: the mapping of K yields V).
 * So a grant is attributed by its member, never by the pool. A provider's units: one per declared
 * trust (its `attribute.trust_<id>` mapping says which of the condition's alternatives are the
 * trust's), and one per alternative no declared trust covers; without metadata one per alternative.
 */
import { rawResource } from './aws';
import { Conj, conjoin, solve } from './constraints';
import { and, CelTooComplex, conditionalOf, conditionConjs, Mapping, mappedValueConjs, mappingRequirements, nodeConjs, parseMappingOf } from './read-cel';
import { Principal, Unit, UnitCondition } from './types';
import { GcpGrant, LoadedFile, TrustRelationship } from '../scan/extract';
import { tfMetadata } from '../scan/extract/terraform';
import { asArray, isObj, Obj } from '../scan/extract/util';

const FACTS_KEY = 'ci-oidc-trust-gcp';
const TARGETS = ['service_account_id', 'bucket', 'secret_id', 'project', 'dataset_id', 'repository', 'topic', 'subscription', 'name', 'crypto_key_id', 'service', 'instance_name', 'folder', 'org_id'];

interface Provider {
  readonly rel: TrustRelationship;
  readonly body: Obj;
  readonly providerId: string;
  readonly mapping: Mapping;
  /** Issuer, audiences, enabled: what every token through this provider has. */
  readonly base: Conj;
  /** The condition's alternatives (each with `base`), or an undecided one when it cannot be read. */
  readonly alternatives: Conj[];
  readonly error?: string;
}

/** A pool within its file: Terraform references resolve only there. */
function localScope(file: string, pool: string): string {
  return `${file}|${pool}`;
}

const LITERAL_MEMBER = /^principal(?:Set)?:\/\/iam\.googleapis\.com\/projects\/([0-9]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\//;

function describe(v: unknown): string {
  const ref = typeof v === 'string' ? /^\$\{([\w-]+)\.([\w-]+)\.[\w.[\]-]+\}$/.exec(v) : null;
  return ref ? `${ref[1]}.${ref[2]}` : typeof v === 'string' ? v : '?';
}

/** Guards ci-oidc-trust's mappings add so they never error (presence, type): not alternatives of their own. */
const GUARD = /^(has\(|type\(|'[^']*' in assertion$)/;
function altKey(c: Conj): string {
  return (c.shown ?? []).filter(s => !GUARD.test(s)).sort().join('\u0000');
}

function altText(cs: Conj[]): string | undefined {
  const texts = cs.map(c => (c.shown ?? []).join(' && ') || 'true');
  if (texts.length === 0) return undefined;
  return texts.length === 1 ? texts[0] : texts.map(t => (t.includes(' && ') ? `(${t})` : t)).join(' || ');
}

/** Project numbers by file and pool id: from ci-oidc-trust's facts on a provider, or a literal member in the file. */
function projectNumbers(rels: TrustRelationship[], files: Map<string, LoadedFile>): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of rels) {
    for (const g of t.gcp?.grants ?? []) {
      const m = LITERAL_MEMBER.exec(g.member);
      if (m) out.set(localScope(t.file, m[2]), m[1]);
    }
  }
  for (const t of rels) {
    if (t.resourceType !== 'google_iam_workload_identity_pool_provider') continue;
    const facts = rawResource(files.get(t.file), t.resource)?.['//']?.[FACTS_KEY];
    if (isObj(facts) && typeof facts.projectNumber === 'string') out.set(localScope(t.file, String(facts.poolId ?? t.gcp!.pool)), facts.projectNumber);
  }
  return out;
}

function readProvider(t: TrustRelationship, files: Map<string, LoadedFile>, numbers: Map<string, string>): Provider {
  const body = rawResource(files.get(t.file), t.resource) ?? {};
  const providerId = t.gcp!.providerId ?? t.resource;
  const mapping = parseMappingOf(t.gcp!.attributeMapping);
  // Every mapping must evaluate, or the exchange fails.
  const tests: Conj['tests'][number][] = mappingRequirements(mapping);
  const opaque: string[] = [];
  // The values the extractor read (a Terraform `$${` is a literal `${`), whatever the input's form.
  const uri = t.gcp!.issuerUri;
  if (uri !== undefined) {
    // GCP accepts the token's iss with or without the trailing slash the URI may have.
    tests.push({ kind: 'eq', claim: 'iss', values: uri.endsWith('/') ? [uri.replace(/\/+$/, ''), uri] : [uri] });
  } else {
    opaque.push('issuer_uri is not a literal');
  }
  const allowed = t.audiences;
  const number = numbers.get(localScope(t.file, t.gcp!.pool));
  if (allowed.length) {
    tests.push({ kind: 'eq', claim: 'aud', values: allowed });
  } else {
    // GCP's default: the provider's full name. Unknown parts stay placeholders: the value is still
    // this provider's own, which is all attribution needs (no other gate names it).
    const def = `//iam.googleapis.com/projects/${number ?? '<project number>'}/locations/global/workloadIdentityPools/${t.gcp!.pool.replace(/^ref:/, '<pool ')}${t.gcp!.pool.startsWith('ref:') ? '>' : ''}/providers/${providerId}`;
    tests.push({ kind: 'eq', claim: 'aud', values: [def, `https:${def}`] });
  }
  const base: Conj = { tests, opaque, ...(t.gcp!.disabled ? { never: `the ${t.gcp!.disabled} is disabled` } : {}) };
  try {
    return { rel: t, body, providerId, mapping, base, alternatives: conditionConjs(t.gcp!.attributeCondition, mapping) };
  } catch (e) {
    const why = e instanceof CelTooComplex ? 'the condition has too many alternatives' : `the condition could not be read (${(e as Error).message})`;
    return { rel: t, body, providerId, mapping, base, alternatives: [{ tests: [], opaque: [why] }], error: why };
  }
}

export interface GcpModel {
  readonly units: Unit[];
  readonly principals: Principal[];
  /** The grants behind each principal (for the scanner's view of a unit). */
  readonly grants: Map<string, GcpGrant[]>;
}

export function gcpModel(rels: TrustRelationship[], files: Map<string, LoadedFile>): GcpModel {
  const numbers = projectNumbers(rels, files);
  const providers = rels.filter(t => t.resourceType === 'google_iam_workload_identity_pool_provider').map(t => readProvider(t, files, numbers));
  // Providers by pool: within their file, and by project number and pool id for literal members
  // of other files (pool ids are unique per project only).
  const byKey = new Map<string, Provider[]>();
  const add = (k: string, p: Provider) => byKey.set(k, [...(byKey.get(k) ?? []), p]);
  for (const p of providers) {
    const pool = p.rel.gcp!.pool;
    add(localScope(p.rel.file, pool), p);
    const number = numbers.get(localScope(p.rel.file, pool));
    if (number && !pool.startsWith('ref:')) add(`${number}|${pool}`, p);
  }
  const providersFor = (file: string, pool: string, member: string): Provider[] => {
    const m = LITERAL_MEMBER.exec(member);
    return [...new Set([...(byKey.get(localScope(file, pool)) ?? []), ...(m ? byKey.get(`${m[1]}|${m[2]}`) ?? [] : [])])];
  };

  // Principals: every grant once, with a gate per provider of its pool and member.
  const principals: Principal[] = [];
  const grants = new Map<string, GcpGrant[]>();
  const orphans: TrustRelationship[] = [];
  const seen = new Set<string>();
  for (const t of rels) {
    const scope = localScope(t.file, t.gcp!.pool);
    const isProvider = t.resourceType === 'google_iam_workload_identity_pool_provider';
    if (!isProvider && t.gcp!.grants.every(g => providersFor(t.file, t.gcp!.pool, g.member).length === 0)) orphans.push(t);
    for (const g of t.gcp!.grants) {
      const id = `${t.file}#${g.resource}`;
      grants.set(id, [...(grants.get(id) ?? []).filter(x => x.member !== g.member), g]);
      if (seen.has(`${id}\u0000${g.member}`)) continue;
      seen.add(`${id}\u0000${g.member}`);
      let p = principals.find(x => x.id === id);
      if (!p) {
        const body = rawResource(files.get(t.file), g.resource) ?? {};
        const type = g.resource.split('.')[0];
        const target = TARGETS.map(k => body[k]).find(v => v !== undefined);
        const label = /^google_service_account_iam_(member|binding)$/.test(type)
          ? `service account ${describe(body.service_account_id)}`
          : `${type.replace(/^google_/, '').replace(/_iam_(member|binding)$/, '')} ${describe(target)}`;
        const email = /^google_service_account_iam_(member|binding)$/.test(type) ? /([^/]+@[^/]+)$/.exec(describe(body.service_account_id))?.[1] : undefined;
        const asAccount = email ? serviceAccountRoles(files, email) : [];
        p = { id, cloud: 'gcp', file: t.file, resource: g.resource, resourceType: type, label, permissions: [g.role, ...asAccount], gates: [], homeKey: scope };
        principals.push(p);
      }
      (p.gates as Principal['gates'][number][]).push(...gatesFor(g, providersFor(t.file, t.gcp!.pool, g.member)));
    }
  }

  const units: Unit[] = [];
  for (const p of providers) units.push(...providerUnits(p, localScope(p.rel.file, p.rel.gcp!.pool)));
  for (const t of orphans) {
    if (units.some(u => u.id === t.id)) continue;
    units.push({
      id: t.id,
      cloud: 'gcp',
      file: t.file,
      resource: t.resource,
      resourceType: t.resourceType,
      kind: 'grant',
      home: t.principal,
      ciProvider: t.ciProvider,
      audiences: [],
      network: [...t.network],
      parts: [t],
      conjs: [{ tests: [], opaque: [`the provider of pool ${t.gcp!.pool} is not in this review`] }],
      conditions: [],
      notes: [],
      homeKey: localScope(t.file, t.gcp!.pool),
    });
  }
  return { units, principals, grants };
}

/** What a service account may do, from the grants of this review naming it (`serviceAccount:EMAIL`). */
function serviceAccountRoles(files: Map<string, LoadedFile>, email: string): string[] {
  const out: string[] = [];
  const member = `serviceaccount:${email.toLowerCase()}`;
  for (const f of [...files.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const resources = isObj(f.json) && isObj((f.json as Obj).resource) ? (f.json as Obj).resource : {};
    for (const type of Object.keys(resources).filter(x => /^google_.+_iam_(member|binding)$/.test(x)).sort()) {
      for (const name of Object.keys(resources[type]).sort()) {
        const b = resources[type][name];
        if (!isObj(b) || ![...asArray(b.member), ...asArray(b.members)].some(m => String(m).toLowerCase() === member)) continue;
        const target = type.replace(/^google_/, '').replace(/_iam_(member|binding)$/, '');
        out.push(`as the service account: ${String(b.role ?? '?')} on ${target} ${describe(TARGETS.map(k => b[k]).find(v => v !== undefined))}`);
      }
    }
  }
  return out;
}

function gatesFor(g: GcpGrant, pool: Provider[]): Principal['gates'] {
  if (pool.length === 0) return [{ via: `member ${g.member}`, conjs: [{ tests: [], opaque: ['the pool\'s provider is not in this review'] }] }];
  return pool.map(p => {
    let select: Conj[];
    const s = g.selector;
    try {
      if (s.kind === 'pool') select = [{ tests: [] }];
      else if (s.kind === 'attribute') select = mappedValueConjs(`attribute.${s.attribute}`, s.value, p.mapping);
      else if (s.kind === 'subject') select = mappedValueConjs('google.subject', s.value, p.mapping);
      else select = [{ tests: [], opaque: [`member ${g.member} (${s.kind === 'group' ? 'a group' : 'not readable'})`] }];
    } catch {
      select = [{ tests: [], opaque: [`member ${g.member}: the mapping is too complex`] }];
    }
    let conjs: Conj[];
    try {
      // Alternatives no token can pass (another trust's condition with this trust's attribute) go.
      conjs = and(and([p.base], p.alternatives), select).filter(c => solve(c).verdict !== 'no');
    } catch {
      conjs = [conjoin(p.base, { tests: [], opaque: ['too many alternatives'] })];
    }
    return { via: `member \`${g.member}\` through provider ${p.providerId}`, conjs };
  }).filter(gate => gate.conjs.length > 0);
}

function mappingConditions(mapping: Record<string, string>, keys?: string[]): UnitCondition[] {
  return Object.keys(mapping).sort().filter(k => !keys || keys.includes(k)).map(k => ({ kind: 'attribute-mapping' as const, attribute: k, expression: mapping[k] }));
}

function providerUnits(p: Provider, scope: string): Unit[] {
  const t = p.rel;
  const entries = tfMetadata(p.body);
  const out: Unit[] = [];
  const covered = new Set<string>();
  const unit = (id: string, kind: Unit['kind'], alts: Conj[], conjs: Conj[], keys: string[] | undefined, metadata = undefined as typeof entries[number] | undefined, notes: string[] = []): Unit => {
    // An unreadable condition is shown and judged as written (the scanner reports it not analysable).
    const condition = t.gcp!.attributeCondition === undefined ? undefined : p.error ? t.gcp!.attributeCondition : altText(alts);
    const many = alts.length > 1;
    return {
      id,
      cloud: 'gcp',
      file: t.file,
      resource: t.resource,
      resourceType: t.resourceType,
      kind,
      home: `workload identity provider ${p.providerId} of pool ${t.gcp!.pool}`,
      ...(t.issuer ? { issuer: t.issuer } : {}),
      ciProvider: t.ciProvider,
      audiences: [...t.audiences],
      network: [...t.network],
      ...(metadata ? { metadata } : {}),
      // The scanner's view: the provider narrowed to the unit's alternatives (grants: attribute.ts).
      parts: [{ ...t, id, gcp: { ...t.gcp!, ...(condition !== undefined ? { attributeCondition: condition } : {}), grants: [] }, metadata }],
      conjs,
      conditions: [
        ...(condition === undefined ? [] : p.error ? [{ kind: 'cel' as const, field: 'attribute_condition' as const, expression: condition }]
          : alts.map((a, i) => ({ kind: 'cel' as const, field: 'attribute_condition' as const, expression: altText([a])!, ...(many ? { alternative: i + 1 } : {}) }))),
        ...mappingConditions(t.gcp!.attributeMapping, keys),
      ],
      notes: p.error ? [p.error, ...notes] : notes,
      homeKey: scope,
    };
  };
  const withBase = (cs: Conj[]) => cs.map(c => conjoin(p.base, c));
  for (const e of entries) {
    const key = `attribute.trust_${e.id}`;
    const expr = t.gcp!.attributeMapping[key];
    if (expr === undefined) continue; // not this provider's trust (or metadata out of date)
    const cond = conditionalOf(expr);
    let mine: Conj[];
    let conjs: Conj[];
    if (!cond) {
      // A constant attribute (one trust on the provider, or a trust that is only the tests all
      // its provider's trusts share): the trust's tokens are all the provider admits.
      mine = p.alternatives;
      conjs = withBase(mine);
    } else {
      let own: Conj[];
      try {
        own = nodeConjs(cond.condition, p.mapping);
      } catch {
        own = [{ tests: [], opaque: [`the mapping of ${key} is too complex`] }];
      }
      const keys = new Set(own.map(altKey));
      // The condition's alternatives that are this trust's: its own text, or (a provider condition
      // over the per-trust attributes) the alternative that reads this trust's attribute.
      const marker = `${key} == '${cond.value}'`;
      mine = p.alternatives.filter(a => keys.has(altKey(a)) || (a.shown ?? []).includes(marker));
      // The trust's tokens: the provider condition and the trust's own condition (its mapping).
      conjs = [];
      for (const a of p.alternatives) {
        for (const o of own) {
          const c = conjoin(p.base, a, o);
          if (solve(c).verdict !== 'no') conjs.push(c);
        }
      }
      if (mine.length === 0) mine = own;
    }
    for (const a of mine) covered.add(altKey(a));
    const own = `/attribute.trust_${e.id}/${p.providerId}`;
    // A VPC-SC ingress policy that names another trust's attribute restricts that trust, not this one.
    const network = t.network.filter(n => !/\/attribute\.trust_[0-9a-f]{8}\//.test(n) || n.includes(own));
    out.push({ ...unit(`${t.id}#${e.id}`, 'declared', mine, conjs, ['google.subject', key], e), network, ownGate: via => via.includes(`${own}\``) });
  }
  const rest = p.alternatives.filter(a => !covered.has(altKey(a)));
  // ci-oidc-trust's per-trust attributes without the metadata that names them: say how to keep it.
  const stripped = entries.length === 0 && Object.keys(t.gcp!.attributeMapping).some(k => /^attribute\.trust_[0-9a-f]{8}$/.test(k))
    ? ['this provider was written by ci-oidc-trust, but its `//` metadata (which names the trusts) is missing, as cdktf\'s `Testing.synth` removes it: review `TrustReport.fromCdktfStack(stack)` or the synthesized cdktf.out to see one trust relationship per declared trust']
    : [];
  if (out.length === 0 || rest.length) {
    const single = out.length === 0 && rest.length === 1;
    rest.forEach((a) => {
      const id = single ? t.id : `${t.id}#alternative-${p.alternatives.indexOf(a) + 1}`;
      const through = `through provider ${p.providerId}`;
      out.push({ ...unit(id, single && !t.gcp!.attributeCondition ? 'provider' : 'alternative', [a], withBase([a]), undefined, undefined, stripped), ownGate: via => via.endsWith(through) });
    });
  }
  return out;
}
