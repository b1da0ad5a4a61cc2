/**
 * HCP Terraform's `sub` (docs/claims.md#hcp-terraform, https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens):
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`; no encoding
 * (project names may contain spaces). The one home of the grammar, for the builder and the renderer.
 * @internal
 */
export function hcpTerraformSubject(organization: string, project: string, workspace: string, runPhase: string): string {
  return `organization:${organization}:project:${project}:workspace:${workspace}:run_phase:${runPhase}`;
}

/** Render `sub` for a token's claims. @internal */
export function renderHcpTerraformSubject(claims: Record<string, unknown>): string {
  const c = (k: string) => String(claims[`terraform_${k}`]);
  return hcpTerraformSubject(c('organization_name'), c('project_name'), c('workspace_name'), c('run_phase'));
}
