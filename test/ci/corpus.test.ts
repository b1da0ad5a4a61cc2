/**
 * Published token payloads (test/corpus, read through test/support/corpus.ts): every GitHub, GitLab and
 * Buildkite token is read into the typed claim view (the `sub` renderers must reproduce its `sub`),
 * and a realistic trust built with the builder allows it and denies near misses with exact reasons.
 */
import { Buildkite, BuildkiteSubject } from '../../lib/ci/buildkite';
import { renderBuildkiteSubject } from '../../lib/ci/buildkite/subject';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { renderSubject } from '../../lib/ci/github/subject';
import { GitLabCi } from '../../lib/ci/gitlab';
import { renderGitLabSubject } from '../../lib/ci/gitlab/subject';
import { Widening } from '../../lib/model/rules';
import { corpusTokens } from '../support/corpus';

const GH = corpusTokens('github-actions');
const GL = corpusTokens('gitlab-ci');
const BK = corpusTokens('buildkite');
/** A deep copy, so a test can never change the fixture. */
const copy = (c: Record<string, any>): any => JSON.parse(JSON.stringify(c));

test('the corpus has the expected entries', () => {
  expect(GH).toHaveLength(6);
  expect(GL).toHaveLength(2);
  expect(BK).toHaveLength(3);
});

