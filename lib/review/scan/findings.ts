/**
 * The finding catalogue, as data (cdk-nag style). Ids are stable: never renumber, only append; a
 * retired rule keeps its id out of use. `source` names where the rule comes from: the failure
 * mode in docs/security.md (`#f1`…`#f16`), a provider or platform hazard there, or the public
 * rule of another scanner it supersedes, so reviewers can trace why a rule exists.
 *
 * Same shape as the model's rules (lib/model/rules.ts: id, level, title, rationale, fix) plus the
 * cloud and the source; the level is `severity` here, in the lower case the review's JSON schema
 * fixes (docs/review-schema.json).
 */
import { SubjectIssue } from '../../ci/analyser';

export type { SubjectIssue };

/** Every finding id, in catalogue order: a typo in an id anywhere is a compile error. */
export const FINDING_IDS = [
  'CIT-AWS-001', 'CIT-AWS-002', 'CIT-AWS-003', 'CIT-AWS-004', 'CIT-AWS-005', 'CIT-AWS-006', 'CIT-AWS-007',
  'CIT-AWS-008', 'CIT-AWS-009', 'CIT-AWS-010', 'CIT-AWS-011', 'CIT-AWS-012', 'CIT-AWS-013', 'CIT-AWS-014',
  'CIT-AWS-015', 'CIT-AWS-016', 'CIT-AWS-017', 'CIT-AWS-018', 'CIT-AWS-019', 'CIT-AWS-020',
  'CIT-GCP-001', 'CIT-GCP-002', 'CIT-GCP-003', 'CIT-GCP-004', 'CIT-GCP-005', 'CIT-GCP-006', 'CIT-GCP-007',
  'CIT-GCP-008', 'CIT-GCP-009', 'CIT-GCP-010', 'CIT-GCP-011', 'CIT-GCP-012', 'CIT-GCP-013', 'CIT-GCP-014',
  'CIT-GCP-015', 'CIT-GCP-016', 'CIT-GCP-017',
  'CIT-AZ-001', 'CIT-AZ-002', 'CIT-AZ-003', 'CIT-AZ-004', 'CIT-AZ-005', 'CIT-AZ-006', 'CIT-AZ-007',
  'CIT-AZ-008', 'CIT-AZ-009', 'CIT-AZ-010', 'CIT-AZ-011', 'CIT-AZ-012', 'CIT-AZ-013', 'CIT-AZ-014',
  'CIT-AZ-015',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];
export type Severity = 'error' | 'warning';
export type FindingCloud = 'aws' | 'gcp' | 'azure';

export interface FindingDefinition {
  readonly id: FindingId;
  readonly severity: Severity;
  readonly cloud: FindingCloud;
  readonly title: string;
  readonly rationale: string;
  readonly fix: string;
  /** References, `; `-separated: each a repository doc (`docs/…#anchor`) or names a public URL. */
  readonly source: string;
}

type Entry = Omit<FindingDefinition, 'id'>;
const entry = (severity: Severity, cloud: FindingCloud, title: string, rationale: string, fix: string, source: string): Entry =>
  ({ severity, cloud, title, rationale, fix, source });

