import { HCP_TERRAFORM_AWS_AUDIENCE, HcpTerraformDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AZURE_CLOUDS, azureCloud, firstAudience, isGcpDefaultAudience, renderFiles, UNKNOWN_REGION, UNKNOWN_TENANT } from '../snippet-parts';

/** The audience HCP Terraform requests for Azure unless `TFC_AZURE_WORKLOAD_IDENTITY_AUDIENCE` says otherwise. */
const AZURE_AUDIENCE = 'api://AzureADTokenExchange';

/*
 * The workspace's environment variables for dynamic provider credentials: HCP Terraform requests
 * the token and hands it to the provider, so no job step sees a credential. Each phase the trust
 * admits gets its role (RUN for both). Variables:
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials
 */

/** The workspace variables for one trust. @internal */
export function hcpTerraformSnippet(source: SnippetSource<HcpTerraformDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = firstAudience(source);
  const phase = d.phases?.length === 1 ? (d.phases[0] === 'plan' ? 'PLAN' : 'APPLY') : 'RUN';
  const notes = [
    `Environment variables of workspace ${d.organization}/${d.project}/${d.workspace}${d.hostname ? ` on Terraform Enterprise ${d.hostname}` : ''} (category "env").`,
    ...(phase === 'PLAN' ? ['Apply runs need credentials of their own (TFC_*_APPLY_*): this trust admits plan runs only.'] : []),
    ...(phase === 'APPLY' ? ['Plan runs need credentials of their own (TFC_*_PLAN_*): this trust admits apply runs only.'] : []),
  ];
  let vars: Array<[string, string]>;
  if (t.cloud === 'aws') {
    vars = [
      ['TFC_AWS_PROVIDER_AUTH', 'true'],
      [`TFC_AWS_${phase}_ROLE_ARN`, t.principal],
      ...(aud !== HCP_TERRAFORM_AWS_AUDIENCE ? [['TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE', aud] as [string, string]] : []),
      ['AWS_REGION', t.region ?? UNKNOWN_REGION],
    ];
  } else if (t.cloud === 'gcp') {
    if (!t.serviceAccount) notes.push('HCP Terraform\'s GCP credentials impersonate a service account: grant one to this trust (grantServiceAccountImpersonation) and put its email here.');
    vars = [
      ['TFC_GCP_PROVIDER_AUTH', 'true'],
      ['TFC_GCP_WORKLOAD_PROVIDER_NAME', t.principal],
      [`TFC_GCP_${phase}_SERVICE_ACCOUNT_EMAIL`, t.serviceAccount ?? '<service account email>'],
      // HCP Terraform's default audience is the provider's //iam.googleapis.com/… name.
      ...(isGcpDefaultAudience(aud, t) ? [] : [['TFC_GCP_WORKLOAD_IDENTITY_AUDIENCE', aud] as [string, string]]),
    ];
  } else {
    const cloud = azureCloud(t);
    vars = [
      ['TFC_AZURE_PROVIDER_AUTH', 'true'],
      [`TFC_AZURE_${phase}_CLIENT_ID`, t.principal],
      ...(aud !== AZURE_AUDIENCE ? [['TFC_AZURE_WORKLOAD_IDENTITY_AUDIENCE', aud] as [string, string]] : []),
      ['ARM_TENANT_ID', t.tenantId ?? UNKNOWN_TENANT],
      ...(t.subscriptionId ? [['ARM_SUBSCRIPTION_ID', t.subscriptionId] as [string, string]] : []),
      ...(cloud === 'PUBLIC' ? [] : [['ARM_ENVIRONMENT', AZURE_CLOUDS[cloud].terraform] as [string, string]]),
    ];
  }
  return renderFiles([{ path: `HCP Terraform workspace ${d.organization}/${d.workspace}: variables`, syntax: 'env', notes, body: vars.map(([k, v]) => `${k}=${v}`).join('\n') }]);
}
