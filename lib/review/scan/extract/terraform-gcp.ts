/**
 * Terraform JSON, GCP: OIDC `google_iam_workload_identity_pool_provider`s with every
 * `google_*_iam_member`/`_binding` whose member is a `principalSet://`/`principal://` of the pool,
 * VPC-SC ingress policies naming the pool, and grants on pools whose provider is elsewhere.
 */
import { withMeta } from './metadata';
import { allTfResourceTypes, describeTfValue, tfMetadata, tfRef, tfResources } from './terraform';
import { explainUnknown, hasInterpolation, knownString, literalOrRaw } from './terraform-config';
import { GcpGrant, TrustRelationship } from './types';
import { asArray, isObj, normalizeIssuer, Obj } from './util';
import { providerForIssuer } from '../../../ci/analysers';
import { cmp } from '../../../model/text';

/** Parses a `principalSet://`/`principal://` member into pool reference + selector. */
export function parseWifMember(member: string): { pool: string; selector: GcpGrant['selector'] } | undefined {
  const m = /^principal(Set)?:\/\/iam\.googleapis\.com\/(.*)$/.exec(member);
  if (!m) return undefined;
  let rest = m[2];
  let pool: string;
  const ref = /^\$\{google_iam_workload_identity_pool\.([\w-]+)\.(name|id)\}(.*)$/.exec(rest);
  if (ref) {
    pool = `ref:${ref[1]}`;
    rest = ref[3];
  } else {
    const lit = /^projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\/([^/]+)(.*)$/.exec(rest);
    if (!lit) return { pool: '?', selector: { kind: 'unknown', raw: member } };
    pool = lit[1];
    rest = lit[2];
  }
  if (rest === '/*') return { pool, selector: { kind: 'pool' } };
  let s: RegExpExecArray | null;
  if ((s = /^\/attribute\.([^/]+)\/(.*)$/.exec(rest))) return { pool, selector: { kind: 'attribute', attribute: s[1], value: s[2] } };
  if ((s = /^\/subject\/(.*)$/.exec(rest))) return { pool, selector: { kind: 'subject', value: s[1] } };
  if ((s = /^\/group\/(.*)$/.exec(rest))) return { pool, selector: { kind: 'group', value: s[1] } };
  return { pool, selector: { kind: 'unknown', raw: member } };
}

