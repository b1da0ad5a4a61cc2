/**
 * The GCP pass: a workload identity pool provider's attribute condition (parsed as CEL, expanded
 * to DNF: every `||` branch must pin an identity) and the IAM grants on the pool, whose effective
 * identity is condition AND grant.
 */
import { Atom, CelNode, claimsRead, Dnf, exactClaim, parseCel, parseMapping, toDnf } from './cel';
import { GcpGrant, TrustRelationship } from './extract';
import { classifyClaim, Collector, flagsNameOnly, ID_CLAIMS, judgeConjunction, Pin } from './judge';
import { encodePattern } from './patterns';
import { IdentityLevel } from '../../ci/analyser';

export function scanGcp(t: TrustRelationship, out: Collector) {
  const g = t.gcp!;
  if (t.unresolved.length) out.add('CIT-GCP-016', `not analysable: ${t.unresolved.join('; ')}`);
  const { map: mapping, errors } = parseMapping(g.attributeMapping);
  errors.forEach(e => out.add('CIT-GCP-016', e));
  const isProvider = t.resourceType === 'google_iam_workload_identity_pool_provider';

  let condLevel: IdentityLevel = 0;
  let condUsesIds = false;
  if (isProvider && g.attributeCondition === undefined) {
    out.add('CIT-GCP-001', `provider has no attribute_condition; every token from ${t.issuer ?? 'the issuer'} is admitted to pool ${g.pool}`);
  } else if (g.attributeCondition !== undefined) {
    let dnf: Dnf | undefined;
    try {
      dnf = toDnf(parseCel(g.attributeCondition), mapping, false);
    } catch (e) {
      out.add('CIT-GCP-016', `attribute_condition could not be analysed: ${(e as Error).message}`);
    }
    if (dnf) {
      const results = dnf.map(conj => {
        const pins: Pin[] = conj.filter((a): a is Extract<Atom, { kind: 'pin' }> => a.kind === 'pin').map(a => ({
          claim: a.claim,
          where: `attribute_condition \`${a.text}\``,
          values: a.values.map(v => encodePattern(v, a.mode)),
          raw: a.values,
        }));
        return { conj, pins, r: judgeConjunction(t.ciProvider, pins) };
      });
      const trivially = results.filter(x => x.pins.length === 0);
      const unpinned = results.filter(x => x.r.hits.some(h => h.issue === 'no-identity'));
      if (dnf.length > 0 && (trivially.length > 0 || unpinned.length === results.length)) {
        const why = trivially.length > 0
          ? `the branch \`${trivially[0].conj.map(a => a.text).join(' && ') || 'true'}\` is satisfiable without pinning any claim`
          : 'it references no repository, owner, project or pipeline claim';
        out.add('CIT-GCP-002', `attribute_condition \`${g.attributeCondition}\` admits tokens from any repository: ${why}`);
      } else if (unpinned.length > 0) {
        out.add('CIT-GCP-003', `attribute_condition branch \`${unpinned[0].conj.map(a => a.text).join(' && ')}\` pins no repository, owner, project or pipeline`);
      }
      for (const x of results) {
        for (const h of x.r.hits) {
          if (h.issue === 'no-identity' || h.issue === 'org-wide') continue; // judged with the grants below
          if (h.issue === 'not-analysable') out.add('CIT-GCP-016', h.detail);
          else out.subjectIssue('gcp', h.issue, h.detail);
        }
      }
      condLevel = results.length === 0 ? 3 : results.reduce<IdentityLevel>((m, x) => (x.r.level < m ? x.r.level : m), 3);
      condUsesIds = results.length > 0 && results.every(x => x.r.usesIds);
    }
  }

  // A grant narrows the pool further; the effective identity is condition AND grant.
  const grantLevels: IdentityLevel[] = [];
  let grantUsesIds = false;
  for (const grant of g.grants) {
    const gl = judgeGrant(t, grant, mapping, out);
    if (gl.usesIds) grantUsesIds = true;
    const effective = (gl.level > condLevel ? gl.level : condLevel) as IdentityLevel;
    grantLevels.push(effective);
    if (effective === 0 && grant.selector.kind !== 'pool' && grant.selector.kind !== 'unknown') {
      out.add('CIT-GCP-005', `${grant.resource} grants \`${grant.member}\`, which selects on a claim that identifies no repository, and the provider condition pins none either`);
    }
  }
  const effectiveLevel = grantLevels.length ? grantLevels.reduce<IdentityLevel>((m, l) => (l < m ? l : m), 3) : condLevel;
  if (effectiveLevel === 2) out.subjectIssue('gcp', 'org-wide', 'the attribute condition and grants pin only the owner/organisation');
  if (flagsNameOnly(t) && effectiveLevel >= 2 && !condUsesIds && !grantUsesIds) {
    out.subjectIssue('gcp', 'name-only', 'neither the attribute condition nor the grants pin `repository_id`/`repository_owner_id`');
  }
}

function judgeGrant(
  t: TrustRelationship, grant: GcpGrant, mapping: Map<string, CelNode | undefined>, out: Collector,
): { level: IdentityLevel; usesIds: boolean } {
  const s = grant.selector;
  if (s.kind === 'pool') {
    out.add('CIT-GCP-004', `${grant.resource} grants ${grant.role} to every identity of pool ${t.gcp!.pool} (\`${grant.member}\`)`);
    return { level: 0, usesIds: false };
  }
  if (s.kind === 'unknown') {
    out.add('CIT-GCP-016', `${grant.resource}: member \`${s.raw}\` could not be parsed`);
    return { level: 0, usesIds: false };
  }
  if (s.kind === 'group') return { level: 0, usesIds: false };
  const key = s.kind === 'subject' ? 'google.subject' : `attribute.${s.attribute}`;
  const m = mapping.get(key);
  const claim = m ? exactClaim(m, new Map())?.toLowerCase() : undefined;
  if (!claim) {
    const read = m ? claimsRead(m, new Map()) : [];
    const lvl: IdentityLevel = read.some(c => classifyClaim(c) === 'repo') ? 3 : read.some(c => ['owner', 'subject'].includes(classifyClaim(c))) ? 2 : 0;
    return { level: lvl, usesIds: read.some(c => ID_CLAIMS.has(c)) };
  }
  const pin: Pin = { claim, where: `${grant.resource} member \`${grant.member}\``, values: [encodePattern(s.value, 'exact')], raw: [s.value] };
  const r = judgeConjunction(t.ciProvider, [pin]);
  for (const h of r.hits) {
    if (h.issue === 'no-identity' || h.issue === 'org-wide' || h.issue === 'user-claim' || h.issue === 'reusable-only') continue;
    if (h.issue === 'not-analysable') out.add('CIT-GCP-016', h.detail);
    else out.subjectIssue('gcp', h.issue, h.detail);
  }
  return { level: r.level, usesIds: r.usesIds };
}
