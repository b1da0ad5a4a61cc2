/** What the AWS side refuses, and the exact message text (what, where, fix). */
import { App, CfnParameter, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { CiOidcPrincipal } from '../../lib/aws/principal';
import { CiOidcProvider } from '../../lib/aws/provider';
import { CiOidcRole } from '../../lib/aws/role';
import { Buildkite, BuildkiteBuildSource } from '../../lib/ci/buildkite';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { BOTH_SIZE_HINT } from '../../lib/ci/github/provider-spec';
import { GitLabCi, GitLabSubjectComponent } from '../../lib/ci/gitlab';
import { Condition } from '../../lib/model/condition';
import { Trust } from '../../lib/model/trust';
import { thrownConfigError } from '../support/errors';

const GH = { owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '89012345', subjectFormat: GitHubSubjectFormat.IMMUTABLE };
const ENV = { account: '123456789012', region: 'us-east-1' };
const stack = () => new Stack(new App(), 'S', { env: ENV });
const role = (trusts: Trust[], extra: object = {}) => new CiOidcRole(stack(), 'R', { trusts, ...extra });
const ghTrust = () => GitHubActions.repository(GH).onBranch('main').toTrust();

const error = thrownConfigError;

describe('identity', () => {
  test('a trust whose condition pins no identity cannot be created (CIT-M001)', () => {
    const e = error(() => Trust._create({
      profile: { id: 'github-actions', displayName: 'GitHub Actions', identityClaims: ['repository', 'repository_id'], subjectIdentity: /(^|:)repo:[^:*]+\/[^:*]+:/ },
      issuer: 'https://token.actions.githubusercontent.com',
      condition: Condition.exact('ref', 'refs/heads/main'),
      description: 'x',
      where: 'Test',
    }));
    expect(e.ruleId).toBe('CIT-M001');
    expect(e.message).toMatch(/pins no GitHub Actions identity \(one of repository, repository_id, an identifying sub\)/);
  });

  test('a sub pattern with a wildcard before the identity is refused (CIT-M002)', () => {
    const e = error(() => Trust._create({
      profile: { id: 'github-actions', displayName: 'GitHub Actions', identityClaims: ['repository', 'repository_id'], subjectIdentity: /(^|:)repo:[A-Za-z0-9_-]+\/[A-Za-z0-9._-]+:/ },
      issuer: 'https://token.actions.githubusercontent.com',
      condition: Condition.like('sub', 'repo:acme*'),
      description: 'x',
      where: 'Test',
    }));
    expect(e.ruleId).toBe('CIT-M002');
    expect(e.message).toMatch(/has a wildcard before the GitHub Actions identity is complete/);
  });

  test('name-only identity needs the NAME_ONLY_IDENTITY widening (CIT-M010)', () => {
    const e = error(() => GitHubActions.repository({ owner: 'acme', repository: 'web' }).onBranch('main').toTrust());
    expect(e.ruleId).toBe('CIT-M010');
    expect(e.message).toMatch(/acme\/web is trusted by name only/);
  });

  test('wildcard owner acme* is refused (CIT-M002)', () => {
    const e = error(() => GitHubActions.repository({ ...GH, owner: 'acme*' }));
    expect(e.ruleId).toBe('CIT-M002');
    expect(e.message).toMatch(/owner "acme\*" contains a wildcard; a wildcard in an identity admits look-alike and future names/);
    expect(e.fix).toBe('give the exact owner');
  });
});

describe('provider client ids', () => {
  test('addClientIds adds audiences to the provider and refuses a non-string, naming the provider, the value and the fix', () => {
    const s = stack();
    const provider = CiOidcProvider.forIssuer(s, 'https://token.actions.githubusercontent.com');
    provider.addClientIds('sts.amazonaws.com', 'my-audience');
    const e = error(() => provider.addClientIds('ok', 42 as unknown as string));
    expect(e.where).toBe(`CiOidcProvider(${provider.node.path}).addClientIds`);
    expect(e.message).toBe(`CiOidcProvider(${provider.node.path}).addClientIds: clientIds must be a list of strings, got a list with a non-string. Fix: give clientIds as a list of strings`);
    // Nothing of the refused call was added.
    const providers = Object.values(Template.fromStack(s).findResources('AWS::IAM::OIDCProvider'));
    expect(providers.map((r) => r.Properties.ClientIdList)).toEqual([['my-audience', 'sts.amazonaws.com']]);
  });
});

describe('policy size', () => {
  test('60 branches on one role: error naming the role, the quota, the actual length and how to split', () => {
    const branches = Array.from({ length: 60 }, (_, i) => `feature/branch-number-${i}`);
    const trust = GitHubActions.repository(GH).onBranch(...branches).toTrust();
    const e = error(() => new CiOidcRole(stack(), 'Big', { trusts: [trust] }));
    expect(e.where).toBe('CiOidcRole(Big)');
    const m = /^CiOidcRole\(Big\): the trust policy is (\d+) characters, over the IAM quota of 2048 \(ACLSizePerRole\)\. Fix: /.exec(e.message);
    expect(m).not.toBeNull();
    // The reported length is the minified policy with a (worst-case) resolved provider ARN.
    const r = new CiOidcRole(stack(), 'Raised', { trusts: [trust], trustPolicySizeQuota: 8192 });
    const actual = JSON.stringify({ Version: '2012-10-17', Statement: r.principal._statements.map((x) => ({ ...x, Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' } })) }).length;
    expect(Number(m![1])).toBeGreaterThanOrEqual(actual);
    expect(Number(m![1])).toBeLessThan(actual + 20);
    expect(e.fix).toBe('split the trusts across several roles (1 statements now), pin fewer branches per role, or raise the quota to 4,096 and set trustPolicySizeQuota');
    // The principal alone (for your own iam.Role) is checked the same way; at 4,096 the fix stops offering a raise.
    expect(error(() => CiOidcPrincipal.fromTrusts(stack(), [trust])).where).toBe('CiOidcPrincipal(S)');
    expect(error(() => CiOidcPrincipal.fromTrusts(stack(), [trust], { trustPolicySizeQuota: 4096 })).fix).toBe('split the trusts across several roles (1 statements now) or pin fewer branches per role');
  });

  test('ten repositories in the default subject form: one statement each, and the fix names the immutable subject, which fits them', () => {
    const repos = (subjectFormat?: GitHubSubjectFormat) => Array.from({ length: 10 }, (_, i) => GitHubActions.repository({ owner: 'acme', repository: `svc-${i}`, ownerId: '1234567', repositoryId: String(500000 + i), ...(subjectFormat ? { subjectFormat } : {}) }).inEnvironment('production').toTrust());
    const e = error(() => new CiOidcRole(stack(), 'Ten', { trusts: repos() }));
    expect(e.fix).toBe(`split the trusts across several roles (10 statements now), pin fewer branches per role, or raise the quota to 4,096 and set trustPolicySizeQuota; or ${BOTH_SIZE_HINT}`);
    expect(BOTH_SIZE_HINT).toContain('GitHubSubjectFormat.IMMUTABLE');
    // Following it: the subjects carry the ids, so the ten share one statement within 2,048.
    const r = new CiOidcRole(stack(), 'Immutable', { trusts: repos(GitHubSubjectFormat.IMMUTABLE) });
    expect(r.principal._statements).toHaveLength(1);
    expect(r.principal._policyLength()).toBeLessThanOrEqual(2048);
    // Trusts that already chose their form get no such hint (the 60-branch test above).
  });

  test('a refused role leaves nothing behind: its OIDC provider is made only once every check passed', () => {
    const branches = Array.from({ length: 60 }, (_, i) => `feature/branch-number-${i}`);
    const refused: [string, () => Trust[]][] = [
      // Over the quota (checked on the merged statements before the provider exists).
      ['quota', () => [GitHubActions.repository(GH).onBranch(...branches).toTrust()]],
      // A claim AWS cannot see, in the second trust of a role (the first one compiles).
      ['claim', () => [ghTrust(), GitHubActions.repository(GH).onBranch('dev').withClaim('runner_environment', 'github-hosted').toTrust()]],
    ];
    for (const [what, trusts] of refused) {
      const s = stack();
      expect(() => new CiOidcRole(s, 'R', { trusts: trusts() })).toThrow(what === 'quota' ? /over the IAM quota/ : /AWS cannot check claim runner_environment/);
      expect([what, s.node.children.map((c) => c.node.id)]).toEqual([what, []]);
      // The stack still works: a valid role then gets the provider as usual, and nothing else is there.
      new CiOidcRole(s, 'Ok', { trusts: [ghTrust()] });
      const resources = Object.values(Template.fromStack(s).toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type).sort();
      expect([what, resources]).toEqual([what, ['AWS::IAM::OIDCProvider', 'AWS::IAM::Role']]);
    }
  });

  test('the length checked is exactly the minified policy, each token ARN counted at its longest', () => {
    const s = stack();
    const literal = CiOidcProvider.fromOidcProviderArn(s, 'Literal', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com', 'https://token.actions.githubusercontent.com');
    const gitlab = GitLabCi.project({ projectPath: 'acme/web', projectId: '42' }).onBranch('main').toTrust();
    const cases: [Trust[], CiOidcProvider[] | undefined][] = [
      [[ghTrust()], undefined],
      // Merged statements, two providers (two token ARNs), and a literal ARN.
      [[ghTrust(), GitHubActions.repository(GH).onBranch('release').toTrust(), gitlab], undefined],
      [[ghTrust(), GitHubActions.repository(GH).onTag('v1').toTrust()], [literal as CiOidcProvider]],
    ];
    for (const [i, [trusts, providers]] of cases.entries()) {
      const p = CiOidcPrincipal.fromTrusts(new Construct(s, `P${i}`), trusts, { providers });
      const host = (x: { Condition: object }) => Object.keys(Object.values(x.Condition)[0]).find((k) => k.endsWith(':aud'))!.slice(0, -':aud'.length);
      const statements = p._statements.map((x) => ({ ...x, Principal: { Federated: Token.isUnresolved(x.Principal.Federated) ? `arn:aws-iso-b:iam::123456789012:oidc-provider/${host(x)}` : x.Principal.Federated } }));
      expect(p._policyLength()).toBe(JSON.stringify({ Version: '2012-10-17', Statement: statements }).length);
    }
  });

  test('split as the message says (3 roles of 20 branches), it synthesizes', () => {
    const branches = Array.from({ length: 60 }, (_, i) => `feature/branch-number-${i}`);
    const s = stack();
    for (let i = 0; i < 3; i++) new CiOidcRole(s, `Part${i}`, { trusts: [GitHubActions.repository(GH).onBranch(...branches.slice(i * 20, i * 20 + 20)).toTrust()] });
    expect(() => Template.fromStack(s)).not.toThrow();
  });
});

describe('conditions AWS cannot check', () => {
  test('GitHub event_name: names the claim, the visible keys and withSubjectTemplate', () => {
    const e = error(() => role([GitHubActions.repository(GH).onBranch('main').withClaim('event_name', 'push').toTrust()]));
    expect(e.message).toMatch(/AWS cannot check claim event_name \(push\): for issuer https:\/\/token\.actions\.githubusercontent\.com STS exposes only token\.actions\.githubusercontent\.com:aud, token\.actions\.githubusercontent\.com:sub, /);
    expect(e.fix).toBe('pin an environment with required reviewers instead (inEnvironment(): base-context runs from forks then wait for approval), or put event_name in the subject: configure the repository\'s subject template to include "event_name" and call withSubjectTemplate(…, "event_name")');
  });

  test('a value outside IAM\'s character set (Cyrillic о) names the value', () => {
    // The builders refuse non-ASCII names first (CIT-M004); a hand-built trust reaches the compiler.
    const trust = (sub: string) => Trust._create({
      profile: { id: 'github-actions', displayName: 'GitHub Actions', identityClaims: ['repository', 'repository_id'], subjectIdentity: /(^|:)repo:[^:*]+\/[^:*]+:/ },
      issuer: 'https://token.actions.githubusercontent.com',
      condition: Condition.exact('sub', sub),
      description: 'x',
      where: 'Test',
    });
    const e = error(() => role([trust('repo:acme/web:environment:prоd')]));
    expect(e.message).toBe('AWS role trust for "x": the value "repo:acme/web:environment:prоd" has characters IAM policies cannot hold (only tab, LF, CR and U+0020-U+00FF are allowed). Fix: use ASCII values; IAM cannot match other characters exactly');
    expect(e.fix).toBe('use ASCII values; IAM cannot match other characters exactly');
    expect(() => role([trust('repo:acme/web:environment:prød')])).not.toThrow(); // Latin-1 is fine
  });

  test('GitLab self-managed ref_protected (a gitlab.com-only key)', () => {
    const e = error(() => role([GitLabCi.project({
      projectPath: 'g/p',
      projectId: '7',
      instanceUrl: 'https://gitlab.example.com',
      subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF],
    }).onProtectedBranch('main').toTrust()]));
    expect(e.message).toMatch(/AWS cannot check claim ref_protected \(true\): for issuer https:\/\/gitlab\.example\.com STS exposes only gitlab\.example\.com:aud, gitlab\.example\.com:sub\. Fix: include it/);
    expect(e.fix).toMatch(/include it in the project's sub claim components \(subjectComponents\)/);
  });

  test('Buildkite build_source without a session tag; fine with one', () => {
    const b = () => Buildkite.pipeline({ organization: 'acme', pipeline: 'deploy', pipelineId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' })
      .onBranch('main').fromBuildSource(BuildkiteBuildSource.WEBHOOK);
    const e = error(() => role([b().withAwsSessionTags('pipeline_id').toTrust()]));
    expect(e.message).toMatch(/AWS cannot check claim build_source \(webhook\)/);
    expect(e.fix).toBe('have the agent tag it: withAwsSessionTags("build_source") and `buildkite-agent oidc request-token --aws-session-tag build_source`');
    expect(() => role([b().withAwsSessionTags('pipeline_id', 'build_source').toTrust()])).not.toThrow();
  });

  test('GitHub BOTH/NAME formats with ids pin repository_id (which AWS sees) next to the name-form subject', () => {
    const r = role([GitHubActions.repository({ ...GH, subjectFormat: GitHubSubjectFormat.BOTH }).onBranch('main').toTrust()]);
    const text = JSON.stringify(Template.fromStack(Stack.of(r)).toJSON());
    expect(text).toContain('token.actions.githubusercontent.com:repository_id');
    expect(text).not.toContain('repository_owner_id');
  });
});

describe('networks and role limits', () => {
  test('foreign network kinds (gcpVpcNetworks) are refused on AWS', () => {
    const t = GitHubActions.repository(GH).onBranch('main').restrictNetwork({ gcpVpcNetworks: ['projects/my-project/global/networks/my-vpc'] }).toTrust();
    const e = error(() => role([t]));
    expect(e.message).toContain('the trust restricts the network with gcpVpcNetworks, which AWS cannot enforce (it enforces sourceIpCidrs / awsVpcIds / awsVpcEndpointIds)');
    expect(e.fix).toMatch(/restrict it with sourceIpCidrs \/ awsVpcIds \/ awsVpcEndpointIds/);
  });

  test('role name over 64 characters', () => {
    const e = error(() => role([ghTrust()], { roleName: 'r'.repeat(65) }));
    expect(e.where).toBe('CiOidcRole(R).roleName');
    expect(e.message).toMatch(/is not 1-64 characters .*\(IAM role name limit: 64\)/);
  });

  test('a role name that is a token (a parameter, Fn.join) is IAM\'s to check at deploy, as iam.Role leaves it', () => {
    const s = stack();
    const name = new CfnParameter(s, 'RoleName').valueAsString;
    new CiOidcRole(s, 'Param', { trusts: [ghTrust()], roleName: name });
    new CiOidcRole(s, 'Joined', { trusts: [ghTrust()], roleName: Fn.join('-', ['ci', name]) });
    const names = Object.values(Template.fromStack(s).findResources('AWS::IAM::Role')).map((r: any) => r.Properties.RoleName);
    expect(names).toEqual([{ Ref: 'RoleName' }, { 'Fn::Join': ['-', ['ci', { Ref: 'RoleName' }]] }]);
  });

  test('maxSessionDuration of 13 hours', () => {
    const e = error(() => role([ghTrust()], { maxSessionDuration: Duration.hours(13) }));
    expect(e.message).toMatch(/46800 s is outside IAM's range of 3,600-43,200 s \(1-12 hours\)/);
    expect(e.fix).toBe('choose between 1 and 12 hours');
  });

  test('two providers for one issuer in two stacks of one account fail synth', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    new CiOidcRole(a, 'R', { trusts: [ghTrust()] });
    new CiOidcRole(b, 'R', { trusts: [ghTrust()] });
    expect(() => app.synth()).toThrow('CiOidcProvider B/CiOidcProvidertokenactionsgithubusercontentcom: A/CiOidcProvidertokenactionsgithubusercontentcom already creates the IAM OIDC provider for https://token.actions.githubusercontent.com in account 123456789012; AWS allows one provider per issuer per account (EntityAlreadyExists at deploy). Fix: keep the provider in one stack (A, or a provider stack of its own) and in B use CiOidcProvider.fromIssuer(this, \'Provider\', \'https://token.actions.githubusercontent.com\') for the roles\' providers; in a fresh account the provider must exist first, so make B depend on A (stack.addDependency(providerStack)).');
  });

  test('three stacks creating one provider: one error per duplicate stack, each naming the first', () => {
    const app = new App();
    for (const id of ['A', 'B', 'C']) new CiOidcRole(new Stack(app, id, { env: ENV }), 'R', { trusts: [ghTrust()] });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = String((e as Error).message);
    }
    const errors = message.split('\n').filter((l) => l.includes('already creates the IAM OIDC provider'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('CiOidcProvider B/CiOidcProvidertokenactionsgithubusercontentcom: A/CiOidcProvidertokenactionsgithubusercontentcom already creates');
    expect(errors[1]).toContain('CiOidcProvider C/CiOidcProvidertokenactionsgithubusercontentcom: A/CiOidcProvidertokenactionsgithubusercontentcom already creates');
    expect(errors[1]).toContain('make C depend on A');
  });

  test('...and pass with fromIssuer in the second stack, or in different accounts', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    const c = new Stack(app, 'C', { env: { ...ENV, account: '210987654321' } });
    new CiOidcRole(a, 'R', { trusts: [ghTrust()] });
    new CiOidcRole(b, 'R', { trusts: [ghTrust()], providers: [CiOidcProvider.fromIssuer(b, 'Gh', 'https://token.actions.githubusercontent.com')] });
    new CiOidcRole(c, 'R', { trusts: [ghTrust()] });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('letter case (docs/security.md#f11)', () => {
  test('two trusts whose subjects differ only in case are refused on one role', () => {
    const lower = GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).onBranch('main').toTrust();
    const upper = GitHubActions.repository({ owner: 'Acme', repository: 'Web', ownerId: '1', repositoryId: '2', subjectFormat: GitHubSubjectFormat.IMMUTABLE }).onBranch('main').toTrust();
    const e = error(() => role([lower, upper]));
    expect(e.message).toMatch(/"repo:Acme@1\/Web@2:ref:refs\/heads\/main" and "repo:acme@1\/web@2:ref:refs\/heads\/main" differ only in letter case|"repo:acme@1\/web@2:ref:refs\/heads\/main" and "repo:Acme@1\/Web@2:ref:refs\/heads\/main" differ only in letter case/);
    expect(e.fix).toMatch(/spelling the CI provider shows/);
  });

  test('GitHub environment names that differ only in case are refused', () => {
    const e = error(() => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' }).inEnvironment('Production', 'production'));
    expect(e.message).toMatch(/"Production" and "production" differ only in letter case/);
  });
});

describe('session network policy (no silent drop)', () => {
  const open = () => GitHubActions.repository(GH).onBranch('main').toTrust();
  const vpce = (id: string) => GitHubActions.repository(GH).onBranch('main').restrictNetwork({ awsVpcEndpointIds: [id] }).toTrust();

  test('a role mixing restricted and unrestricted trusts is refused', () => {
    const e = error(() => role([open(), vpce('vpce-0123456789abcdef0')]));
    expect(e.where).toBe('CiOidcRole(R)');
    expect(e.message).toMatch(/1 of 2 trusts are network-restricted; the session deny policy covers every session of the role/);
    expect(e.fix).toMatch(/give each network restriction a role of its own .* or set sessionNetworkPolicy: false/);
  });

  test('trusts restricted to different networks are refused', () => {
    const e = error(() => role([vpce('vpce-0123456789abcdef0'), GitHubActions.repository(GH).onTag('v1').restrictNetwork({ awsVpcEndpointIds: ['vpce-0fedcba9876543210'] }).toTrust()]));
    expect(e.message).toMatch(/restricted to different networks; one session deny policy would let each trust's credentials be used from the others' networks/);
  });

  test('the refusal comes before anything is made: no role, no provider', () => {
    const s = stack();
    expect(() => new CiOidcRole(s, 'R', { trusts: [open(), vpce('vpce-0123456789abcdef0')] })).toThrow(/1 of 2 trusts are network-restricted/);
    expect(s.node.children).toEqual([]);
  });

  test('one shared restriction gets the deny policy; sessionNetworkPolicy: false keeps only the trust-time conditions', () => {
    const shared = role([vpce('vpce-0123456789abcdef0'), GitHubActions.repository(GH).onTag('v1').restrictNetwork({ awsVpcEndpointIds: ['vpce-0123456789abcdef0'] }).toTrust()]);
    Template.fromStack(Stack.of(shared)).resourceCountIs('AWS::IAM::Policy', 1);
    const trustTimeOnly = role([open(), vpce('vpce-0123456789abcdef0')], { sessionNetworkPolicy: false });
    const t = Template.fromStack(Stack.of(trustTimeOnly));
    t.resourceCountIs('AWS::IAM::Policy', 0);
    expect(JSON.stringify(t.toJSON())).toContain('aws:SourceVpce');
  });
});
