/**
 * GCP (CDKTF): one workload identity pool with a provider per CI issuer, each trust granted
 * impersonation of a deploy service account:
 * - GitHub Actions jobs of acme/web in the `production` environment (immutable
 *   `repo:OWNER@ID/REPO@ID` subject), which deploy and write the Terraform state bucket, and its
 *   pull requests, which may only read (their own service account): two trusts on one provider;
 * - GitLab pipelines of `platform/infra` (project id pinned) on the protected `main` branch;
 *   GitLab tokens carry the audience the job asks for, here the instance URL;
 * - Buildkite jobs of the `acme-inc/deploy` pipeline (pipeline UUID pinned) on `main`.
 * Each grant's member is `principalSet://…/attribute.trust_<fingerprint>/<provider>`: it admits
 * that trust's tokens only (docs/gcp.md "Grants"); the review lists under each trust exactly what
 * it can use.
 *
 * Run offline: `npx ts-node examples/gcp-pool.ts` writes `cdktf.out/stacks/ci-gcp/cdk.tf.json`.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Buildkite, GcpWorkloadIdentityPool, GitHubActions, GitLabCi } from 'ci-oidc-trust';

const DEPLOY_SA = 'deploy@acme-prod.iam.gserviceaccount.com';
const READER_SA = 'reader@acme-prod.iam.gserviceaccount.com';

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdktf.out'): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'ci-gcp');
  new GoogleProvider(stack, 'google', { project: 'acme-prod' });

  const pool = new GcpWorkloadIdentityPool(stack, 'Ci', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-deploy' });

  const web = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456' });
  const production = web().inEnvironment('production').toTrust();
  const pullRequests = web().onPullRequest().toTrust();
  const github = pool.addProvider('GitHub', { providerId: 'github', trusts: [production, pullRequests] });
  // Production deploys and writes the state; pull requests only read, as their own service account.
  github.grantServiceAccountImpersonation(DEPLOY_SA, production);
  github.grantServiceAccountImpersonation(READER_SA, pullRequests);
  new StorageBucketIamMember(stack, 'State', { bucket: 'acme-terraform-state', role: 'roles/storage.objectAdmin', member: github.principalSetMember(production) });
  const gitlab = pool.addProvider('GitLab', {
    providerId: 'gitlab',
    trusts: [GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' }).onProtectedBranch('main').withAudience('https://gitlab.com').toTrust()],
  });
  const buildkite = pool.addProvider('Buildkite', {
    providerId: 'buildkite',
    audiences: ['https://buildkite.com/acme-inc'],
    trusts: [Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: '0191f956-042f-7ec4-aa62-8e5eeae396d0' }).onBranch('main').toTrust()],
  });

  for (const p of [gitlab, buildkite]) p.grantServiceAccountImpersonation(DEPLOY_SA);
  for (const p of [github, gitlab, buildkite]) {
    // What the CI job passes to google-github-actions/auth, gcloud or the Buildkite plugin.
    new TerraformOutput(stack, `${p.providerId}-provider`, { value: p.providerName });
    new TerraformOutput(stack, `${p.providerId}-audience`, { value: p.audience });
  }
  app.synth();
  return app;
}

if (require.main === module) main();
