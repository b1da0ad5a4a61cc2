/**
 * The GitHub builder builds the condition of its most common trusts (default subject template,
 * exact branches, tags or environments, nothing else pinned) directly, without the subject grammar's
 * globs and the condition algebra (lib/ci/github/builder.ts `_commonCondition`). It must be the very
 * condition the general path makes: same canonical terms, same text (hence the same fingerprint,
 * compiled policies and review), for adversarial names too; and it must stay out of every other trust.
 */
import * as fc from 'fast-check';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat, GitHubTrustBuilder } from '../../lib/ci/github';
import { Condition } from '../../lib/model/condition';
import { Widening } from '../../lib/model/rules';

interface Shape {
  readonly owner: string;
  readonly repository: string;
  readonly ids: boolean;
  readonly format?: GitHubSubjectFormat;
  readonly ghes: boolean;
  readonly branches: string[];
  readonly tags: string[];
  readonly environments: string[];
  /** Anything that is not the common shape. */
  readonly extra?: 'branchPattern' | 'environmentPattern' | 'pullRequest' | 'anyRef' | 'claim' | 'template' | 'defaultTemplate';
}

// Characters that matter to the subject grammar and to the compilers' escaping, and some the
// builders refuse (those shapes are skipped: both paths refuse them before any condition is made).
const CHARS = ['a', 'B', '0', '-', '_', '.', '/', ':', '%', '3', 'A', '@', ' ', '*', '?', '"', '\\', '$', '{', '}', 'é', '中', '\u{1F600}'];
const name = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 8 }).map((a) => a.join(''));
const shape: fc.Arbitrary<Shape> = fc.record({
  owner: fc.constantFrom('acme', 'Acme-Corp', 'a'),
  repository: fc.constantFrom('web', 'my.repo', 'A_b-c'),
  ids: fc.constantFrom(true, true, true, false),
  format: fc.constantFrom(undefined, GitHubSubjectFormat.BOTH, GitHubSubjectFormat.IMMUTABLE, GitHubSubjectFormat.NAME),
  ghes: fc.boolean(),
  branches: fc.array(fc.oneof({ arbitrary: name, weight: 1 }, { arbitrary: fc.constantFrom('main', 'release/1.x', 'fix-a_b', 'a.b/c@d'), weight: 3 }), { maxLength: 3 }),
  tags: fc.array(fc.oneof({ arbitrary: name, weight: 1 }, { arbitrary: fc.constantFrom('v1.2.0', 'v@2'), weight: 3 }), { maxLength: 2 }),
  environments: fc.array(fc.oneof({ arbitrary: name, weight: 1 }, { arbitrary: fc.constantFrom('production', 'Prod:EU', 'prod eu', 'a%b'), weight: 3 }), { maxLength: 3 }),
  extra: fc.constantFrom(undefined, undefined, undefined, 'branchPattern', 'environmentPattern', 'pullRequest', 'anyRef', 'claim', 'template', 'defaultTemplate'),
}, { requiredKeys: ['owner', 'repository', 'ids', 'ghes', 'branches', 'tags', 'environments'] });

function builder(s: Shape): GitHubTrustBuilder {
  const b = GitHubActions.repository({
    owner: s.owner,
    repository: s.repository,
    ...(s.ids ? { ownerId: '1234567', repositoryId: '890' } : {}),
    ...(s.format ? { subjectFormat: s.format } : {}),
    ...(s.ghes ? { issuer: GitHubIssuer.enterpriseCloud('acme') } : {}),
  });
  if (s.branches.length) b.onBranch(...s.branches);
  if (s.tags.length) b.onTag(...s.tags);
  if (s.environments.length) b.inEnvironment(...s.environments);
  if (s.extra === 'branchPattern') b.onBranchPattern('release/*');
  if (s.extra === 'environmentPattern') b.inEnvironmentPattern('prod-*');
  if (s.extra === 'pullRequest') b.onPullRequest();
  if (s.extra === 'anyRef') b.onAnyRef();
  if (s.extra === 'claim') b.withClaim('workflow', 'deploy');
  if (s.extra === 'template') b.withSubjectTemplate('repo', 'context', 'job_workflow_ref').withClaim('job_workflow_ref', 'acme/w/.github/workflows/d.yml@refs/heads/main');
  // The default template given explicitly: the general path builds it (the condition is the same).
  if (s.extra === 'defaultTemplate') b.withSubjectTemplate('repo', 'context');
  return b.accept(Widening.NAME_ONLY_IDENTITY, Widening.REF_PATTERN, Widening.ANY_REF);
}

/** The builder's two ways to its condition, on the same selection. */
function bothPaths(b: GitHubTrustBuilder): { common: Condition | undefined; general: Condition } {
  const x = b as any;
  const sel = x._selection();
  return { common: x._commonCondition(sel), general: Condition.anyOf(...x._alternatives('test', sel)) };
}

const isCommon = (s: Shape) => s.extra === undefined;

describe('GitHub: the common trusts\' condition built directly', () => {
  test('equals the general path\'s canonical condition, and is used for exactly the common shapes', () => {
    let common = 0;
    let other = 0;
    fc.assert(fc.property(shape, (s) => {
      let trust;
      try {
        trust = builder(s).toTrust();
      } catch {
        return; // refused input: both paths refuse it before a condition exists (toTrust checks first)
      }
      const { common: direct, general } = bothPaths(builder(s));
      if (!isCommon(s)) {
        other++;
        expect(direct).toBeUndefined();
        // The default template spelled out is the same trust as the default: the same condition.
        if (s.extra === 'defaultTemplate') expect(general.toString()).toBe(builder({ ...s, extra: undefined }).toTrust().condition.toString());
        return;
      }
      common++;
      expect(direct).toBeDefined();
      expect(direct!._terms()).toEqual(general._terms());
      expect(direct!.toString()).toBe(general.toString());
      // What toTrust made is that condition.
      expect(trust.condition.toString()).toBe(general.toString());
    }), { numRuns: 1500 });
    // Both kinds were exercised, not just refused.
    expect(common).toBeGreaterThan(200);
    expect(other).toBeGreaterThan(100);
  });

  test('more exact contexts than a trust may expand to are refused with the general message', () => {
    const envs = Array.from({ length: 201 }, (_, i) => `env${i}`);
    const b = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).inEnvironment(...envs);
    expect(() => b.toTrust()).toThrow(/expand to 201 subjects, over the limit of 200/);
  });

  test('examples: both subject forms in one alternative; the immutable form alone needs no id claim', () => {
    const ids = { owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' };
    expect(GitHubActions.repository(ids).inEnvironment('production').onBranch('main').toTrust().condition.toString())
      .toBe('ref == "refs/heads/main" && repository_id == "2" && sub in ["repo:acme/web:environment:production","repo:acme@1/web@2:environment:production"]');
    expect(GitHubActions.repository({ ...ids, subjectFormat: GitHubSubjectFormat.IMMUTABLE }).onBranch('main').onTag('v1').toTrust().condition.toString())
      .toBe('sub in ["repo:acme@1/web@2:ref:refs/heads/main","repo:acme@1/web@2:ref:refs/tags/v1"]');
  });
});
