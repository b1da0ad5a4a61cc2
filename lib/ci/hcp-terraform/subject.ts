/**
 * HCP Terraform's `sub` (ci-claims.md §7, TFC-WIT):
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`; no encoding
 * (project names may contain spaces). The one home of the grammar, for the builder and the renderer.
 * @internal
 */
export function hcpTerraformSubject(organization: string, project: string, workspace: string, runPhase: string): string {
  return `organization:${organization}:project:${project}:workspace:${workspace}:run_phase:${runPhase}`;
}

/** Render `sub` for a token's claims. @internal */
export function renderHcpTerraformSubject(claims: Record<string, unknown>): string {
  return hcpTerraformSubject(String(claims.terraform_organization_name), String(claims.terraform_project_name), String(claims.terraform_workspace_name), String(claims.terraform_run_phase));
}
