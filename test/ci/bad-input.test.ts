/**
 * The bad-input matrix (docs/security.md#bad-input-matrix), one describe per input class, across the three builders.
 * Every refusal must be a TrustConfigError whose message names where (field or builder method), the
 * problem, "Fix:" with the concrete fix, and the rule id where a rule applies.
 */
import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Lazy as CdktfLazy } from 'cdktf';
import { Buildkite, BuildkiteSubject } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { renderSubject } from '../../lib/ci/github/subject';
import { GitLabCi, GitLabSubjectComponent } from '../../lib/ci/gitlab';
import { Condition } from '../../lib/model/condition';
import { TrustConfigError } from '../../lib/model/errors';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { thrownConfigError } from '../support/errors';

interface Expected {
  /** Exact `where`. */
  readonly where: string;
  /** Text the problem part of the message contains. */
  readonly problem: string;
  /** Exact fix (the message then contains `Fix: <fix>`). */
  readonly fix: string;
  /** Rule id, or undefined when the refusal is a plain validation without a rule. */
  readonly rule?: string;
}

function refused(fn: () => unknown, x: Expected): TrustConfigError {
  const err = thrownConfigError(fn);
  const e = err as TrustConfigError;
  expect(e.name).toBe('TrustConfigError');
  expect(e.where).toBe(x.where);
  expect(e.message.startsWith(`${x.where}: `)).toBe(true);
  expect(e.message).toContain(x.problem);
  expect(e.fix).toBe(x.fix);
  expect(e.message.endsWith(`. Fix: ${x.fix}`)).toBe(true);
  expect(e.ruleId).toBe(x.rule);
  if (x.rule) expect(e.message).toContain(`[${x.rule}]. Fix:`);
  else expect(e.message).not.toMatch(/\[CIT-/);
  return e;
}

const OWNER_ID = '100';
const REPO_ID = '200';
const PIPE_ID = '0184990a-477b-4fa8-9968-496074483cee';
const gh = (p: { owner?: any; repository?: any; ownerId?: any; repositoryId?: any; subjectFormat?: GitHubSubjectFormat } = {}) =>
  GitHubActions.repository({ owner: 'acme', repository: 'app', ownerId: OWNER_ID, repositoryId: REPO_ID, subjectFormat: GitHubSubjectFormat.IMMUTABLE, ...p });
const gl = (p: any = {}) => GitLabCi.project({ projectPath: 'acme/app', projectId: '20', ...p });
const bk = (p: any = {}) => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPE_ID, ...p });

const GH_REPO = 'GitHubActions.repository';
const GH = 'GitHubTrustBuilder';
const GH_OWNER_RULE = 'up to 39 letters, digits and single inner hyphens';
const GH_REPO_RULE = 'up to 100 of A-Z a-z 0-9 . _ -, without the owner, "/" or a ".git" suffix';
const REF_PROBLEM = 'is not a valid git ref name: it';
const BRANCH_FIX = 'give the branch exactly as git shows it, e.g. "main" or "release/1.2"';

