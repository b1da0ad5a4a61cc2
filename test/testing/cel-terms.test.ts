/**
 * The GCP simulator names the terms of a false attribute_condition (SimulationFailure.falseTerms):
 * the text splitter finds the top-level terms only, and the simulator reports exactly the false ones.
 */
import { TerraformStack, Testing } from 'cdktf';
import { GitHubActions } from '../../lib/ci/github';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { GcpTrustSimulator } from '../../lib/testing';
import { topLevelTerms } from '../../lib/testing/gcp/cel-terms';

test('topLevelTerms splits at top-level && (or ||) only: quotes, escapes and brackets are respected', () => {
  expect(topLevelTerms("a == 'x && y' && (b || c) && d in ['&&', \"&&\"]")).toEqual(["a == 'x && y'", '(b || c)', "d in ['&&', \"&&\"]"]);
  expect(topLevelTerms("(a && b) || (c && 'd\\' && e')", '||')).toEqual(['(a && b)', "(c && 'd\\' && e')"]);
  expect(topLevelTerms('(a && b)')).toEqual(['a', 'b']);
  expect(topLevelTerms('(a) && (b)')).toEqual(['(a)', '(b)']);
  expect(topLevelTerms("a && 'unclosed")).toEqual(["a && 'unclosed"]);
  expect(topLevelTerms('a && b)')).toEqual(['a && b)']);
});

test('a false attribute_condition lists exactly its false terms; a true one none', () => {
  const stack = new TerraformStack(Testing.app(), 'terms');
  const web = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' });
  const provider = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '123', poolId: 'ci-pool' })
    .addProvider('P', { providerId: 'github', trusts: [web().onBranch('main').toTrust(), web().inEnvironment('production').toTrust()] });
  const sim = GcpTrustSimulator.fromProvider(provider);
  const claims = { iss: 'https://token.actions.githubusercontent.com', aud: sim.audiences[0], sub: 'repo:acme/web:ref:refs/heads/main', ref: 'refs/heads/main', repository_id: '2', repository_owner_id: '1', repository: 'acme/web', jti: 'j' };
  expect(sim.evaluate({ claims }).allowed).toBe(true);
  const r = sim.evaluate({ claims: { ...claims, repository_id: '3' } });
  const f = r.failures.find((x) => x.check === 'attribute_condition')!;
  expect(f.message).toBe('attribute_condition: false');
  // The provider's condition is the shared repository-id pin AND one test per trust's attribute
  // (lib/gcp/mapping.ts): a wrong repository id fails the shared term, and only it.
  expect(f.falseTerms).toEqual(["string(assertion.repository_id) == '2'"]);
  const branch = sim.evaluate({ claims: { ...claims, sub: 'repo:acme/web:ref:refs/heads/dev', ref: 'refs/heads/dev' } });
  const g = branch.failures.find((x) => x.check === 'attribute_condition')!;
  expect(g.falseTerms).toHaveLength(1);
  expect(g.falseTerms![0]).toMatch(/^\(attribute\.trust_[0-9a-f]+ == 'github' \|\| attribute\.trust_[0-9a-f]+ == 'github'\)$/);
});