// ---- sources
/** A failure mode of docs/security.md, F1…F16. */
const F = (n: number): string => `docs/security.md#f${n}`;
/** A provider or platform hazard section of docs/security.md (`#buildkite`, `#issuer-and-audience`, …). */
const HAZARD = (anchor: string): string => `docs/security.md#${anchor}`;
/** A checkov check (ids in its policy index), with the sub-case of it this rule covers. */
const CHECKOV = (what: string): string => `checkov ${what} https://www.checkov.io/5.Policy%20Index/all.html`;
const REF = {
  semgrep: 'Semgrep unrestricted-github-oidc-policy https://semgrep.dev/r/terraform.aws.security.unrestricted-github-oidc-policy.unrestricted-github-oidc-policy',
  datadog: 'Datadog def-000-5g7 https://docs.datadoghq.com/security/default_rules/def-000-5g7/',
  trivy: 'Trivy AVD-GCP-0068 https://avd.aquasec.com/misconfig/google/iam/avd-gcp-0068/',
  prowler: 'Prowler https://hub.prowler.com/',
  panther: 'Panther https://github.com/panther-labs/panther-analysis/pull/1456',
  configureAwsCredentials: 'configure-aws-credentials README https://github.com/aws-actions/configure-aws-credentials#readme',
  iamConditionOperators: 'AWS condition operators https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
  googleAuth: 'google-github-actions/auth security considerations https://github.com/google-github-actions/auth/blob/main/docs/SECURITY_CONSIDERATIONS.md',
  // What the scanner cannot read statically is reported, never passed (docs/review.md, Inputs).
  scannerLimitation: 'docs/review.md#inputs',
};
const src = (...refs: string[]): string => refs.join('; ');

// Shared wording for the subject rules that apply to every cloud.
const R = {
  wildcard: 'IAM StringLike `*`/`?`, CEL startsWith/matches and Flexible-FIC `matches` match any characters, including `/` and `:`. A wildcard in an owner, repository, project, pipeline or workspace position admits other, future, renamed or attacker-registered namespaces (`repo:org*` matches `org-evil`, `repo:org/app*` matches `app-fork`).',
  wildcardFix: 'Pin the exact owner and repository (GitLab project, Buildkite pipeline, HCP workspace); put wildcards only in the trailing ref/environment segment.',
  anyRef: 'Any branch push, pull-request merge ref or tag of the repository qualifies; anyone with push access to any branch can mint a matching token (Gato-X automates this).',
  anyRefFix: 'Pin `ref:refs/heads/<branch>` or `environment:<env>` instead of `*`.',
  pr: 'GitHub emits `…:pull_request` for any pull_request event without an environment; the job runs code proposed in the PR.',
  prFix: 'Trust pull-request subjects only from read-only roles, or require an environment with protection rules.',
  userClaim: 'The subject starts with (or only contains) claims that any workflow author in any organisation controls (environment, ref, workflow, context, head_ref, base_ref, event_name, actor); without a repository or owner pin, every GitHub repository can produce it.',
  userClaimFix: 'Include `repo`/`repository_id`/`repository_owner_id` in the subject template (or pin the repository ID as a separate condition).',
  reusable: '`job_workflow_ref` names the shared workflow, not the caller: any repository that calls the reusable workflow matches.',
  reusableFix: 'Pin `job_workflow_ref` and the caller repository (or owner) ID together.',
  nameOnly: 'GitHub names are recyclable: a deleted or renamed owner/repository can be re-registered by anyone, who then gets the same subject (Astrix "Sub:jugation").',
  nameOnlyFix: 'Use the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` or also pin `repository_id`/`repository_owner_id`.',
  runPhase: '`run_phase:*` gives apply-phase credentials to plan runs, which execute provider and external-data code from unreviewed changes.',
  runPhaseFix: 'Use separate roles for `run_phase:plan` (read-only) and `run_phase:apply`.',
  bitbucket: 'Bitbucket subjects start with the repository UUID in braces; without it any repository in the workspace (or any issuer with the same shape) matches.',
  bitbucketFix: 'Start the subject with the braced repository UUID, e.g. `{2e9e429c-…}:*`.',
  malformed: 'The value does not parse as a subject of this CI provider (e.g. `repo:` without `owner/repo`, an `@id` that is not a positive number), so it either never matches or matches something other than intended.',
  malformedFix: 'Write the subject in the CI provider\'s documented shape (see the provider\'s OIDC token reference).',
  orgWide: 'Only the owner/organisation/namespace is pinned: every current and future repository (project, pipeline, workspace) in it can assume this identity.',
  orgWideFix: 'Also pin the repository (project, pipeline, workspace), preferably by immutable ID.',
  notAnalysable: 'The trust could not be evaluated statically (unresolved expression, unsupported syntax), so none of the other rules could check it.',
  notAnalysableFix: 'Review it by hand, or synthesize with literal values so the scanner can read it.',
  poisoned: 'List values are ORed: one broad value among exact ones opens the whole trust. Scanners that stop at the first value (checkov) miss this.',
  poisonedFix: 'Remove the broad value; check every value of the list.',
};

