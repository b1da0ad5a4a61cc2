/**
 * Statement merging (lib/aws/merge.ts): statements that differ only in one key's values share one
 * statement. Proven exact against the independent simulator on generated statement sets, and on
 * roles built from trusts that must and must not merge.
 */
import { App, Lazy, Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { AwsStatementJson } from '../../lib/aws/compile';
import { mergeStatements } from '../../lib/aws/merge';
import { CiOidcRole } from '../../lib/aws/role';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { Widening } from '../../lib/model/rules';
import { AwsTrustSimulator } from '../../lib/testing';

const HOST = 'token.actions.githubusercontent.com';
const FEDERATED = `arn:aws:iam::123456789012:oidc-provider/${HOST}`;
const KEYS = [`${HOST}:sub`, `${HOST}:aud`, `${HOST}:repository_id`, `${HOST}:environment`, 'aws:RequestTag/x'];
const VALUES = ['a', 'b', 'c', 'a:b', 'x*', '*b', 'a$', '${*}'];

const condition = fc.dictionary(fc.constantFrom('StringEquals', 'StringLike'), fc.dictionary(fc.constantFrom(...KEYS), fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }), { minKeys: 1, maxKeys: 3 }), { minKeys: 1, maxKeys: 2 });
const statement = fc.record({ condition, tag: fc.boolean() }).map(({ condition: c, tag }): AwsStatementJson => ({
  Effect: 'Allow',
  Principal: { Federated: FEDERATED },
  Action: tag ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] : 'sts:AssumeRoleWithWebIdentity',
  Condition: Object.fromEntries(Object.entries(c).map(([op, keys]) => [op, Object.fromEntries(
    Object.entries(keys).map(([k, v]) => [k, v.length === 1 ? v[0] : v.sort()]))])),
}));
// Statement sets built to share structure, so merges actually happen: variations of one statement.
const change = (base: AwsStatementJson) => fc.tuple(fc.constantFrom(...Object.keys(base.Condition)), fc.constantFrom(...VALUES));
const related = statement.chain((base) => fc.array(change(base), { maxLength: 6 }).map((changes) => [
  base,
  ...changes.map(([op, v]) => {
    const key = Object.keys(base.Condition[op])[0];
    return { ...base, Condition: { ...base.Condition, [op]: { ...base.Condition[op], [key]: v } } };
  }),
]));
const token = fc.record({
  sub: fc.constantFrom(...VALUES, 'xyz', 'ab', ''),
  aud: fc.constantFrom(...VALUES, 'sts.amazonaws.com'),
  repository_id: fc.constantFrom(...VALUES),
  environment: fc.constantFrom(...VALUES),
  tag: fc.option(fc.constantFrom(...VALUES)),
}).map(({ tag, ...c }) => ({ ...c, iss: `https://${HOST}`, ...(tag === null ? {} : { 'https://aws.amazon.com/tags': { principal_tags: { x: [tag] } } }) }));

const simOf = (statements: AwsStatementJson[]) => AwsTrustSimulator.fromPolicyDocument({ Version: '2012-10-17', Statement: statements });

test('merged policies allow exactly the tokens the statements allowed (simulator, 2,000 runs)', () => {
  let merges = 0;
  const sets = fc.oneof(related, fc.array(statement, { minLength: 1, maxLength: 5 }));
  fc.assert(fc.property(sets, fc.array(token, { minLength: 20, maxLength: 20 }), (statements, tokens) => {
    const merged = mergeStatements(statements);
    if (merged.length < new Set(statements.map((s) => JSON.stringify(s))).size) merges++;
    const before = simOf(statements);
    const after = simOf(merged);
    for (const claims of tokens) {
      expect(after.evaluate({ claims }).allowed).toBe(before.evaluate({ claims }).allowed);
    }
  }), { numRuns: 2000, seed: 20261201 });
  expect(merges).toBeGreaterThan(500); // the generator exercises merging, not only the identity
});