describe('GitHub Actions corpus', () => {
  const [fpt, ghec, ghes, reusable, entIssuer, props] = GH;

  test('the typed claim view renders each sub', () => {
    for (const t of [fpt, ghec, ghes]) expect(renderSubject(t.claims, false)).toBe(t.claims.sub);
    // Immutable form of the same token: owner@id/repo@id.
    expect(renderSubject(fpt.claims, true)).toBe('repo:octo-org@65/octo-repo@74:environment:prod');

    // Corpus inconsistency: the reusable-workflow doc example's sub says `environment:prod`, but the
    // payload has no `environment` claim (the doc shows a partial payload). From its claims the
    // documented grammar gives the ref context; with the environment claim it gives the corpus sub.
    expect(reusable.claims.environment).toBeUndefined();
    expect(renderSubject(reusable.claims, false)).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(renderSubject({ ...reusable.claims, environment: 'prod' }, false)).toBe(reusable.claims.sub);

    // The enterprise-issuer example carries only sub/aud/enterprise/iss (and the doc's `bf` typo for
    // nbf): repository and ref are added here from its sub.
    expect(entIssuer.claims.bf).toBe(1755350653);
    expect(renderSubject({ ...entIssuer.claims, repository: 'octocat-inc/private-server', ref: 'refs/heads/main' }, false)).toBe(entIssuer.claims.sub);

    // The repo_property example is partial: no iss and no ref. ref is added from its sub.
    expect(props.claims.iss).toBeUndefined();
    expect(renderSubject({ ...props.claims, ref: 'refs/heads/main' }, false)).toBe(props.claims.sub);
  });

  // Tokens of octo-org/octo-repo (owner id 65, repository id 74) carry the name-form sub.
  const octo = (issuer?: GitHubIssuer) => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', ownerId: '65', repositoryId: '74', subjectFormat: GitHubSubjectFormat.NAME, issuer });

  describe('environment deploy (github.com)', () => {
    const trust = octo().inEnvironment('prod').onBranch('main').withAudience(fpt.claims.aud).toTrust();

    test('allows the corpus token', () => {
      expect(trust.condition.toString()).toBe('ref == "refs/heads/main" && repository_id == "74" && sub == "repo:octo-org/octo-repo:environment:prod"');
      expect(trust.evaluate(fpt.claims)).toEqual({ allowed: true, reasons: [] });
      expect(trust.evaluate(ghec.claims)).toEqual({ allowed: true, reasons: [] });
    });

    test('denies another repository', () => {
      const c = { ...copy(fpt.claims), repository: 'octo-org/other', repository_id: '75' };
      c.sub = renderSubject(c, false);
      expect(trust.evaluate(c).reasons).toEqual([
        'claim repository_id: expected "74", got "75"',
        'claim sub: expected "repo:octo-org/octo-repo:environment:prod", got "repo:octo-org/other:environment:prod"',
      ]);
    });

    test('denies another branch', () => {
      expect(trust.evaluate({ ...copy(fpt.claims), ref: 'refs/heads/dev' }).reasons).toEqual(['claim ref: expected "refs/heads/main", got "refs/heads/dev"']);
    });

    test('denies a pull request', () => {
      const c = { ...copy(fpt.claims), event_name: 'pull_request', ref: 'refs/pull/7/merge' };
      delete c.environment;
      c.sub = renderSubject(c, false);
      expect(c.sub).toBe('repo:octo-org/octo-repo:pull_request');
      expect(trust.evaluate(c).reasons).toEqual([
        'claim ref: expected "refs/heads/main", got "refs/pull/7/merge"',
        'claim sub: expected "repo:octo-org/octo-repo:environment:prod", got "repo:octo-org/octo-repo:pull_request"',
      ]);
    });

    test('denies a renamed owner, and a re-registered owner name (same sub, other ids)', () => {
      const renamed = { ...copy(fpt.claims), repository: 'octo-corp/octo-repo', repository_owner: 'octo-corp' };
      renamed.sub = renderSubject(renamed, false);
      expect(trust.evaluate(renamed).reasons).toEqual(['claim sub: expected "repo:octo-org/octo-repo:environment:prod", got "repo:octo-corp/octo-repo:environment:prod"']);
      const squatted = { ...copy(fpt.claims), repository_owner_id: '9001', repository_id: '9002' };
      expect(trust.evaluate(squatted).reasons).toEqual([
        'claim repository_id: expected "74", got "9002"',
      ]);
    });

    test('denies a tag instead of the branch', () => {
      expect(trust.evaluate({ ...copy(fpt.claims), ref: 'refs/tags/v1', ref_type: 'tag' }).reasons).toEqual(['claim ref: expected "refs/heads/main", got "refs/tags/v1"']);
    });

    test('denies another audience and another issuer', () => {
      expect(trust.evaluate({ ...copy(fpt.claims), aud: 'sts.amazonaws.com' }).reasons).toEqual(['claim aud: expected "https://github.com/octo-org", got "sts.amazonaws.com"']);
      expect(trust.evaluate(ghes.claims).reasons).toEqual([
        'claim iss: expected "https://token.actions.githubusercontent.com", got "https://HOSTNAME/_services/token"',
        'claim aud: expected "https://github.com/octo-org", got "https://HOSTNAME/octo-org"',
      ]);
    });
  });

  test('GHEC: an enterprise pin allows the enterprise token and denies the plain github.com one', () => {
    const trust = octo().inEnvironment('prod').withClaim('enterprise_id', '2').withAudience(ghec.claims.aud).toTrust();
    expect(trust.evaluate(ghec.claims)).toEqual({ allowed: true, reasons: [] });
    expect(trust.evaluate(fpt.claims).reasons).toEqual(['claim enterprise_id: expected "2", got absent']);
    expect(trust.evaluate({ ...copy(ghec.claims), enterprise_id: '3' }).reasons).toEqual(['claim enterprise_id: expected "2", got "3"']);
  });

  test('GHES (HOSTNAME is the doc placeholder): name form with ids as claims', () => {
    const trust = octo(GitHubIssuer.enterpriseServer('HOSTNAME')).inEnvironment('prod').withAudience(ghes.claims.aud).toTrust();
    expect(trust.issuer).toBe('https://HOSTNAME/_services/token');
    expect(trust.evaluate(ghes.claims)).toEqual({ allowed: true, reasons: [] });
    expect(trust.evaluate({ ...copy(ghes.claims), iss: 'https://token.actions.githubusercontent.com' }).reasons).toEqual(['claim iss: expected "https://HOSTNAME/_services/token", got "https://token.actions.githubusercontent.com"']);
  });

  test('reusable workflow: caller repository and called workflow are both pinned', () => {
    // The corpus sub says environment:prod (see the inconsistency above); the trust matches the sub.
    const trust = octo().inEnvironment('prod').fromReusableWorkflow('octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main').withAudience(reusable.claims.aud).toTrust();
    expect(trust.evaluate(reusable.claims)).toEqual({ allowed: true, reasons: [] });
    expect(trust.evaluate({ ...copy(reusable.claims), job_workflow_ref: 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/dev' }).reasons).toEqual([
      'claim job_workflow_ref: expected "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main", got "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/dev"',
    ]);
    // another caller of the same shared workflow
    const other = { ...copy(reusable.claims), repository: 'evil-org/app', repository_owner: 'evil-org', repository_owner_id: '666', repository_id: '667', sub: 'repo:evil-org/app:environment:prod' };
    expect(trust.evaluate(other).reasons).toEqual([
      'claim repository_id: expected "74", got "667"',
      'claim sub: expected "repo:octo-org/octo-repo:environment:prod", got "repo:evil-org/app:environment:prod"',
    ]);
  });

  test('enterprise issuer (include_enterprise_slug): the issuer path is part of the trust', () => {
    const trust = GitHubActions.repository({ owner: 'octocat-inc', repository: 'private-server', issuer: GitHubIssuer.enterpriseCloud('octocat-inc') })
      .onBranch('main').accept(Widening.NAME_ONLY_IDENTITY).withAudience(entIssuer.claims.aud).toTrust();
    expect(trust.issuer).toBe(entIssuer.claims.iss);
    expect(trust.evaluate(entIssuer.claims)).toEqual({ allowed: true, reasons: [] });
    expect(trust.evaluate({ ...copy(entIssuer.claims), iss: 'https://token.actions.githubusercontent.com' }).reasons).toEqual(['claim iss: expected "https://token.actions.githubusercontent.com/octocat-inc", got "https://token.actions.githubusercontent.com"']);
    expect(trust.evaluate({ ...copy(entIssuer.claims), sub: 'repo:octocat-inc/private-server:ref:refs/heads/dev' }).reasons).toEqual(['claim sub: expected "repo:octocat-inc/private-server:ref:refs/heads/main", got "repo:octocat-inc/private-server:ref:refs/heads/dev"']);
  });

  test('repository custom property (iss added: the corpus example lacks it)', () => {
    const claims = { ...copy(props.claims), iss: 'https://token.actions.githubusercontent.com' };
    const trust = GitHubActions.repository({ owner: 'my-org', repository: 'my-repo' }).onBranch('main').withClaim('repo_property_business_unit', 'payments')
      .accept(Widening.NAME_ONLY_IDENTITY).withAudience(props.claims.aud).toTrust();
    expect(trust.evaluate(claims)).toEqual({ allowed: true, reasons: [] });
    expect(trust.evaluate(props.claims).reasons).toEqual(['claim iss: expected "https://token.actions.githubusercontent.com", got absent']);
    expect(trust.evaluate({ ...claims, repo_property_business_unit: 'marketing' }).reasons).toEqual(['claim repo_property_business_unit: expected "payments", got "marketing"']);
    expect(trust.evaluate({ ...claims, sub: 'repo:my-org/my-repo:ref:refs/tags/v1' }).reasons).toEqual(['claim sub: expected "repo:my-org/my-repo:ref:refs/heads/main", got "repo:my-org/my-repo:ref:refs/tags/v1"']);
  });
});

describe('GitLab CI/CD corpus', () => {
  const [push, older] = GL;

  test('the typed claim view renders each sub', () => {
    expect(renderGitLabSubject(push.claims)).toBe(push.claims.sub);
    expect(renderGitLabSubject(push.claims, ['project_id', 'ref_type', 'ref'])).toBe('project_id:20:ref_type:branch:ref:feature-branch-1');
    // Corpus inconsistency: the older doc example's sub says `ref:main` while its `ref` claim is
    // `auto-deploy-2020-04-01`. The documented grammar (sub = components of the claims) gives:
    expect(renderGitLabSubject(older.claims)).toBe('project_path:mygroup/myproject:ref_type:branch:ref:auto-deploy-2020-04-01');
    expect(renderGitLabSubject({ ...older.claims, ref: 'main' })).toBe(older.claims.sub);
  });

  const trust = GitLabCi.project({ projectPath: 'my-group/my-project', projectId: '20', instanceUrl: push.claims.iss })
    .onBranch('feature-branch-1').inEnvironment('test-environment2').withAudience(push.claims.aud).toTrust();

  test('allows the corpus token', () => {
    expect(trust.condition.toString()).toBe('environment == "test-environment2" && project_id == "20" && sub == "project_path:my-group/my-project:ref_type:branch:ref:feature-branch-1"');
    expect(trust.evaluate(push.claims)).toEqual({ allowed: true, reasons: [] });
  });

  test('denies another project id (re-registered path: same sub)', () => {
    expect(trust.evaluate({ ...copy(push.claims), project_id: '21' }).reasons).toEqual(['claim project_id: expected "20", got "21"']);
  });

  test('denies another project, another branch, a tag instead of the branch, another environment', () => {
    const otherProject = { ...copy(push.claims), project_path: 'my-group/other', project_id: '21' };
    otherProject.sub = renderGitLabSubject(otherProject);
    expect(trust.evaluate(otherProject).reasons).toEqual([
      'claim project_id: expected "20", got "21"',
      'claim sub: expected "project_path:my-group/my-project:ref_type:branch:ref:feature-branch-1", got "project_path:my-group/other:ref_type:branch:ref:feature-branch-1"',
    ]);
    const otherBranch = { ...copy(push.claims), ref: 'main' };
    otherBranch.sub = renderGitLabSubject(otherBranch);
    expect(trust.evaluate(otherBranch).reasons).toEqual(['claim sub: expected "project_path:my-group/my-project:ref_type:branch:ref:feature-branch-1", got "project_path:my-group/my-project:ref_type:branch:ref:main"']);
    const tag = { ...copy(push.claims), ref_type: 'tag' };
    tag.sub = renderGitLabSubject(tag);
    expect(trust.evaluate(tag).reasons).toEqual(['claim sub: expected "project_path:my-group/my-project:ref_type:branch:ref:feature-branch-1", got "project_path:my-group/my-project:ref_type:tag:ref:feature-branch-1"']);
    expect(trust.evaluate({ ...copy(push.claims), environment: 'production' }).reasons).toEqual(['claim environment: expected "test-environment2", got "production"']);
  });

  test('denies gitlab.com tokens for a self-managed trust', () => {
    expect(trust.evaluate({ ...copy(push.claims), iss: 'https://gitlab.com' }).reasons).toEqual(['claim iss: expected "https://gitlab.example.com", got "https://gitlab.com"']);
  });

  test('protected branch and protected environment (older example, sub as published)', () => {
    const t = GitLabCi.project({ projectPath: 'mygroup/myproject', projectId: '22', instanceUrl: older.claims.iss })
      .onProtectedBranch('main').inEnvironment('production').requireProtectedEnvironment().withAudience(older.claims.aud).toTrust();
    // The trust matches the published sub (ref:main); the inconsistent `ref` claim is not read
    // because the default components carry the ref in sub.
    expect(t.evaluate(older.claims)).toEqual({ allowed: true, reasons: [] });
    expect(t.evaluate({ ...copy(older.claims), ref_protected: 'false' }).reasons).toEqual(['claim ref_protected: expected "true", got "false"']);
    expect(t.evaluate({ ...copy(older.claims), environment_protected: 'false' }).reasons).toEqual(['claim environment_protected: expected "true", got "false"']);
    expect(t.evaluate({ ...copy(older.claims), project_id: '23' }).reasons).toEqual(['claim project_id: expected "22", got "23"']);
  });
});

describe('Buildkite corpus', () => {
  const [tagged, sessionTags, cluster] = BK;

  test('the typed claim view renders each sub', () => {
    // Corpus inconsistency: the doc example carries build_tag "v1.0.0" while its sub says
    // refs/heads/main. BK-CLI documents REF = refs/tags/TAG when the build has a tag, so the
    // renderer gives the tag form; without the tag it gives the published sub.
    expect(tagged.claims.build_tag).toBe('v1.0.0');
    expect(renderBuildkiteSubject(tagged.claims)).toBe('organization:acme-inc:pipeline:super-duper-app:ref:refs/tags/v1.0.0:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build');
    const { build_tag: _t, ...untagged } = tagged.claims;
    expect(renderBuildkiteSubject(untagged)).toBe(tagged.claims.sub);
    const { build_tag: _s, ...untagged2 } = sessionTags.claims;
    expect(renderBuildkiteSubject(untagged2)).toBe(sessionTags.claims.sub);
    // --subject-claim cluster_id: sub is the bare cluster UUID (auto-included as cluster_id).
    expect(cluster.claims.sub).toBe(cluster.claims.cluster_id);
    expect(renderBuildkiteSubject(cluster.claims)).toBe('organization:acme-inc:pipeline:super-duper-app:ref:refs/heads/main:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build');
    // An empty step key renders "…:step:" (CloudTrail sample in the Buildkite docs).
    expect(renderBuildkiteSubject({ ...untagged, step_key: null })).toMatch(/:step:$/);
  });

  // The corpus tokens carry no pipeline_id claim, so the realistic trust is by slug.
  const trust = Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app' })
    .onBranch('main').onStep('build').accept(Widening.NAME_ONLY_IDENTITY).withAudience(tagged.claims.aud).toTrust();
  const expectedSub = 'a match for "organization:acme-inc:pipeline:super-duper-app:ref:refs/heads/main:commit:*:step:build"';

  test('allows the corpus tokens as published', () => {
    expect(trust.condition.toString()).toBe('sub like "organization:acme-inc:pipeline:super-duper-app:ref:refs/heads/main:commit:*:step:build"');
    expect(trust.evaluate(tagged.claims)).toEqual({ allowed: true, reasons: [] });
    expect(trust.evaluate(sessionTags.claims)).toEqual({ allowed: true, reasons: [] });
  });

  test('denies another pipeline, another organization, another branch, a tag, another step', () => {
    const sub = (c: Record<string, any>) => ({ ...c, sub: renderBuildkiteSubject(c) });
    const { build_tag: _t, ...base } = copy(tagged.claims);
    expect(trust.evaluate(sub({ ...base, pipeline_slug: 'super-duper-app-fork' })).reasons).toEqual([`claim sub: expected ${expectedSub}, got "organization:acme-inc:pipeline:super-duper-app-fork:ref:refs/heads/main:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build"`]);
    expect(trust.evaluate(sub({ ...base, organization_slug: 'evil-inc' })).reasons).toEqual([`claim sub: expected ${expectedSub}, got "organization:evil-inc:pipeline:super-duper-app:ref:refs/heads/main:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build"`]);
    expect(trust.evaluate(sub({ ...base, build_branch: 'dev' })).reasons).toEqual([`claim sub: expected ${expectedSub}, got "organization:acme-inc:pipeline:super-duper-app:ref:refs/heads/dev:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build"`]);
    // the tagged build rendered as documented (refs/tags/…) is not a branch build
    expect(trust.evaluate(sub(copy(tagged.claims))).reasons).toEqual([`claim sub: expected ${expectedSub}, got "organization:acme-inc:pipeline:super-duper-app:ref:refs/tags/v1.0.0:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build"`]);
    expect(trust.evaluate(sub({ ...base, step_key: 'deploy' })).reasons).toEqual([`claim sub: expected ${expectedSub}, got "organization:acme-inc:pipeline:super-duper-app:ref:refs/heads/main:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:deploy"`]);
    expect(trust.evaluate({ ...copy(tagged.claims), aud: 'sts.amazonaws.com' }).reasons).toEqual(['claim aud: expected "https://buildkite.com/acme-inc", got "sts.amazonaws.com"']);
  });

  test('session-tag example: the trust records the tagged claims; the organization id pin is a claim test', () => {
    const orgId = sessionTags.claims['https://aws.amazon.com/tags'].principal_tags.organization_id[0];
    const t = Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app', organizationId: orgId })
      .onBranch('main').withAwsSessionTags('organization_slug', 'organization_id').accept(Widening.NAME_ONLY_IDENTITY).withAudience('https://buildkite.com/acme-inc').toTrust();
    expect(t.sessionTags).toEqual(['organization_id', 'organization_slug']);
    // The model reads top-level claims; the organization_id here lives only in the nested session
    // tags (the AWS compiler maps it to aws:RequestTag), so the model evaluation reports it absent.
    expect(t.evaluate(sessionTags.claims).reasons).toEqual([`claim organization_id: expected "${orgId}", got absent`]);
    expect(t.evaluate({ ...copy(sessionTags.claims), organization_id: orgId })).toEqual({ allowed: true, reasons: [] });
  });

  test('cluster-id subject: no builder subject form matches it (only COMPOSITE and PIPELINE_ID are modelled)', () => {
    expect(trust.withAudiences([cluster.claims.aud]).evaluate(cluster.claims).reasons).toEqual([`claim sub: expected ${expectedSub}, got "${cluster.claims.sub}"`]);
    const byId = Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'super-duper-app', pipelineId: '0184990a-477b-4fa8-9968-496074483cee', subject: BuildkiteSubject.PIPELINE_ID })
      .onBranch('main').withAudience(cluster.claims.aud).toTrust();
    expect(byId.evaluate(cluster.claims).reasons).toEqual([`claim sub: expected "0184990a-477b-4fa8-9968-496074483cee", got "${cluster.claims.sub}"`]);
    // the same token with --subject-claim pipeline_id instead
    expect(byId.evaluate({ ...copy(cluster.claims), sub: '0184990a-477b-4fa8-9968-496074483cee', pipeline_id: '0184990a-477b-4fa8-9968-496074483cee' })).toEqual({ allowed: true, reasons: [] });
  });
});
