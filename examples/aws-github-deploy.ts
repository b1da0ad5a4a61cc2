/**
 * A GitHub Actions deploy role pinned by immutable ids, for branch `main` in environment
 * `production`, granted ordinary permissions through the usual `iam.IRole` grants.
 * Offline synth: `main('cdk.out')` (no credentials, fixed dummy account).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { CiOidcRole, GitHubActions, Trust } from 'ci-oidc-trust';

export const ENV = { account: '123456789012', region: 'eu-west-1' };

/** The trust of this example (unbound: the role binds the AWS default audience). */
export function githubDeployTrust(): Trust {
  return GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '89012345' })
    .onBranch('main')
    .inEnvironment('production')
    .toTrust();
}

export interface ExampleStack {
  readonly stack: Stack;
  readonly role: CiOidcRole;
}

export function buildGitHubDeploy(app: App): ExampleStack {
  const stack = new Stack(app, 'AwsGitHubDeploy', { env: ENV });
  const bucket = new s3.Bucket(stack, 'Artifacts', {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
  });
  const role = new CiOidcRole(stack, 'DeployRole', { trusts: [githubDeployTrust()] });
  // CiOidcRole is an ordinary iam.Role: grants work as usual.
  const asIRole: iam.IRole = role;
  bucket.grantReadWrite(asIRole);
  NagSuppressions.addResourceSuppressions(bucket, [
    { id: 'AwsSolutions-S1', reason: 'Example artifact bucket; server access logging needs a second bucket and is out of scope of the trust example.' },
  ]);
  NagSuppressions.addResourceSuppressions(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason: 'bucket.grantReadWrite emits the standard CDK object-level actions (s3:GetObject*, s3:Abort*, ...) on <bucket>/*; scoped to this one bucket.',
      appliesTo: [
        'Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*',
        'Resource::<Artifacts82DD59A1.Arn>/*',
      ],
    },
  ], true);
  return { stack, role };
}

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdk.out'): App {
  const app = new App({ outdir });
  buildGitHubDeploy(app);
  app.synth();
  return app;
}

if (require.main === module) main();
