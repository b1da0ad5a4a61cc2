/**
 * Every rule the model enforces, as data (in the spirit of cdk-nag): an id, a level, why it exists and
 * how to fix it. Builders and the Trust check cite these ids; the review shows them; the README's
 * rule table is generated from them (scripts/docs-tables.ts). Limits live in lib/model/limits.ts and
 * one limits.ts per cloud, the template scanner's findings in lib/review/scan/findings.ts.
 */

/** Severity of a rule. */
export enum RuleLevel {
  /** Refused at synth. */
  ERROR = 'ERROR',
  /** Allowed, shown in the review. */
  WARNING = 'WARNING',
}

/**
 * A named, explicit widening of the secure default. Each one must be passed to the builder's
 * `accept(...)` and is shown in the review of every artifact compiled from the trust.
 */
export enum Widening {
  /** Trust repository/project names without immutable ids (renamed or recycled names can be re-registered by anyone). */
  NAME_ONLY_IDENTITY = 'NAME_ONLY_IDENTITY',
  /** Trust every branch, tag, pull request and environment of the pinned identity (`repo:o/r:*`). */
  ANY_REF = 'ANY_REF',
  /** Wildcard patterns in a branch, tag or environment (only after an exact identity). */
  REF_PATTERN = 'REF_PATTERN',
  /** HCP Terraform: give plan runs (which execute provider and external-data code) an apply-capable trust. */
  PLAN_AND_APPLY = 'PLAN_AND_APPLY',
}

/** A rule of the model. */
export interface RuleDefinition {
  /** Stable id, e.g. `CIT-M001`. */
  readonly id: string;
  /** Severity. */
  readonly level: RuleLevel;
  /** One line. */
  readonly title: string;
  /** Why the rule exists (the failure mode it prevents, with its anchor in docs/security.md). */
  readonly rationale: string;
  /** How to satisfy it. */
  readonly fix: string;
  /** The widening that turns this error into a warning, if any. */
  readonly widening?: Widening;
}

