/**
 * A gitlab.com role for pipelines of one project on its protected branch `main`
 * (`ref_protected == "true"`, an AWS condition key for gitlab.com only).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CiOidcRole, GitLabCi, Trust } from 'ci-oidc-trust';
import { ExampleStack, ENV } from './aws-github-deploy';

export function gitlabProtectedTrust(): Trust {
  return GitLabCi.project({ projectPath: 'acme-group/platform/infra', projectId: '42424242' })
    .onProtectedBranch('main')
    .toTrust();
}

export function buildGitLabProtected(app: App): ExampleStack {
  const stack = new Stack(app, 'AwsGitLabProtected', { env: ENV });
  const role = new CiOidcRole(stack, 'ProtectedBranchRole', { trusts: [gitlabProtectedTrust()] });
  // Something ordinary and narrow: read one SSM parameter path.
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['ssm:GetParameter'],
    resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'infra/deploy-config' })],
  }));
  return { stack, role };
}

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdk.out'): App {
  const app = new App({ outdir });
  buildGitLabProtected(app);
  app.synth();
  return app;
}

if (require.main === module) main();