/** The catalogue: every id of FINDING_IDS exactly once (the mapped type makes a missing or extra id a compile error). */
const CATALOGUE: { readonly [id in FindingId]: Entry } = {
  // ---- AWS IAM role trust policies ----
  'CIT-AWS-001': entry('error', 'aws', 'No subject pin on a shared issuer (aud-only trust)',
    'The issuer is shared by every customer of the CI provider and `aud` is chosen by the workflow, so a trust without a `sub` (or repository/project/pipeline) condition can be assumed by any job on the platform.',
    'Add a `StringEquals` condition on `<issuer>:sub` pinning one repository and one ref or environment.',
    src(F(1), CHECKOV('CKV_AWS_358/393 (a)(b)'), REF.semgrep, REF.datadog)),
  'CIT-AWS-002': entry('error', 'aws', 'Wildcard in an identity position of the subject', R.wildcard, R.wildcardFix,
    src(F(2), F(14), HAZARD('buildkite'), CHECKOV('CKV_AWS_358 (c)(e) and its repo-name gap'))),
  'CIT-AWS-003': entry('warning', 'aws', 'Any ref, environment or pull request (`repo:O/R:*`)', R.anyRef, R.anyRefFix, F(3)),
  'CIT-AWS-004': entry('warning', 'aws', 'Pull-request subject', R.pr, R.prFix, F(4)),
  'CIT-AWS-005': entry('error', 'aws', 'User-controllable subject without repository or owner pin', R.userClaim, R.userClaimFix,
    src(F(7), CHECKOV('CKV_AWS_358 (d)(f)'))),
  'CIT-AWS-006': entry('error', 'aws', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, F(8)),
  'CIT-AWS-007': entry('error', 'aws', '`ForAllValues:`/`ForAnyValue:` set operator in an Allow',
    '`ForAllValues:` is true when the key is absent or misspelled; `ForAnyValue:` on single-valued OIDC keys is not a supported pattern. Neither is a reliable identity pin.',
    'Use plain `StringEquals` (or `StringLike` for a trailing ref pattern).', src(F(9), REF.configureAwsCredentials)),
  'CIT-AWS-008': entry('error', 'aws', 'Negated or `…IfExists` operator in an Allow',
    'Negated operators (`StringNotEquals`, `StringNotLike`, …) and `…IfExists` evaluate to true when the key is absent, so they do not restrict who can assume the role.',
    'Use positive `StringEquals`/`StringLike` conditions; put exclusions in a separate Deny statement.', src(F(9), REF.iamConditionOperators)),
  'CIT-AWS-009': entry('error', 'aws', '`StringEqualsIgnoreCase` on an identity claim',
    'Case folding also folds case-sensitive git refs and lets differently-cased namespaces match; the token always carries canonical case.',
    'Use `StringEquals` with the canonical case.', F(11)),
  'CIT-AWS-010': entry('error', 'aws', 'Poisoned value list', R.poisoned, R.poisonedFix, src(F(10), CHECKOV('first-value gap'))),
  'CIT-AWS-011': entry('warning', 'aws', 'No audience (`aud`) condition',
    'Without an `aud` condition only the OIDC provider\'s client-id list limits the audience; the audience is chosen by the workflow (Gato-X mints arbitrary audiences).',
    'Add `StringEquals <issuer>:aud = sts.amazonaws.com` (or your audience).', src(F(1), REF.panther)),
  'CIT-AWS-012': entry('error', 'aws', 'Audience wildcard',
    'An `aud` condition with `*` accepts tokens minted for any other relying party.', 'Pin the exact audience with `StringEquals`.',
    src(HAZARD('issuer-and-audience'), REF.panther)),
  'CIT-AWS-013': entry('error', 'aws', 'Wildcard Federated principal',
    'A `Federated` principal of `*` (or an ARN containing `*`) trusts every identity provider, including ones an attacker registers.',
    'Name the exact `arn:aws:iam::ACCOUNT:oidc-provider/HOST` ARN.', REF.panther),
  'CIT-AWS-014': entry('warning', 'aws', 'Name-only GitHub subject (no immutable IDs)', R.nameOnly, R.nameOnlyFix, F(6)),
  'CIT-AWS-015': entry('warning', 'aws', 'HCP Terraform `run_phase:*`', R.runPhase, R.runPhaseFix, HAZARD('hcp-terraform')),
  'CIT-AWS-016': entry('error', 'aws', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, HAZARD('bitbucket')),
  'CIT-AWS-017': entry('error', 'aws', 'Malformed subject', R.malformed, R.malformedFix, CHECKOV('CKV_AWS_358 (d)(g)')),
  'CIT-AWS-018': entry('warning', 'aws', 'No subject pin on a per-tenant or unknown issuer',
    'Per-tenant issuers (CircleCI org, Bitbucket workspace, Azure DevOps org, GHEC enterprise) limit tokens to one tenant, but without a subject every project in that tenant qualifies; for an unknown issuer the scanner cannot tell whether it is shared.',
    'Pin the project/repository in a `sub` condition.', HAZARD('circleci')),
  'CIT-AWS-019': entry('warning', 'aws', 'Organisation-wide trust (owner pinned, repository not)', R.orgWide, R.orgWideFix, src(F(2), F(14))),
  'CIT-AWS-020': entry('warning', 'aws', 'Trust policy not analysable', R.notAnalysable, R.notAnalysableFix, REF.scannerLimitation),

  // ---- GCP workload identity federation ----
  'CIT-GCP-001': entry('error', 'gcp', 'Provider without an attribute condition',
    'GitHub, GitLab SaaS and HCP Terraform use one issuer for all customers; without an `attribute_condition` every token from the issuer is admitted to the pool.',
    'Set `attribute_condition` pinning the repository (owner ID + repository ID) and a ref or environment.',
    src(F(15), CHECKOV('CKV_GCP_118/125'), REF.trivy, REF.prowler)),
  'CIT-GCP-002': entry('error', 'gcp', 'Always-true or pass-through attribute condition',
    'The condition is satisfiable without pinning an identity claim (`true`, `assertion.sub != \'\'`, `x || true`, or it references no repository/owner/project claim), so the platform\'s "condition required" check is met while nothing is restricted.',
    'Require `==`/`in`/exact-prefix pins on identity claims in every branch of the condition.', src(F(15), HAZARD('syntactic-guardrails'))),
  'CIT-GCP-003': entry('error', 'gcp', 'A disjunct of the condition pins no identity',
    'One `||` branch admits tokens without an identity pin, e.g. `assertion.repository_id == \'1\' || assertion.environment == \'prod\'`: any repository with a `prod` environment qualifies.',
    'Add the identity pin to every `||` branch.', F(15)),
  'CIT-GCP-004': entry('error', 'gcp', 'Whole-pool grant (`principalSet://…/*`)',
    'Binding every identity of the pool makes the grant as broad as the weakest provider condition of the pool, now and in future.',
    'Bind `principalSet://…/attribute.repository_id/<id>` (or a `principal://…/subject/…`).', src(F(15), REF.googleAuth)),
  'CIT-GCP-005': entry('error', 'gcp', 'Grant on an attribute that no condition restricts',
    'The grant selects on a non-identity attribute (environment, ref, actor, …) while the provider condition does not pin an identity, so tokens from other repositories with the same attribute value qualify.',
    'Grant on an identity attribute (`repository_id`), or pin the identity in the provider condition.', F(15)),
  'CIT-GCP-006': entry('error', 'gcp', 'Wildcard or prefix match in an identity position', R.wildcard, R.wildcardFix, src(F(2), F(14), F(15), CHECKOV('CKV_GCP_125'))),
  'CIT-GCP-007': entry('warning', 'gcp', 'Any ref, environment or pull request', R.anyRef, R.anyRefFix, F(3)),
  'CIT-GCP-008': entry('warning', 'gcp', 'Pull-request subject', R.pr, R.prFix, F(4)),
  'CIT-GCP-009': entry('error', 'gcp', 'User-controllable subject without repository or owner pin', R.userClaim, R.userClaimFix, src(F(7), CHECKOV('CKV_GCP_125'))),
  'CIT-GCP-010': entry('error', 'gcp', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, F(8)),
  'CIT-GCP-011': entry('warning', 'gcp', 'Name-only GitHub pin (no immutable IDs)', R.nameOnly, R.nameOnlyFix, src(F(6), REF.googleAuth)),
  'CIT-GCP-012': entry('warning', 'gcp', 'HCP Terraform `run_phase:*`', R.runPhase, R.runPhaseFix, HAZARD('hcp-terraform')),
  'CIT-GCP-013': entry('error', 'gcp', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, HAZARD('bitbucket')),
  'CIT-GCP-014': entry('error', 'gcp', 'Malformed subject', R.malformed, R.malformedFix, CHECKOV('CKV_GCP_125 (d)(g)')),
  'CIT-GCP-015': entry('warning', 'gcp', 'Organisation-wide trust (owner pinned, repository not)', R.orgWide, R.orgWideFix, src(F(15), REF.googleAuth)),
  'CIT-GCP-016': entry('warning', 'gcp', 'Attribute condition or grant not analysable', R.notAnalysable, R.notAnalysableFix, REF.scannerLimitation),
  'CIT-GCP-017': entry('error', 'gcp', 'Poisoned value list (`in [...]`)', R.poisoned, R.poisonedFix, F(10)),

  // ---- Azure federated identity credentials ----
  'CIT-AZ-001': entry('error', 'azure', 'Empty FIC subject',
    'An empty subject is created without error but either never matches or, in tooling that treats empty as "any", matches everything.',
    'Set the exact subject, e.g. `repo:OWNER@ID/REPO@ID:environment:prod`.', src(F(16), CHECKOV('CKV_AZURE_249'))),
  'CIT-AZ-002': entry('error', 'azure', 'FIC subject without `:`',
    'GitHub, GitLab, Buildkite and HCP Terraform subjects are `key:value` sequences; a value without `:` is a name fragment, not a subject.',
    'Use the full subject string from the token.', CHECKOV('CKV_AZURE_249')),
  'CIT-AZ-003': entry('error', 'azure', 'Wildcard in a classic FIC subject',
    'Classic FICs match exactly and do not support wildcards; a `*` shows the author expected a broad match (refused by policy) and the credential silently never matches.',
    'Use one FIC per exact subject, or a Flexible FIC with wildcards only in the ref segment.', src(F(16), CHECKOV('CKV_AZURE_249'))),
  'CIT-AZ-004': entry('error', 'azure', 'Identity-less or user-controllable FIC subject', R.userClaim, R.userClaimFix, src(F(7), CHECKOV('CKV_AZURE_249'))),
  'CIT-AZ-005': entry('error', 'azure', 'Flexible FIC wildcard in an identity position', R.wildcard, R.wildcardFix, F(16)),
  'CIT-AZ-006': entry('warning', 'azure', 'Any ref, environment or pull request (Flexible FIC)', R.anyRef, R.anyRefFix, F(3)),
  'CIT-AZ-007': entry('warning', 'azure', 'Pull-request subject', R.pr, R.prFix, F(4)),
  'CIT-AZ-008': entry('error', 'azure', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, F(8)),
  'CIT-AZ-009': entry('warning', 'azure', 'Name-only GitHub subject (no immutable IDs)', R.nameOnly, R.nameOnlyFix, F(6)),
  'CIT-AZ-010': entry('warning', 'azure', 'HCP Terraform `run_phase:*`', R.runPhase, R.runPhaseFix, HAZARD('hcp-terraform')),
  'CIT-AZ-011': entry('error', 'azure', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, HAZARD('bitbucket')),
  'CIT-AZ-012': entry('error', 'azure', 'Malformed subject', R.malformed, R.malformedFix, CHECKOV('CKV_AZURE_249')),
  'CIT-AZ-013': entry('error', 'azure', 'Empty or wildcard FIC audience',
    'FICs need exactly one explicit audience (`api://AzureADTokenExchange`); `*` or an empty audience removes the relying-party check.',
    'Set `audience = ["api://AzureADTokenExchange"]`.', src(F(16), HAZARD('issuer-and-audience'))),
  'CIT-AZ-014': entry('warning', 'azure', 'Flexible FIC expression not analysable', R.notAnalysable, R.notAnalysableFix, REF.scannerLimitation),
  'CIT-AZ-015': entry('warning', 'azure', 'Organisation-wide trust (owner pinned, repository not)', R.orgWide, R.orgWideFix, F(2)),
};