describe('bad input: empty / wildcard-only', () => {
  test.each([
    ['owner ""', () => gh({ owner: '' }), { where: `${GH_REPO}(owner)`, problem: 'owner is empty or blank', fix: 'give the exact owner', rule: 'CIT-M003' }],
    ['repository " "', () => gh({ repository: ' ' }), { where: `${GH_REPO}(repository)`, problem: 'repository name is empty or blank', fix: 'give the exact repository name', rule: 'CIT-M003' }],
    ['environment "\\t"', () => gh().inEnvironment('\t'), { where: `${GH}.inEnvironment`, problem: 'environment is empty or blank', fix: 'give the exact environment', rule: 'CIT-M003' }],
    ['owner "*"', () => gh({ owner: '*' }), { where: `${GH_REPO}(owner)`, problem: 'owner "*" is a wildcard', fix: 'give the exact owner; wildcards are only allowed through the explicit pattern methods', rule: 'CIT-M003' }],
    ['repository "?"', () => gh({ repository: '?' }), { where: `${GH_REPO}(repository)`, problem: 'repository name "?" is a wildcard', fix: 'give the exact repository name; wildcards are only allowed through the explicit pattern methods', rule: 'CIT-M003' }],
    ['repository "**"', () => gh({ repository: '**' }), { where: `${GH_REPO}(repository)`, problem: 'repository name "**" is a wildcard', fix: 'give the exact repository name; wildcards are only allowed through the explicit pattern methods', rule: 'CIT-M003' }],
    ['owner "acme*"', () => gh({ owner: 'acme*' }), { where: `${GH_REPO}(owner)`, problem: 'owner "acme*" contains a wildcard; a wildcard in an identity admits look-alike and future names', fix: 'give the exact owner', rule: 'CIT-M002' }],
    ['branch "*" (names the pattern method)', () => gh().onBranch('*'), { where: `${GH}.onBranch`, problem: 'branch "*" is a wildcard; this method takes exact names only', fix: 'for every branch of the pinned identity call onBranchPattern(\'*\') and accept Widening.REF_PATTERN', rule: 'CIT-M003' }],
    ['tag "*" (names the pattern method)', () => gh().onTag('*'), { where: `${GH}.onTag`, problem: 'tag "*" is a wildcard; this method takes exact names only', fix: 'for every tag of the pinned identity call onTagPattern(\'*\') and accept Widening.REF_PATTERN', rule: 'CIT-M003' }],
    ['environment "*" (names the pattern method)', () => gh().inEnvironment('*'), { where: `${GH}.inEnvironment`, problem: 'environment "*" is a wildcard; this method takes exact names only', fix: 'for every environment of the pinned identity call inEnvironmentPattern(\'*\') and accept Widening.REF_PATTERN', rule: 'CIT-M003' }],
    ['branch pattern "**"', () => gh().onBranchPattern('**'), { where: `${GH}.onBranchPattern`, problem: 'branch pattern "**" is a wildcard', fix: 'give the exact branch pattern; wildcards are only allowed through the explicit pattern methods', rule: 'CIT-M003' }],
    ['environment pattern "*-prod" (wildcard-led)', () => gh().inEnvironmentPattern('*-prod'), { where: `${GH}.inEnvironmentPattern`, problem: 'environment pattern "*-prod" starts with a wildcard', fix: 'use "*" for every environment, or start the pattern with literal text, e.g. "prod-*"', rule: 'CIT-M003' }],
    ['branch pattern "*-hotfix" (wildcard-led)', () => gh().onBranchPattern('*-hotfix'), { where: `${GH}.onBranchPattern`, problem: 'branch pattern "*-hotfix" starts with a wildcard', fix: 'start the pattern with literal text, e.g. "release/*"', rule: 'CIT-M003' }],
    ['GitLab project path ""', () => gl({ projectPath: '' }), { where: 'GitLabCi.project(projectPath)', problem: 'project path is empty or blank', fix: 'give the exact project path', rule: 'CIT-M003' }],
    ['GitLab tag "?"', () => gl().onTag('?'), { where: 'GitLabTrustBuilder.onTag', problem: 'tag "?" is a wildcard', fix: 'for every tag of the pinned identity call onTagPattern(\'*\') and accept Widening.REF_PATTERN', rule: 'CIT-M003' }],
    ['Buildkite pipeline "*"', () => bk({ pipeline: '*' }), { where: 'Buildkite.pipeline(pipeline)', problem: 'pipeline slug "*" is a wildcard', fix: 'give the exact pipeline slug; wildcards are only allowed through the explicit pattern methods', rule: 'CIT-M003' }],
    ['Buildkite step " "', () => bk().onStep(' '), { where: 'BuildkiteTrustBuilder.onStep', problem: 'step key is empty or blank', fix: 'give the exact step key', rule: 'CIT-M003' }],
    ['GitHub withClaim value ""', () => gh().withClaim('event_name', ''), { where: `${GH}.withClaim(event_name)`, problem: 'event_name is empty or blank', fix: 'give the exact event_name', rule: 'CIT-M003' }],
    ['GitHub withClaim with no value', () => gh().withClaim('event_name'), { where: `${GH}.withClaim(event_name)`, problem: 'no value given', fix: 'give at least one exact value' }],
  ] as [string, () => unknown, Expected][])('%s', (_, fn, x) => {
    refused(fn, x);
  });
});

describe('bad input: wildcard inside a name', () => {
  test.each([
    ['GitHub repo "app*"', () => gh({ repository: 'app*' }), { where: `${GH_REPO}(repository)`, problem: 'repository name "app*" contains a wildcard', fix: 'give the exact repository name', rule: 'CIT-M002' }],
    ['GitHub repo "a?p"', () => gh({ repository: 'a?p' }), { where: `${GH_REPO}(repository)`, problem: 'repository name "a?p" contains a wildcard', fix: 'give the exact repository name', rule: 'CIT-M002' }],
    ['GitHub owner "ac*me"', () => gh({ owner: 'ac*me' }), { where: `${GH_REPO}(owner)`, problem: 'owner "ac*me" contains a wildcard', fix: 'give the exact owner', rule: 'CIT-M002' }],
    ['Buildkite pipeline "deploy*"', () => bk({ pipeline: 'deploy*' }), { where: 'Buildkite.pipeline(pipeline)', problem: 'pipeline slug "deploy*" contains a wildcard', fix: 'give the exact pipeline slug', rule: 'CIT-M002' }],
    ['Buildkite organization "acme?"', () => bk({ organization: 'acme?' }), { where: 'Buildkite.pipeline(organization)', problem: 'organization slug "acme?" contains a wildcard', fix: 'give the exact organization slug', rule: 'CIT-M002' }],
    ['GitLab group "acme/*"', () => gl({ projectPath: 'acme/*' }), { where: 'GitLabCi.project(projectPath)', problem: 'project path "acme/*" contains a wildcard', fix: 'give the exact project path', rule: 'CIT-M002' }],
    ['GitLab "acme*/app"', () => gl({ projectPath: 'acme*/app' }), { where: 'GitLabCi.project(projectPath)', problem: 'project path "acme*/app" contains a wildcard', fix: 'give the exact project path', rule: 'CIT-M002' }],
    ['GitHub branch "release/*" through the exact-name method', () => gh().onBranch('release/*'), { where: `${GH}.onBranch`, problem: 'branch "release/*" contains a wildcard; this method takes exact names only', fix: 'call onBranchPattern("release/*") and accept Widening.REF_PATTERN, or give the exact branch', rule: 'CIT-M003' }],
    ['GitHub environment "prod*"', () => gh().inEnvironment('prod*'), { where: `${GH}.inEnvironment`, problem: 'environment "prod*" contains a wildcard; this method takes exact names only', fix: 'call inEnvironmentPattern("prod*") and accept Widening.REF_PATTERN, or give the exact environment', rule: 'CIT-M003' }],
    ['GitHub enterprise slug "acme*"', () => GitHubIssuer.enterpriseCloud('acme*'), { where: 'GitHubIssuer.enterpriseCloud(enterpriseSlug)', problem: 'enterprise slug "acme*" contains a wildcard', fix: 'give the exact enterprise slug', rule: 'CIT-M002' }],
  ] as [string, () => unknown, Expected][])('%s', (_, fn, x) => {
    refused(fn, x);
  });

  test('a wildcard is only accepted through the explicit pattern API, after the exact identity, with REF_PATTERN', () => {
    refused(() => gh().onBranchPattern('release/*').toTrust(), { where: 'GitHubActions(acme/app)', problem: 'ref patterns refs/heads/release/* admit every matching ref anyone with push access creates', fix: 'list the exact refs, or accept Widening.REF_PATTERN', rule: 'CIT-M012' });
    const t = gh().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust();
    expect(t.condition.toString()).toBe(`sub like "repo:acme@${OWNER_ID}/app@${REPO_ID}:ref:refs/heads/release/*"`);
  });
});

