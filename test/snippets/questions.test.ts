/**
 * The three questions of the snippet issue, answered from the vendors' pages (docs/snippets.md):
 * 1. how STS treats a token whose `aud` is a list (docs/snippets.md#sts-and-a-list-audience);
 * 2. whether a Buildkite tag build's `sub` carries the tag or the branch (#buildkite-tag-builds);
 * 3. CircleCI with ANY_REF on AWS and forked pull requests (#circleci-and-forked-pull-requests).
 */
import { bitbucketRuns, circleciRuns } from './emulators';
import { snippetFiles } from './files';
import { compile, Compiled } from './harness';
import { BitbucketPipelines } from '../../lib/ci/bitbucket';
import { Buildkite } from '../../lib/ci/buildkite';
import { CircleCi } from '../../lib/ci/circleci';
import { Widening } from '../../lib/model/rules';
import { corpusTokens } from '../support/corpus';

const ok = (c: unknown): Compiled => {
  if (!c || typeof (c as Compiled).admits !== 'function') throw c;
  return c as Compiled;
};

describe('1. STS reads one audience: Bitbucket with a custom audience on AWS', () => {
  const BB = { workspace: 'acme', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' };
  const ENV = '{3f2a8a4e-1111-4222-8333-944455556666}';
  const world = { ...BB, environments: { [`<name of the environment ${ENV}>`]: ENV } };
  const custom = () => BitbucketPipelines.repository(BB).inDeploymentEnvironment(ENV).withAudience('https://ci.acme.example').toTrust();

  test('the step\'s token lists the workspace and the custom audience; AWS denies it, GCP admits it', () => {
    const onAws = ok(compile('aws', custom()));
    const [run] = bitbucketRuns(onAws.snippet, world);
    expect(run.claims.aud).toEqual(['ari:cloud:bitbucket::workspace/7baee083-4f25-4a97-8a9a-0fde1b623b45', 'https://ci.acme.example']);
    const denied = onAws.admits(run.claims);
    expect(denied.allowed).toBe(false);
    expect(denied.reasons.join('\n')).toMatch(/lists 2 audiences and the token has no azp: STS reads one audience/);
    const onGcp = ok(compile('gcp', custom()));
    expect(onGcp.admits(bitbucketRuns(onGcp.snippet, world)[0].claims).allowed).toBe(true);
  });

  test('the AWS snippet says so, and the default workspace audience works on AWS', () => {
    const onAws = ok(compile('aws', custom()));
    expect(snippetFiles(onAws.snippet)[0].notes.join('\n')).toMatch(/AWS documents one audience per token, nothing for several, so the AWS trust denies it \(docs\/snippets\.md#sts-and-a-list-audience\): on AWS, trust the default workspace audience/);
    const plain = ok(compile('aws', BitbucketPipelines.repository(BB).inDeploymentEnvironment(ENV).toTrust()));
    const [run] = bitbucketRuns(plain.snippet, world);
    expect(typeof run.claims.aud).toBe('string');
    expect(plain.admits(run.claims).allowed).toBe(true);
  });
});

describe('2. Buildkite tag builds: the documented rule (refs/tags/<tag>), closed if a build says otherwise', () => {
  // The vendor's example token: build_tag v1.0.0, yet ref:refs/heads/main in sub.
  const example = corpusTokens('buildkite').find((t) => t.claims.build_tag === 'v1.0.0' && !t.claims['https://aws.amazon.com/tags'])!.claims;
  const trust = (tag: boolean) => {
    const b = Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app' }).accept(Widening.NAME_ONLY_IDENTITY);
    return (tag ? b.onTag('v1.0.0') : b.onBranch('main')).toTrust();
  };

  test('a tag trust pins ref:refs/tags/<tag>; the example token (refs/heads/main) is denied, not admitted', () => {
    const onGcp = ok(compile('gcp', trust(true)));
    expect(example.sub).toMatch(/:ref:refs\/heads\/main:/);
    expect(onGcp.admits({ ...example, aud: `https://iam.googleapis.com/${onGcp.expect.principal}` }).allowed).toBe(false);
    const asDocumented = { ...example, sub: String(example.sub).replace(':ref:refs/heads/main:', ':ref:refs/tags/v1.0.0:') };
    expect(onGcp.admits({ ...asDocumented, aud: `https://iam.googleapis.com/${onGcp.expect.principal}` }).allowed).toBe(true);
  });

  test('a branch trust\'s step skips tag builds, so its jobs never carry a tag subject', () => {
    const onGcp = ok(compile('gcp', trust(false)));
    expect(onGcp.snippet).toContain('if: \'build.branch == "main" && build.tag == null\'');
  });
});

describe('3. CircleCI ANY_REF on AWS also admits forked pull-request builds when secrets pass to forks', () => {
  const CC = { organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d0', projectId: '0184990a-477b-4fa8-9968-496074483cee', userId: '4c2f1e0d-9b8a-4c7d-8e6f-5a4b3c2d1e0f' };
  const anyRef = () => CircleCi.project({ organizationId: CC.organizationId, projectId: CC.projectId }).onAnyRef().accept(Widening.ANY_REF).toTrust();

  test('a fork\'s build (its own origin, a pull-request ref) is admitted on AWS, and the snippet says so', () => {
    const onAws = ok(compile('aws', anyRef()));
    const [fork] = circleciRuns(onAws.snippet, { ...CC, vcsOrigin: 'github.com/someone/web-fork' }, ['pull/7']);
    expect(fork.claims['oidc.circleci.com/vcs-origin']).toBe('github.com/someone/web-fork');
    expect(onAws.admits(fork.claims).allowed).toBe(true);
    expect(snippetFiles(onAws.snippet)[0].notes.join('\n')).toContain('Any branch is trusted, and so are builds of forked pull requests if "Pass secrets to builds from forked pull requests" is on (Project Settings > Advanced): keep it off.');
  });

  test('on GCP the snippet suggests pinning the origin, and a trust that pins it denies the fork', () => {
    const onGcp = ok(compile('gcp', anyRef()));
    expect(snippetFiles(onGcp.snippet)[0].notes.join('\n')).toMatch(/keep it off, or pin vcsOrigin\./);
    const pinned = ok(compile('gcp', CircleCi.project({ organizationId: CC.organizationId, projectId: CC.projectId, vcsOrigin: 'github.com/acme/web' }).onAnyRef().accept(Widening.ANY_REF).toTrust()));
    const [fork] = circleciRuns(pinned.snippet, { ...CC, vcsOrigin: 'github.com/someone/web-fork' }, ['pull/7']);
    const [own] = circleciRuns(pinned.snippet, { ...CC, vcsOrigin: 'github.com/acme/web' }, ['main']);
    expect(pinned.admits(fork.claims).allowed).toBe(false);
    expect(pinned.admits(own.claims).allowed).toBe(true);
  });
});
