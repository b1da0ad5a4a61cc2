/**
 * The GCP pass: a workload identity pool provider's attribute condition (parsed as CEL, expanded
 * to DNF: every `||` branch must pin an identity) and the IAM grants on the pool, whose effective
 * identity is condition AND grant.
 */
import { Atom, CelNode, claimsRead, Dnf, exactClaim, parseCel, parseMapping, toDnf } from './cel';
import { GcpGrant, isLiteral, TrustRelationship } from './extract';
import { FindingId } from './findings';
import { classifyClaim, Collector, contextHits, flagsNameOnly, ID_CLAIMS, judgeConjunction, Pin, sharedIssuer } from './judge';
import { encodePattern } from './patterns';
import { IdentityLevel } from '../../ci/analyser';

export function scanGcp(t: TrustRelationship, out: Collector) {
  const g = t.gcp!;
  const shared = sharedIssuer(t);
  // Rules written for shared issuers apply to shared issuers; on a per-tenant one it is the tenant-wide warning.
  const noPin = (id: FindingId, message: string) => {
    if (shared) out.add(id, message);
    else out.add('CIT-GCP-018', `${message} (issuer ${t.issuer ?? 'unknown'} is per tenant or not known to be shared)`);
  };
  const notes = [...t.unresolved, ...(t.assumptions ?? [])];
  if (notes.length) out.add('CIT-GCP-016', `not analysable statically: ${notes.join('; ')}`);
  if (g.disabled) out.add('CIT-GCP-020', g.disabled === 'provider' ? 'the provider is disabled: it admits no token until it is enabled again' : `pool ${g.pool} is disabled: the provider admits no token until the pool is enabled again`);
  const { map: mapping, errors } = parseMapping(g.attributeMapping);
  errors.forEach(e => out.add('CIT-GCP-016', e));
  const isProvider = t.resourceType === 'google_iam_workload_identity_pool_provider';

  let condLevel: IdentityLevel = 0;
  let condUsesIds = false;
  // A grant whose provider is in another file: its condition is unknown (reported as not analysable).
  let condContext = !isProvider;
  let condPhase = !isProvider;
  let condBroken = false;
  if (isProvider && g.attributeCondition === undefined) {
    noPin('CIT-GCP-001', `provider has no attribute_condition; every token from ${t.issuer ?? 'the issuer'} is admitted to pool ${g.pool}`);
  } else if (g.attributeCondition !== undefined) {
    let dnf: Dnf | undefined;
    try {
      dnf = toDnf(parseCel(g.attributeCondition), mapping, false);
    } catch (e) {
      out.add('CIT-GCP-016', `attribute_condition could not be analysed: ${(e as Error).message}`);
      // What the condition pins is unknown: no breadth is claimed for it.
      condContext = condPhase = true;
    }
    if (dnf) {
      const results = dnf.map(conj => {
        const pins: Pin[] = conj.filter((a): a is Extract<Atom, { kind: 'pin' }> => a.kind === 'pin').map(a => ({
          claim: a.claim,
          where: `attribute_condition \`${a.text}\``,
          // CEL string literals are text (`${` included) unless the condition is a Terraform expression.
          values: a.values.map(v => encodePattern(v, a.mode, isLiteral(t, 'attributeCondition'))),
          raw: a.values,
          mode: a.mode,
        }));
        return { conj, pins, r: judgeConjunction(t.ciProvider, pins, { shared }) };
      });
      const trivially = results.filter(x => x.pins.length === 0);
      const unpinned = results.filter(x => x.r.hits.some(h => h.issue === 'no-identity'));
      if (dnf.length > 0 && (trivially.length > 0 || unpinned.length === results.length)) {
        const why = trivially.length > 0
          ? `the branch \`${trivially[0].conj.map(a => a.text).join(' && ') || 'true'}\` is satisfiable without pinning any claim`
          : 'it references no repository, owner, project or pipeline claim';
        noPin('CIT-GCP-002', `attribute_condition \`${g.attributeCondition}\` admits tokens from any repository: ${why}`);
      } else if (unpinned.length > 0) {
        noPin('CIT-GCP-003', `attribute_condition branch \`${unpinned[0].conj.map(a => a.text).join(' && ')}\` pins no repository, owner, project or pipeline`);
      }
      for (const x of results) {
        for (const h of x.r.hits) {
          if (h.issue === 'no-identity' || h.issue === 'org-wide') continue; // judged with the grants below
          out.hit('gcp', h, 'CIT-GCP-002');
        }
      }
      condLevel = results.length === 0 ? 3 : results.reduce<IdentityLevel>((m, x) => (x.r.level < m ? x.r.level : m), 3);
      condUsesIds = results.length > 0 && results.every(x => x.r.usesIds);
      condContext = results.every(x => x.r.contextJudged && x.pins.length > 0);
      condPhase = results.every(x => x.r.phaseJudged && x.pins.length > 0);
      condBroken = results.length > 0 && results.every(x => x.r.broken);
    }
  }

  // A grant narrows the pool further; the effective identity is condition AND grant.
  const effective: { level: IdentityLevel; context: boolean; phase: boolean }[] = [];
  let grantUsesIds = false;
  for (const grant of g.grants) {
    const gr = judgeGrant(t, grant, mapping, out, shared);
    if (gr.usesIds) grantUsesIds = true;
    const level = (gr.level > condLevel ? gr.level : condLevel) as IdentityLevel;
    effective.push({ level, context: condContext || gr.context, phase: condPhase || gr.phase });
    if (isProvider && level === 0 && grant.selector.kind !== 'pool' && grant.selector.kind !== 'unknown') {
      noPin('CIT-GCP-005', `${grant.resource} grants \`${grant.member}\`, which selects on a claim that identifies no repository, and the provider condition pins none either`);
    }
  }
  if (effective.length === 0) effective.push({ level: condLevel, context: condContext, phase: condPhase });
  const effectiveLevel = effective.reduce<IdentityLevel>((m, e) => (e.level < m ? e.level : m), 3);
  if (effectiveLevel === 2) out.subjectIssue('gcp', 'org-wide', 'the attribute condition and grants pin only the owner/organisation');
  const open = effective.filter(e => e.level === 3);
  for (const h of contextHits({ level: open.length ? 3 : 0, contextJudged: open.every(e => e.context), phaseJudged: open.every(e => e.phase), broken: condBroken }, 'the attribute condition with its grants')) {
    out.hit('gcp', h, 'CIT-GCP-002');
  }
  if (flagsNameOnly(t) && effectiveLevel >= 2 && !condUsesIds && !grantUsesIds) {
    out.subjectIssue('gcp', 'name-only', 'neither the attribute condition nor the grants pin `repository_id`/`repository_owner_id`');
  }
}

