/**
 * The shared shape of the review scanner's subject analysers (`lib/ci/<provider>/analyser.ts`).
 * An analyser reads `sub` values of templates this library did not write, so it is an independent
 * reading of the provider's grammar: it never imports the provider's builder or subject.ts, and the
 * consistency test (test/review/analyser-consistency.test.ts) checks the two readings agree.
 * Pure functions on strings; no cloud, no I/O.
 * @internal
 */

/**
 * Wildcards in an encoded pattern. Private-use characters, so a literal `*` (IAM `StringEquals`)
 * stays distinct from the wildcard of `StringLike`.
 * @internal
 */
export const ANY = '\uE000';
/** @internal */
export const ONE = '\uE001';

/** True when the pattern has a wildcard (or could not be resolved). @internal */
export const hasWild = (s: string | undefined): boolean => s === undefined || /[\uE000\uE001]/.test(s);
/** True when the pattern is nothing but wildcards (or could not be resolved). @internal */
export const allWild = (s: string | undefined): boolean => s === undefined || (s.length > 0 && /^[\uE000\uE001]+$/.test(s));
/** Display form: wildcards back to `*`/`?`. @internal */
export function showPattern(s: string): string {
  return s.replace(/\uE000/g, '*').replace(/\uE001/g, '?');
}

/** A UUID in either letter case (Buildkite pipeline ids in `sub`). @internal */
export const ANY_CASE_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** How much of a tenant a pin identifies: 0 none, 1 reusable workflow only, 2 owner/organisation, 3 one repository/project/pipeline. @internal */
export type IdentityLevel = 0 | 1 | 2 | 3;

/**
 * What can be wrong with a subject, independent of the cloud; the review maps each to one finding
 * id per cloud (lib/review/scan/findings.ts).
 * @internal
 */
export type SubjectIssue =
  | 'wildcard-identity' | 'any-ref' | 'pull-request' | 'user-claim' | 'reusable-only'
  | 'name-only' | 'run-phase-any' | 'bitbucket-uuid' | 'malformed' | 'org-wide' | 'poisoned-list';

/** Issues that void the identity a value pins (the others are warnings about its breadth). @internal */
export const IDENTITY_ERRORS: ReadonlySet<SubjectIssue> = new Set<SubjectIssue>([
  'wildcard-identity', 'user-claim', 'reusable-only', 'bitbucket-uuid', 'malformed',
]);

/** The judgement of one value. @internal */
export interface SubjectVerdict {
  level: IdentityLevel;
  issues: { issue: SubjectIssue; detail: string }[];
  /** The value pins the identity by immutable id (not by a recyclable name). */
  usesIds: boolean;
}

/** A value that pins `level` of the identity, with no issue (yet). @internal */
export function pinned(level: IdentityLevel, usesIds = false): SubjectVerdict {
  return { level, issues: [], usesIds };
}
/** A value with one issue. @internal */
export function refused(issue: SubjectIssue, detail: string, level: IdentityLevel = 0): SubjectVerdict {
  return { level, issues: [{ issue, detail }], usesIds: false };
}

/** True when the verdict pins one repository/project/pipeline and nothing voids it. @internal */
export function pinsOneIdentity(v: SubjectVerdict): boolean {
  return v.level === 3 && !v.issues.some((i) => IDENTITY_ERRORS.has(i.issue));
}

/**
 * Claims the scanner classifies by name, whatever the trust's provider (a template may pin any
 * claim). Names are lower case, as the scanner compares them.
 * @internal
 */
export interface ClaimFacts {
  /** An exact value names one repository, project, pipeline or workspace. */
  readonly repository?: readonly string[];
  /** An exact value names an owner, organisation, namespace or workspace group. */
  readonly owner?: readonly string[];
  /** Names unique only inside an owner: a repository pin only together with an owner pin. */
  readonly scoped?: readonly string[];
  /** Immutable ids in a checked format (positive decimal, UUID, or `ws-`/`org-`/`prj-` id). */
  readonly ids?: readonly string[];
  /** Immutable ids whose format the scanner does not check (braced UUIDs). */
  readonly opaqueIds?: readonly string[];
}

/** The review scanner's reading of one CI provider's `sub`. @internal */
export interface SubjectAnalyser {
  /** Names are recyclable and the provider has an immutable-id form worth flagging when unused (CIT-*-014/011/009). */
  readonly flagsNameOnly?: boolean;
  /** Claims this provider's tokens carry that identify a tenant. */
  readonly claims?: ClaimFacts;
  /** Judges one `sub` value, encoded with wildcards as {@link ANY}/{@link ONE}. */
  analyse(pattern: string): SubjectVerdict;
  /** The subject as a who-sentence (e.g. "GitHub Actions jobs of acme/web on branch main"), or undefined for the generic one. */
  describe?(pattern: string): string | undefined;
  /** True when this exact subject is a `key:value` sequence, so a value without `:` is a fragment (Azure CIT-AZ-002). */
  isKeyValueSubject?(subject: string): boolean;
}

/**
 * A subject whose grammar the scanner does not know: pinned unless empty or wildcarded in its first
 * segment (split on `:` and `/`).
 * @internal
 */
export function analyseOpaqueSubject(p: string): SubjectVerdict {
  const v = showPattern(p);
  if (p === '') return refused('malformed', 'subject is empty');
  if (allWild(p)) return refused('wildcard-identity', `subject \`${v}\` is a bare wildcard`);
  const first = p.split(/[:/]/).filter((s) => s !== '')[0];
  if (hasWild(first)) return refused('wildcard-identity', `subject \`${v}\` has a wildcard in its first segment`);
  return pinned(3);
}
