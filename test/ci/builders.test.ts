import { Buildkite, BuildkiteBuildSource, BuildkiteSubject } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { renderSubject } from '../../lib/ci/github/subject';
import { GitLabCi, GitLabDeploymentTier, GitLabSubjectComponent as C } from '../../lib/ci/gitlab';
import { renderGitLabSubject } from '../../lib/ci/gitlab/subject';
import { TrustConfigError } from '../../lib/model/errors';
import { RuleLevel, Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';

const IMM = 'repo:acme@100/app@200';
const gh = (p: any = {}) => GitHubActions.repository({ owner: 'acme', repository: 'app', ownerId: '100', repositoryId: '200', subjectFormat: GitHubSubjectFormat.IMMUTABLE, ...p });
const gl = (p: any = {}) => GitLabCi.project({ projectPath: 'g/p', projectId: '20', ...p });
const PIPE = '0184990a-477b-4fa8-9968-496074483cee';
const bk = (p: any = {}) => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPE, ...p });
const ruleIds = (t: Trust) => t.findings.map((f) => f.ruleId);
const M014_GH = (refs: string) => ({ ruleId: 'CIT-M014', level: RuleLevel.WARNING, message: `deploys from ${refs} without a GitHub environment, so no protection rule or reviewer applies; every event's runs on these refs get its tokens, including pull_request_target, workflow_run and issue_comment runs that a fork's author can start: pin an environment with required reviewers, or the events (onEvent) where the cloud checks event_name (GCP)` });

function refusedWith(fn: () => unknown, text: string, rule?: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrustConfigError);
    expect((e as Error).message).toContain(text);
    expect((e as Error).message).toContain('Fix:');
    expect((e as TrustConfigError).ruleId).toBe(rule);
    return;
  }
  throw new Error('expected a TrustConfigError');
}

describe('GitHub Actions contexts', () => {
  test('branch, tag, environment, pull request', () => {
    expect(gh().onBranch('dev', 'feature/x').toTrust().condition.toString()).toBe(`sub in ["${IMM}:ref:refs/heads/dev","${IMM}:ref:refs/heads/feature/x"]`);
    expect(gh().onTag('v1.0.0').toTrust().condition.toString()).toBe(`sub == "${IMM}:ref:refs/tags/v1.0.0"`);
    expect(gh().onBranch('dev').onTag('v1').toTrust().condition.toString()).toBe(`sub in ["${IMM}:ref:refs/heads/dev","${IMM}:ref:refs/tags/v1"]`);
    expect(gh().inEnvironment('prod').toTrust().condition.toString()).toBe(`sub == "${IMM}:environment:prod"`);
    expect(gh().onPullRequest().toTrust().condition.toString()).toBe(`sub == "${IMM}:pull_request"`);
  });

  test('environment plus branch: the subject carries the environment, the branch is a ref pin', () => {
    const t = gh().inEnvironment('prod', 'staging').onBranch('main').toTrust();
    expect(t.condition.toString()).toBe(`ref == "refs/heads/main" && sub in ["${IMM}:environment:prod","${IMM}:environment:staging"]`);
  });

  test('environment names with ":" are %3A-encoded in sub, as GitHub renders them', () => {
    const t = gh().inEnvironment('Production:V1').toTrust();
    expect(t.condition.toString()).toBe(`sub == "${IMM}:environment:Production%3AV1"`);
    expect(t.description).toBe('GitHub Actions jobs of acme/app (owner id 100, repository id 200; immutable subject) in environment Production:V1');
    expect(renderSubject({ repository: 'acme/app', repository_owner_id: '100', repository_id: '200', environment: 'Production:V1' }, true)).toBe(`${IMM}:environment:Production%3AV1`);
  });

  test('incompatible or missing contexts are refused', () => {
    refusedWith(() => gh().toTrust(), 'no branch, tag, environment or pull request is pinned', 'CIT-M011');
    refusedWith(() => gh().inEnvironment('prod').onPullRequest().toTrust(), 'a job in an environment gets the environment subject, never the pull_request one');
    refusedWith(() => gh().onAnyRef().onBranch('dev').accept(Widening.ANY_REF).toTrust(), 'onAnyRef() is combined with specific contexts');
  });
});

