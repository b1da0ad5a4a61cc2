/**
 * The AWS simulator's first denial reason is the condition that failed: not a note about another
 * provider's statement, nor about sts:TagSession when a statement does allow it.
 */
import { App, Stack } from 'aws-cdk-lib';
import { CiOidcRole } from '../../lib/aws/role';
import { Buildkite } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubIssuer } from '../../lib/ci/github';
import { AwsTrustSimulator, TokenExpectation } from '../../lib/testing';

const PIPELINE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

test('a Buildkite token with session tags on a role that also trusts GitHub: the failed sub leads', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const buildkite = Buildkite.pipeline({ organization: 'acme', pipeline: 'deploy', pipelineId: PIPELINE_ID }).onBranch('main').withAwsSessionTags('pipeline_id').toTrust();
  // Statements are ordered by content, their issuer first: a GitHub Enterprise Server host that
  // sorts ahead of agent.buildkite.com puts the GitHub statement first, so the Buildkite statement
  // whose condition failed is not the first one the simulator reads.
  const github = GitHubActions.repository({ owner: 'a', repository: 'b', ownerId: '1', repositoryId: '2', issuer: GitHubIssuer.enterpriseServer('a.example.com') }).withSubjectTemplate('repo', 'context', 'repository_id').onBranch('main').toTrust();
  const sim = AwsTrustSimulator.fromRole(new CiOidcRole(stack, 'R', { trusts: [github, buildkite] }));
  // The token as `buildkite-agent oidc request-token --aws-session-tag pipeline_id` mints it.
  const token = {
    'iss': 'https://agent.buildkite.com',
    'aud': 'sts.amazonaws.com',
    'sub': 'organization:acme:pipeline:deploy:ref:refs/heads/dev:commit:9f31820:step:deploy',
    'pipeline_id': PIPELINE_ID,
    'https://aws.amazon.com/tags': { principal_tags: { pipeline_id: [PIPELINE_ID] } },
  };
  const r = sim.evaluate({ claims: token });
  expect(r.allowed).toBe(false);
  expect(r.reasons[0]).toBe('Statement[1] (Allow): StringLike "agent.buildkite.com:sub": expected one of ["organization:acme:pipeline:deploy:ref:refs/heads/main:commit:*:step:*"], actual "organization:acme:pipeline:deploy:ref:refs/heads/dev:commit:9f31820:step:deploy" -> false');
  expect(r.failures[0].claim).toBe('sub');
  // The sts:TagSession action note of the GitHub statement (Statement[1] allows it) comes last.
  expect(r.reasons[r.reasons.length - 1]).toBe('Statement[0] (Allow): sts:TagSession is not covered by Action ["sts:AssumeRoleWithWebIdentity"]');
  expect(sim.evaluate({ claims: { ...token, sub: 'organization:acme:pipeline:deploy:ref:refs/heads/main:commit:9f31820:step:deploy' } }).allowed).toBe(true);
});

test('the README\'s Buildkite test token with session tags is allowed by its role', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const buildkiteRole = new CiOidcRole(stack, 'R', { trusts: [Buildkite.pipeline({ organization: 'acme', pipeline: 'deploy', pipelineId: PIPELINE_ID }).onBranch('main').withAwsSessionTags('pipeline_id').toTrust()] });
  const pipelineId = PIPELINE_ID;
  TokenExpectation.forRole(buildkiteRole).allows({
    'iss': 'https://agent.buildkite.com',
    'aud': 'sts.amazonaws.com',
    'sub': 'organization:acme:pipeline:deploy:ref:refs/heads/main:commit:9f31820:step:deploy',
    'pipeline_id': pipelineId,
    'https://aws.amazon.com/tags': { principal_tags: { pipeline_id: [pipelineId] } },
  });
  TokenExpectation.forRole(buildkiteRole).denies({
    'iss': 'https://agent.buildkite.com',
    'aud': 'sts.amazonaws.com',
    'sub': 'organization:acme:pipeline:deploy:ref:refs/heads/main:commit:9f31820:step:deploy',
    'pipeline_id': pipelineId,
    'https://aws.amazon.com/tags': { principal_tags: { pipeline_id: ['0190a1b2-0000-7e5f-8a9b-0c1d2e3f4a5b'] } },
  }, 'aws:RequestTag/pipeline_id');
});