export const FINDINGS: readonly FindingDefinition[] = FINDING_IDS.map((id) => ({ id, ...CATALOGUE[id] }));

const BY_ID = new Map<string, FindingDefinition>(FINDINGS.map(f => [f.id, f]));

/** Catalogue entry for an id; throws on an unknown id (a programming error, not user input). */
export function findingDefinition(id: FindingId): FindingDefinition {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`Unknown finding id ${id}: add it to lib/review/scan/findings.ts`);
  return f;
}

/**
 * Subject-semantics rules shared by all clouds (lib/ci/analyser.ts), mapped to each cloud's id.
 * The scanner judges a subject once and reports it under the id of the cloud the trust lives in.
 */
type CloudIds = { readonly aws: FindingId; readonly gcp: FindingId; readonly azure?: FindingId };
export const SUBJECT_ISSUE_IDS: { readonly [issue in SubjectIssue]: CloudIds } = {
  'wildcard-identity': { aws: 'CIT-AWS-002', gcp: 'CIT-GCP-006', azure: 'CIT-AZ-005' },
  'any-ref': { aws: 'CIT-AWS-003', gcp: 'CIT-GCP-007', azure: 'CIT-AZ-006' },
  'pull-request': { aws: 'CIT-AWS-004', gcp: 'CIT-GCP-008', azure: 'CIT-AZ-007' },
  'user-claim': { aws: 'CIT-AWS-005', gcp: 'CIT-GCP-009', azure: 'CIT-AZ-004' },
  'reusable-only': { aws: 'CIT-AWS-006', gcp: 'CIT-GCP-010', azure: 'CIT-AZ-008' },
  'name-only': { aws: 'CIT-AWS-014', gcp: 'CIT-GCP-011', azure: 'CIT-AZ-009' },
  'run-phase-any': { aws: 'CIT-AWS-015', gcp: 'CIT-GCP-012', azure: 'CIT-AZ-010' },
  'bitbucket-uuid': { aws: 'CIT-AWS-016', gcp: 'CIT-GCP-013', azure: 'CIT-AZ-011' },
  'malformed': { aws: 'CIT-AWS-017', gcp: 'CIT-GCP-014', azure: 'CIT-AZ-012' },
  'org-wide': { aws: 'CIT-AWS-019', gcp: 'CIT-GCP-015', azure: 'CIT-AZ-015' },
  // Azure subjects are single strings: no lists to poison.
  'poisoned-list': { aws: 'CIT-AWS-010', gcp: 'CIT-GCP-017' },
};
