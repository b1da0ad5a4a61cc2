import type { HcpTerraformDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { firstAudience } from '../snippet-parts';

/** The audience HCP Terraform requests for AWS unless `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE` says otherwise. @internal */
export const HCP_TERRAFORM_AWS_AUDIENCE = 'aws.workload.identity';

/** The workspace's environment variables for dynamic provider credentials, per run phase. @internal */
export function hcpTerraformSnippet(source: SnippetSource<HcpTerraformDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = firstAudience(source);
  const phase = d.phases?.length === 1 ? (d.phases[0] === 'plan' ? 'PLAN' : 'APPLY') : 'RUN';
  const vars = t.cloud === 'aws'
    ? [['TFC_AWS_PROVIDER_AUTH', 'true'], [`TFC_AWS_${phase}_ROLE_ARN`, t.principal], ...(aud !== HCP_TERRAFORM_AWS_AUDIENCE ? [['TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE', aud]] : [])]
    : t.cloud === 'gcp'
      ? [['TFC_GCP_PROVIDER_AUTH', 'true'], ['TFC_GCP_WORKLOAD_PROVIDER_NAME', t.principal], [`TFC_GCP_${phase}_SERVICE_ACCOUNT_EMAIL`, t.extra ?? '<service account email>']]
      : [['TFC_AZURE_PROVIDER_AUTH', 'true'], [`TFC_AZURE_${phase}_CLIENT_ID`, t.principal]];
  return `# HCP Terraform workspace ${d.organization}/${d.workspace}: environment variables\n${vars.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}
