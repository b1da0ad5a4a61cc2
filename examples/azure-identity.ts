/**
 * Azure (CDKTF): one user-assigned managed identity that deploys to a resource group, trusted by
 * - GitHub Actions jobs of acme/web in the `production` and `staging` environments (immutable
 *   `repo:OWNER@ID/REPO@ID` subject, so a renamed or re-registered name cannot match), and
 * - GitLab pipelines of the `platform/infra` project on the protected `main` branch. Azure checks
 *   only iss/sub/aud, so the project id and the protected flag must be *in* the subject: the
 *   project's `ci_id_token_sub_claim_components` is set to
 *   `project_path, project_id, ref_type, ref, ref_protected` (GitLab 18.7+), and the trust says so.
 *
 * Run offline: `npx ts-node examples/azure-identity.ts` writes `cdktf.out/stacks/ci-identity/cdk.tf.json`.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { FederatedManagedIdentity, GitHubActions, GitHubSubjectFormat, GitLabCi, GitLabSubjectComponent } from 'ci-oidc-trust';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const RESOURCE_GROUP = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web-prod`;

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdktf.out'): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'ci-identity');
  new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: SUBSCRIPTION });

  // Azure matches the subject only, so say which form the repository emits (docs/subject-format.md).
  const github = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456', subjectFormat: GitHubSubjectFormat.IMMUTABLE })
    .inEnvironment('production', 'staging')
    .toTrust();

  const gitlab = GitLabCi.project({
    projectPath: 'platform/infra',
    projectId: '4242',
    subjectComponents: [
      GitLabSubjectComponent.PROJECT_PATH,
      GitLabSubjectComponent.PROJECT_ID,
      GitLabSubjectComponent.REF_TYPE,
      GitLabSubjectComponent.REF,
      GitLabSubjectComponent.REF_PROTECTED,
    ],
  })
    .onProtectedBranch('main')
    .toTrust();

  const deployer = new FederatedManagedIdentity(stack, 'Deployer', {
    name: 'id-web-deployer',
    resourceGroupName: 'rg-ci-identities',
    location: 'westeurope',
    trusts: [github, gitlab],
  });
  deployer.grant(RESOURCE_GROUP, 'Contributor', { description: 'CI deployments of acme/web and platform/infra' });

  // What the CI jobs need: azure/login `client-id` and `tenant-id` (GitLab: az login --federated-token).
  new TerraformOutput(stack, 'client_id', { value: deployer.clientId });
  new TerraformOutput(stack, 'tenant_id', { value: deployer.tenantId });

  app.synth();
  return app;
}

if (require.main === module) main();
