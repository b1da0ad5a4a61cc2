/**
 * The shared core of the scanner: claims are classified by name, `sub` values are judged by the
 * trust's provider analyser (lib/ci/analysers.ts), and an AND of pins is judged as a whole. The
 * per-cloud passes (aws.ts, gcp.ts, azure.ts) turn the result into findings through a Collector.
 */
import { TrustRelationship } from './extract';
import { findingDefinition, FindingCloud, FindingId, Severity, SUBJECT_ISSUE_IDS } from './findings';
import {
  ClaimFacts, hasWild, IDENTITY_ERRORS, IdentityLevel, pinned, refused, showPattern, SubjectIssue, SubjectVerdict,
} from '../../ci/analyser';
import { ANALYSERS, analyserFor, isSharedIssuer } from '../../ci/analysers';

export interface Finding {
  readonly id: FindingId;
  readonly severity: Severity;
  readonly cloud: FindingCloud;
  readonly title: string;
  /** Id of the trust relationship (`file#resource[#statement]`). */
  readonly trust: string;
  readonly file: string;
  readonly resource: string;
  readonly statement?: number;
  /** What exactly is wrong, naming the value and where it is. */
  readonly message: string;
}

// ---------------------------------------------------------------- claims

/** Claim names of every provider: a template may pin any claim, whatever its issuer. */
function claimSet(pick: (c: ClaimFacts) => readonly string[] | undefined): Set<string> {
  return new Set(ANALYSERS.flatMap((e) => [...(pick(e.analyser.claims ?? {}) ?? [])]));
}
const REPO_CLAIMS = claimSet((c) => c.repository);
const OWNER_CLAIMS = claimSet((c) => c.owner);
const SCOPED_CLAIMS = claimSet((c) => c.scoped);
const CHECKED_ID_CLAIMS = claimSet((c) => c.ids);
export const ID_CLAIMS = new Set([...CHECKED_ID_CLAIMS, ...claimSet((c) => c.opaqueIds)]);

export type ClaimClass = 'subject' | 'repo' | 'owner' | 'scoped' | 'workflow' | 'audience' | 'context';

export function classifyClaim(claim: string): ClaimClass {
  const c = claim.toLowerCase();
  if (c === 'sub') return 'subject';
  if (c === 'aud' || c === 'azp' || c === 'oaud') return 'audience';
  if (c === 'job_workflow_ref') return 'workflow';
  if (REPO_CLAIMS.has(c)) return 'repo';
  if (OWNER_CLAIMS.has(c)) return 'owner';
  if (SCOPED_CLAIMS.has(c)) return 'scoped';
  return 'context';
}

/** Judges one pinned value of a non-`sub` claim. */
export function analyseClaim(claim: string, pattern: string): SubjectVerdict {
  const cls = classifyClaim(claim);
  const c = claim.toLowerCase();
  const v = showPattern(pattern);
  if (cls === 'repo' || cls === 'owner' || cls === 'scoped') {
    if (pattern === '' ) return refused('malformed', `\`${claim}\` is pinned to an empty value`);
    if (hasWild(pattern)) return refused('wildcard-identity', `\`${claim}\` value \`${v}\` contains a wildcard`);
    // Ids are positive decimals (GitHub, GitLab), UUIDs (Buildkite) or ws-/org-/prj- ids (HCP Terraform).
    if (CHECKED_ID_CLAIMS.has(c) && !/^[1-9][0-9]*$/.test(pattern) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(pattern) && !/^(ws|org|prj)-[A-Za-z0-9]{16}$/.test(pattern)) {
      return refused('malformed', `\`${claim}\` value \`${v}\` is not a valid id`);
    }
    if (cls === 'repo') return pinned(3, ID_CLAIMS.has(c));
    if (cls === 'owner') return pinned(2, ID_CLAIMS.has(c));
    return pinned(0); // scoped: upgraded by judgeConjunction when an owner is pinned too
  }
  if (cls === 'workflow') {
    const segs = pattern.split('/');
    if (hasWild(segs[0]) || hasWild(segs[1])) return refused('wildcard-identity', `\`job_workflow_ref\` value \`${v}\` has a wildcard in the owner or repository of the workflow`);
    return pinned(1);
  }
  return pinned(0);
}

/** Judges one `sub` value (already encoded with `encodePattern`) for a CI provider. */
export function analyseSubject(provider: string, pattern: string): SubjectVerdict {
  return analyserFor(provider).analyser.analyse(pattern);
}

// ---------------------------------------------------------------- conjunctions

export interface Pin {
  /** Claim name, lower case (`sub`, `repository_id`, …); `derived:<claims>` for computed values. */
  claim: string;
  /** Where the pin is written, for messages. */
  where: string;
  /** Encoded patterns; undefined = unresolvable value. */
  values: (string | undefined)[];
  raw: string[];
}

export interface ConjunctionResult {
  level: IdentityLevel;
  usesIds: boolean;
  hits: { issue: SubjectIssue | 'no-identity' | 'not-analysable'; detail: string }[];
  identityPins: number;
}

/**
 * Judges an AND of pins (an IAM statement, a CEL disjunct, a Flexible FIC expression).
 * Values of one pin are ORed, so a pin is as weak as its weakest value; pins are ANDed,
 * so the conjunction is as strong as its strongest pin.
 */
