/**
 * The finding catalogue, as data (cdk-nag style). Ids are stable: never renumber, only append; a
 * retired rule keeps its id out of use. `source` names where the rule comes from: the failure
 * mode in docs/security.md (`#f1`…`#f16`), a provider or platform hazard there, or the public
 * rule of another scanner it supersedes, so reviewers can trace why a rule exists.
 *
 * Every finding has one class, from one principle (docs/review.md#severity):
 * - `error`: someone outside the tenant can obtain credentials (no identity pin, a wildcard that
 *   crosses the tenant boundary, a shared issuer trusted on a claim any tenant chooses);
 * - `warning`: breadth inside one tenant, or a latent risk;
 * - `broken`: the condition can never match a token;
 * - `not-analysable`: the scanner could not read it (a warning, an error with `--strict`).
 * Rules about shared issuers apply to shared issuers only (lib/ci/analysers.ts knows which); on a
 * per-tenant issuer the tenant is the boundary, and the same value is the tenant-wide warning.
 */
import { PinAdvice, SubjectIssue } from '../../ci/analyser';
import { analyserFor } from '../../ci/analysers';
import { specForIssuer } from '../../ci/registry';
import { RuleId } from '../../model/rules';

export type { SubjectIssue };

/** Every finding id, in catalogue order: a typo in an id anywhere is a compile error. */
export const FINDING_IDS = [
  'CIT-AWS-001', 'CIT-AWS-002', 'CIT-AWS-003', 'CIT-AWS-004', 'CIT-AWS-005', 'CIT-AWS-006', 'CIT-AWS-007',
  'CIT-AWS-008', 'CIT-AWS-009', 'CIT-AWS-010', 'CIT-AWS-011', 'CIT-AWS-012', 'CIT-AWS-013', 'CIT-AWS-014',
  'CIT-AWS-015', 'CIT-AWS-016', 'CIT-AWS-017', 'CIT-AWS-018', 'CIT-AWS-019', 'CIT-AWS-020', 'CIT-AWS-021',
  'CIT-AWS-022', 'CIT-AWS-023', 'CIT-AWS-024',
  'CIT-GCP-001', 'CIT-GCP-002', 'CIT-GCP-003', 'CIT-GCP-004', 'CIT-GCP-005', 'CIT-GCP-006', 'CIT-GCP-007',
  'CIT-GCP-008', 'CIT-GCP-009', 'CIT-GCP-010', 'CIT-GCP-011', 'CIT-GCP-012', 'CIT-GCP-013', 'CIT-GCP-014',
  'CIT-GCP-015', 'CIT-GCP-016', 'CIT-GCP-017', 'CIT-GCP-018', 'CIT-GCP-019', 'CIT-GCP-020', 'CIT-GCP-021',
  'CIT-GCP-022',
  'CIT-AZ-001', 'CIT-AZ-002', 'CIT-AZ-003', 'CIT-AZ-004', 'CIT-AZ-005', 'CIT-AZ-006', 'CIT-AZ-007',
  'CIT-AZ-008', 'CIT-AZ-009', 'CIT-AZ-010', 'CIT-AZ-011', 'CIT-AZ-012', 'CIT-AZ-013', 'CIT-AZ-014',
  'CIT-AZ-015', 'CIT-AZ-016', 'CIT-AZ-017', 'CIT-AZ-018',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];
/** The class of a finding (docs/review.md#severity). */
export type FindingClass = 'error' | 'warning' | 'broken' | 'not-analysable';
/** The level a finding gates at (`--fail-on`), and the JSON `severity`: only errors fail the default gate. */
export type Severity = 'error' | 'warning';
export type SarifLevel = 'error' | 'warning' | 'note';
export type FindingCloud = 'aws' | 'gcp' | 'azure';

export const FINDING_CLASSES: readonly FindingClass[] = ['error', 'warning', 'broken', 'not-analysable'];

export interface FindingDefinition {
  readonly id: FindingId;
  readonly class: FindingClass;
  /** The gate level of the class without `--strict` (`severityOf`). */
  readonly severity: Severity;
  readonly cloud: FindingCloud;
  readonly title: string;
  readonly rationale: string;
  /** The fix in words any provider fits; each finding carries its provider's own (`fixFor`). */
  readonly fix: string;
  /** References, `; `-separated: each a repository doc (`docs/…#anchor`) or names a public URL. */
  readonly source: string;
  /** The model rule that refuses or widens the same exposure in the builders, if there is one. */
  readonly model?: RuleId;
}

