/**
 * More CI providers on GCP, where the attribute condition can check every claim: CircleCI on one
 * branch in one context (a list claim), Bitbucket Pipelines on one branch, and HCP Terraform apply
 * runs pinned by workspace id.
 * Offline synth: `main('cdktf.out')`.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { BitbucketPipelines, CircleCi, GcpWorkloadIdentityPool, HcpTerraform } from 'ci-oidc-trust';

const DEPLOY_SA = 'deploy@acme-prod.iam.gserviceaccount.com';

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdktf.out'): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'ci-gcp-more');
  new GoogleProvider(stack, 'google', { project: 'acme-prod' });
  const pool = new GcpWorkloadIdentityPool(stack, 'Ci', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-more' });
  pool.addProvider('CircleCi', {
    providerId: 'circleci',
    trusts: [CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee', vcsOrigin: 'github.com/acme/web' }).onBranch('main').inContext('5d8c1e2a-3b4c-4d5e-8f60-718293a4b5c6').toTrust()],
  }).grantServiceAccountImpersonation(DEPLOY_SA);
  pool.addProvider('Bitbucket', {
    providerId: 'bitbucket',
    trusts: [BitbucketPipelines.repository({ workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' }).onBranch('main').toTrust()],
  }).grantServiceAccountImpersonation(DEPLOY_SA);
  pool.addProvider('Terraform', {
    providerId: 'hcp-terraform',
    trusts: [HcpTerraform.workspace({ organization: 'acme', project: 'Platform', workspace: 'network-prod', workspaceId: 'ws-mbsd5E3Ktt5Rg2Xm', organizationId: 'org-GRNbCjYNpBB6NEH9' }).forApply().toTrust()],
  }).grantServiceAccountImpersonation(DEPLOY_SA);
  app.synth();
  return app;
}

if (require.main === module) main();
