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
 * id per cloud (lib/review/scan/findings.ts), and its class follows docs/review.md#severity:
 * - crossing the tenant boundary (an error on a shared issuer; on a per-tenant issuer the tenant
 *   itself is the boundary, so the same value is tenant-wide breadth): `wildcard-identity`,
 *   `user-claim`, `reusable-only`;
 * - never matching (broken): `malformed`, `never-matches`;
 * - breadth inside the tenant or a latent risk (warnings): the rest.
 * @internal
 */
export type SubjectIssue =
  | 'wildcard-identity' | 'any-ref' | 'pull-request' | 'user-claim' | 'reusable-only'
  | 'name-only' | 'run-phase-any' | 'bitbucket-uuid' | 'malformed' | 'org-wide' | 'poisoned-list'
  | 'never-matches' | 'opaque-id' | 'ref-pattern';

/** Issues through which someone outside the tenant gets in, when the issuer is shared. @internal */
export const CROSS_TENANT: ReadonlySet<SubjectIssue> = new Set<SubjectIssue>(['wildcard-identity', 'user-claim', 'reusable-only']);

/** Issues of a value that can never match a token. @internal */
export const NEVER_MATCHES: ReadonlySet<SubjectIssue> = new Set<SubjectIssue>(['malformed', 'never-matches']);

/** Issues that void the identity a value pins (the others are warnings about its breadth). @internal */
export const IDENTITY_ERRORS: ReadonlySet<SubjectIssue> = new Set<SubjectIssue>([
  ...CROSS_TENANT, ...NEVER_MATCHES, 'bitbucket-uuid',
]);

/** The judgement of one value. @internal */
export interface SubjectVerdict {
  level: IdentityLevel;
  issues: { issue: SubjectIssue; detail: string }[];
  /** The value pins the identity by immutable id (not by a recyclable name). */
  usesIds: boolean;
  /** A value that pins no repository may still pin the branch, tag or environment (`environment:prod`). */
  contextPinned?: boolean;
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
  /** Claims whose exact value pins a branch, tag or environment: without one, any ref qualifies. */
  readonly context?: readonly string[];
  /** Claims whose exact value pins the run phase (HCP Terraform plan or apply). */
  readonly phase?: readonly string[];
  /** Repository or owner claims valued `TENANT/…`: a wildcard after the first `/` stays inside the tenant. */
  readonly paths?: readonly string[];
}

/**
 * How this provider's own identity is written, for fix texts (docs/review.md: fixes name the
 * provider's claims, not GitHub's). Each is a Markdown fragment.
 * @internal
 */
export interface PinAdvice {
  /** The identity as a `sub` value, e.g. `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`. */
  readonly subject: string;
  /** The identity as claims, e.g. `repository_id` (with `repository_owner_id`). */
  readonly claims: string;
  /** A ref, environment or phase pin, e.g. `ref:refs/heads/<branch>`; absent where there is none. */
  readonly context?: string;
}

/** The review scanner's reading of one CI provider's `sub`. @internal */
export interface SubjectAnalyser {
  /** Names are recyclable and the provider has an immutable-id form worth flagging when unused (CIT-*-014/011/009). */
  readonly flagsNameOnly?: boolean;
  /** Claims this provider's tokens carry that identify a tenant. */
  readonly claims?: ClaimFacts;
  /** The provider's own identity and context forms, for fix texts. */
  readonly advice?: PinAdvice;
  /** Judges one `sub` value, encoded with wildcards as {@link ANY}/{@link ONE}. */
  analyse(pattern: string): SubjectVerdict;
  /** The subject as a who-sentence (e.g. "GitHub Actions jobs of acme/web on branch main"), or undefined for the generic one. */
  describe?(pattern: string): string | undefined;
  /** True when this exact subject is a `key:value` sequence, so a value without `:` is a fragment (Azure CIT-AZ-002). */
  isKeyValueSubject?(subject: string): boolean;
}

/** A whole-segment ref wildcard: `*`, `refs/*`, `refs/heads/*`, `refs/tags/*` (any branch or tag). @internal */
export function anyRefPattern(ref: string | undefined): boolean {
  if (ref === undefined || ref === '' || allWild(ref)) return true;
  const m = /^refs\/?(?:(?:heads|tags)\/)?(.*)$/.exec(ref);
  return m !== null && m[1] !== '' && allWild(m[1]);
}

/**
 * A ref with a wildcard that leaves part of it literal (`refs/heads/release/*`, `refs/tags/v*`):
 * every matching ref anyone with push access creates qualifies (CIT-M012). A wildcard over the
 * whole ref is {@link anyRefPattern}, not this.
 * @internal
 */
export function partialRefPattern(ref: string | undefined): boolean {
  return ref !== undefined && hasWild(ref) && !anyRefPattern(ref);
}

/** An environment (or other name) with a wildcard that leaves part of it literal (`prod-*`). @internal */
export function partialNamePattern(name: string | undefined): boolean {
  return name !== undefined && hasWild(name) && !allWild(name);
}

/**
 * The issue of a partial pattern after a pinned identity (CIT-M012), in one wording for every
 * provider: `subject` admits every `what` matching `pattern`, so anyone who can `how` gets in.
 * @internal
 */
export function refPatternIssue(subject: string, what: string, pattern: string, how: string): { issue: SubjectIssue; detail: string } {
  return { issue: 'ref-pattern', detail: `subject \`${subject}\` admits every ${what} matching \`${showPattern(pattern)}\`, so anyone who can ${how} gets the credentials` };
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