/** Gate level of a class; `--strict` makes "not analysable" an error (the trust cannot be judged safe). */
export function severityOf(cls: FindingClass, options: { readonly strict?: boolean } = {}): Severity {
  return cls === 'error' || (cls === 'not-analysable' && options.strict === true) ? 'error' : 'warning';
}

/** SARIF `level` of a finding: errors `error`, everything that fails only `--fail-on warning` `warning`, skipped findings `note`. */
export function sarifLevel(id: FindingId, options: { readonly strict?: boolean; readonly skipped?: boolean } = {}): SarifLevel {
  if (options.skipped) return 'note';
  return severityOf(findingDefinition(id).class, options);
}

/** Does a finding of this class fail the gate `--fail-on <level>`? */
export function failsGate(cls: FindingClass, failOn: Severity, options: { readonly strict?: boolean } = {}): boolean {
  return failOn === 'warning' || severityOf(cls, options) === 'error';
}

interface Entry {
  readonly class: FindingClass;
  readonly cloud: FindingCloud;
  readonly title: string;
  readonly rationale: string;
  /** May hold `{subject}`, `{claims}`, `{context}`: the provider's identity and context forms. */
  readonly fixTemplate: string;
  readonly source: string;
  readonly model?: RuleId;
}
const entry = (
  cls: FindingClass, cloud: FindingCloud, title: string, rationale: string, fixTemplate: string, source: string, model?: RuleId,
): Entry =>
  ({ class: cls, cloud, title, rationale, fixTemplate, source, ...(model ? { model } : {}) });

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
  githubSubject: 'GitHub OIDC reference https://docs.github.com/en/actions/reference/security/oidc',
  buildkiteSubjectClaim: 'Buildkite agent --subject-claim https://github.com/buildkite/agent/pull/3784',
  gcpProvider: 'google_iam_workload_identity_pool_provider https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/iam_workload_identity_pool_provider',
  entraFic: 'Entra federated identity credentials https://learn.microsoft.com/en-us/graph/api/resources/federatedidentitycredentials-overview',
  // What the scanner cannot read statically is reported, never passed (docs/review.md, Inputs).
  scannerLimitation: 'docs/review.md#inputs',
  severity: 'docs/review.md#severity',
};
const src = (...refs: string[]): string => refs.join('; ');