describe('bad input: GitHub name rules', () => {
  test.each([['-acme'], ['acme-'], ['ac--me'], ['a'.repeat(40)], ['ac.me'], ['ac/me']])('owner %j', (owner) => {
    refused(() => gh({ owner }), { where: `${GH_REPO}(owner)`, problem: `owner ${JSON.stringify(owner)} is not valid: ${GH_OWNER_RULE}`, fix: 'give the owner exactly as the CI provider shows it' });
  });

  test.each([['a/b'], ['a:b'], ['a@b'], ['a b'], ['a'.repeat(101)], ['app.git'], ['.'], ['..']])('repository %j', (repository) => {
    refused(() => gh({ repository }), { where: `${GH_REPO}(repository)`, problem: `repository name ${JSON.stringify(repository)} is not valid: ${GH_REPO_RULE}`, fix: 'give the repository name exactly as the CI provider shows it' });
  });

  test('the limits themselves are accepted (39-char owner, EMU underscore, 100-char repo, dots)', () => {
    expect(() => gh({ owner: 'a'.repeat(39) }).onBranch('dev').toTrust()).not.toThrow();
    expect(() => gh({ owner: 'ac-me_emu' }).onBranch('dev').toTrust()).not.toThrow();
    expect(() => gh({ repository: 'r'.repeat(100) }).onBranch('dev').toTrust()).not.toThrow();
    expect(() => gh({ repository: '.github' }).onBranch('dev').toTrust()).not.toThrow();
    expect(() => gh({ repository: 'app.gitx' }).onBranch('dev').toTrust()).not.toThrow();
  });
});

describe('bad input: delimiter injection', () => {
  test('branch "main:environment:prod" is refused (":" is not allowed in a ref)', () => {
    refused(() => gh().onBranch('main:environment:prod'), { where: `${GH}.onBranch`, problem: `branch "main:environment:prod" ${REF_PROBLEM} contains a space or one of ~ ^ : ? * [ \\`, fix: BRANCH_FIX });
    refused(() => gl().onBranch('main:ref_type:tag'), { where: 'GitLabTrustBuilder.onBranch', problem: `branch "main:ref_type:tag" ${REF_PROBLEM} contains`, fix: BRANCH_FIX });
    refused(() => bk().onBranch('main:commit:x'), { where: 'BuildkiteTrustBuilder.onBranch', problem: `branch "main:commit:x" ${REF_PROBLEM} contains`, fix: BRANCH_FIX });
    refused(() => bk().onStep('build:step:x'), { where: 'BuildkiteTrustBuilder.onStep', problem: 'step key "build:step:x" is not 1-100 of A-Z a-z 0-9 _ . -', fix: 'use the key: of the step' });
  });

  test('repository "a/b:ref:refs/heads/main" is refused', () => {
    refused(() => gh({ repository: 'a/b:ref:refs/heads/main' }), { where: `${GH_REPO}(repository)`, problem: `repository name "a/b:ref:refs/heads/main" is not valid: ${GH_REPO_RULE}`, fix: 'give the repository name exactly as the CI provider shows it' });
    refused(() => gl({ projectPath: 'a/b:ref_type:branch' }), { where: 'GitLabCi.project(projectPath)', problem: 'project path "a/b:ref_type:branch" is not valid', fix: 'give the project path exactly as the CI provider shows it' });
  });

  test('GitHub environment "prod:x" is carried encoded as %3A in sub, exactly as GitHub renders it', () => {
    const t = gh().inEnvironment('prod:x').withAudience('sts.amazonaws.com').toTrust();
    expect(t.condition.toString()).toBe(`sub == "repo:acme@${OWNER_ID}/app@${REPO_ID}:environment:prod%3Ax"`);
    const claims = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', repository: 'acme/app', repository_owner_id: OWNER_ID, repository_id: REPO_ID, environment: 'prod:x' };
    const sub = renderSubject(claims, true);
    expect(sub).toBe(`repo:acme@${OWNER_ID}/app@${REPO_ID}:environment:prod%3Ax`);
    expect(t.evaluate({ ...claims, sub }).allowed).toBe(true);
    // the raw, unencoded form (an injected extra field) does not match
    expect(t.evaluate({ ...claims, sub: `repo:acme@${OWNER_ID}/app@${REPO_ID}:environment:prod:x` }).allowed).toBe(false);
  });

  test('already-encoded %3A is refused as ambiguous (any case)', () => {
    for (const env of ['prod%3Ax', 'prod%3ax']) {
      refused(() => gh().inEnvironment(env), { where: `${GH}.inEnvironment`, problem: `environment ${JSON.stringify(env)} is already %3A-encoded, which is ambiguous`, fix: 'give the plain name with ":"; the subject encoding is applied for you' });
    }
  });

  test('GitLab has no subject encoding, so ":" in an environment is refused', () => {
    refused(() => gl().inEnvironment('prod:x'), { where: 'GitLabTrustBuilder.inEnvironment', problem: 'environment "prod:x" contains one of * ? " \' ` \\ $ : or is over 255 characters', fix: 'use the environment name as GitLab shows it' });
  });
});

