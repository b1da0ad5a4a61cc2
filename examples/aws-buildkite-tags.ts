/**
 * A Buildkite pipeline role pinned by organization and pipeline UUIDs, which Buildkite carries to
 * AWS as session tags (`buildkite-agent oidc request-token --aws-session-tag organization_id,pipeline_id`).
 * The trust allows `sts:TagSession` and checks `aws:RequestTag/<claim>`.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Buildkite, CiOidcRole, Trust } from 'ci-oidc-trust';
import { ExampleStack, ENV } from './aws-github-deploy';

export function buildkiteTagsTrust(): Trust {
  return Buildkite.pipeline({
    organization: 'acme-inc',
    pipeline: 'deploy',
    organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0',
    pipelineId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  })
    .onBranch('main')
    .withAwsSessionTags('organization_id', 'pipeline_id')
    .toTrust();
}

export function buildBuildkiteTags(app: App): ExampleStack {
  const stack = new Stack(app, 'AwsBuildkiteTags', { env: ENV });
  const role = new CiOidcRole(stack, 'PipelineRole', { trusts: [buildkiteTagsTrust()] });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['ecr:GetAuthorizationToken'],
    resources: ['*'], // ecr:GetAuthorizationToken has no resource-level permissions
  }));
  NagSuppressions.addResourceSuppressions(role, [
    { id: 'AwsSolutions-IAM5', reason: 'ecr:GetAuthorizationToken supports only Resource "*" (no resource-level permissions).', appliesTo: ['Resource::*'] },
  ], true);
  return { stack, role };
}

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdk.out'): App {
  const app = new App({ outdir });
  buildBuildkiteTags(app);
  app.synth();
  return app;
}

if (require.main === module) main();