// Shared wording for the subject rules that apply to every cloud.
const R = {
  wildcard: 'IAM StringLike `*`/`?`, CEL startsWith/matches and Flexible-FIC `matches` match any characters, including `/` and `:`. A wildcard before the tenant (owner, top-level group, organization) is complete admits other, future, renamed or attacker-registered tenants (`repo:org*` matches `org-evil`). A wildcard after it (`repo:org/*`) stays inside the tenant and is the organisation-wide warning.',
  wildcardFix: 'Pin the exact tenant and then {subject}; put wildcards only after the identity, in the ref or environment part.',
  anyRef: 'Any branch push, pull-request merge ref or tag of the repository qualifies (`repo:O/R:*`, `ref:refs/heads/*`, no ref pin at all); anyone with push access to any branch can mint a matching token (Gato-X automates this).',
  anyRefFix: 'Pin {context} instead of a wildcard.',
  refPattern: 'The identity is pinned, but the branch, tag or environment is a pattern (`ref:refs/heads/release/*`, `environment:prod-*`, `startsWith(\'refs/tags/v\')`): every matching ref anyone with push access creates, or every matching environment a workflow names, qualifies, so the pattern is only as narrow as the rules on who may create such refs.',
  refPatternFix: 'Pin exact values instead of the pattern ({context}), one per branch or tag, or an environment with required reviewers; if the pattern is wanted, keep it knowingly (ci-oidc-trust records that as `Widening.REF_PATTERN`) and protect the refs it matches.',
  pr: 'GitHub emits `…:pull_request` for any pull_request event without an environment; the job runs code proposed in the PR.',
  prFix: 'Trust pull-request subjects only from read-only roles, or require an environment with protection rules.',
  userClaim: 'The subject starts with (or only contains) claims that any workflow author in any organisation controls (environment, ref, workflow, context, head_ref, base_ref, event_name, actor, job_workflow_ref). The repository that mints the token chooses its own template and those values, so whatever follows them can be forged (GitHub writes a `:` inside a value as `%3A` on github.com, GHE.com and GHES 3.19+, older GHES does not); without a repository or owner first, every repository of the platform can produce the subject.',
  userClaimFix: 'Put {subject} first in the subject (the builders refuse a template with a user-chosen claim first), or pin {claims} as a separate condition.',
  reusable: '`job_workflow_ref` names the shared workflow, not the caller: any repository that calls the reusable workflow matches.',
  reusableFix: 'Pin `job_workflow_ref` together with the caller repository or owner (`repository_owner_id`), as GitHub\'s reusable-workflow pattern does.',
  nameOnly: 'GitHub names are recyclable: once the owner or repository is deleted or renamed, anyone can re-register the name and gets the same subject (Astrix "Sub:jugation"). A latent risk until then.',
  nameOnlyFix: 'Use the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` or also pin `repository_id`/`repository_owner_id`.',
  runPhase: '`run_phase:*` (or no run-phase pin) gives apply-phase credentials to plan runs, which execute provider and external-data code from unreviewed changes.',
  runPhaseFix: 'Use separate roles for `run_phase:plan` (read-only) and `run_phase:apply`.',
  bitbucket: 'Bitbucket subjects start with the repository UUID in braces; a wildcard there admits every repository of the workspace (the issuer is per workspace, so the breadth stays inside it).',
  bitbucketFix: 'Start the subject with the braced repository UUID, e.g. `{2e9e429c-…}:*`.',
  malformed: 'The value does not parse as a subject of this CI provider (e.g. `repo:` without `owner/repo`, an `@id` that is not a positive number, a copied `{repositoryUuid}` placeholder), so no token carries it and the trust never matches. Often a sign of an intended, broader pattern.',
  malformedFix: 'Write the subject in the CI provider\'s documented shape: {subject}.',
  orgWide: 'Only the tenant is pinned (owner, group, organization, workspace), or the repository part is a wildcard after it (`repo:org/*`, `project_path:group/*`, `pipeline:*`): every current and future repository (project, pipeline, workspace) in it can assume this identity. Breadth inside the tenant.',
  orgWideFix: 'Also pin the repository (project, pipeline, workspace): {subject}, or {claims}.',
  tenantWide: 'The issuer is per tenant (CircleCI and Bitbucket issuers, GitHub Enterprise issuers, self-managed GitLab, Azure DevOps, an issuer the scanner does not know such as a private cluster), so only that tenant\'s jobs get tokens, but no condition narrows it to one repository (project, pipeline): every workload of the tenant qualifies. For an unknown issuer the scanner cannot tell whether it is shared.',
  tenantWideFix: 'Pin {subject}, or {claims}.',
  notAnalysable: 'The trust could not be evaluated statically (unresolved parameter, variable or reference, unsupported syntax), so the other rules could check only its literal parts. The finding says what could not be resolved, and which values (parameter defaults, the literal skeleton of a `Fn::Sub`) were used instead.',
  notAnalysableFix: 'Review it by hand, or synthesize with literal values so the scanner can read it.',
  poisoned: 'List values are ORed: one broad value among exact ones opens the whole trust. Scanners that stop at the first value (checkov) miss this.',
  poisonedFix: 'Remove the broad value; check every value of the list.',
  opaque: 'A bare UUID subject pins whatever it is the id of, and the job chooses which id becomes `sub` (`buildkite-agent oidc request-token --subject-claim pipeline_id|cluster_id|organization_id`): one pipeline, or every pipeline on a cluster or of the organization. The template does not say which.',
  opaqueFix: 'Confirm the UUID is the pipeline\'s (`pipeline_id`), or pin {subject}.',
  neverMatches: 'An exact comparison compares `*` as text, and an empty value matches no token, so the condition can never match: the role or credential cannot be used. A `*` there usually shows a broad match was intended.',
};