describe('bad input: immutable ids', () => {
  test.each([['12a'], ['-1'], ['007'], ['0'], [''], ['1.5'], [' 12'], ['123456789012345678901']])('owner id %j', (ownerId) => {
    refused(() => gh({ ownerId }), { where: `${GH_REPO}(ownerId)`, problem: `owner id ${JSON.stringify(ownerId)} is not a positive decimal id without leading zeros`, fix: 'copy the numeric owner id from the provider\'s API (e.g. "123456")' });
  });

  test('repository id and GitLab project id follow the same rule', () => {
    refused(() => gh({ repositoryId: '-1' }), { where: `${GH_REPO}(repositoryId)`, problem: 'repository id "-1" is not a positive decimal id', fix: 'copy the numeric repository id from the provider\'s API (e.g. "123456")' });
    refused(() => gl({ projectId: '007' }), { where: 'GitLabCi.project(projectId)', problem: 'project id "007" is not a positive decimal id', fix: 'copy the numeric project id from the provider\'s API (e.g. "123456")' });
    refused(() => gh({ ownerId: 1.5 as any }), { where: `${GH_REPO}(ownerId)`, problem: 'owner id 1.5 is not a positive decimal id', fix: 'copy the numeric owner id from the provider\'s API (e.g. "123456")' });
  });

  test('a safe integer number id is accepted and rendered as its decimal string', () => {
    const t = gh({ ownerId: 100 as any, repositoryId: 200 as any }).onBranch('dev').toTrust();
    expect(t.condition.toString()).toBe('sub == "repo:acme@100/app@200:ref:refs/heads/dev"');
  });

  test('only one id is refused', () => {
    refused(() => gh({ repositoryId: undefined }), { where: GH_REPO, problem: 'only one of ownerId and repositoryId is given', fix: 'give both ids (GET /repos/{owner}/{repo} returns owner.id and id)' });
    refused(() => gh({ ownerId: undefined }), { where: GH_REPO, problem: 'only one of ownerId and repositoryId is given', fix: 'give both ids (GET /repos/{owner}/{repo} returns owner.id and id)' });
  });

  test('immutable format without ids is refused; ids with the name form are still pinned as claims; "@" never "-"', () => {
    refused(() => gh({ ownerId: undefined, repositoryId: undefined, subjectFormat: GitHubSubjectFormat.IMMUTABLE }), { where: `${GH_REPO}(subjectFormat)`, problem: 'the IMMUTABLE subject format needs ownerId and repositoryId', fix: 'give both ids' });
    const named = gh({ subjectFormat: GitHubSubjectFormat.NAME }).onBranch('dev').toTrust();
    expect(named.condition.toString()).toBe(`repository_id == "${REPO_ID}" && sub == "repo:acme/app:ref:refs/heads/dev"`);
    const imm = gh().onBranch('dev').toTrust();
    expect(imm.condition.toString()).toContain(`repo:acme@${OWNER_ID}/app@${REPO_ID}:`);
    expect(imm.condition.toString()).not.toContain(`acme-${OWNER_ID}`);
  });

  test('Buildkite ids are lower-case UUIDs', () => {
    refused(() => bk({ pipelineId: PIPE_ID.toUpperCase() }), { where: 'Buildkite.pipeline(pipelineId)', problem: `"${PIPE_ID.toUpperCase()}" is not a lower-case UUID`, fix: 'copy the pipelineId from the Buildkite API' });
    refused(() => bk({ organizationId: '123' }), { where: 'Buildkite.pipeline(organizationId)', problem: '"123" is not a lower-case UUID', fix: 'copy the organizationId from the Buildkite API' });
  });
});

describe('bad input: case and duplicates', () => {
  test('repeated branches, tags and environments are deduplicated', () => {
    const t = gh().onBranch('dev', 'dev').onBranch('dev').toTrust();
    expect(t.condition.toString()).toBe(`sub == "repo:acme@${OWNER_ID}/app@${REPO_ID}:ref:refs/heads/dev"`);
    expect(t.description).toBe(`GitHub Actions jobs of acme/app (owner id ${OWNER_ID}, repository id ${REPO_ID}; immutable subject) on branch dev, by any event (push, and base-context events such as pull_request_target, workflow_run and issue_comment that a fork's author can start)`);
    const e = gh().inEnvironment('prod', 'prod').toTrust();
    expect(e.condition.toString()).toBe(`sub == "repo:acme@${OWNER_ID}/app@${REPO_ID}:environment:prod"`);
    expect(gl().onTag('v1', 'v1').toTrust().condition.toString()).toBe('project_id == "20" && sub == "project_path:acme/app:ref_type:tag:ref:v1"');
    expect(bk().onStep('a', 'a').onBranch('dev').toTrust().condition.toString()).toBe(bk().onStep('a').onBranch('dev').toTrust().condition.toString());
  });

  test('"Acme/App" and "acme/app" are different exact values (documented behaviour)', () => {
    // Behaviour found: names are compared case-sensitively and kept exactly as given; nothing is
    // folded or deduplicated case-insensitively by a builder (docs/security.md#f11: case twins are
    // refused where they meet, on one AWS role or Azure identity). GitHub tokens carry the canonical case,
    // so a trust written in the wrong case matches nothing (fails closed); the ids decide identity.
    const upper = GitHubActions.repository({ owner: 'Acme', repository: 'App' }).onBranch('dev').accept(Widening.NAME_ONLY_IDENTITY).withAudience('sts.amazonaws.com').toTrust();
    const lower = GitHubActions.repository({ owner: 'acme', repository: 'app' }).onBranch('dev').accept(Widening.NAME_ONLY_IDENTITY).withAudience('sts.amazonaws.com').toTrust();
    expect(upper.condition.toString()).toBe('sub == "repo:Acme/App:ref:refs/heads/dev"');
    expect(lower.condition.toString()).toBe('sub == "repo:acme/app:ref:refs/heads/dev"');
    expect(upper.fingerprint).not.toBe(lower.fingerprint);
    const token = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme/app:ref:refs/heads/dev' };
    expect(lower.evaluate(token).allowed).toBe(true);
    expect(upper.evaluate(token)).toEqual({ allowed: false, reasons: ['claim sub: expected "repo:Acme/App:ref:refs/heads/dev", got "repo:acme/app:ref:refs/heads/dev"'] });
    // combining them keeps both values (no case folding in the canonical form)
    expect(Condition.anyOf(upper.condition, lower.condition).toString()).toBe('sub in ["repo:Acme/App:ref:refs/heads/dev","repo:acme/app:ref:refs/heads/dev"]');
    // git refs are case-sensitive too
    expect(gh().onBranch('Main', 'main').toTrust().condition.toString()).toBe(`sub in ["repo:acme@${OWNER_ID}/app@${REPO_ID}:ref:refs/heads/Main","repo:acme@${OWNER_ID}/app@${REPO_ID}:ref:refs/heads/main"]`);
  });
});