describe('widenings are required and recorded', () => {
  test('ANY_REF', () => {
    refusedWith(() => gh().onAnyRef().toTrust(), 'every branch, tag, pull request and environment of acme/app is trusted', 'CIT-M011');
    const t = gh().onAnyRef().accept(Widening.ANY_REF).toTrust();
    expect(t.condition.toString()).toBe(`sub like "${IMM}:*"`);
    expect(t.widenings).toEqual(['ANY_REF']);
    expect(t.findings).toEqual([{ ruleId: 'CIT-M011', level: RuleLevel.WARNING, message: 'widened (ANY_REF): every branch, tag, pull request and environment of acme/app is trusted' }]);
  });

  test('REF_PATTERN', () => {
    const t = gh().onBranchPattern('release/*').onTagPattern('v*').accept(Widening.REF_PATTERN).toTrust();
    expect(t.condition.toString()).toBe(`sub like any of ["${IMM}:ref:refs/heads/release/*","${IMM}:ref:refs/tags/v*"]`);
    expect(t.widenings).toEqual(['REF_PATTERN']);
    expect(ruleIds(t)).toEqual(['CIT-M012', 'CIT-M014']);
    const g = gl().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust();
    expect(g.condition.toString()).toBe('project_id == "20" && sub like "project_path:g/p:ref_type:branch:ref:release/*"');
  });

  test('NAME_ONLY_IDENTITY', () => {
    refusedWith(() => GitHubActions.repository({ owner: 'acme', repository: 'app' }).onBranch('dev').toTrust(), 'acme/app is trusted by name only', 'CIT-M010');
    refusedWith(() => GitLabCi.project({ projectPath: 'g/p' }).onBranch('dev').toTrust(), 'g/p is trusted by path only', 'CIT-M010');
    refusedWith(() => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy' }).onBranch('dev').toTrust(), 'acme-inc/deploy is trusted by slug only', 'CIT-M010');
    const t = GitHubActions.repository({ owner: 'acme', repository: 'app' }).onBranch('dev').accept(Widening.NAME_ONLY_IDENTITY).toTrust();
    expect(t.widenings).toEqual(['NAME_ONLY_IDENTITY']);
    expect(t.findings).toEqual([{ ruleId: 'CIT-M010', level: RuleLevel.WARNING, message: 'widened (NAME_ONLY_IDENTITY): acme/app is trusted by name only; a deleted or renamed owner or repository can be re-registered by anyone' }]);
  });

  test('an accepted but unused widening is not recorded', () => {
    const t = gh().onBranch('dev').accept(Widening.ANY_REF, Widening.REF_PATTERN).toTrust();
    expect(t.widenings).toEqual([]);
    expect(t.findings).toEqual([]);
  });
});

describe('warnings', () => {
  test('CIT-M013 pull requests (GitHub) and merge-request pipelines (GitLab)', () => {
    expect(gh().onPullRequest().toTrust().findings).toEqual([{ ruleId: 'CIT-M013', level: RuleLevel.WARNING, message: 'pull-request runs are trusted; they execute code from the pull request' }]);
    expect(gl().onBranch('feature').withPipelineSource('merge_request_event').toTrust().findings).toEqual([{ ruleId: 'CIT-M013', level: RuleLevel.WARNING, message: 'merge-request pipelines are trusted; they run code from the merge request' }]);
  });

  test('CIT-M014 production branch or tag without an environment', () => {
    expect(gh().onBranch('main').toTrust().findings).toEqual([M014_GH('refs/heads/main')]);
    expect(gh().onBranch('release/1.2').toTrust().findings).toEqual([M014_GH('refs/heads/release/1.2')]);
    expect(gh().onTag('v1').toTrust().findings).toEqual([M014_GH('refs/tags/v1')]);
    expect(gh().onBranch('dev').toTrust().findings).toEqual([]);
    expect(gh().inEnvironment('production').onBranch('main').toTrust().findings).toEqual([]);
    expect(gl().onBranch('main').toTrust().findings).toEqual([{ ruleId: 'CIT-M014', level: RuleLevel.WARNING, message: 'deploys from main without a GitLab environment, so no protected-environment approval applies' }]);
    expect(gl().onBranch('main').inEnvironment('production').toTrust().findings).toEqual([]);
    expect(bk().onBranch('main').toTrust().findings).toEqual([{ ruleId: 'CIT-M014', level: RuleLevel.WARNING, message: 'Buildkite has no deployment environments; gate production with a block step or a separate pipeline' }]);
  });
});

describe('GitHub subject formats and issuers', () => {
  test('IMMUTABLE, NAME (ids as claims), BOTH (the default with ids: either form, repository_id pinned)', () => {
    expect(gh().onBranch('dev').toTrust().condition.toString()).toBe(`sub == "${IMM}:ref:refs/heads/dev"`);
    expect(gh({ subjectFormat: GitHubSubjectFormat.NAME }).onBranch('dev').toTrust().condition.toString())
      .toBe('repository_id == "200" && sub == "repo:acme/app:ref:refs/heads/dev"');
    const both = gh({ subjectFormat: GitHubSubjectFormat.BOTH }).onBranch('dev').withAudience('sts.amazonaws.com').toTrust();
    expect(both.condition.toString()).toBe(`repository_id == "200" && sub in ["repo:acme/app:ref:refs/heads/dev","${IMM}:ref:refs/heads/dev"]`);
    // BOTH is the default when the ids are given (no repository is locked out by the form it emits)
    const byDefault = gh({ subjectFormat: undefined }).onBranch('dev').withAudience('sts.amazonaws.com').toTrust();
    expect(byDefault.condition.toString()).toBe(both.condition.toString());
    expect(byDefault.description).toContain('(owner id 100, repository id 200; name or immutable subject)');
    expect((byDefault._details as any).subjectFormat).toBe('BOTH');
    const claims = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', repository: 'acme/app', repository_owner_id: '100', repository_id: '200', ref: 'refs/heads/dev' };
    expect(both.evaluate({ ...claims, sub: renderSubject(claims, true) }).allowed).toBe(true);
    expect(both.evaluate({ ...claims, sub: renderSubject(claims, false) }).allowed).toBe(true);
    // the name form from a re-registered repository (other ids) is denied
    expect(both.evaluate({ ...claims, repository_id: '999', sub: 'repo:acme/app:ref:refs/heads/dev' }).reasons).toEqual([
      'claim repository_id: expected "200", got "999"',
    ]);
  });

  test('GHEC enterprise issuer, GHE.com data residency, GHES', () => {
    expect(gh({ issuer: GitHubIssuer.enterpriseCloud('octocat-inc') }).onBranch('dev').toTrust().issuer).toBe('https://token.actions.githubusercontent.com/octocat-inc');
    expect(gh({ issuer: GitHubIssuer.dataResidency('acme') }).onBranch('dev').toTrust().issuer).toBe('https://token.actions.acme.ghe.com');
    expect(gh({ issuer: GitHubIssuer.dataResidency('acme', true) }).onBranch('dev').toTrust().issuer).toBe('https://token.actions.acme.ghe.com/acme');
    const ghes = gh({ issuer: GitHubIssuer.enterpriseServer('github.example.com'), subjectFormat: undefined }).onBranch('dev').toTrust();
    expect(ghes.issuer).toBe('https://github.example.com/_services/token');
    // GHES has no immutable subject: the default becomes NAME with the ids as claims
    expect(ghes.condition.toString()).toBe('repository_id == "200" && sub == "repo:acme/app:ref:refs/heads/dev"');
    expect(ghes.description).toBe('GitHub Actions jobs of acme/app (owner id 100, repository id 200; name subject) on github.example.com on branch dev, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork\'s author can start)');
    expect(GitHubIssuer.enterpriseServer('github.example.com').supportsImmutableSubject).toBe(false);
  });

  test('GHES refuses IMMUTABLE and BOTH', () => {
    for (const subjectFormat of [GitHubSubjectFormat.IMMUTABLE, GitHubSubjectFormat.BOTH]) {
      refusedWith(() => gh({ issuer: GitHubIssuer.enterpriseServer('github.example.com'), subjectFormat }), 'github.example.com (GitHub Enterprise Server) does not emit the immutable subject');
    }
  });
});

describe('GitHub custom subject templates', () => {
  const jwr = 'acme/shared/.github/workflows/deploy.yml@refs/heads/main';

  test('["repo", "context", "job_workflow_ref"] renders the pins into sub', () => {
    const t = gh().inEnvironment('prod').fromReusableWorkflow(jwr).withSubjectTemplate('repo', 'context', 'job_workflow_ref').toTrust();
    expect(t.condition.toString()).toBe(`sub == "${IMM}:environment:prod:job_workflow_ref:${jwr}"`);
    const claims = { repository: 'acme/app', repository_owner_id: '100', repository_id: '200', environment: 'prod', job_workflow_ref: jwr };
    expect(renderSubject(claims, true, ['repo', 'context', 'job_workflow_ref'])).toBe(`${IMM}:environment:prod:job_workflow_ref:${jwr}`);
  });

  test('without the template, job_workflow_ref is a separate claim pin', () => {
    expect(gh().inEnvironment('prod').fromReusableWorkflow(jwr).toTrust().condition.toString()).toBe(`job_workflow_ref == "${jwr}" && sub == "${IMM}:environment:prod"`);
  });

  test('["repo", "ref"] carries the ref in sub', () => {
    expect(gh().onBranch('main').withSubjectTemplate('repo', 'ref').toTrust().condition.toString()).toBe(`sub == "${IMM}:ref:refs/heads/main"`);
  });

  // Regression (bug fixed in lib/ci/github/builder.ts): a template without "context" used to drop
  // onBranch()/inEnvironment() silently, so any branch of the repository matched.
  test('a template without "context" still pins the branch and the environment as claims', () => {
    const t = gh().onBranch('main').fromReusableWorkflow(jwr).withSubjectTemplate('repo', 'job_workflow_ref').withAudience('sts.amazonaws.com').toTrust();
    expect(t.condition.toString()).toBe(`ref == "refs/heads/main" && sub == "${IMM}:job_workflow_ref:${jwr}"`);
    const tok = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: `${IMM}:job_workflow_ref:${jwr}` };
    expect(t.evaluate({ ...tok, ref: 'refs/heads/main' }).allowed).toBe(true);
    expect(t.evaluate({ ...tok, ref: 'refs/heads/evil' }).reasons).toEqual(['claim ref: expected "refs/heads/main", got "refs/heads/evil"']);
    const e = gh().inEnvironment('prod').fromReusableWorkflow(jwr).withSubjectTemplate('repo', 'job_workflow_ref').toTrust();
    expect(e.condition.toString()).toBe(`environment == "prod" && sub == "${IMM}:job_workflow_ref:${jwr}"`);
    // with "environment" as a template key it is consumed by sub
    expect(gh().inEnvironment('prod').withSubjectTemplate('repository_owner_id', 'repository_id', 'environment').toTrust().condition.toString())
      .toBe('sub == "repository_owner_id:100:repository_id:200:environment:prod"');
    refusedWith(() => gh().onPullRequest().withSubjectTemplate('repo', 'job_workflow_ref').fromReusableWorkflow(jwr).toTrust(), 'the subject template has no "context", so onPullRequest() could not be enforced');
  });
});

