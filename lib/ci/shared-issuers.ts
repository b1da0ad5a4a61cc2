/**
 * Issuers that sign tokens for every tenant of a platform (github.com's Actions issuer, gitlab.com,
 * Buildkite, HCP Terraform). A trust on such an issuer pins nothing unless it pins the tenant's
 * repository, project, pipeline or workspace: any customer chooses its own workflow names,
 * environments, branches and owner/namespace names. The typed builders know this; `GenericOidc`
 * consults this table so that a hand-made trust on a shared issuer is held to the same rule.
 * Sources: docs/security.md#f1 (no subject pin), docs/security.md#f6 (renamed or recycled names).
 * @internal
 */
export interface SharedIssuer {
  /** The issuer URLs, compared case-insensitively (a host is). */
  readonly issuer: RegExp;
  readonly displayName: string;
  /** What one tenant's identity is called: repository, project, pipeline, workspace. */
  readonly unit: string;
  /** The typed builder that states this provider's identity safely. */
  readonly builder: string;
  /** Claims whose exact value names one repository/project/pipeline/workspace by immutable id. */
  readonly immutableClaims: readonly string[];
  /** Claims whose exact value names one, by a name that can be deleted and re-registered. */
  readonly nameClaims: readonly string[];
  /** A `sub` value that begins with an immutable identity. */
  readonly immutableSubject?: RegExp;
  /** A `sub` value (or the literal head of a pattern) that begins with a name identity. */
  readonly nameSubject: RegExp;
}

/** @internal */
export const SHARED_ISSUERS: readonly SharedIssuer[] = [
  {
    issuer: /^https:\/\/token\.actions\.githubusercontent\.com$/i,
    displayName: 'GitHub Actions (github.com)',
    unit: 'repository',
    builder: 'GitHubActions.repository()',
    immutableClaims: ['repository_id'],
    nameClaims: ['repository'],
    // Only the first field: a custom template may put a claim the workflow author chooses first.
    immutableSubject: /^repo:[A-Za-z0-9_-]+@[0-9]+\/[A-Za-z0-9._-]+@[0-9]+:/,
    nameSubject: /^repo:[A-Za-z0-9_-]+\/[A-Za-z0-9._-]+:/,
  },
  {
    issuer: /^https:\/\/gitlab\.com$/i,
    displayName: 'GitLab CI/CD (gitlab.com)',
    unit: 'project',
    builder: 'GitLabCi.project()',
    immutableClaims: ['project_id'],
    nameClaims: ['project_path'],
    immutableSubject: /^project_id:[0-9]+:/,
    nameSubject: /^project_path:[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+:/,
  },
  {
    issuer: /^https:\/\/agent\.buildkite\.com$/i,
    displayName: 'Buildkite',
    unit: 'pipeline',
    builder: 'Buildkite.pipeline()',
    immutableClaims: ['pipeline_id'],
    nameClaims: [],
    nameSubject: /^organization:[a-z0-9-]+:pipeline:[a-z0-9-]+:/,
  },
  {
    issuer: /^https:\/\/app(\.eu)?\.terraform\.io$/i,
    displayName: 'HCP Terraform',
    unit: 'workspace',
    builder: 'HcpTerraform.workspace()',
    immutableClaims: ['terraform_workspace_id'],
    nameClaims: [],
    nameSubject: /^organization:[A-Za-z0-9_-]+:project:[A-Za-z0-9 _-]+:workspace:[A-Za-z0-9_-]+:/,
  },
];

/** The shared issuer this URL is, if any. @internal */
export function sharedIssuer(issuer: string): SharedIssuer | undefined {
  return SHARED_ISSUERS.find((s) => s.issuer.test(issuer));
}