describe('bad input: unicode', () => {
  const nonAscii = (where: string, what: string, v: string): Expected => ({ where, problem: `${what} ${JSON.stringify(v)} has characters outside printable ASCII (look-alike letters such as Cyrillic "р" pass review but match nothing)`, fix: 'use the ASCII name exactly as the CI provider shows it', rule: 'CIT-M004' });
  const invisible = (where: string, what: string, v: string): Expected => ({ where, problem: `${what} ${JSON.stringify(v)} contains a control, invisible or bidirectional character`, fix: `type the ${what} as plain text`, rule: 'CIT-M004' });

  test.each([
    ['Cyrillic р in an environment', () => gh().inEnvironment('\u0440rod'), nonAscii(`${GH}.inEnvironment`, 'environment', '\u0440rod')],
    ['Cyrillic а in an owner', () => gh({ owner: '\u0430cme' }), nonAscii(`${GH_REPO}(owner)`, 'owner', '\u0430cme')],
    ['NFD é in a branch', () => gh().onBranch('cafe\u0301'), nonAscii(`${GH}.onBranch`, 'branch', 'cafe\u0301')],
    ['NFC é in a GitLab path', () => gl({ projectPath: 'acme/caf\u00e9' }), nonAscii('GitLabCi.project(projectPath)', 'project path', 'acme/caf\u00e9')],
    ['emoji environment', () => gh().inEnvironment('prod-\u{1F680}'), nonAscii(`${GH}.inEnvironment`, 'environment', 'prod-\u{1F680}')],
    ['ZWJ in a repository', () => gh({ repository: 'a\u200dpp' }), invisible(`${GH_REPO}(repository)`, 'repository name', 'a\u200dpp')],
    ['RTL override in an environment', () => gh().inEnvironment('\u202eprod'), invisible(`${GH}.inEnvironment`, 'environment', '\u202eprod')],
    ['zero-width space in a Buildkite step', () => bk().onStep('de\u200bploy'), invisible('BuildkiteTrustBuilder.onStep', 'step key', 'de\u200bploy')],
    ['newline in a branch', () => gl().onBranch('main\nx'), invisible('GitLabTrustBuilder.onBranch', 'branch', 'main\nx')],
    ['BOM in a claim value', () => gh().withClaim('workflow', '\ufeffdeploy'), invisible(`${GH}.withClaim(workflow)`, 'workflow', '\ufeffdeploy')],
  ] as [string, () => unknown, Expected][])('%s', (_, fn, x) => {
    refused(fn, x);
  });

  test('a raw condition with an invisible character is refused by the trust (CIT-M004)', () => {
    const base = gh().onBranch('dev').toTrust();
    refused(() => Trust._create({ profile: base._profile, where: 'test', issuer: base.issuer, condition: Condition.exact('sub', `repo:acme@${OWNER_ID}/app@${REPO_ID}:ref:refs/heads/de\u200dv`), description: 'x' }), {
      where: 'test', problem: 'claim sub: value "repo:acme@100/app@200:ref:refs/heads/de\u200dv" contains a control, invisible or bidirectional character', fix: 'use the plain printable value exactly as the CI provider shows it', rule: 'CIT-M004',
    });
  });
});