describe('GitLab subject components', () => {
  test('default components, project id as a separate pin', () => {
    expect(gl().onBranch('main').toTrust().condition.toString()).toBe('project_id == "20" && sub == "project_path:g/p:ref_type:branch:ref:main"');
  });

  test('PROJECT_ID first: the id is in sub and not repeated', () => {
    const t = gl({ subjectComponents: [C.PROJECT_ID, C.REF_TYPE, C.REF] }).onBranch('main').toTrust();
    expect(t.condition.toString()).toBe('sub == "project_id:20:ref_type:branch:ref:main"');
    expect(renderGitLabSubject({ project_id: '20', ref_type: 'branch', ref: 'main' }, ['project_id', 'ref_type', 'ref'])).toBe('project_id:20:ref_type:branch:ref:main');
  });

  test('protected refs: a claim pin, or a sub component (GitLab 18.7+)', () => {
    const claim = gl().onProtectedBranch('main').onTag('v1').inEnvironment('production').toTrust();
    expect(claim.condition.toString()).toBe('environment == "production" && project_id == "20" && ref_protected == "true" && sub in ["project_path:g/p:ref_type:branch:ref:main","project_path:g/p:ref_type:tag:ref:v1"]');
    expect(claim.description).toBe('GitLab CI/CD pipelines of g/p (project id 20) on protected branch main or on protected tag v1, with environment production');
    const comp = gl({ subjectComponents: [C.PROJECT_ID, C.REF_TYPE, C.REF, C.REF_PROTECTED] }).onProtectedBranch('main').toTrust();
    expect(comp.condition.toString()).toBe('sub == "project_id:20:ref_type:branch:ref:main:ref_protected:true"');
    refusedWith(() => gl({ subjectComponents: [C.PROJECT_ID, C.REF_TYPE, C.REF, C.REF_PROTECTED] }).onBranch('main').toTrust(), 'the subject components include ref_protected, which this trust does not pin');
  });

  test('environment tier, protected environment, pipeline source, hosted runners are claim pins', () => {
    const t = gl().onBranch('dev').inEnvironment('staging').requireProtectedEnvironment().withDeploymentTier(GitLabDeploymentTier.STAGING).withPipelineSource('push', 'web').onGitLabHostedRunners().toTrust();
    expect(t.condition.toString()).toBe('deployment_tier == "staging" && environment == "staging" && environment_protected == "true" && pipeline_source in ["push","web"] && project_id == "20" && runner_environment == "gitlab-hosted" && sub == "project_path:g/p:ref_type:branch:ref:dev"');
    refusedWith(() => gl().withPipelineSource('cron'), '"cron" is not a GitLab pipeline source');
  });

  test('any ref: everything after the project is free', () => {
    expect(gl({ subjectComponents: [C.PROJECT_ID, C.REF_TYPE, C.REF] }).onAnyRef().accept(Widening.ANY_REF).toTrust().condition.toString()).toBe('sub like "project_id:20:*"');
    expect(gl().onAnyRef().accept(Widening.ANY_REF).toTrust().condition.toString()).toBe('project_id == "20" && sub like "project_path:g/p:*"');
  });

  // Regression (bug fixed in lib/ci/gitlab/builder.ts): without ref_type in the components, a branch
  // pin also admitted a tag of the same name.
  test('components without ref_type pin ref_type, paired with each ref', () => {
    const one = gl({ subjectComponents: [C.PROJECT_ID, C.REF] }).onBranch('main').withAudience('sts.amazonaws.com').toTrust();
    expect(one.condition.toString()).toBe('ref_type == "branch" && sub == "project_id:20:ref:main"');
    const tok = { iss: 'https://gitlab.com', aud: 'sts.amazonaws.com', sub: 'project_id:20:ref:main', ref: 'main' };
    expect(one.evaluate({ ...tok, ref_type: 'branch' }).allowed).toBe(true);
    expect(one.evaluate({ ...tok, ref_type: 'tag' }).reasons).toEqual(['claim ref_type: expected "branch", got "tag"']);
    const mixed = gl({ subjectComponents: [C.PROJECT_ID, C.REF] }).onBranch('main').onTag('v1').withAudience('sts.amazonaws.com').toTrust();
    expect(mixed.evaluate({ ...tok, ref_type: 'branch' }).allowed).toBe(true);
    expect(mixed.evaluate({ ...tok, sub: 'project_id:20:ref:v1', ref: 'v1', ref_type: 'tag' }).allowed).toBe(true);
    expect(mixed.evaluate({ ...tok, ref_type: 'tag' }).allowed).toBe(false);
    expect(mixed.evaluate({ ...tok, sub: 'project_id:20:ref:v1', ref: 'v1', ref_type: 'branch' }).allowed).toBe(false);
  });
});