// The one list of model rules. Its ids make `RuleId`, so a misspelt id in `rule()`, a
// `TrustConfigError` or a builder's required widening is a compile error. Ids are never reused.
const DEFINITIONS = [
  { id: 'CIT-M001', level: RuleLevel.ERROR, title: 'Every alternative pins a CI identity', rationale: 'Shared issuers (GitHub, GitLab.com, Buildkite, HCP Terraform) sign tokens for every tenant; a trust without an owner/repository/project/pipeline pin accepts all of them (docs/security.md#f1, #f7, #f15).', fix: 'pin the repository, project or pipeline with the builder (by immutable id where the provider has one)' },
  { id: 'CIT-M002', level: RuleLevel.ERROR, title: 'No wildcard in an identity position', rationale: '`repo:org/*`, `repo:org*`, `pipeline:app*` admit other and future repositories or pipelines, including attacker-registered look-alikes (docs/security.md#f2, #f14).', fix: 'name the exact owner and repository (project, pipeline); wildcards are only allowed in a trailing branch, tag or environment via REF_PATTERN' },
  { id: 'CIT-M003', level: RuleLevel.ERROR, title: 'No empty or wildcard-only value', rationale: 'An empty or wildcard-only value pins nothing (docs/security.md#bad-input-matrix).', fix: 'give the exact value' },
  { id: 'CIT-M004', level: RuleLevel.ERROR, title: 'No control, invisible or bidirectional characters', rationale: 'Look-alike and invisible characters make a reviewed trust differ from what it matches (docs/security.md#bad-input-matrix).', fix: 'use the plain printable value exactly as the CI provider shows it' },
  { id: 'CIT-M005', level: RuleLevel.ERROR, title: 'Audiences are exact', rationale: 'The workflow chooses `aud` (Gato-X mints tokens with any audience), so `*` or an empty audience accepts tokens minted for other services (docs/security.md#f1, #issuer-and-audience).', fix: 'give the exact audience, e.g. sts.amazonaws.com' },
  { id: 'CIT-M006', level: RuleLevel.ERROR, title: 'Issuer is a valid https URL', rationale: 'Mirrors octo-sts IsValidIssuer: https, no userinfo, query, fragment, dot segments or trailing slash (docs/security.md#issuer-and-audience).', fix: 'use the exact `iss` of the CI provider' },
  { id: 'CIT-M007', level: RuleLevel.ERROR, title: 'The condition can match', rationale: 'A condition with no satisfiable alternative is a mistake that would compile to a role nobody can assume.', fix: 'check the values: contradictory pins on one claim cancel out' },
  { id: 'CIT-M010', level: RuleLevel.ERROR, widening: Widening.NAME_ONLY_IDENTITY, title: 'Identities are pinned by immutable id', rationale: 'Deleted or renamed owners and repositories can be re-registered and inherit the name-based subject ("Sub:jugation", docs/security.md#f6).', fix: 'give the owner and repository (project, pipeline) ids, or accept Widening.NAME_ONLY_IDENTITY' },
  { id: 'CIT-M011', level: RuleLevel.ERROR, widening: Widening.ANY_REF, title: 'A branch, tag or environment is pinned', rationale: '`repo:o/r:*` lets any branch push, pull request or tag assume the role; Gato-X automates the branch push (docs/security.md#f3).', fix: 'pin a branch, tag or environment, or accept Widening.ANY_REF' },
  { id: 'CIT-M012', level: RuleLevel.ERROR, widening: Widening.REF_PATTERN, title: 'Branch, tag and environment patterns are explicit', rationale: 'A pattern such as `release/*` admits every ref anyone with push access can create (docs/security.md#f2, #f3).', fix: 'list the exact refs, or accept Widening.REF_PATTERN' },
  { id: 'CIT-M013', level: RuleLevel.WARNING, title: 'Pull-request runs execute untrusted code', rationale: 'The `:pull_request` subject is emitted for any pull-request event without an environment (docs/security.md#f4).', fix: 'only grant read-only permissions to pull-request trusts' },
  { id: 'CIT-M014', level: RuleLevel.WARNING, title: 'Production trust without an environment', rationale: 'Environment protection rules (reviewers, branch policies) only apply when the job names an environment (docs/security.md#f5).', fix: 'pin an environment with protection rules' },
  { id: 'CIT-M015', level: RuleLevel.ERROR, widening: Widening.PLAN_AND_APPLY, title: 'Plan and apply runs are kept apart', rationale: '`run_phase:*` gives apply credentials to plan runs, which execute provider and external-data code (docs/security.md#hcp-terraform).', fix: 'make separate plan (read-only) and apply trusts, or accept Widening.PLAN_AND_APPLY' },
  { id: 'CIT-M016', level: RuleLevel.ERROR, title: 'A custom subject keeps the repository identity', rationale: 'A subject template without `repo` (or the owner/repository ids) is matched by any workflow in any organization that emits the same claims (docs/security.md#f7).', fix: 'include "repo" (or repository_owner_id and repository_id) in the subject template' },
  { id: 'CIT-M017', level: RuleLevel.WARNING, title: 'Self-hosted runners can carry state between jobs', rationale: 'Persistent self-hosted runners keep credentials and network reach between jobs (docs/security.md#f13).', fix: 'pin runner_environment to the provider-hosted value where the cloud can check it' },
  { id: 'CIT-M018', level: RuleLevel.WARNING, title: 'Issuer scheduled for retirement', rationale: 'Microsoft retires the Azure DevOps issuer for eligible service connections on 2027-07-01 (docs/claims.md#azure-devops).', fix: 'convert the service connection to the Entra issuer' },
  { id: 'CIT-M019', level: RuleLevel.ERROR, title: 'Issuer and audience are not claim tests', rationale: 'Each cloud checks `iss` and `aud` through the trust\'s issuer and audiences (AWS keys the audience itself); a claim test on them would be overwritten or checked twice, so a cloud could accept what the model denies (docs/security.md#issuer-and-audience).', fix: 'set the issuer with the builder and the audience with withAudience()' },
  { id: 'CIT-M020', level: RuleLevel.ERROR, title: 'No near miss of a known audience', rationale: 'An audience one or two characters off the one the cloud\'s tools request (`sts.amazonaw.com`) synthesizes, deploys, and then denies every job; nothing shows the typo before the first run.', fix: 'use the exact default audience, or an audience the job requests explicitly (docs/security.md#issuer-and-audience)' },
  { id: 'CIT-M021', level: RuleLevel.WARNING, title: 'AWS audience other than the tools\' default', rationale: 'aws-actions/configure-aws-credentials and the AWS SDKs request `sts.amazonaws.com` (HCP Terraform: `aws.workload.identity`) unless the job says otherwise; a trust that does not accept it denies every job that keeps the default, and nothing shows it before the first run.', fix: 'accept the default audience, or make every job request the trust\'s audience explicitly (the CI snippet shows how)' },
  { id: 'CIT-M022', level: RuleLevel.WARNING, title: 'Upper-case letters in an owner or repository name', rationale: 'Every cloud compares `sub` case-sensitively, and the token spells the owner and repository as GitHub stores them; `Acme/Web` typed from memory for a repository stored as `acme/web` denies every job (docs/security.md#f11).', fix: 'copy the owner and repository exactly as GitHub\'s API returns them (gh api repos/OWNER/REPO --jq .full_name)' },
] as const satisfies readonly RuleDefinition[];

/** A model rule id: `CIT-M001` … (a typo is a compile error). @internal */
export type RuleId = (typeof DEFINITIONS)[number]['id'];

/** Every model rule id, in catalogue order. @internal */
export const RULE_IDS: readonly RuleId[] = DEFINITIONS.map((r) => r.id);

/** The model rules, by id. @internal */
export const RULES: Readonly<Record<RuleId, RuleDefinition>> =
  Object.fromEntries(DEFINITIONS.map((r) => [r.id, r])) as Record<RuleId, RuleDefinition>;

/** Look up a rule. @internal */
export function rule(id: RuleId): RuleDefinition {
  const r = RULES[id];
  if (!r) throw new Error(`unknown rule ${id}`);
  return r;
}

/** Invisible, bidirectional-override and control characters. @internal */
export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0]/u;
