/**
 * CIT-M021 (an AWS audience other than the one the job's tools request) is only raised where the job
 * could request another: Azure DevOps tokens always carry api://AzureADTokenExchange, so that is
 * its default for AWS too, and a GitHub trust with a custom audience still gets the warning.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations } from 'aws-cdk-lib/assertions';
import { CiOidcRole } from '../../lib/aws/role';
import { AzureDevOps } from '../../lib/ci/azure-devops';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { providerSpec } from '../../lib/ci/registry';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const ADO = { organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'acme', project: 'platform' };
const m021 = (role: CiOidcRole) => role.trusts.flatMap((t) => t.findings).filter((f) => f.ruleId === 'CIT-M021');

test('Azure DevOps on AWS: the only audience ADO issues raises no CIT-M021, and the policy pins it', () => {
  expect(providerSpec(AzureDevOps.PROVIDER_ID).aws.defaultAudience).toBe('api://AzureADTokenExchange');
  const stack = new Stack(new App(), 'S', { env: ENV });
  const sc = new CiOidcRole(stack, 'Sc', { trusts: [AzureDevOps.serviceConnection({ ...ADO, serviceConnection: 'cloud-prod' }).toTrust()] });
  const p = new CiOidcRole(stack, 'P', { trusts: [AzureDevOps.pipeline({ ...ADO, pipeline: 'deploy' }).toTrust()] });
  expect([...m021(sc), ...m021(p)]).toEqual([]);
  expect(sc.trusts[0].audiences).toEqual(['api://AzureADTokenExchange']);
  Annotations.fromStack(stack).hasNoWarning('*', /CIT-M021/);
  const policy = JSON.stringify(stack.resolve((sc.node.defaultChild as any).assumeRolePolicyDocument));
  expect(policy).toContain(`"vstoken.dev.azure.com/${ADO.organizationId}:aud":"api://AzureADTokenExchange"`);
});

test('a GitHub trust with a custom audience on AWS still gets CIT-M021', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const gh = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production');
  const role = new CiOidcRole(stack, 'R', { trusts: [gh.withAudience('api://AzureADTokenExchange').toTrust()] });
  expect(m021(role).map((f) => f.message)).toEqual(['the AWS trust accepts "api://AzureADTokenExchange", not "sts.amazonaws.com", the audience AWS\'s tools request by default; every job must request it explicitly']);
});
