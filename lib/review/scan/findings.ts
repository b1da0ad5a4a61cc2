/**
 * The finding catalogue, as data (cdk-nag style). Ids are stable: never renumber,
 * only append; a retired rule keeps its id out of use. `source` names the failure mode
 * (security.md §1.2 F1–F16), the scanner rule it supersedes (security.md §2) or the
 * provider section it comes from, so reviewers can trace why a rule exists.
 */

export type Severity = 'error' | 'warning';
export type FindingCloud = 'aws' | 'gcp' | 'azure';

export interface FindingDefinition {
  readonly id: string;
  readonly severity: Severity;
  readonly cloud: FindingCloud;
  readonly title: string;
  readonly rationale: string;
  readonly fix: string;
  readonly source: string;
}

const def = (
  id: string, severity: Severity, cloud: FindingCloud, title: string,
  rationale: string, fix: string, source: string,
): FindingDefinition => ({ id, severity, cloud, title, rationale, fix, source });

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
  malformedFix: 'Write the subject in the provider\'s documented shape (ci-claims.md).',
  orgWide: 'Only the owner/organisation/namespace is pinned: every current and future repository (project, pipeline, workspace) in it can assume this identity.',
  orgWideFix: 'Also pin the repository (project, pipeline, workspace), preferably by immutable ID.',
  notAnalysable: 'The trust could not be evaluated statically (unresolved expression, unsupported syntax), so none of the other rules could check it.',
  notAnalysableFix: 'Review it by hand, or synthesize with literal values so the scanner can read it.',
  poisoned: 'List values are ORed: one broad value among exact ones opens the whole trust. Scanners that stop at the first value (checkov) miss this.',
  poisonedFix: 'Remove the broad value; check every value of the list.',
};

