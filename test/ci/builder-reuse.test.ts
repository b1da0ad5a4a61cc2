/**
 * Builders change in place (each method returns the same builder). A builder reused after it made
 * a trust would silently carry the first trust's conditions into the next: found when a user shared
 * one `GitHubActions.repository(...)` between a production role and a pull-request role. Every
 * builder now refuses any change once toTrust() has run, naming the method and the fix.
 */
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { TrustConfigError } from '../../lib/model/errors';
import { Widening } from '../../lib/model/rules';
import { FACTORIES } from '../support/builders';
import { thrownConfigError } from '../support/errors';

/** The shortest chain each builder needs before toTrust() (a ref, run phase or audience pin). */
const READY: Record<string, (b: any) => any> = {
  'GitHubActions.repository': (b) => b.onBranch('main'),
  'GitLabCi.project': (b) => b.onBranch('main'),
  'Buildkite.pipeline': (b) => b.onBranch('main'),
  'CircleCi.project': (b) => b.onBranch('main'),
  'BitbucketPipelines.repository': (b) => b.onBranch('main'),
  'AzureDevOps.serviceConnection': (b) => b,
  'AzureDevOps.entraServiceConnection': (b) => b,
  'HcpTerraform.workspace': (b) => b.forApply().accept(Widening.NAME_ONLY_IDENTITY),
  'Jenkins.job': (b) => b,
  'GenericOidc.issuer': (b) => b.withClaim('sub', 'repo:acme/web').withAudience('sts.amazonaws.com'),
};

const methodsOf = (o: object) => Object.getOwnPropertyNames(Object.getPrototypeOf(o))
  .filter((k) => k !== 'constructor' && !k.startsWith('_') && typeof (o as any)[k] === 'function');

describe.each(FACTORIES)('%s', (name, make, valid) => {
  test('every method other than toTrust() is refused after toTrust(); toTrust() again gives the same trust', () => {
    const b = READY[name](make(valid));
    const first = b.toTrust();
    expect(b.toTrust().condition.toString()).toBe(first.condition.toString());
    const methods = methodsOf(b).filter((m) => m !== 'toTrust');
    expect(methods.length).toBeGreaterThan(0);
    for (const m of methods) {
      const e = thrownConfigError(() => b[m]('main'));
      expect(e).toBeInstanceOf(TrustConfigError);
      expect(e.message).toContain(`.${m}: this builder already made a trust with toTrust()`);
      expect(e.message).toContain('Fix: start a new builder for each trust');
    }
  });

  test('a fresh builder per trust is the way to share the base', () => {
    const base = () => READY[name](make(valid));
    const a = base().toTrust();
    const b = base().restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).toTrust();
    expect(a.network).toBeUndefined();
    expect(b.network?.toString()).toContain('203.0.113.0/24');
  });
});

test('the case a user hit: one repository builder for a production and a pull-request role', () => {
  const web = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
  web.inEnvironment('production').onBranch('main').toTrust();
  expect(thrownConfigError(() => web.onPullRequest()).message).toBe(
    'GitHubTrustBuilder.onPullRequest: this builder already made a trust with toTrust(); its methods change the builder in place, so the next trust would also carry the conditions of the first. '
    + 'Fix: start a new builder for each trust; to share the repository (project, pipeline), use a function: const web = () => GitHubActions.repository({ ... }); web().onBranch("main").toTrust()');
  const repo = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
  expect(repo().onPullRequest().toTrust().description).toContain('in pull requests');
});