test('merging is deterministic and order-independent for one input set', () => {
  fc.assert(fc.property(fc.array(statement, { minLength: 1, maxLength: 6 }), (statements) => {
    expect(JSON.stringify(mergeStatements([...statements].reverse()))).toBe(JSON.stringify(mergeStatements(statements)));
    expect(JSON.stringify(mergeStatements(mergeStatements(statements)))).toBe(JSON.stringify(mergeStatements(statements)));
  }), { numRuns: 500, seed: 7 });
});

test('a role\'s statement order follows its content, not the numbers CDK gave its providers\' ARN tokens', () => {
  // A role trusting two issuers, in apps that make 0-299 unrelated tokens first: CDK numbers tokens
  // app-wide (\`\${Token[TOKEN.98]}\` sorts after \`\${Token[TOKEN.102]}\`), so an order taken from the
  // token text would flip as the numbers cross a digit; an unrelated change must not reorder a policy.
  const templates = new Set<string>();
  for (let unrelated = 0; unrelated < 300; unrelated += 7) {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    for (let i = 0; i < unrelated; i++) Lazy.string({ produce: () => 'x' });
    const gitlab = GitLabCi.project({ projectPath: 'acme/web', projectId: '42' }).onProtectedBranch('main').toTrust();
    const github = GitHubActions.repository(GH).onBranch('main').toTrust();
    new CiOidcRole(stack, 'R', { trusts: [github, gitlab] });
    templates.add(JSON.stringify(app.synth().getStackByName('S').template));
  }
  expect(templates.size).toBe(1);
  const statements = JSON.parse([...templates][0]).Resources;
  const role = Object.values<any>(statements).find((r) => r.Type === 'AWS::IAM::Role');
  // By issuer: https://gitlab.com before https://token.actions.githubusercontent.com.
  expect(role.Properties.AssumeRolePolicyDocument.Statement.map((x: any) => Object.keys(x.Condition.StringEquals)[0].split(':')[0])).toEqual(['gitlab.com', HOST]);
});

const GH = { owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '89012345', subjectFormat: GitHubSubjectFormat.IMMUTABLE };
function statementsOf(trusts: ReturnType<ReturnType<typeof GitHubActions.repository>['toTrust']>[], quota = 2048) {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  return new CiOidcRole(stack, 'R', { trusts, trustPolicySizeQuota: quota }).principal;
}

test('25 branch trusts of one repository share one statement and fit the default 2,048-character quota', () => {
  const trusts = Array.from({ length: 25 }, (_, i) => GitHubActions.repository(GH).onBranch(`release-${String(i).padStart(2, '0')}`).toTrust());
  const p = statementsOf(trusts);
  expect(p._statements).toHaveLength(1);
  expect(p._statements[0].Condition.StringEquals[`${HOST}:sub`]).toHaveLength(25);
  expect(p._policyLength()).toBeLessThanOrEqual(2048);
});

test('with the default subject form (either form, repository_id pinned) 12 branch trusts share one statement within 2,048', () => {
  const trusts = Array.from({ length: 12 }, (_, i) => GitHubActions.repository({ ...GH, subjectFormat: undefined }).onBranch(`release-${String(i).padStart(2, '0')}`).toTrust());
  const p = statementsOf(trusts);
  expect(p._statements).toHaveLength(1);
  expect(p._statements[0].Condition.StringEquals[`${HOST}:sub`]).toHaveLength(24);
  expect(p._statements[0].Condition.StringEquals[`${HOST}:repository_id`]).toBe('89012345');
  expect(p._policyLength()).toBeLessThanOrEqual(2048);
});

test('what must not merge stays apart: exact and pattern subjects, different audiences, different pins', () => {
  const exact = GitHubActions.repository(GH).onBranch('main').toTrust();
  const pattern = GitHubActions.repository(GH).onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust();
  expect(statementsOf([exact, pattern])._statements).toHaveLength(2); // StringEquals and StringLike on sub
  const otherAud = GitHubActions.repository(GH).onBranch('dev').withAudience('sts.example').toTrust();
  expect(statementsOf([exact, otherAud])._statements).toHaveLength(2); // differ in sub and aud
  const env = GitHubActions.repository(GH).inEnvironment('production').onBranch('main').toTrust();
  expect(statementsOf([exact, env])._statements).toHaveLength(2); // env adds a ref key
});