export const FINDINGS: readonly FindingDefinition[] = [
  // ---- AWS IAM role trust policies ----
  def('CIT-AWS-001', 'error', 'aws', 'No subject pin on a shared issuer (aud-only trust)',
    'The issuer is shared by every customer of the CI provider and `aud` is chosen by the workflow, so a trust without a `sub` (or repository/project/pipeline) condition can be assumed by any job on the platform.',
    'Add a `StringEquals` condition on `<issuer>:sub` pinning one repository and one ref or environment.',
    'F1; checkov CKV_AWS_358/393 (a)(b); Semgrep unrestricted-github-oidc-policy; Datadog def-000-5g7'),
  def('CIT-AWS-002', 'error', 'aws', 'Wildcard in an identity position of the subject', R.wildcard, R.wildcardFix,
    'F2, F14, security.md §1.3 Buildkite; checkov CKV_AWS_358 (c)(e) and its repo-name gap'),
  def('CIT-AWS-003', 'warning', 'aws', 'Any ref, environment or pull request (`repo:O/R:*`)', R.anyRef, R.anyRefFix, 'F3'),
  def('CIT-AWS-004', 'warning', 'aws', 'Pull-request subject', R.pr, R.prFix, 'F4'),
  def('CIT-AWS-005', 'error', 'aws', 'User-controllable subject without repository or owner pin', R.userClaim, R.userClaimFix,
    'F7; checkov CKV_AWS_358 (d)(f)'),
  def('CIT-AWS-006', 'error', 'aws', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, 'F8'),
  def('CIT-AWS-007', 'error', 'aws', '`ForAllValues:`/`ForAnyValue:` set operator in an Allow',
    '`ForAllValues:` is true when the key is absent or misspelled; `ForAnyValue:` on single-valued OIDC keys is not a supported pattern. Neither is a reliable identity pin.',
    'Use plain `StringEquals` (or `StringLike` for a trailing ref pattern).', 'F9; configure-aws-credentials README'),
  def('CIT-AWS-008', 'error', 'aws', 'Negated or `…IfExists` operator in an Allow',
    'Negated operators (`StringNotEquals`, `StringNotLike`, …) and `…IfExists` evaluate to true when the key is absent, so they do not restrict who can assume the role.',
    'Use positive `StringEquals`/`StringLike` conditions; put exclusions in a separate Deny statement.', 'F9; AWS condition operators'),
  def('CIT-AWS-009', 'error', 'aws', '`StringEqualsIgnoreCase` on an identity claim',
    'Case folding also folds case-sensitive git refs and lets differently-cased namespaces match; the token always carries canonical case.',
    'Use `StringEquals` with the canonical case.', 'F11'),
  def('CIT-AWS-010', 'error', 'aws', 'Poisoned value list', R.poisoned, R.poisonedFix, 'F10; checkov first-value gap'),
  def('CIT-AWS-011', 'warning', 'aws', 'No audience (`aud`) condition',
    'Without an `aud` condition only the OIDC provider\'s client-id list limits the audience; the audience is chosen by the workflow (Gato-X mints arbitrary audiences).',
    'Add `StringEquals <issuer>:aud = sts.amazonaws.com` (or your audience).', 'F1; Panther PR #1456'),
  def('CIT-AWS-012', 'error', 'aws', 'Audience wildcard',
    'An `aud` condition with `*` accepts tokens minted for any other relying party.', 'Pin the exact audience with `StringEquals`.',
    'security.md §4 issuer/audience; Panther PR #1456'),
  def('CIT-AWS-013', 'error', 'aws', 'Wildcard Federated principal',
    'A `Federated` principal of `*` (or an ARN containing `*`) trusts every identity provider, including ones an attacker registers.',
    'Name the exact `arn:aws:iam::ACCOUNT:oidc-provider/HOST` ARN.', 'Panther PR #1456'),
  def('CIT-AWS-014', 'warning', 'aws', 'Name-only GitHub subject (no immutable IDs)', R.nameOnly, R.nameOnlyFix, 'F6'),
  def('CIT-AWS-015', 'warning', 'aws', 'HCP Terraform `run_phase:*`', R.runPhase, R.runPhaseFix, 'security.md §1.3 HCP Terraform'),
  def('CIT-AWS-016', 'error', 'aws', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, 'security.md §1.3 Bitbucket'),
  def('CIT-AWS-017', 'error', 'aws', 'Malformed subject', R.malformed, R.malformedFix, 'checkov CKV_AWS_358 (d)(g)'),
  def('CIT-AWS-018', 'warning', 'aws', 'No subject pin on a per-tenant or unknown issuer',
    'Per-tenant issuers (CircleCI org, Bitbucket workspace, Azure DevOps org, GHEC enterprise) limit tokens to one tenant, but without a subject every project in that tenant qualifies; for an unknown issuer the scanner cannot tell whether it is shared.',
    'Pin the project/repository in a `sub` condition.', 'security.md §1.3 CircleCI'),
  def('CIT-AWS-019', 'warning', 'aws', 'Organisation-wide trust (owner pinned, repository not)', R.orgWide, R.orgWideFix, 'F2, F14'),
  def('CIT-AWS-020', 'warning', 'aws', 'Trust policy not analysable', R.notAnalysable, R.notAnalysableFix, 'scanner limitation'),

  // ---- GCP workload identity federation ----
  def('CIT-GCP-001', 'error', 'gcp', 'Provider without an attribute condition',
    'GitHub, GitLab SaaS and HCP Terraform use one issuer for all customers; without an `attribute_condition` every token from the issuer is admitted to the pool.',
    'Set `attribute_condition` pinning the repository (owner ID + repository ID) and a ref or environment.',
    'F15; checkov CKV_GCP_118/125; Trivy GCP-0068; Prowler'),
  def('CIT-GCP-002', 'error', 'gcp', 'Always-true or pass-through attribute condition',
    'The condition is satisfiable without pinning an identity claim (`true`, `assertion.sub != \'\'`, `x || true`, or it references no repository/owner/project claim), so the platform\'s "condition required" check is met while nothing is restricted.',
    'Require `==`/`in`/exact-prefix pins on identity claims in every branch of the condition.', 'F15; security.md §3 (syntactic guardrail)'),
  def('CIT-GCP-003', 'error', 'gcp', 'A disjunct of the condition pins no identity',
    'One `||` branch admits tokens without an identity pin, e.g. `assertion.repository_id == \'1\' || assertion.environment == \'prod\'`: any repository with a `prod` environment qualifies.',
    'Add the identity pin to every `||` branch.', 'F15'),
  def('CIT-GCP-004', 'error', 'gcp', 'Whole-pool grant (`principalSet://…/*`)',
    'Binding every identity of the pool makes the grant as broad as the weakest provider condition of the pool, now and in future.',
    'Bind `principalSet://…/attribute.repository_id/<id>` (or a `principal://…/subject/…`).', 'F15; google-github-actions/auth SECURITY_CONSIDERATIONS'),
  def('CIT-GCP-005', 'error', 'gcp', 'Grant on an attribute that no condition restricts',
    'The grant selects on a non-identity attribute (environment, ref, actor, …) while the provider condition does not pin an identity, so tokens from other repositories with the same attribute value qualify.',
    'Grant on an identity attribute (`repository_id`), or pin the identity in the provider condition.', 'F15'),
  def('CIT-GCP-006', 'error', 'gcp', 'Wildcard or prefix match in an identity position', R.wildcard, R.wildcardFix, 'F2, F14, F15; CKV_GCP_125'),
  def('CIT-GCP-007', 'warning', 'gcp', 'Any ref, environment or pull request', R.anyRef, R.anyRefFix, 'F3'),
  def('CIT-GCP-008', 'warning', 'gcp', 'Pull-request subject', R.pr, R.prFix, 'F4'),
  def('CIT-GCP-009', 'error', 'gcp', 'User-controllable subject without repository or owner pin', R.userClaim, R.userClaimFix, 'F7; CKV_GCP_125'),
  def('CIT-GCP-010', 'error', 'gcp', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, 'F8'),
  def('CIT-GCP-011', 'warning', 'gcp', 'Name-only GitHub pin (no immutable IDs)', R.nameOnly, R.nameOnlyFix, 'F6; google-github-actions/auth'),
  def('CIT-GCP-012', 'warning', 'gcp', 'HCP Terraform `run_phase:*`', R.runPhase, R.runPhaseFix, 'security.md §1.3 HCP Terraform'),
  def('CIT-GCP-013', 'error', 'gcp', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, 'security.md §1.3 Bitbucket'),
  def('CIT-GCP-014', 'error', 'gcp', 'Malformed subject', R.malformed, R.malformedFix, 'CKV_GCP_125 (d)(g)'),
  def('CIT-GCP-015', 'warning', 'gcp', 'Organisation-wide trust (owner pinned, repository not)', R.orgWide, R.orgWideFix, 'F15; google-github-actions/auth'),
  def('CIT-GCP-016', 'warning', 'gcp', 'Attribute condition or grant not analysable', R.notAnalysable, R.notAnalysableFix, 'scanner limitation'),
  def('CIT-GCP-017', 'error', 'gcp', 'Poisoned value list (`in [...]`)', R.poisoned, R.poisonedFix, 'F10'),

  // ---- Azure federated identity credentials ----
  def('CIT-AZ-001', 'error', 'azure', 'Empty FIC subject',
    'An empty subject is created without error but either never matches or, in tooling that treats empty as "any", matches everything.',
    'Set the exact subject, e.g. `repo:OWNER@ID/REPO@ID:environment:prod`.', 'F16; CKV_AZURE_249'),
  def('CIT-AZ-002', 'error', 'azure', 'FIC subject without `:`',
    'GitHub, GitLab, Buildkite and HCP Terraform subjects are `key:value` sequences; a value without `:` is a name fragment, not a subject.',
    'Use the full subject string from the token.', 'CKV_AZURE_249'),
  def('CIT-AZ-003', 'error', 'azure', 'Wildcard in a classic FIC subject',
    'Classic FICs match exactly and do not support wildcards; a `*` shows the author expected a broad match (refused by policy) and the credential silently never matches.',
    'Use one FIC per exact subject, or a Flexible FIC with wildcards only in the ref segment.', 'F16; CKV_AZURE_249'),
  def('CIT-AZ-004', 'error', 'azure', 'Identity-less or user-controllable FIC subject', R.userClaim, R.userClaimFix, 'F7; CKV_AZURE_249'),
  def('CIT-AZ-005', 'error', 'azure', 'Flexible FIC wildcard in an identity position', R.wildcard, R.wildcardFix, 'F16'),
  def('CIT-AZ-006', 'warning', 'azure', 'Any ref, environment or pull request (Flexible FIC)', R.anyRef, R.anyRefFix, 'F3'),
  def('CIT-AZ-007', 'warning', 'azure', 'Pull-request subject', R.pr, R.prFix, 'F4'),
  def('CIT-AZ-008', 'error', 'azure', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, 'F8'),
  def('CIT-AZ-009', 'warning', 'azure', 'Name-only GitHub subject (no immutable IDs)', R.nameOnly, R.nameOnlyFix, 'F6'),
  def('CIT-AZ-010', 'warning', 'azure', 'HCP Terraform `run_phase:*`', R.runPhase, R.runPhaseFix, 'security.md §1.3 HCP Terraform'),
  def('CIT-AZ-011', 'error', 'azure', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, 'security.md §1.3 Bitbucket'),
  def('CIT-AZ-012', 'error', 'azure', 'Malformed subject', R.malformed, R.malformedFix, 'CKV_AZURE_249'),
  def('CIT-AZ-013', 'error', 'azure', 'Empty or wildcard FIC audience',
    'FICs need exactly one explicit audience (`api://AzureADTokenExchange`); `*` or an empty audience removes the relying-party check.',
    'Set `audience = ["api://AzureADTokenExchange"]`.', 'F16; security.md §4 issuer/audience'),
  def('CIT-AZ-014', 'warning', 'azure', 'Flexible FIC expression not analysable', R.notAnalysable, R.notAnalysableFix, 'scanner limitation'),
  def('CIT-AZ-015', 'warning', 'azure', 'Organisation-wide trust (owner pinned, repository not)', R.orgWide, R.orgWideFix, 'F2'),
];

const BY_ID = new Map(FINDINGS.map(f => [f.id, f]));

/** Catalogue entry for an id; throws on an unknown id (a programming error, not user input). */
export function findingDefinition(id: string): FindingDefinition {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`Unknown finding id ${id}: add it to lib/review/scan/findings.ts`);
  return f;
}

/**
 * Subject-semantics rules shared by all clouds, mapped to each cloud's id. The scanner
 * judges a subject once and reports it under the id of the cloud the trust lives in.
 */
export type SubjectIssue =
  | 'wildcard-identity' | 'any-ref' | 'pull-request' | 'user-claim' | 'reusable-only'
  | 'name-only' | 'run-phase-any' | 'bitbucket-uuid' | 'malformed' | 'org-wide' | 'poisoned-list';

export const SUBJECT_ISSUE_IDS: Record<SubjectIssue, { aws: string; gcp: string; azure?: string }> = {
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
