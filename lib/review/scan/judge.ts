/**
 * The shared core of the scanner: claims are classified by name, `sub` values are judged by the
 * trust's provider analyser (lib/ci/analysers.ts), and an AND of pins is judged as a whole. The
 * per-cloud passes (aws.ts, gcp.ts, azure.ts) turn the result into findings through a Collector.
 */
import { TrustRelationship } from './extract';
import {
  findingDefinition, FindingClass, FindingCloud, FindingId, fixFor, NOT_ANALYSABLE_IDS, Severity, SUBJECT_ISSUE_IDS, TENANT_WIDE_IDS,
} from './findings';
import { encodePattern, MatchMode } from './patterns';
import {
  anyRefPattern, ClaimFacts, CROSS_TENANT, hasWild, IdentityLevel, NEVER_MATCHES, partialNamePattern, pinned, refused, showPattern,
  SubjectIssue, SubjectVerdict,
} from '../../ci/analyser';
import { ANALYSERS, analyserFor, isSharedIssuer } from '../../ci/analysers';

export interface Finding {
  readonly id: FindingId;
  readonly class: FindingClass;
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
  /** The fix in the trust's provider's own claims. */
  readonly fix: string;
}

// ---------------------------------------------------------------- claims

/** Claim names of every provider: a template may pin any claim, whatever its issuer. */
function claimSet(pick: (c: ClaimFacts) => readonly string[] | undefined): Set<string> {
  return new Set(ANALYSERS.flatMap((e) => [...(pick(e.analyser.claims ?? {}) ?? [])]));
}
const REPO_CLAIMS = claimSet((c) => c.repository);
const OWNER_CLAIMS = claimSet((c) => c.owner);
const SCOPED_CLAIMS = claimSet((c) => c.scoped);
const PATH_CLAIMS = claimSet((c) => c.paths);
const CHECKED_ID_CLAIMS = claimSet((c) => c.ids);
export const ID_CLAIMS = new Set([...CHECKED_ID_CLAIMS, ...claimSet((c) => c.opaqueIds)]);

export type ClaimClass = 'subject' | 'repo' | 'owner' | 'scoped' | 'workflow' | 'audience' | 'context';

/** `audience` covers the issuer too: both are checked by the cloud, neither names a workload. */
export function classifyClaim(claim: string): ClaimClass {
  const c = claim.toLowerCase();
  if (c === 'sub') return 'subject';
  if (c === 'aud' || c === 'azp' || c === 'oaud' || c === 'iss') return 'audience';
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
    if (pattern === '') return refused('malformed', `\`${claim}\` is pinned to an empty value`);
    if (hasWild(pattern)) {
      // `acme/*`: the tenant before the first `/` is complete, the wildcard stays inside it.
      const slash = pattern.indexOf('/');
      if (PATH_CLAIMS.has(c) && slash > 0 && !hasWild(pattern.slice(0, slash))) {
        return { level: 2, issues: [{ issue: 'org-wide', detail: `\`${claim}\` value \`${v}\` pins ${pattern.slice(0, slash)} but admits any of its repositories (projects)` }], usesIds: false };
      }
      return refused('wildcard-identity', `\`${claim}\` value \`${v}\` contains a wildcard that crosses the tenant (owner, group, organization)`);
    }
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
  /** How the values compare: an exact comparison keeps `*` literal. */
  mode: MatchMode;
}

export type HitIssue = SubjectIssue | 'no-identity' | 'not-analysable' | 'tenant-wide';
export interface Hit { issue: HitIssue; detail: string }

export interface ConjunctionResult {
  level: IdentityLevel;
  usesIds: boolean;
  hits: Hit[];
  identityPins: number;
  /** A branch, tag or environment is pinned, or a `sub` value judged its own context (so no other any-ref applies). */
  contextJudged: boolean;
  /** Likewise for the HCP Terraform run phase. */
  phaseJudged: boolean;
  /** A pin whose every value can never match: the conjunction admits nothing. */
  broken: boolean;
}