export function extractTfGcp(file: string, tf: Obj): TrustRelationship[] {
  // Pool keys: literal pool IDs; `ref:NAME` resolves to the pool resource's literal ID when it has one.
  const poolIdOf = new Map<string, string>();
  const disabledPools = new Set<string>();
  for (const [name, body] of tfResources(tf, 'resource', 'google_iam_workload_identity_pool')) {
    const poolId = typeof body.workload_identity_pool_id === 'string' ? knownString(body.workload_identity_pool_id) : undefined;
    if (poolId !== undefined) poolIdOf.set(name, poolId);
    if (body.disabled === true) disabledPools.add(poolIdOf.get(name) ?? `ref:${name}`);
  }
  const poolKey = (raw: string): string => {
    if (raw.startsWith('ref:')) return poolIdOf.get(raw.slice(4)) ?? raw;
    return raw;
  };
  const providerPool = (v: unknown): string => {
    const ref = tfRef(v);
    if (ref && ref.type === 'google_iam_workload_identity_pool') return poolKey(`ref:${ref.name}`);
    return typeof v === 'string' ? v : '?';
  };

  const grants = new Map<string, GcpGrant[]>();
  const grantPrincipals = new Map<string, string[]>();
  for (const type of allTfResourceTypes(tf).filter(t => /^google_.+_iam_(member|binding)$/.test(t))) {
    for (const [name, body] of tfResources(tf, 'resource', type)) {
      const members = type.endsWith('_member') ? asArray(body.member) : asArray(body.members);
      for (const member of members.map(String)) {
        const parsed = parseWifMember(member) ?? unresolvedMember(member);
        if (!parsed) continue;
        const key = poolKey(parsed.pool);
        const resource = `${type}.${name}`;
        grants.set(key, [...(grants.get(key) ?? []), { resource, role: String(body.role ?? '?'), member, selector: parsed.selector }]);
        const target = type === 'google_service_account_iam_member' || type === 'google_service_account_iam_binding'
          ? `service account ${describeTfValue(body.service_account_id)}`
          : `${type.replace(/^google_/, '').replace(/_iam_(member|binding)$/, '')} ${describeTfValue(firstTarget(body))}`;
        grantPrincipals.set(key, [...(grantPrincipals.get(key) ?? []), `${target} (${body.role ?? '?'})`]);
      }
    }
  }

  const ingress = [
    ...tfResources(tf, 'resource', 'google_access_context_manager_service_perimeter_ingress_policy').map(([n, b]) => [`google_access_context_manager_service_perimeter_ingress_policy.${n}`, b] as [string, Obj]),
    ...tfResources(tf, 'resource', 'google_access_context_manager_service_perimeter_dry_run_ingress_policy').map(([n, b]) => [`google_access_context_manager_service_perimeter_dry_run_ingress_policy.${n}`, b] as [string, Obj]),
  ];
  const ingressFor = (poolName: string, providerPoolRaw: unknown): string[] => {
    const out: string[] = [];
    const poolRef = tfRef(providerPoolRaw)?.name;
    for (const [res, body] of ingress) {
      const from = asArray(body.ingress_from).filter(isObj)[0] ?? {};
      const ids = asArray(from.identities).map(String);
      const mentions = ids.some(id => id.includes(`workloadIdentityPools/${poolName}/`) || (poolRef !== undefined && id.includes(`google_iam_workload_identity_pool.${poolRef}.`)));
      if (!mentions && !from.identity_type) continue;
      const sources = asArray(from.sources).filter(isObj).map(s => s.access_level ?? s.resource).map(String);
      const to = asArray(body.ingress_to).filter(isObj)[0] ?? {};
      out.push(`VPC-SC ingress ${res}: from ${from.identity_type ?? ids.join(', ')}${sources.length ? ` via ${sources.join(', ')}` : ''} to ${asArray(to.resources).map(String).join(', ') || '?'}`);
    }
    return out;
  };

  const out: TrustRelationship[] = [];
  const poolsWithProvider = new Set<string>();
  for (const [name, body] of tfResources(tf, 'resource', 'google_iam_workload_identity_pool_provider')) {
    const oidcBlocks = asArray(body.oidc);
    // aws/saml/x509 providers are not CI OIDC trusts; a provider with none of them is reported.
    if (oidcBlocks.length === 0 && (body.aws !== undefined || body.saml !== undefined || body.x509 !== undefined)) continue;
    const oidc: Obj = oidcBlocks.filter(isObj)[0] ?? {};
    const pool = providerPool(body.workload_identity_pool_id);
    poolsWithProvider.add(pool);
    const unresolved: string[] = [];
    if (oidcBlocks.length === 0) unresolved.push('the provider has no oidc block (nor aws, saml or x509): its issuer could not be read');
    for (const b of oidcBlocks) if (!isObj(b)) unresolved.push(`the oidc block is generated from an unresolved expression (${explainUnknown(b)})`);
    const issuerRaw = oidc.issuer_uri;
    const issuerUri = typeof issuerRaw === 'string' ? knownString(issuerRaw) : undefined;
    const issuer = issuerUri === undefined ? undefined : normalizeIssuer(issuerUri);
    const providerId = typeof body.workload_identity_pool_provider_id === 'string' ? knownString(body.workload_identity_pool_provider_id) : undefined;
    if (issuerUri === undefined && (issuerRaw !== undefined || oidcBlocks.some(isObj))) unresolved.push(`issuer_uri is not a literal${typeof issuerRaw === 'string' ? ` (${explainUnknown(issuerRaw)})` : ''}`);
    // The value of each string, as GCP receives it: `$${` is a literal `${`.
    const mapping: Record<string, string> = {};
    const rawMapping = isObj(body.attribute_mapping) ? body.attribute_mapping : {};
    for (const k of Object.keys(rawMapping).sort()) mapping[k] = literalOrRaw(rawMapping[k]);
    const condRaw = body.attribute_condition;
    const literal = typeof condRaw === 'string' ? knownString(condRaw) : undefined;
    if (condRaw !== undefined && literal === undefined) unresolved.push(`attribute_condition contains a Terraform interpolation (${explainUnknown(condRaw)})`);
    const expressions = condRaw !== undefined && literal === undefined ? { expressions: ['attributeCondition' as const] } : {};
    // An expression stays as written (and unresolved above): the provider does have a condition.
    const cond = literal ?? condRaw;
    const poolGrants = grants.get(pool) ?? [];
    const resource = `google_iam_workload_identity_pool_provider.${name}`;
    const principals = [...new Set(grantPrincipals.get(pool) ?? [])].sort();
    out.push({
      id: `${file}#${resource}`,
      cloud: 'gcp',
      file,
      format: 'terraform-json',
      resource,
      resourceType: 'google_iam_workload_identity_pool_provider',
      principal: principals.length ? principals.join('; ') : `workload identity pool ${pool} (no grants in this file)`,
      ...(issuer ? { issuer } : {}),
      ciProvider: providerForIssuer(issuer),
      audiences: asArray(oidc.allowed_audiences).map(literalOrRaw),
      gcp: {
        pool,
        ...(issuerUri !== undefined ? { issuerUri } : {}),
        ...(providerId !== undefined ? { providerId } : {}),
        attributeMapping: mapping,
        ...(typeof cond === 'string' && cond.trim() !== '' ? { attributeCondition: cond } : {}),
        grants: poolGrants,
        ...(body.disabled === true ? { disabled: 'provider' as const } : disabledPools.has(pool) ? { disabled: 'pool' as const } : {}),
      },
      network: ingressFor(pool, body.workload_identity_pool_id),
      ...withMeta(tfMetadata(body)[0]),
      ...expressions,
      unresolved,
    });
  }
  // Grants on pools whose provider is not in this file: still report whole-pool grants etc.
  for (const [pool, gs] of [...grants.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    if (poolsWithProvider.has(pool)) continue;
    for (const g of gs) {
      out.push({
        id: `${file}#${g.resource}`,
        cloud: 'gcp',
        file,
        format: 'terraform-json',
        resource: g.resource,
        resourceType: g.resource.split('.')[0],
        principal: `grant ${g.role} to ${g.member}`,
        ciProvider: 'unknown',
        audiences: [],
        gcp: { pool, attributeMapping: {}, grants: [g] },
        network: [],
        unresolved: [pool.startsWith('unresolved member ')
          ? `the member ${g.member} is an unresolved expression (${explainUnknown(g.member)}); it may grant a workload identity pool`
          : `the provider of pool ${pool} is not in this file; its attribute condition could not be checked`],
      });
    }
  }
  return out;
}

/** A member that is wholly an unknown expression may be a pool grant: reported, not skipped. */
function unresolvedMember(member: string): { pool: string; selector: GcpGrant['selector'] } | undefined {
  if (!/^\$\{/.test(member) || !hasInterpolation(member)) return undefined;
  return { pool: `unresolved member ${member}`, selector: { kind: 'unknown', raw: member } };
}

function firstTarget(body: Obj): unknown {
  for (const k of ['bucket', 'secret_id', 'project', 'dataset_id', 'repository', 'topic', 'subscription', 'name', 'crypto_key_id', 'service', 'instance_name', 'folder', 'org_id']) {
    if (body[k] !== undefined) return body[k];
  }
  return '?';
}