function judgeGrant(
  t: TrustRelationship, grant: GcpGrant, mapping: Map<string, CelNode | undefined>, out: Collector, shared: boolean,
): { level: IdentityLevel; usesIds: boolean; context: boolean; phase: boolean } {
  const none = { level: 0 as IdentityLevel, usesIds: false, context: false, phase: false };
  const s = grant.selector;
  if (s.kind === 'pool') {
    out.add('CIT-GCP-004', `${grant.resource} grants ${grant.role} to every identity of pool ${t.gcp!.pool} (\`${grant.member}\`): as broad as its weakest provider, now and later`);
    return none;
  }
  if (s.kind === 'unknown') {
    out.add('CIT-GCP-016', `${grant.resource}: member \`${s.raw}\` could not be parsed`);
    return none;
  }
  if (s.kind === 'group') return none;
  const key = s.kind === 'subject' ? 'google.subject' : `attribute.${s.attribute}`;
  const m = mapping.get(key);
  const claim = m ? exactClaim(m, new Map())?.toLowerCase() : undefined;
  if (!claim) {
    const read = m ? claimsRead(m, new Map()) : [];
    const lvl: IdentityLevel = read.some(c => classifyClaim(c) === 'repo') ? 3 : read.some(c => ['owner', 'subject'].includes(classifyClaim(c))) ? 2 : 0;
    return { level: lvl, usesIds: read.some(c => ID_CLAIMS.has(c)), context: false, phase: false };
  }
  const pin: Pin = { claim, where: `${grant.resource} member \`${grant.member}\``, values: [encodePattern(s.value, 'exact')], raw: [s.value], mode: 'exact' };
  const r = judgeConjunction(t.ciProvider, [pin], { shared });
  for (const h of r.hits) {
    if (h.issue === 'no-identity' || h.issue === 'org-wide' || h.issue === 'user-claim' || h.issue === 'reusable-only' || h.issue === 'tenant-wide') continue;
    out.hit('gcp', h, 'CIT-GCP-002');
  }
  // A grant on a context attribute (`attribute.ref/…`) pins the context; one on the subject judged it.
  return { level: r.level, usesIds: r.usesIds, context: r.contextJudged && (r.level === 3 || classifyClaim(claim) === 'context'), phase: r.phaseJudged && (r.level === 3 || classifyClaim(claim) === 'context') };
}