/** Placeholders of a value that holds unresolved text (`${Org}`, `${var.x}`), not IAM's `${*}`, `${?}`, `${$}`. */
const PLACEHOLDER = /\$\{(?![*?$]\})[^}]*\}/g;

/**
 * A value with unresolved parts, judged on its literal text: each placeholder is read as a plain
 * name. What the literal text says for any value of the placeholders (a trailing `:*`, a wildcard
 * owner, a name-only form) is kept; what may come from the placeholder itself is not.
 */
function judgeSkeleton(provider: string, pin: Pin, raw: string): SubjectVerdict | undefined {
  const text = raw.replace(PLACEHOLDER, '1');
  const enc = encodePattern(text, pin.mode);
  if (enc === undefined) return undefined;
  // Messages name the value as written, not the stand-in text.
  const shown = showPattern(enc);
  const judged = judgeValue(provider, pin, enc, text);
  const v = { ...judged, issues: judged.issues.map(x => ({ ...x, detail: x.detail.split(shown).join(raw) })) };
  const voided = v.issues.some((x) => CROSS_TENANT.has(x.issue) || NEVER_MATCHES.has(x.issue) || x.issue === 'bitbucket-uuid');
  if (!voided) return { ...v, issues: v.issues.filter((x) => x.issue !== 'opaque-id') };
  const literalWildcard = hasWild(enc) && pin.mode !== 'exact';
  const kept = v.issues.filter((x) => x.issue === 'wildcard-identity' && literalWildcard);
  return kept.length ? { level: 0, issues: kept, usesIds: false } : undefined;
}