describe('bad input: CEL / IAM-variable hazard characters', () => {
  const ghEnvFix = 'use the environment name as GitHub shows it';
  test.each([["prod'"], ['prod"'], ['pr\\od'], ['${aws:username}'], ['$prod'], ['a`b']])('GitHub environment %j is refused', (env) => {
    refused(() => gh().inEnvironment(env), { where: `${GH}.inEnvironment`, problem: `environment ${JSON.stringify(env)} contains one of * ? " ' \` \\ $ or is over 255 characters`, fix: ghEnvFix });
  });

  test.each([["prod'"], ['${x}']])('GitLab environment %j is refused', (env) => {
    refused(() => gl().inEnvironment(env), { where: 'GitLabTrustBuilder.inEnvironment', problem: `environment ${JSON.stringify(env)} contains one of`, fix: 'use the environment name as GitLab shows it' });
  });

  test('branches git forbids are refused: backslash, trailing backslash, "${aws:username}"', () => {
    for (const b of ['a\\b', 'main\\', '${aws:username}']) {
      refused(() => gh().onBranch(b), { where: `${GH}.onBranch`, problem: `branch ${JSON.stringify(b)} ${REF_PROBLEM} contains a space or one of ~ ^ : ? * [ \\`, fix: BRANCH_FIX });
    }
  });

  test('branches git allows (quotes, $, {}) are carried byte-exact and match only themselves', () => {
    const inj = "main'||true||'x";
    const t = gh().onBranch(inj, 'a"b', '${aws.username}').withAudience('sts.amazonaws.com').toTrust();
    const prefix = `repo:acme@${OWNER_ID}/app@${REPO_ID}:ref:refs/heads/`;
    expect(t.condition.terms[0].tests[0].values).toEqual([`${prefix}\${aws.username}`, `${prefix}a"b`, `${prefix}${inj}`]);
    expect(t.condition.toString()).toBe(`sub in ${JSON.stringify([`${prefix}\${aws.username}`, `${prefix}a"b`, `${prefix}${inj}`])}`);
    const tok = (sub: string) => ({ iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub });
    expect(t.evaluate(tok(prefix + inj)).allowed).toBe(true);
    expect(t.evaluate(tok(`${prefix}main`)).allowed).toBe(false);
    expect(t.evaluate(tok(`${prefix}alice`)).allowed).toBe(false); // ${aws.username} is a literal, not a variable
    expect(t.evaluate(tok(`${prefix}\${aws.username}`)).allowed).toBe(true);
  });

  test('withClaim values with quotes and backslashes are carried exactly', () => {
    const t = gh().onBranch('dev').withClaim('workflow', 'de"ploy\\x\'y').toTrust();
    expect(t.condition.terms[0].tests.find((x) => x.claim === 'workflow')!.values).toEqual(['de"ploy\\x\'y']);
  });
});

describe('bad input: overlong and too many', () => {
  test('a 10,000-character branch is refused, and the message quotes only its start', () => {
    const long = 'b'.repeat(10_000);
    const e = refused(() => gh().onBranch(long), { where: `${GH}.onBranch`, problem: `branch "${'b'.repeat(80)}…" ${REF_PROBLEM} is 10000 characters long (over 255)`, fix: BRANCH_FIX });
    expect(e.message.length).toBeLessThan(400);
  });

  test('environment over 255, audience over 255, too many subjects', () => {
    refused(() => gh().inEnvironment('e'.repeat(256)), { where: `${GH}.inEnvironment`, problem: 'or is over 255 characters', fix: 'use the environment name as GitHub shows it' });
    refused(() => gh().onBranch('dev').withAudience('a'.repeat(256)).toTrust(), { where: 'GitHubActions(acme/app).audiences', problem: 'must be 1-255 printable ASCII characters without spaces', fix: 'give the exact audience string', rule: 'CIT-M005' });
    const many = Array.from({ length: 201 }, (_, i) => `b${i}`);
    refused(() => gh().onBranch(...many).toTrust(), { where: 'GitHubActions(acme/app)', problem: 'the pins expand to 201 subjects, over the limit of 200', fix: 'split the trust into several trusts' });
  });
});

describe('bad input: poisoned lists', () => {
  const base = () => gh().onBranch('dev').toTrust();
  const mk = (condition: Condition) => {
    const b = base();
    return () => Trust._create({ profile: b._profile, where: 'GitHubActions(a/b)', issuer: b.issuer, condition, description: 'test' });
  };

  test('["repo:a/b:ref:refs/heads/main", "*"] is refused by CIT-M003, not accepted for its first value', () => {
    refused(mk(Condition.oneOf('sub', ['repo:a/b:ref:refs/heads/main', '*'])), { where: 'GitHubActions(a/b)', problem: 'claim sub: value "*" is empty or wildcard-only', fix: 'give the exact value', rule: 'CIT-M003' });
    refused(mk(Condition.oneOf('sub', ['repo:a/b:ref:refs/heads/main', ' '])), { where: 'GitHubActions(a/b)', problem: 'claim sub: value " " is empty or wildcard-only', fix: 'give the exact value', rule: 'CIT-M003' });
    refused(mk(Condition.anyOf(Condition.exact('sub', 'repo:a/b:ref:refs/heads/main'), Condition.like('sub', '*'))), { where: 'GitHubActions(a/b)', problem: 'claim sub: pattern "*" is wildcard-only', fix: 'give the exact value', rule: 'CIT-M003' });
  });

  test('a pattern before the identity is complete is refused by CIT-M002; no identity by CIT-M001; never-matching by CIT-M007', () => {
    refused(mk(Condition.like('sub', 'repo:*')), { where: 'GitHubActions(a/b)', problem: 'sub pattern ["repo:*"] has a wildcard before the GitHub Actions identity is complete', fix: 'name the exact owner and repository (project, pipeline); wildcards are only allowed in a trailing branch, tag or environment via REF_PATTERN', rule: 'CIT-M002' });
    refused(mk(Condition.like('sub', 'repo:acme/app*')), { where: 'GitHubActions(a/b)', problem: 'has a wildcard before the GitHub Actions identity is complete', fix: 'name the exact owner and repository (project, pipeline); wildcards are only allowed in a trailing branch, tag or environment via REF_PATTERN', rule: 'CIT-M002' });
    refused(mk(Condition.like('repository', 'acme/*')), { where: 'GitHubActions(a/b)', problem: 'claim repository identifies the tenant and must be exact, got pattern ["acme/*"]', fix: 'name the exact owner and repository (project, pipeline); wildcards are only allowed in a trailing branch, tag or environment via REF_PATTERN', rule: 'CIT-M002' });
    refused(mk(Condition.exact('environment', 'prod')), { where: 'GitHubActions(a/b)', problem: 'the alternative `environment == "prod"` pins no GitHub Actions identity (one of repository, repository_id, an identifying sub)', fix: 'pin the repository, project or pipeline with the builder (by immutable id where the provider has one)', rule: 'CIT-M001' });
    // one safe value does not excuse an unsafe one (the two alternatives merge into one list; every value must pin)
    refused(mk(Condition.anyOf(Condition.exact('sub', 'repo:a/b:ref:refs/heads/main'), Condition.exact('sub', 'environment:prod'))), { where: 'GitHubActions(a/b)', problem: 'the alternative `sub in ["environment:prod","repo:a/b:ref:refs/heads/main"]` pins no GitHub Actions identity', fix: 'pin the repository, project or pipeline with the builder (by immutable id where the provider has one)', rule: 'CIT-M001' });
    refused(mk(Condition.allOf(Condition.exact('repository_id', '1'), Condition.exact('repository_id', '2'))), { where: 'GitHubActions(a/b)', problem: 'the condition can never match', fix: 'check the values: contradictory pins on one claim cancel out', rule: 'CIT-M007' });
  });
});

describe('bad input: issuer and audience', () => {
  test.each([
    ['http://gitlab.example.com', 'is not an https URL'],
    ['https://gitlab.example.com/', 'ends with a slash; token issuers never do'],
    ['https://gitlab.example.com?q', 'contains a query or fragment'],
    ['https://gitlab.example.com#f', 'contains a query or fragment'],
    ['https://user@gitlab.example.com', 'contains userinfo (user@host)'],
    ['https://gitlab.example.com/a/../b', 'has an empty, "." or ".." path segment'],
  ])('GitLab instanceUrl %s', (instanceUrl, problem) => {
    const fix = instanceUrl.endsWith('/') ? 'drop the trailing slash' : 'give the exact `iss` value the CI provider puts in its tokens, e.g. https://token.actions.githubusercontent.com';
    refused(() => gl({ instanceUrl }), { where: 'GitLabCi.project(instanceUrl)', problem: `${JSON.stringify(instanceUrl)} ${problem}`, fix, rule: 'CIT-M006' });
  });

  test('GHES host name with a scheme or path is refused', () => {
    refused(() => GitHubIssuer.enterpriseServer('https://github.example.com'), { where: 'GitHubIssuer.enterpriseServer(hostname)', problem: 'hostname "https://github.example.com" is not valid: a DNS host name without scheme or path', fix: 'give the hostname exactly as the CI provider shows it' });
  });

  test.each([['*'], [''], ['  ']])('audience %j', (aud) => {
    refused(() => gh().onBranch('dev').withAudience(aud).toTrust(), { where: 'GitHubActions(acme/app).audiences', problem: `audience ${JSON.stringify(aud)} is empty or a wildcard`, fix: 'give the exact audience string', rule: 'CIT-M005' });
    refused(() => bk().onBranch('dev').withAudience(aud).toTrust(), { where: 'Buildkite(acme-inc/deploy).audiences', problem: `audience ${JSON.stringify(aud)} is empty or a wildcard`, fix: 'give the exact audience string', rule: 'CIT-M005' });
  });

  test('withAudience() with no argument is refused where it is called', () => {
    refused(() => gl().onBranch('dev').withAudience().toTrust(), { where: 'GitLabTrustBuilder.withAudience', problem: 'no audience given', fix: 'give the audience the CI job requests, e.g. "sts.amazonaws.com"', rule: 'CIT-M005' });
  });
});

describe('bad input: templates and provider options', () => {
  test('GitHub template without repo is refused (CIT-M016)', () => {
    for (const keys of [['context'], ['context', 'job_workflow_ref'], ['environment', 'repository_owner']]) {
      refused(() => gh().withSubjectTemplate(...keys), { where: `${GH}.withSubjectTemplate`, problem: `the template ${JSON.stringify(keys)} has neither "repo" nor "repository_id", so any repository emitting the same values matches`, fix: 'include "repo" (or "repository_id") in the template', rule: 'CIT-M016' });
    }
  });

  test('GitHub template keys must be pinned, known and unique', () => {
    refused(() => gh().onBranch('dev').withSubjectTemplate('repo', 'context', 'workflow').toTrust(), { where: 'GitHubActions(acme/app)', problem: 'the subject template has "workflow", which this trust does not pin, so the subject could hold any value there', fix: 'pin it with withClaim("workflow", ...), or remove it from the template' });
    refused(() => gh().inEnvironment('prod').withSubjectTemplate('repo', 'ref').toTrust(), { where: 'GitHubActions(acme/app)', problem: 'the subject template has "ref" but no branch or tag is pinned', fix: 'pin onBranch()/onTag(), or remove "ref" from the template' });
    refused(() => gh().withSubjectTemplate('repo', 'nope'), { where: `${GH}.withSubjectTemplate`, problem: 'key "nope" is not "repo", "context" or a GitHub claim name', fix: 'use the keys of include_claim_keys exactly' });
    refused(() => gh().withSubjectTemplate('repo', 'repo'), { where: `${GH}.withSubjectTemplate`, problem: 'a key is repeated', fix: 'list each key once' });
    refused(() => gh().withSubjectTemplate(), { where: `${GH}.withSubjectTemplate`, problem: 'the template is empty', fix: 'give the include_claim_keys list, e.g. "repo", "context"' });
  });

  test('GitLab subject components without the project are refused (CIT-M016)', () => {
    refused(() => gl({ subjectComponents: [GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF] }), { where: 'GitLabCi.project(subjectComponents)', problem: 'the components have neither project_path nor project_id, so any project emitting the same values matches', fix: 'include PROJECT_ID (or PROJECT_PATH)', rule: 'CIT-M016' });
    refused(() => gl({ subjectComponents: [] }), { where: 'GitLabCi.project(subjectComponents)', problem: 'the components are empty or repeat a component', fix: 'list each component once, e.g. [PROJECT_ID, REF_TYPE, REF]' });
    refused(() => gl({ projectId: undefined, subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF] }), { where: 'GitLabCi.project(projectId)', problem: 'the subject components include project_id but no projectId is given', fix: 'give projectId' });
    refused(() => gl({ subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF, GitLabSubjectComponent.DEPLOYMENT_TIER] }).onBranch('dev').toTrust(), { where: 'GitLabCi(acme/app)', problem: 'the subject components include deployment_tier, which this trust does not pin', fix: 'pin it (requireProtectedRef(), requireProtectedEnvironment(), withDeploymentTier()), or drop the component' });
  });

  test('Buildkite PIPELINE_ID subject needs the pipeline id', () => {
    refused(() => bk({ pipelineId: undefined, subject: BuildkiteSubject.PIPELINE_ID }), { where: 'Buildkite.pipeline(subject)', problem: 'the PIPELINE_ID subject needs pipelineId', fix: 'give pipelineId' });
  });

  test('GitHub claim pins: unknown, identity-owned and volatile claims are refused', () => {
    refused(() => gh().withClaim('aud', 'x'), { where: `${GH}.withClaim(aud)`, problem: '"aud" is not a GitHub Actions claim', fix: 'use a claim from the GitHub OIDC reference, e.g. event_name, runner_environment, repo_property_<name>' });
    refused(() => gh().withClaim('repository', 'evil/app'), { where: `${GH}.withClaim(repository)`, problem: 'repository is set by the repository/context methods', fix: 'use GitHubActions.repository(), inEnvironment(), onBranch() or onTag()' });
    refused(() => gh().withClaim('sha', 'abc'), { where: `${GH}.withClaim(sha)`, problem: 'sha changes with every run, so pinning it pins nothing durable', fix: 'pin a stable claim instead' });
  });
});

