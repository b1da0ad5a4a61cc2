/**
 * "Every branch (tag, environment) of this repository": `onBranchPattern('*')`, `onTagPattern('*')`,
 * `inEnvironmentPattern('*')` behind Widening.REF_PATTERN, each exactly as narrow as it says. The
 * differential tests (test/{aws,gcp,azure}/differential.test.ts) prove the compiled artifacts equal
 * these model decisions; here the model itself is held to the sentence.
 */
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { renderSubject } from '../../lib/ci/github/subject';
import { GitLabCi } from '../../lib/ci/gitlab';
import { TrustConfigError } from '../../lib/model/errors';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { thrownConfigError } from '../support/errors';

const ISS = 'https://token.actions.githubusercontent.com';
const gh = () => GitHubActions.repository({ owner: 'acme', repository: 'app', ownerId: '100', repositoryId: '200', subjectFormat: GitHubSubjectFormat.IMMUTABLE });

/** A GitHub token of acme/app as GitHub renders it for this run. */
function token(run: { ref: string; event?: string; environment?: string; repo?: string }): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: ISS,
    aud: 'sts.amazonaws.com',
    repository: run.repo ?? 'acme/app',
    repository_owner_id: '100',
    repository_id: '200',
    ref: run.ref,
    event_name: run.event ?? 'push',
    ...(run.environment ? { environment: run.environment } : {}),
  };
  claims.sub = renderSubject(claims, true);
  return claims;
}

const RUNS = {
  'push to main': token({ ref: 'refs/heads/main' }),
  'push to feature/x': token({ ref: 'refs/heads/feature/x' }),
  'tag v1': token({ ref: 'refs/tags/v1' }),
  'pull request': token({ ref: 'refs/pull/7/merge', event: 'pull_request' }),
  'environment prod on main': token({ ref: 'refs/heads/main', environment: 'prod' }),
  'environment Staging on a tag': token({ ref: 'refs/tags/v1', environment: 'Staging' }),
  'pull_request_target on main': token({ ref: 'refs/heads/main', event: 'pull_request_target' }),
  'other repository, main': { ...token({ ref: 'refs/heads/main' }), sub: 'repo:acme@100/app-fork@201:ref:refs/heads/main' },
};

function admitted(trust: Trust): string[] {
  const bound = trust.withAudiences(['sts.amazonaws.com']);
  return Object.entries(RUNS).filter(([, c]) => bound.evaluate(c).allowed).map(([name]) => name).sort();
}