export function judgeConjunction(provider: string, pins: Pin[]): ConjunctionResult {
  const hits: ConjunctionResult['hits'] = [];
  const verdicts = pins.map(pin => pin.values.map((val, i): SubjectVerdict | undefined => {
    if (val === undefined) {
      hits.push({ issue: 'not-analysable', detail: `${pin.where}: value \`${pin.raw[i]}\` contains an unresolved expression` });
      return undefined;
    }
    if (pin.claim === 'sub') return analyseSubject(provider, val);
    if (pin.claim.startsWith('derived:')) {
      // Computed from claims (e.g. `assertion.sub.split(':')[1]`): which part is unknown.
      const claims = pin.claim.slice(8).split(',');
      if (hasWild(val) && claims.some(c => classifyClaim(c) !== 'context')) return refused('wildcard-identity', `${pin.where}: value \`${showPattern(val)}\` contains a wildcard`);
      const lvl: IdentityLevel = claims.some(c => classifyClaim(c) === 'repo') ? 3 : claims.some(c => ['subject', 'owner'].includes(classifyClaim(c))) ? 2 : 0;
      return pinned(lvl);
    }
    return analyseClaim(pin.claim, val);
  }));
  const pinLevel = (k: number): IdentityLevel => {
    const vs = verdicts[k].filter((x): x is SubjectVerdict => x !== undefined);
    if (vs.length === 0) return 0;
    return vs.reduce<IdentityLevel>((m, x) => (x.level < m ? x.level : m), 3);
  };
  const levels = pins.map((_, k) => pinLevel(k));
  const ownerPinned = levels.some(l => l >= 2);
  pins.forEach((pin, k) => {
    if (classifyClaim(pin.claim) === 'scoped' && ownerPinned && verdicts[k].every(x => x && x.issues.length === 0)) levels[k] = 3;
  });
  const level = levels.reduce<IdentityLevel>((m, l) => (l > m ? l : m), 0);
  pins.forEach((pin, k) => {
    const others = levels.filter((_, j) => j !== k).reduce<IdentityLevel>((m, l) => (l > m ? l : m), 0);
    const vs = verdicts[k];
    let errorValues = 0;
    let cleanValues = 0;
    for (const v of vs) {
      if (!v) continue;
      let hasError = false;
      for (const h of v.issues) {
        // F7/F8: a user-controllable or workflow-only subject is fine when a repo/owner is pinned elsewhere.
        if ((h.issue === 'user-claim' || h.issue === 'reusable-only') && others >= 2) continue;
        hits.push({ issue: h.issue, detail: `${pin.where}: ${h.detail}` });
        if (IDENTITY_ERRORS.has(h.issue)) hasError = true;
      }
      if (hasError) errorValues++;
      else cleanValues++;
    }
    if (vs.length > 1 && errorValues > 0 && cleanValues > 0) {
      hits.push({ issue: 'poisoned-list', detail: `${pin.where}: ${errorValues} of ${vs.length} values are rejected while the others look safe; values are ORed, so the list is as broad as its broadest value` });
    }
  });
  const identityPins = pins.filter(p => p.claim === 'sub' || p.claim.startsWith('derived:') || classifyClaim(p.claim) !== 'context').length;
  const explained = hits.some(h => h.issue !== 'not-analysable' && IDENTITY_ERRORS.has(h.issue as SubjectIssue));
  if (level === 0 && !explained) hits.push({ issue: 'no-identity', detail: identityPins === 0 ? 'no condition pins the subject, repository, project or pipeline' : 'the pinned claims do not identify a repository, project or pipeline' });
  if (level === 1 && !hits.some(h => h.issue === 'reusable-only')) hits.push({ issue: 'reusable-only', detail: '`job_workflow_ref` is pinned but no caller repository or owner' });
  if (level === 2) hits.push({ issue: 'org-wide', detail: 'only the owner/organisation is pinned' });
  const usesIds = pins.some((p, k) => (ID_CLAIMS.has(p.claim) && levels[k] >= 2) || verdicts[k].some(v => v?.usesIds && v.level >= 2));
  return { level, usesIds, hits, identityPins };
}

// ---------------------------------------------------------------- findings helpers

/** Collects the findings of one trust, once per (id, message). */
export class Collector {
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly trust: TrustRelationship) {}
  add(id: FindingId, message: string) {
    const key = `${id}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d = findingDefinition(id);
    const t = this.trust;
    this.findings.push({
      id,
      severity: d.severity,
      cloud: d.cloud,
      title: d.title,
      trust: t.id,
      file: t.file,
      resource: t.resource,
      ...(t.statement !== undefined ? { statement: t.statement } : {}),
      message,
    });
  }
  subjectIssue(cloud: FindingCloud, issue: SubjectIssue, detail: string) {
    const id = SUBJECT_ISSUE_IDS[issue][cloud];
    if (id) this.add(id, detail);
  }
}

/** Issuers shared by every customer of the platform (docs/security.md#f1, #f15). */
export function sharedIssuer(t: TrustRelationship): boolean {
  return isSharedIssuer(t.issuer);
}

/** Should a pin by recyclable names alone be flagged for this trust's provider (CIT-*-014/011/009)? */
export function flagsNameOnly(t: TrustRelationship): boolean {
  return analyserFor(t.ciProvider).analyser.flagsNameOnly === true;
}