/** The catalogue: every id of FINDING_IDS exactly once (the mapped type makes a missing or extra id a compile error). */
const CATALOGUE: { readonly [id in FindingId]: Entry } = {
  // ---- AWS IAM role trust policies ----
  'CIT-AWS-001': entry('error', 'aws', 'No subject pin on a shared issuer (aud-only trust)',
    'The issuer is shared by every customer of the CI provider and `aud` is chosen by the workflow, so a trust without a `sub` (or repository/project/pipeline) condition can be assumed by any job on the platform.',
    'Add a `StringEquals` condition on `<issuer>:sub` pinning {subject}, and {context}.',
    src(F(1), CHECKOV('CKV_AWS_358/393 (a)(b)'), REF.semgrep, REF.datadog), 'CIT-M001'),
  'CIT-AWS-002': entry('error', 'aws', 'Wildcard that crosses the tenant boundary', R.wildcard, R.wildcardFix,
    src(F(2), F(14), HAZARD('buildkite'), CHECKOV('CKV_AWS_358 (c)(e) and its repo-name gap')), 'CIT-M002'),
  'CIT-AWS-003': entry('warning', 'aws', 'Any ref, environment or pull request (`repo:O/R:*`)', R.anyRef, R.anyRefFix, F(3), 'CIT-M011'),
  'CIT-AWS-004': entry('warning', 'aws', 'Pull-request subject', R.pr, R.prFix, F(4), 'CIT-M013'),
  'CIT-AWS-005': entry('error', 'aws', 'User-controllable subject without repository or owner pin', R.userClaim, R.userClaimFix,
    src(F(7), F(12), CHECKOV('CKV_AWS_358 (d)(f)'), REF.githubSubject), 'CIT-M016'),
  'CIT-AWS-006': entry('error', 'aws', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, F(8), 'CIT-M001'),
  'CIT-AWS-007': entry('error', 'aws', '`ForAllValues:`/`ForAnyValue:` on the identity pin',
    '`ForAllValues:` is true when the key is absent or misspelled, so on the claim that pins the identity a typo in the key silently removes the pin. (`iss` and `aud` are always present for AssumeRoleWithWebIdentity: a set operator there is CIT-AWS-022.)',
    'Use plain `StringEquals` (or `StringLike` for a trailing ref pattern) on the identity claim.', src(F(9), REF.configureAwsCredentials)),
  'CIT-AWS-008': entry('error', 'aws', '`…IfExists` operator on the identity pin',
    '`…IfExists` evaluates to true when the key is absent, so on the claim that pins the identity a typo in the key silently removes the pin.',
    'Use `StringEquals`/`StringLike` without `IfExists` on the identity claim.', src(F(9), REF.iamConditionOperators)),
  'CIT-AWS-009': entry('warning', 'aws', '`StringEqualsIgnoreCase` on an identity claim',
    'Case folding also folds case-sensitive git refs (`refs/heads/Main` is another branch anyone with push access can create). Owner, group and organization names of the providers this library knows are unique whatever their case, so the folding stays inside the tenant; the token always carries canonical case.',
    'Use `StringEquals` with the canonical case.', F(11)),
  'CIT-AWS-010': entry('error', 'aws', 'Poisoned value list', R.poisoned, R.poisonedFix, src(F(10), CHECKOV('first-value gap')), 'CIT-M001'),
  'CIT-AWS-011': entry('warning', 'aws', 'No audience (`aud`) condition',
    'Without an `aud` condition only the OIDC provider\'s client-id list limits the audience; the audience is chosen by the workflow (Gato-X mints arbitrary audiences).',
    'Add `StringEquals <issuer>:aud = sts.amazonaws.com` (or your audience).', src(F(1), REF.panther)),
  'CIT-AWS-012': entry('error', 'aws', 'Audience wildcard',
    'An `aud` condition with `*` accepts tokens minted for any other relying party, which can replay them.', 'Pin the exact audience with `StringEquals`.',
    src(HAZARD('issuer-and-audience'), REF.panther), 'CIT-M005'),
  'CIT-AWS-013': entry('error', 'aws', 'Wildcard Federated principal',
    'A `Federated` principal of `*` (or an ARN containing `*`) trusts every identity provider, including ones an attacker registers.',
    'Name the exact `arn:aws:iam::ACCOUNT:oidc-provider/HOST` ARN.', REF.panther),
  'CIT-AWS-014': entry('warning', 'aws', 'Name-only GitHub subject (no immutable IDs)', R.nameOnly, R.nameOnlyFix, F(6), 'CIT-M010'),
  'CIT-AWS-015': entry('warning', 'aws', 'HCP Terraform plan and apply together (`run_phase:*`)', R.runPhase, R.runPhaseFix, HAZARD('hcp-terraform'), 'CIT-M015'),
  'CIT-AWS-016': entry('warning', 'aws', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, HAZARD('bitbucket'), 'CIT-M001'),
  'CIT-AWS-017': entry('broken', 'aws', 'Malformed subject (never matches)', R.malformed, R.malformedFix, CHECKOV('CKV_AWS_358 (d)(g)')),
  'CIT-AWS-018': entry('warning', 'aws', 'Tenant-wide: no identity pin on a per-tenant or unknown issuer', R.tenantWide,
    'Pin {subject} in a `sub` condition.', src(HAZARD('circleci'), REF.severity), 'CIT-M001'),
  'CIT-AWS-019': entry('warning', 'aws', 'Organisation-wide trust (tenant pinned, repository not)', R.orgWide, R.orgWideFix, src(F(2), F(14)), 'CIT-M002'),
  'CIT-AWS-020': entry('not-analysable', 'aws', 'Trust policy not analysable', R.notAnalysable, R.notAnalysableFix, REF.scannerLimitation),
  'CIT-AWS-021': entry('broken', 'aws', 'Condition that can never match (`*` under `StringEquals`, empty value)', R.neverMatches,
    'Write the exact value; use `StringLike` only where a wildcard is meant, after the identity.', src(REF.iamConditionOperators, REF.severity), 'CIT-M003'),
  'CIT-AWS-022': entry('warning', 'aws', 'Unusual operator on a claim that is not the identity pin',
    '`ForAllValues:`/`ForAnyValue:`, `…IfExists` and negated operators on `iss`, `aud` or other claims that do not pin the identity: for AssumeRoleWithWebIdentity `iss` and `aud` are always present, so the trust works as if the plain operator were written, but the form misleads reviewers and tools (a negated condition restricts nothing by itself).',
    'Use plain `StringEquals` on `aud` and drop the `iss` condition (the Federated principal names the issuer); write exclusions as positive pins of what is allowed.',
    src(F(9), REF.iamConditionOperators, REF.configureAwsCredentials)),
  'CIT-AWS-023': entry('warning', 'aws', 'Bare UUID subject (its scope depends on `--subject-claim`)', R.opaque, R.opaqueFix, src(HAZARD('buildkite'), REF.buildkiteSubjectClaim)),
  'CIT-AWS-024': entry('warning', 'aws', 'Branch, tag or environment pattern (`ref:refs/heads/release/*`)', R.refPattern, R.refPatternFix, src(F(2), F(3)), 'CIT-M012'),

  // ---- GCP workload identity federation ----
  'CIT-GCP-001': entry('error', 'gcp', 'Provider without an attribute condition on a shared issuer',
    'GitHub, GitLab SaaS, Buildkite and HCP Terraform use one issuer for all customers; without an `attribute_condition` every token from the issuer is admitted to the pool. (On a per-tenant issuer the same configuration is the tenant-wide warning CIT-GCP-018.)',
    'Set `attribute_condition` pinning {claims} and {context}.',
    src(F(15), CHECKOV('CKV_GCP_118/125'), REF.trivy, REF.prowler), 'CIT-M001'),
  'CIT-GCP-002': entry('error', 'gcp', 'Always-true or pass-through attribute condition',
    'The condition is satisfiable without pinning an identity claim (`true`, `assertion.sub != \'\'`, `x || true`, or it references no repository/owner/project claim), so the platform\'s "condition required" check is met while nothing is restricted.',
    'Require `==`/`in` pins on {claims} in every branch of the condition.', src(F(15), HAZARD('syntactic-guardrails')), 'CIT-M001'),
  'CIT-GCP-003': entry('error', 'gcp', 'A disjunct of the condition pins no identity',
    'One `||` branch admits tokens without an identity pin, e.g. `assertion.repository_id == \'1\' || assertion.environment == \'prod\'`: any repository with a `prod` environment qualifies.',
    'Add the identity pin ({claims}) to every `||` branch.', F(15), 'CIT-M001'),
  'CIT-GCP-004': entry('warning', 'gcp', 'Whole-pool grant (`principalSet://…/*`)',
    'Binding every identity of the pool makes the grant as broad as the weakest provider condition of the pool, now and for every provider added later. Each provider\'s own condition is judged on its own; the grant is the latent risk.',
    'Bind `principalSet://…/attribute.<attribute>/<value>` on an attribute mapped from {claims} (or a `principal://…/subject/…`).', src(F(15), REF.googleAuth)),
  'CIT-GCP-005': entry('error', 'gcp', 'Grant on an attribute that no condition restricts',
    'The grant selects on a non-identity attribute (environment, ref, actor, …) while the provider condition does not pin an identity, so tokens from other repositories with the same attribute value qualify.',
    'Grant on an attribute mapped from {claims}, or pin the identity in the provider condition.', F(15), 'CIT-M001'),
  'CIT-GCP-006': entry('error', 'gcp', 'Wildcard or prefix match that crosses the tenant boundary', R.wildcard, R.wildcardFix, src(F(2), F(14), F(15), CHECKOV('CKV_GCP_125')), 'CIT-M002'),
  'CIT-GCP-007': entry('warning', 'gcp', 'Any ref, environment or pull request', R.anyRef, R.anyRefFix, F(3), 'CIT-M011'),
  'CIT-GCP-008': entry('warning', 'gcp', 'Pull-request subject', R.pr, R.prFix, F(4), 'CIT-M013'),
  'CIT-GCP-009': entry('error', 'gcp', 'User-controllable subject without repository or owner pin', R.userClaim, R.userClaimFix, src(F(7), F(12), CHECKOV('CKV_GCP_125'), REF.githubSubject), 'CIT-M016'),
  'CIT-GCP-010': entry('error', 'gcp', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, F(8), 'CIT-M001'),
  'CIT-GCP-011': entry('warning', 'gcp', 'Name-only GitHub pin (no immutable IDs)', R.nameOnly, R.nameOnlyFix, src(F(6), REF.googleAuth), 'CIT-M010'),
  'CIT-GCP-012': entry('warning', 'gcp', 'HCP Terraform plan and apply together (`run_phase:*`)', R.runPhase, R.runPhaseFix, HAZARD('hcp-terraform'), 'CIT-M015'),
  'CIT-GCP-013': entry('warning', 'gcp', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, HAZARD('bitbucket'), 'CIT-M001'),
  'CIT-GCP-014': entry('broken', 'gcp', 'Malformed subject or claim value (never matches)', R.malformed, R.malformedFix, CHECKOV('CKV_GCP_125 (d)(g)')),
  'CIT-GCP-015': entry('warning', 'gcp', 'Organisation-wide trust (tenant pinned, repository not)', R.orgWide, R.orgWideFix, src(F(15), REF.googleAuth), 'CIT-M002'),
  'CIT-GCP-016': entry('not-analysable', 'gcp', 'Attribute condition or grant not analysable', R.notAnalysable, R.notAnalysableFix, REF.scannerLimitation),
  'CIT-GCP-017': entry('error', 'gcp', 'Poisoned value list (`in [...]`)', R.poisoned, R.poisonedFix, F(10), 'CIT-M001'),
  'CIT-GCP-018': entry('warning', 'gcp', 'Tenant-wide: no identity pin on a per-tenant or unknown issuer', R.tenantWide,
    'Pin {claims} in `attribute_condition`, or grant on an attribute mapped from it.', src(HAZARD('circleci'), REF.severity), 'CIT-M001'),
  'CIT-GCP-019': entry('broken', 'gcp', 'Condition that can never match (`*` under `==`, empty value)', R.neverMatches,
    'Write the exact value; use `startsWith` only with a literal identity prefix.', REF.severity, 'CIT-M003'),
  'CIT-GCP-020': entry('warning', 'gcp', 'Provider or pool disabled',
    'A disabled provider (or a provider of a disabled pool) admits no token now, but `disabled = false` (or one console click) restores every grant as configured; the other findings of the trust judge that configuration.',
    'Delete the provider or pool when it is retired; review its condition and grants before enabling it again.', REF.gcpProvider),
  'CIT-GCP-021': entry('warning', 'gcp', 'Bare UUID subject (its scope depends on `--subject-claim`)', R.opaque, R.opaqueFix, src(HAZARD('buildkite'), REF.buildkiteSubjectClaim)),
  'CIT-GCP-022': entry('warning', 'gcp', 'Branch, tag or environment pattern (`startsWith`, `matches`)', R.refPattern, R.refPatternFix, src(F(2), F(3)), 'CIT-M012'),

  // ---- Azure federated identity credentials ----
  'CIT-AZ-001': entry('broken', 'azure', 'Empty FIC subject (never matches)',
    'Every token has a subject, so an empty one matches none (tooling that treats empty as "any" would widen it to everything).',
    'Set the exact subject: {subject}.', src(F(16), CHECKOV('CKV_AZURE_249')), 'CIT-M003'),
  'CIT-AZ-002': entry('broken', 'azure', 'FIC subject without `:` (never matches)',
    'GitHub, GitLab, Buildkite and HCP Terraform subjects are `key:value` sequences; a value without `:` is a name fragment, not a subject, and no token carries it.',
    'Use the full subject string from the token: {subject}.', CHECKOV('CKV_AZURE_249')),
  'CIT-AZ-003': entry('broken', 'azure', 'Wildcard in an exact FIC match (never matches)',
    'Classic FICs (and `eq` in a Flexible FIC) compare exactly and have no wildcards; a `*` shows the author expected a broad match, and the credential silently never matches.',
    'Use one FIC per exact subject, or a Flexible FIC with `matches` wildcards only after the identity.', src(F(16), CHECKOV('CKV_AZURE_249'), REF.entraFic), 'CIT-M003'),
  'CIT-AZ-004': entry('error', 'azure', 'Identity-less or user-controllable FIC subject on a shared issuer', R.userClaim, R.userClaimFix, src(F(7), F(12), CHECKOV('CKV_AZURE_249'), REF.githubSubject), 'CIT-M016'),
  'CIT-AZ-005': entry('error', 'azure', 'Flexible FIC wildcard that crosses the tenant boundary', R.wildcard, R.wildcardFix, F(16), 'CIT-M002'),
  'CIT-AZ-006': entry('warning', 'azure', 'Any ref, environment or pull request (Flexible FIC)', R.anyRef, R.anyRefFix, F(3), 'CIT-M011'),
  'CIT-AZ-007': entry('warning', 'azure', 'Pull-request subject', R.pr, R.prFix, F(4), 'CIT-M013'),
  'CIT-AZ-008': entry('error', 'azure', 'Reusable workflow pinned without the caller', R.reusable, R.reusableFix, F(8), 'CIT-M001'),
  'CIT-AZ-009': entry('warning', 'azure', 'Name-only GitHub subject (no immutable IDs)', R.nameOnly, R.nameOnlyFix, F(6), 'CIT-M010'),
  'CIT-AZ-010': entry('warning', 'azure', 'HCP Terraform plan and apply together (`run_phase:*`)', R.runPhase, R.runPhaseFix, HAZARD('hcp-terraform'), 'CIT-M015'),
  'CIT-AZ-011': entry('warning', 'azure', 'Bitbucket subject without a braced repository UUID', R.bitbucket, R.bitbucketFix, HAZARD('bitbucket'), 'CIT-M001'),
  'CIT-AZ-012': entry('broken', 'azure', 'Malformed subject (never matches)', R.malformed, R.malformedFix, CHECKOV('CKV_AZURE_249')),
  'CIT-AZ-013': entry('broken', 'azure', 'Empty or wildcard FIC audience (never matches)',
    'Entra compares the token\'s `aud` with the FIC audience exactly: `*` or an empty audience matches no token (and removes the relying-party check in tooling that widens it).',
    'Set `audience = ["api://AzureADTokenExchange"]`.', src(F(16), HAZARD('issuer-and-audience'), REF.entraFic), 'CIT-M005'),
  'CIT-AZ-014': entry('not-analysable', 'azure', 'FIC subject or Flexible FIC expression not analysable', R.notAnalysable, R.notAnalysableFix, REF.scannerLimitation),
  'CIT-AZ-015': entry('warning', 'azure', 'Organisation-wide trust (tenant pinned, repository not)', R.orgWide, R.orgWideFix, F(2), 'CIT-M002'),
  'CIT-AZ-016': entry('warning', 'azure', 'Tenant-wide: no identity pin on a per-tenant or unknown issuer', R.tenantWide, R.tenantWideFix, src(HAZARD('circleci'), REF.severity), 'CIT-M001'),
  'CIT-AZ-017': entry('warning', 'azure', 'Bare UUID subject (its scope depends on `--subject-claim`)', R.opaque, R.opaqueFix, src(HAZARD('buildkite'), REF.buildkiteSubjectClaim)),
  'CIT-AZ-018': entry('warning', 'azure', 'Branch, tag or environment pattern (Flexible FIC)', R.refPattern, R.refPatternFix, src(F(2), F(3)), 'CIT-M012'),
};