function judgeValue(provider: string, pin: Pin, val: string, raw: string): SubjectVerdict {
  // Exact comparisons: a `*` is text no token carries, an empty value matches no claim.
  if (pin.mode === 'exact' && (raw === '' || raw.includes('*'))) {
    return refused('never-matches', `value \`${raw}\` ${raw === '' ? 'is empty' : 'compares `*` as text'}, so it never matches`);
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
}

const maxLevel = (ls: IdentityLevel[]): IdentityLevel => ls.reduce<IdentityLevel>((m, l) => (l > m ? l : m), 0);

/**
 * Judges an AND of pins (an IAM statement, a CEL disjunct, a Flexible FIC expression).
 * Values of one pin are ORed, so a pin is as weak as its weakest value; pins are ANDed,
 * so the conjunction is as strong as its strongest pin. On a per-tenant issuer (`shared: false`)
 * the tenant is the issuer's, so what would cross it on a shared issuer is tenant-wide breadth.
 */
export function judgeConjunction(provider: string, pins: Pin[], options: { shared: boolean } = { shared: true }): ConjunctionResult {
  const hits: Hit[] = [];
  const facts = analyserFor(provider).analyser.claims ?? {};
  let unknownIdentity = false;
  // A condition whose values could not be read at all is unknown, not absent.
  if (pins.some(pin => pin.values.length === 0 && classifyClaim(pin.claim) !== 'context')) unknownIdentity = true;
  const verdicts = pins.map(pin => pin.values.map((val, i): SubjectVerdict | undefined => {
    const raw = pin.raw[i];
    if (val === undefined) {
      const held = [...new Set(raw.match(PLACEHOLDER) ?? [])].map(x => `\`${x}\``).join(', ');
      hits.push({ issue: 'not-analysable', detail: `${pin.where}: value \`${raw}\` holds ${held || 'an unresolved expression'}, not known statically; only its literal text is judged` });
      if (classifyClaim(pin.claim) !== 'context') unknownIdentity = true;
      return judgeSkeleton(provider, pin, raw);
    }
    return judgeValue(provider, pin, val, raw);
  }));
  // Values that can match (a never-matching value neither widens nor pins).
  const live = (vs: (SubjectVerdict | undefined)[]) => vs.filter((x): x is SubjectVerdict =>
    x !== undefined && !x.issues.some(h => NEVER_MATCHES.has(h.issue)));
  const pinLevel = (k: number): IdentityLevel => {
    const vs = live(verdicts[k]);
    return vs.length === 0 ? 0 : vs.reduce<IdentityLevel>((m, x) => (x.level < m ? x.level : m), 3);
  };
  const levels = pins.map((_, k) => pinLevel(k));
  const ownerPinned = levels.some(l => l >= 2);
  pins.forEach((pin, k) => {
    if (classifyClaim(pin.claim) === 'scoped' && ownerPinned && verdicts[k].every(x => x && x.issues.length === 0)) levels[k] = 3;
  });
  const level = maxLevel(levels);
  const broken = pins.some((_, k) => verdicts[k].length > 0 && verdicts[k].every(x => x?.issues.some(h => NEVER_MATCHES.has(h.issue))));

  // Context pinned by a claim (GCP `assertion.ref`, Buildkite's `build_branch` session tag) covers a `sub` without one.
  // A live pin on one of `names` none of whose values is `open`.
  const exactOn = (names: readonly string[] | undefined, open: (v: string) => boolean = anyRefPattern) => pins.some((p, k) =>
    (names ?? []).includes(p.claim) && p.values.length > 0 && p.values.every(v => v !== undefined && !open(v)) && live(verdicts[k]).length > 0);
  const claimContext = exactOn(facts.context);
  // Wildcard-free, so a partial ref pattern elsewhere in the conjunction is moot.
  const exactContext = exactOn(facts.context, hasWild);
  const claimPhase = exactOn(facts.phase);
  pins.forEach((p) => {
    if ((facts.context ?? []).includes(p.claim) && p.values.some(v => v !== undefined && hasWild(v) && anyRefPattern(v))) {
      hits.push({ issue: 'any-ref', detail: `${p.where}: \`${p.raw.join('`, `')}\` matches any branch, tag or environment` });
    } else if (level === 3 && !exactContext && (facts.context ?? []).includes(p.claim)) {
      // `assertion.ref.startsWith('refs/heads/release/')`: a partial pattern on a context claim (CIT-M012).
      const partial = p.values.filter((v): v is string => v !== undefined && partialNamePattern(v)).map(showPattern);
      const how = p.claim.includes('environment') ? 'name a matching environment' : 'push a matching ref';
      if (partial.length) hits.push({ issue: 'ref-pattern', detail: `${p.where}: \`${p.claim}\` pattern \`${partial.join('`, `')}\` admits every matching value, so anyone who can ${how} gets the credentials` });
    }
  });
  // A `sub` at repository level judged its own context (its any-ref issues are reported with it).
  const subContext = pins.some((p, k) => p.claim === 'sub' && live(verdicts[k]).length > 0 && live(verdicts[k]).every(x => x.level === 3 || x.contextPinned));

  const crossTenant: Hit[] = [];
  pins.forEach((pin, k) => {
    const others = maxLevel(levels.filter((_, j) => j !== k));
    let crossValues = 0;
    let cleanValues = 0;
    for (const v of verdicts[k]) {
      if (!v) continue;
      let crosses = false;
      for (const h of v.issues) {
        // Another pin of the conjunction narrows to the tenant or further: this value's breadth is moot.
        if (CROSS_TENANT.has(h.issue) && others >= 2) continue;
        if (h.issue === 'org-wide' && level === 3) continue;
        if ((h.issue === 'any-ref' && claimContext) || (h.issue === 'run-phase-any' && claimPhase)) continue;
        // A partial ref pattern is breadth inside one pinned identity only; an exact context claim narrows it.
        if (h.issue === 'ref-pattern' && (level < 3 || exactContext)) continue;
        const hit: Hit = CROSS_TENANT.has(h.issue) && !options.shared ? { issue: 'tenant-wide', detail: `${pin.where}: ${h.detail}` } : { issue: h.issue, detail: `${pin.where}: ${h.detail}` };
        if (CROSS_TENANT.has(h.issue)) {
          crossTenant.push(hit);
          crosses = options.shared;
        }
        hits.push(hit);
      }
      if (crosses) crossValues++;
      else if (!v.issues.some(h => NEVER_MATCHES.has(h.issue))) cleanValues++;
    }
    if (verdicts[k].length > 1 && crossValues > 0 && cleanValues > 0) {
      hits.push({ issue: 'poisoned-list', detail: `${pin.where}: ${crossValues} of ${verdicts[k].length} values cross the tenant boundary while the others look safe; values are ORed, so the list is as broad as its broadest value` });
    }
  });
  const identityPins = pins.filter(p => p.claim === 'sub' || p.claim.startsWith('derived:') || !['context', 'audience'].includes(classifyClaim(p.claim))).length;
  const explained = crossTenant.length > 0 || broken || unknownIdentity || hits.some(h => h.issue === 'bitbucket-uuid');
  if (level === 0 && !explained) hits.push({ issue: 'no-identity', detail: identityPins === 0 ? 'no condition pins the subject, repository, project or pipeline' : 'the pinned claims do not identify a repository, project or pipeline' });
  if (level === 1 && !crossTenant.length) {
    const detail = '`job_workflow_ref` is pinned but no caller repository or owner';
    hits.push(options.shared ? { issue: 'reusable-only', detail } : { issue: 'tenant-wide', detail });
  }
  if (level === 2 && !hits.some(h => h.issue === 'org-wide')) hits.push({ issue: 'org-wide', detail: 'only the owner/organisation is pinned' });
  const usesIds = pins.some((p, k) => (ID_CLAIMS.has(p.claim) && levels[k] >= 2) || verdicts[k].some(v => v?.usesIds && v.level >= 2));
  return {
    level,
    usesIds,
    hits,
    identityPins,
    contextJudged: claimContext || subContext || !facts.context,
    phaseJudged: claimPhase || subContext || !facts.phase,
    broken,
  };
}

/** The breadth a conjunction leaves open on its context (a repository pinned by claims, no ref or phase pin). */
export function contextHits(r: Pick<ConjunctionResult, 'level' | 'contextJudged' | 'phaseJudged' | 'broken'>, where = 'the trust'): Hit[] {
  if (r.level !== 3 || r.broken) return [];
  const out: Hit[] = [];
  if (!r.contextJudged) out.push({ issue: 'any-ref', detail: `${where} pins one repository, project or pipeline but no branch, tag or environment, so any ref qualifies` });
  if (!r.phaseJudged) out.push({ issue: 'run-phase-any', detail: `${where} pins the workspace but not the run phase, so plan and apply runs qualify alike` });
  return out;
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
      class: d.class,
      severity: d.severity,
      cloud: d.cloud,
      title: d.title,
      trust: t.id,
      file: t.file,
      resource: t.resource,
      ...(t.statement !== undefined ? { statement: t.statement } : {}),
      message,
      fix: fixFor(id, t.ciProvider, t.issuer),
    });
  }
  subjectIssue(cloud: FindingCloud, issue: SubjectIssue, detail: string) {
    // A ci-oidc-trust construct took the UUID as the pipeline id and has the job request it as `sub`.
    if (issue === 'opaque-id' && this.trust.metadata?.ciSnippet?.includes('--subject-claim pipeline_id')) return;
    const id = SUBJECT_ISSUE_IDS[issue][cloud];
    if (id) this.add(id, detail);
  }
  /** One hit of judgeConjunction; `noPin` is the cloud's finding for no identity pin on a shared issuer. */
  hit(cloud: FindingCloud, h: Hit, noPin: FindingId) {
    const issuer = this.trust.issuer ?? 'unknown';
    if (h.issue === 'not-analysable') this.add(NOT_ANALYSABLE_IDS[cloud], h.detail);
    else if (h.issue === 'tenant-wide') this.add(TENANT_WIDE_IDS[cloud], `${h.detail} (issuer ${issuer} is per tenant or not known to be shared)`);
    else if (h.issue === 'no-identity') this.add(sharedIssuer(this.trust) ? noPin : TENANT_WIDE_IDS[cloud], `${h.detail} (issuer ${issuer})`);
    else this.subjectIssue(cloud, h.issue, h.detail);
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