describe('bad input: unresolved tokens (values known only at deploy)', () => {
  // A CloudFormation parameter, a CDK list token and a CDKTF token, as an app would pass them.
  const cdk = new CfnParameter(new Stack(new App(), 'Tokens'), 'Value').valueAsString;
  const cdkList = Fn.split(',', cdk);
  const cdktf = CdktfLazy.stringValue({ produce: () => 'main' });
  const problem = (what: string, v: string) => `${what} ${JSON.stringify(v)} is an unresolved token (a value known only at deploy, such as a CloudFormation parameter or a Terraform variable); a trust is compiled and checked at synth, where it is only this text`;
  const fix = (what: string) => `give the literal ${what}; to vary it by environment, read it at synth (context, an environment variable or a file)`;

  test.each([['CDK', cdk], ['CDKTF', cdktf], ['CDK list element', cdkList[0]]])('%s token as a builder value: refused where it is given', (_kind, token) => {
    refused(() => gh({ owner: token }), { where: `${GH_REPO}(owner)`, problem: problem('owner', token), fix: fix('owner') });
    refused(() => gh({ repository: token }), { where: `${GH_REPO}(repository)`, problem: problem('repository name', token), fix: fix('repository name') });
    refused(() => gh({ repositoryId: token }), { where: `${GH_REPO}(repositoryId)`, problem: problem('repository id', token), fix: fix('repository id') });
    refused(() => gh().onBranch(token), { where: `${GH}.onBranch`, problem: problem('branch', token), fix: fix('branch') });
    refused(() => gh().inEnvironment(token), { where: `${GH}.inEnvironment`, problem: problem('environment', token), fix: fix('environment') });
    refused(() => gl({ projectPath: token }), { where: 'GitLabCi.project(projectPath)', problem: problem('project path', token), fix: fix('project path') });
    refused(() => bk({ pipeline: token }), { where: 'Buildkite.pipeline(pipeline)', problem: problem('pipeline slug', token), fix: fix('pipeline slug') });
  });

  test('a token audience is refused with the trust (it used to be escaped into text IAM matches literally)', () => {
    refused(() => gh().onBranch('main').withAudience(cdk).toTrust(), { where: 'GitHubActions(acme/app).audiences', problem: problem('audience', cdk), fix: fix('audience') });
  });

  test('a token network value (a VPC made in the same app) is refused naming the list', () => {
    refused(() => gh().onBranch('main').restrictNetwork({ awsVpcIds: [cdk] }), { where: 'NetworkRestriction.awsVpcIds', problem: problem('network value', cdk), fix: fix('network value') });
    refused(() => gh().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24', cdktf] }), { where: 'NetworkRestriction.sourceIpCidrs', problem: problem('network value', cdktf), fix: fix('network value') });
  });

  test('the model refuses a token claim value however the condition was built', () => {
    const e = thrownConfigError(() => Trust._create({
      profile: { id: 'github-actions', displayName: 'GitHub Actions', identityClaims: ['repository_id'] },
      issuer: 'https://token.actions.githubusercontent.com',
      condition: Condition.allOf(Condition.exact('repository_id', '1'), Condition.exact('workflow', cdktf)),
      description: 'x',
      where: 'Test',
    }));
    expect(e.message).toBe(`Test: ${problem('claim workflow: value', cdktf)}. Fix: ${fix('value')}`);
  });
});
