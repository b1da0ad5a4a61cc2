/** Messages that say what the user has to know: `sub` is the builder's, names are case-sensitive. */
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { thrownConfigError } from '../support/errors';

const gh = (owner = 'acme', repository = 'web') => GitHubActions.repository({ owner, repository, ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE });

test('withClaim("sub", …) says that the builder sets sub', () => {
  const e = thrownConfigError(() => gh().withClaim('sub', 'repo:acme/web:ref:refs/heads/main'));
  expect(e.message).toBe('GitHubTrustBuilder.withClaim(sub): the builder sets sub itself, from the repository, the subject format and the context methods. Fix: use onBranch(), onTag(), inEnvironment() or onPullRequest() for the context, and withSubjectTemplate() when the repository has a custom subject template');
});

test('an owner or repository with upper-case letters gets a CIT-M022 hint; lower case none', () => {
  const t = gh('Acme', 'Web').onBranch('main').toTrust();
  expect(t.findings).toContainEqual({
    ruleId: 'CIT-M022',
    level: 'WARNING',
    message: 'Acme/Web has upper-case letters; subjects are compared case-sensitively, so the spelling must be the one GitHub\'s API returns (gh api repos/Acme/Web --jq .full_name)',
  });
  expect(gh().onBranch('main').toTrust().findings.map((f) => f.ruleId)).not.toContain('CIT-M022');
});
