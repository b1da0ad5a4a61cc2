/** CloudFormation shapes the review tests scan: written here once. */

/** An IAM role resource whose trust policy is one web-identity statement. */
export function webIdentityRole(federated: unknown, condition: Record<string, Record<string, string | string[]>>) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: federated }, Condition: condition }],
      },
    },
  };
}
