/**
 * Who can use what: every unit (trust relationship) against every principal of the review. A
 * principal is listed under a unit when one token of the unit passes one of the principal's gates
 * (constraints.ts decides it, with a witness token), "possibly" when that cannot be decided. This is
 * the review's own reading of the artifacts; the simulators are not consulted (the differential
 * review test compares the two, test/review/differential.test.ts).
 */
import { awsModel } from './aws';
import { azureModel } from './azure';
import { conjoin, disjoint, reach, solve } from './constraints';
import { gcpModel } from './gcp';
import { Attribution, Principal, Unit } from './types';
import { cmp, extractAll, GcpGrant, LoadedFile, TrustRelationship } from '../scan/extract';
import { Finding, scan } from '../scan/scanner';

export interface ReviewModel {
  readonly units: Unit[];
  readonly principals: Principal[];
  readonly attributions: Attribution[];
  /** The scanner's findings, `trust` being a unit id. */
  readonly findings: Finding[];
}

/** Every unit, principal and attribution of the files, and the findings on the units. */
export function reviewModel(loaded: LoadedFile[]): ReviewModel {
  return modelOf(extractAll(loaded), loaded);
}

export function modelOf(rels: TrustRelationship[], loaded: LoadedFile[]): ReviewModel {
  const files = new Map(loaded.map(f => [f.file, f]));
  const aws = awsModel(rels.filter(t => t.cloud === 'aws'), files);
  const gcp = gcpModel(rels.filter(t => t.cloud === 'gcp'), files);
  const azure = azureModel(rels.filter(t => t.cloud === 'azure'), files);
  const units = [...aws.units, ...gcp.units, ...azure.units].sort((a, b) => cmp(a.file, b.file) || cmp(a.resource, b.resource) || cmp(a.id, b.id));
  const principals = [...aws.principals, ...gcp.principals, ...azure.principals].sort((a, b) => cmp(a.id, b.id));
  // Issuer and audience first: most unit and principal pairs of a large review share neither.
  const KEYS = ['iss', 'aud'];
  const reachOf = new Map<object, Map<string, Set<string> | undefined>>();
  for (const u of units) reachOf.set(u, reach(u.conjs, KEYS));
  for (const p of principals) reachOf.set(p, reach(p.gates.flatMap(g => g.conjs), KEYS));
  const apart = (u: Unit, p: Principal) => KEYS.some(k => {
    const a = reachOf.get(u)!.get(k);
    const b = reachOf.get(p)!.get(k);
    return a !== undefined && b !== undefined && ![...a].some(v => b.has(v));
  });
  const attributions = units.flatMap(u => principals.filter(p => !apart(u, p)).map(p => attribute(u, p)))
    .filter((a): a is Attribution => a !== undefined);
  // A trust relationship that can use nothing on its own resource is worth saying (a broken trust).
  for (const u of units) {
    if (attributions.some(a => a.unit === u.id)) continue;
    const home = principals.filter(x => x.homeKey === u.homeKey);
    if (u.cloud === 'gcp') {
      if (home.length) u.notes.push('no grant in this review selects its tokens');
      continue;
    }
    for (const p of home) {
      const why = blockedBy(u, p);
      if (why) u.notes.push(`no token of this trust relationship gets through ${p.label}: ${why}`);
    }
  }

  // The scanner judges each unit's own part of the artifact; a GCP unit with the grants it can use.
  for (const u of units) {
    if (u.cloud !== 'gcp' || u.kind === 'grant') continue;
    const mine = attributions.filter(a => a.unit === u.id && principals.find(p => p.id === a.principal)!.homeKey === u.homeKey);
    const grants: GcpGrant[] = mine.flatMap(a => gcp.grants.get(a.principal) ?? []);
    u.parts = u.parts.map(part => ({ ...part, gcp: { ...part.gcp!, grants } }));
  }
  const owner = new Map<string, string>();
  for (const u of units) for (const p of u.parts) owner.set(p.id, u.id);
  const findings = scan(units.flatMap(u => u.parts)).map(f => ({ ...f, trust: owner.get(f.trust) ?? f.trust }));
  return { units, principals, attributions, findings: dedupe(findings) };
}

function dedupe(fs: Finding[]): Finding[] {
  const seen = new Set<string>();
  return fs.filter(f => {
    const k = `${f.trust}\u0000${f.id}\u0000${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Why no token of the unit passes the principal's gates (the first reason), when none does. */
function blockedBy(u: Unit, p: Principal): string | undefined {
  for (const gate of p.gates) {
    for (const mine of u.conjs) {
      for (const theirs of gate.conjs) {
        const v = solve(conjoin(mine, theirs));
        if (v.verdict === 'no') return v.why;
      }
    }
  }
  return u.conjs.length === 0 ? 'the trust relationship admits no token' : undefined;
}

/** Does some token of the unit pass some gate of the principal? */
export function attribute(u: Unit, p: Principal): Attribution | undefined {
  let possibly: { via: string; why: string } | undefined;
  const own = u.homeKey === p.homeKey;
  for (const gate of p.gates) {
    for (const mine of u.conjs) {
      for (const theirs of gate.conjs) {
        if (disjoint(mine, theirs)) continue;
        const v = solve(conjoin(mine, theirs));
        if (v.verdict === 'yes') return { unit: u.id, principal: p.id, certainty: 'admitted', via: gate.via, witness: v.witness };
        // Undecided is said for the unit's own principals; another principal is listed only when
        // decided (else every trust of an issuer would "possibly" reach every unreadable role).
        if (v.verdict === 'unknown' && own) possibly ??= { via: gate.via, why: v.why };
      }
    }
  }
  return possibly ? { unit: u.id, principal: p.id, certainty: 'possibly', via: possibly.via, why: possibly.why } : undefined;
}