/** Fix wording for a trust whose provider the scanner does not know. */
const GENERIC_ADVICE: Required<PinAdvice> = {
  subject: 'the repository (project, pipeline, workspace) as the first field of `sub`',
  claims: 'the claim that names one repository (project, pipeline, workspace), by immutable id where there is one',
  context: 'a branch, tag or environment',
};

function fill(template: string, advice: PinAdvice | undefined): string {
  const a = { ...GENERIC_ADVICE, ...advice };
  return template.replace(/\{(subject|claims|context)\}/g, (_m, k: keyof PinAdvice) => a[k] ?? GENERIC_ADVICE[k]);
}

export const FINDINGS: readonly FindingDefinition[] = FINDING_IDS.map((id) => {
  const { fixTemplate, ...e } = CATALOGUE[id];
  return { id, ...e, severity: severityOf(e.class), fix: fill(fixTemplate, undefined) };
});

const BY_ID = new Map<string, FindingDefinition>(FINDINGS.map(f => [f.id, f]));

/** Catalogue entry for an id; throws on an unknown id (a programming error, not user input). */
export function findingDefinition(id: FindingId): FindingDefinition {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`Unknown finding id ${id}: add it to lib/review/scan/findings.ts`);
  return f;
}

/** True for a string that is a finding id (for `--skip`). */
export function isFindingId(s: string): s is FindingId {
  return BY_ID.has(s);
}

