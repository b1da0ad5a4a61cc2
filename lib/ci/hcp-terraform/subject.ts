/**
 * HCP Terraform's `sub` (ci-claims.md §7, TFC-WIT):
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`; no encoding
 * (project names may contain spaces).
 * @internal
 */
export function renderHcpTerraformSubject(claims: Record<string, unknown>): string {
  return `organization:${claims.terraform_organization_name}:project:${claims.terraform_project_name}:workspace:${claims.terraform_workspace_name}:run_phase:${claims.terraform_run_phase}`;
}