describe('Buildkite subjects and session tags', () => {
  test('COMPOSITE: identity and ref literal, commit (and step, if unpinned) free', () => {
    expect(bk().onBranch('dev').toTrust().condition.toString()).toBe(`pipeline_id == "${PIPE}" && sub like "organization:acme-inc:pipeline:deploy:ref:refs/heads/dev:commit:*:step:*"`);
    expect(bk().onTag('v1').onStep('deploy').toTrust().condition.toString()).toBe(`pipeline_id == "${PIPE}" && sub like "organization:acme-inc:pipeline:deploy:ref:refs/tags/v1:commit:*:step:deploy"`);
    expect(bk().onAnyRef().onStep('deploy').accept(Widening.ANY_REF).toTrust().condition.toString()).toBe(`pipeline_id == "${PIPE}" && step_key == "deploy" && sub like "organization:acme-inc:pipeline:deploy:ref:*"`);
  });

  // Regression: every PIPELINE_ID trust used to fail CIT-M001 (the exact UUID sub was not seen as
  // an identity); fixed by the lead in lib/model/trust.ts pinsIdentity.
  test('PIPELINE_ID: sub is the pipeline UUID (alone it pins the pipeline); refs and steps are claim pins', () => {
    const t = bk({ subject: BuildkiteSubject.PIPELINE_ID }).onBranch('main').onStep('deploy').toTrust();
    expect(t.condition.toString()).toBe(`build_branch == "main" && step_key == "deploy" && sub == "${PIPE}"`);
    expect(bk({ subject: BuildkiteSubject.PIPELINE_ID }).onTag('v1').toTrust().condition.toString()).toBe(`build_tag == "v1" && sub == "${PIPE}"`);
    refusedWith(() => bk({ subject: BuildkiteSubject.PIPELINE_ID }).onTag('v1').onBranch('main').toTrust(), 'with the PIPELINE_ID subject, branches and tags are separate claims');
  });

  // Design gap (not fixed): with the PIPELINE_ID subject a branch pin is `build_branch == "main"`, and
  // a tag build can carry build_branch "main" too (corpus Buildkite example: build_branch main,
  // build_tag v1.0.0). The COMPOSITE subject distinguishes them (refs/tags/…); PIPELINE_ID would need
  // "build_tag is absent", which the model's string-equality conditions cannot express.
  test.todo('PIPELINE_ID: a branch pin denies tag builds whose build_branch equals the branch (needs an "absent" test in the model)');

  test('organization id, build source and hosted agents are claim pins; session tags are recorded', () => {
    const t = bk({ organizationId: 'f892efa9-103e-4d28-97a1-3b8616a0994d' }).onBranch('dev').fromBuildSource(BuildkiteBuildSource.UI, BuildkiteBuildSource.API).onHostedAgents()
      .withAwsSessionTags('pipeline_slug', 'organization_slug', 'pipeline_slug').toTrust();
    expect(t.condition.toString()).toBe(`build_source in ["api","ui"] && organization_id == "f892efa9-103e-4d28-97a1-3b8616a0994d" && pipeline_id == "${PIPE}" && runner_environment == "buildkite-hosted" && sub like "organization:acme-inc:pipeline:deploy:ref:refs/heads/dev:commit:*:step:*"`);
    expect(t.sessionTags).toEqual(['organization_slug', 'pipeline_slug']);
    expect(bk().onBranch('dev').toTrust().sessionTags).toEqual([]);
    refusedWith(() => bk().withAwsSessionTags('sub'), '"sub" is not a claim the agent can tag');
  });
});