/**
 * The fix of a finding for one CI provider: its own identity and context forms, not GitHub's; for
 * a name-only pin, the issuer's own advice where it has one (GitHub Enterprise Server has no
 * immutable subject to recommend).
 */
export function fixFor(id: FindingId, provider: string, issuer?: string): string {
  const nameOnly = Object.values(SUBJECT_ISSUE_IDS['name-only']).includes(id);
  const issuerFix = nameOnly && issuer !== undefined ? specForIssuer(issuer)?.issuer.nameOnlyFix : undefined;
  return issuerFix ?? fill(CATALOGUE[id].fixTemplate, analyserFor(provider).analyser.advice);
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
  'never-matches': { aws: 'CIT-AWS-021', gcp: 'CIT-GCP-019', azure: 'CIT-AZ-003' },
  'opaque-id': { aws: 'CIT-AWS-023', gcp: 'CIT-GCP-021', azure: 'CIT-AZ-017' },
  'ref-pattern': { aws: 'CIT-AWS-024', gcp: 'CIT-GCP-022', azure: 'CIT-AZ-018' },
};

/** No identity pin on a per-tenant or unknown issuer, and a cross-tenant issue where the tenant is the issuer's. */
export const TENANT_WIDE_IDS: { readonly [cloud in FindingCloud]: FindingId } = { aws: 'CIT-AWS-018', gcp: 'CIT-GCP-018', azure: 'CIT-AZ-016' };
/** Not analysable, per cloud. */
export const NOT_ANALYSABLE_IDS: { readonly [cloud in FindingCloud]: FindingId } = { aws: 'CIT-AWS-020', gcp: 'CIT-GCP-016', azure: 'CIT-AZ-014' };
