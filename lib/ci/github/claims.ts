/**
 * The GitHub Actions claim catalog (docs/claims.md#github-actions, https://docs.github.com/en/actions/reference/security/oidc). `derived` claims come from the
 * repository pin; the rest can be pinned with `withClaim`. All values are strings.
 * @internal
 */
export const GITHUB_CLAIMS: Record<string, string> = {
  actor: 'login of the account that started the run',
  actor_id: 'numeric id of that account',
  base_ref: 'pull-request target branch',
  check_run_id: 'check run of the job',
  enterprise: 'enterprise slug (GHEC, GHES)',
  enterprise_id: 'enterprise id (GHEC, GHES >= 3.12)',
  environment: 'environment the job references',
  event_name: 'triggering event (push, pull_request, workflow_dispatch, ...)',
  head_ref: 'pull-request source branch',
  job_workflow_ref: 'called (reusable) workflow path@ref',
  job_workflow_sha: 'called workflow commit',
  ref: 'full git ref (refs/heads/x, refs/tags/x, refs/pull/N/merge)',
  ref_protected: '"true" or "false"',
  ref_type: 'branch or tag',
  repository: 'owner/repo',
  repository_id: 'numeric repository id',
  repository_owner: 'owner login',
  repository_owner_id: 'numeric owner id',
  repository_visibility: 'internal, private or public',
  run_attempt: 'run attempt',
  run_id: 'run id',
  run_number: 'run number',
  runner_environment: 'github-hosted or self-hosted',
  sha: 'commit',
  workflow: 'workflow name',
  workflow_ref: 'owner/repo/.github/workflows/file.yml@ref',
  workflow_sha: 'workflow file commit',
};

/** Claims that change per run: pinning them pins nothing durable. @internal */
export const GITHUB_VOLATILE = new Set(['run_attempt', 'run_id', 'run_number', 'sha', 'check_run_id', 'job_workflow_sha', 'workflow_sha']);

/** Is this a claim GitHub emits (including repo_property_<name>)? @internal */
export function isGitHubClaim(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(GITHUB_CLAIMS, name) || /^repo_property_[a-z0-9_]+$/i.test(name);
}