describe('descriptions', () => {
  test('exact sentences', () => {
    expect(gh().onBranch('main').toTrust().description).toBe('GitHub Actions jobs of acme/app (owner id 100, repository id 200; immutable subject) on branch main, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork\'s author can start)');
    expect(gh().inEnvironment('prod', 'staging').onBranch('main').onTag('v1').toTrust().description).toBe('GitHub Actions jobs of acme/app (owner id 100, repository id 200; immutable subject) in environment prod or staging, on branch main or on tag v1');
    expect(gh().onPullRequest().withClaim('event_name', 'pull_request').toTrust().description).toBe('GitHub Actions jobs of acme/app (owner id 100, repository id 200; immutable subject) in pull requests, with event_name pull_request');
    expect(gh({ issuer: GitHubIssuer.enterpriseCloud('octocat-inc') }).onAnyRef().accept(Widening.ANY_REF).toTrust().description).toBe('GitHub Actions jobs of acme/app (owner id 100, repository id 200; immutable subject) on the octocat-inc enterprise on github.com on any ref, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork\'s author can start)');
    expect(GitHubActions.repository({ owner: 'acme', repository: 'app' }).onBranchPattern('release/*').accept(Widening.NAME_ONLY_IDENTITY, Widening.REF_PATTERN).toTrust().description).toBe('GitHub Actions jobs of acme/app (by name only) on refs matching refs/heads/release/*, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork\'s author can start)');
    expect(gl({ instanceUrl: 'https://gitlab.example.com' }).onBranch('dev').toTrust().description).toBe('GitLab CI/CD pipelines of g/p (project id 20) on gitlab.example.com on branch dev');
    expect(GitLabCi.project({ projectPath: 'g/p' }).onBranchPattern('release/*').accept(Widening.NAME_ONLY_IDENTITY, Widening.REF_PATTERN).toTrust().description).toBe('GitLab CI/CD pipelines of g/p (by path only) on branches matching release/*');
    expect(bk().onBranch('dev').onStep('build', 'deploy').fromBuildSource(BuildkiteBuildSource.UI).toTrust().description).toBe(`Buildkite jobs of pipeline acme-inc/deploy (pipeline id ${PIPE}) on branch dev, step build or deploy, with build_source ui`);
    expect(Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy' }).onTag('v1').accept(Widening.NAME_ONLY_IDENTITY).toTrust().description).toBe('Buildkite jobs of pipeline acme-inc/deploy (by slug only) on tag v1');
  });

  test('explain() gives the sentence, issuer, audience and exact condition', () => {
    const t = gh().onBranch('dev').withAudience('sts.amazonaws.com').toTrust();
    expect(t.explain()).toBe(`GitHub Actions jobs of acme/app (owner id 100, repository id 200; immutable subject) on branch dev, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork's author can start). Issuer https://token.actions.githubusercontent.com; audience sts.amazonaws.com; condition: sub == "${IMM}:ref:refs/heads/dev"`);
  });
});

describe('determinism', () => {
  const builds: [string, () => Trust][] = [
    ['github', () => gh({ subjectFormat: GitHubSubjectFormat.BOTH }).inEnvironment('staging', 'prod').onBranch('main', 'dev').withClaim('event_name', 'push').withAudience('sts.amazonaws.com').toTrust()],
    ['github reordered', () => gh({ subjectFormat: GitHubSubjectFormat.BOTH }).withAudience('sts.amazonaws.com').withClaim('event_name', 'push').onBranch('dev', 'main').inEnvironment('prod', 'staging').toTrust()],
    ['gitlab', () => gl().onProtectedBranch('main').onTag('v2', 'v1').inEnvironment('production').withAudience('sts.amazonaws.com').toTrust()],
    ['buildkite', () => bk().onBranch('main').onStep('b', 'a').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).toTrust()],
  ];

  test.each(builds)('%s: same input twice gives the same condition text and fingerprint', (_, mk) => {
    const a = mk();
    const b = mk();
    expect(b.condition.toString()).toBe(a.condition.toString());
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(b.description).toBe(a.description);
  });

  test('input order does not change the trust; a different trust has a different fingerprint', () => {
    const [, a] = builds[0];
    const [, b] = builds[1];
    expect(b().condition.toString()).toBe(a().condition.toString());
    expect(b().fingerprint).toBe(a().fingerprint);
    expect(gh().onBranch('dev').toTrust().fingerprint).not.toBe(gh().onBranch('main').toTrust().fingerprint);
    // the audience and the network are part of the fingerprint
    const t = gh().onBranch('dev').toTrust();
    expect(t.withAudiences(['sts.amazonaws.com']).fingerprint).not.toBe(t.fingerprint);
    expect(t.withNetwork(bk().restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24'] }).onBranch('x').toTrust().network!).fingerprint).not.toBe(t.fingerprint);
  });
});