describe('every branch, tag or environment of the pinned repository', () => {
  test('onBranchPattern("*") admits every branch run without an environment, never tags, pull requests or environments', () => {
    const t = gh().onBranchPattern('*').accept(Widening.REF_PATTERN).toTrust();
    expect(admitted(t)).toEqual(['pull_request_target on main', 'push to feature/x', 'push to main']);
    expect(t.condition.toString()).toBe('sub like "repo:acme@100/app@200:ref:refs/heads/*"');
    expect(t.description).toBe('GitHub Actions jobs of acme/app (owner id 100, repository id 200; immutable subject) on every branch, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork\'s author can start)');
    expect(t.widenings).toEqual(['REF_PATTERN']);
  });

  test('onTagPattern("*") admits tag runs only', () => {
    const t = gh().onTagPattern('*').accept(Widening.REF_PATTERN).toTrust();
    expect(admitted(t)).toEqual(['tag v1']);
    expect(t.description).toContain(') on every tag');
  });

  test('inEnvironmentPattern("*") admits jobs in any environment, never a job without one', () => {
    const t = gh().inEnvironmentPattern('*').accept(Widening.REF_PATTERN).toTrust();
    expect(admitted(t)).toEqual(['environment Staging on a tag', 'environment prod on main']);
    expect(t.description).toContain(') in every environment');
    // An environment pattern with a branch: the branch is a ref pin, as with exact environments.
    const onMain = gh().inEnvironmentPattern('*').onBranch('main').accept(Widening.REF_PATTERN).toTrust();
    expect(admitted(onMain)).toEqual(['environment prod on main']);
  });

  test('environment patterns compare case-sensitively, as every cloud compares sub (documented)', () => {
    const t = gh().inEnvironmentPattern('staging*').accept(Widening.REF_PATTERN).toTrust();
    // GitHub names environments case-insensitively, but the token carries one spelling: "Staging".
    expect(admitted(t)).toEqual([]);
    expect(admitted(gh().inEnvironmentPattern('Staging*').accept(Widening.REF_PATTERN).toTrust())).toEqual(['environment Staging on a tag']);
  });

  test('each needs Widening.REF_PATTERN, naming the pattern', () => {
    const e = thrownConfigError(() => gh().inEnvironmentPattern('*').toTrust());
    expect(e.message).toBe('GitHubActions(acme/app): environment patterns * admit jobs of every matching environment anyone with admin access creates [CIT-M012]. Fix: list the exact refs, or accept Widening.REF_PATTERN');
    expect(thrownConfigError(() => gh().onBranchPattern('*').toTrust()).ruleId).toBe('CIT-M012');
  });

  test('still narrower than onAnyRef(), which also admits tags, pull requests and environments', () => {
    const any = gh().onAnyRef().accept(Widening.ANY_REF).toTrust();
    expect(admitted(any)).toEqual(Object.keys(RUNS).filter((r) => r !== 'other repository, main').sort());
  });

  test('the exact methods keep refusing "*", naming the pattern method', () => {
    for (const [f, method, what] of [
      [() => gh().onBranch('*'), 'onBranchPattern', 'branch'],
      [() => gh().onTag('*'), 'onTagPattern', 'tag'],
      [() => gh().inEnvironment('*'), 'inEnvironmentPattern', 'environment'],
      [() => GitLabCi.project({ projectPath: 'g/p', projectId: '1' }).onBranch('*'), 'onBranchPattern', 'branch'],
    ] as [() => unknown, string, string][]) {
      const e = thrownConfigError(f) as TrustConfigError;
      expect(e.fix).toBe(`for every ${what} of the pinned identity call ${method}('*') and accept Widening.REF_PATTERN`);
      expect(e.ruleId).toBe('CIT-M003');
    }
  });

  test('GitLab onBranchPattern("*"): every branch pipeline, never a tag pipeline', () => {
    const t = GitLabCi.project({ projectPath: 'g/p', projectId: '1' }).onBranchPattern('*').accept(Widening.REF_PATTERN).toTrust();
    expect(t.condition.toString()).toBe('project_id == "1" && sub like "project_path:g/p:ref_type:branch:ref:*"');
  });
});

describe('events that can mint a branch trust\'s tokens', () => {
  test('onBranch says so in the description and the CIT-M014 warning; onEvent pins event_name', () => {
    const t = gh().onBranch('main').toTrust();
    expect(t.description).toContain('by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork\'s author can start)');
    expect(t.findings.find((f) => f.ruleId === 'CIT-M014')!.message).toContain('including pull_request_target, workflow_run and issue_comment runs that a fork\'s author can start: pin an environment with required reviewers, or the events (onEvent) where the cloud checks event_name (GCP)');
    expect(admitted(t)).toEqual(['pull_request_target on main', 'push to main']);
    const pushOnly = gh().onBranch('main').onEvent('push').toTrust();
    expect(admitted(pushOnly)).toEqual(['push to main']);
    expect(pushOnly.description).not.toContain('by any event');
    expect(pushOnly.description).toContain('with event_name push');
    expect(pushOnly.findings.find((f) => f.ruleId === 'CIT-M014')!.message).not.toContain('pull_request_target');
  });

  test('an environment trust does not carry the events note (its protection rules apply)', () => {
    expect(gh().inEnvironment('prod').onBranch('main').toTrust().description).not.toContain('by any event');
  });

  test('onEvent validates its names', () => {
    const e = thrownConfigError(() => gh().onEvent('Push!'));
    expect(e.message).toBe('GitHubTrustBuilder.onEvent: event name "Push!" is not a GitHub event name (lower-case letters and _). Fix: use the event name as in the workflow\'s `on:` (push, workflow_dispatch, release, …)');
    expect(thrownConfigError(() => gh().onEvent()).problem).toBe('no event given');
  });
});
