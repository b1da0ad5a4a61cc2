/**
 * A role that self-hosted GitHub runners may assume only through an STS interface VPC endpoint
 * (`aws:SourceVpce` in the trust), with the session network deny policy so the credentials are
 * useless outside that endpoint (except for calls AWS services make on the role's behalf).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { CiOidcRole, GitHubActions, Trust } from 'ci-oidc-trust';
import { ExampleStack, ENV } from './aws-github-deploy';

export const STS_VPC_ENDPOINTS = ['vpce-0a1b2c3d4e5f60718'];

export function vpcEndpointTrust(): Trust {
  return GitHubActions.repository({ owner: 'acme', repository: 'infra', ownerId: '1234567', repositoryId: '77777777' })
    .onBranch('main')
    .inEnvironment('production')
    .restrictNetwork({ awsVpcEndpointIds: STS_VPC_ENDPOINTS })
    .toTrust();
}

export function buildVpcEndpoint(app: App): ExampleStack {
  const stack = new Stack(app, 'AwsVpcEndpoint', { env: ENV });
  const role = new CiOidcRole(stack, 'PrivateRunnerRole', { trusts: [vpcEndpointTrust()] });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['cloudformation:DescribeStacks'],
    resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: 'infra/*' })],
  }));
  // cdk-nag AwsSolutions-IAM5 looks at Allow statements only: the session network policy (Deny "*"
  // unless through the endpoint) needs no suppression.
  NagSuppressions.addResourceSuppressions(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason: 'DescribeStacks on the stacks under infra/ only.',
      appliesTo: ['Resource::arn:<AWS::Partition>:cloudformation:eu-west-1:123456789012:stack/infra/*'],
    },
  ], true);
  return { stack, role };
}

/** Synthesizes the example into `outdir`; returns the app (the tests read its constructs). */
export function main(outdir = 'cdk.out'): App {
  const app = new App({ outdir });
  buildVpcEndpoint(app);
  app.synth();
  return app;
}

if (require.main === module) main();
