/**
 * More CI providers on AWS: HCP Terraform (separate plan and apply roles), CircleCI, Bitbucket
 * Pipelines (one deployment environment), an Azure DevOps service connection and a self-hosted
 * Jenkins (oidc-provider plugin). What AWS cannot check is refused at synth, so these trusts pin only what
 * each token's `sub` carries (AWS sees `sub` and `aud` for these issuers).
 * Offline synth: `main('cdk.out')`.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AzureDevOps, BitbucketPipelines, CiOidcRole, CircleCi, HcpTerraform, Jenkins, Widening } from 'ci-oidc-trust';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const TFC = { organization: 'acme', project: 'Platform', workspace: 'network-prod' };

export function buildMoreProviders(app: App): Stack {
  const stack = new Stack(app, 'AwsMoreProviders', { env: ENV });
  // HCP Terraform: AWS sees only `sub`, so the workspace is pinned by name (named widening), and
  // plan runs get a read-only role of their own.
  new CiOidcRole(stack, 'TerraformPlan', {
    trusts: [HcpTerraform.workspace(TFC).forPlan().accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  });
  new CiOidcRole(stack, 'TerraformApply', {
    trusts: [HcpTerraform.workspace(TFC).forApply().accept(Widening.NAME_ONLY_IDENTITY).toTrust()],
  });
  // CircleCI: the subject pins organization and project; branches live in a claim AWS cannot see.
  new CiOidcRole(stack, 'CircleCi', {
    trusts: [CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee' }).onAnyRef().accept(Widening.ANY_REF).toTrust()],
  });
  // Bitbucket: repository and deployment environment UUIDs; the step UUID is the trailing wildcard.
  new CiOidcRole(stack, 'Bitbucket', {
    trusts: [BitbucketPipelines.repository({ workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' })
      .inDeploymentEnvironment('{3f2a8a4e-1111-4222-8333-944455556666}').toTrust()],
  });
  new CiOidcRole(stack, 'AzureDevOps', {
    trusts: [AzureDevOps.serviceConnection({ organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'acme', project: 'platform', serviceConnection: 'aws-prod' }).toTrust()],
  });
  new CiOidcRole(stack, 'Jenkins', {
    trusts: [Jenkins.job({ jenkinsUrl: 'https://ci.acme.com', job: 'deploy' }).toTrust()],
  });
  return stack;
}

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdk.out'): App {
  const app = new App({ outdir });
  buildMoreProviders(app);
  app.synth();
  return app;
}

if (require.main === module) main();
