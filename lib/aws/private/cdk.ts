import { Stack, Token } from 'aws-cdk-lib';
import { FederatedPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * The aws-cdk-lib values the constructs use for every role, read once. aws-cdk-lib loads lazily:
 * each read of one of its exports is a getter that calls require() (about 4 µs), which an app of
 * 1,000 roles would pay several times per role (docs/benchmarks.md).
 * @internal
 */
export const CDK = { Stack, Token, PolicyStatement, FederatedPrincipal } as const;
