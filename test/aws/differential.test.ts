/**
 * Differential tests: the model (`trust.evaluate`, with the trusts as bound by the role) against the
 * independent IAM simulator on the synthesized CloudFormation template. Zero disagreements allowed.
 *
 * Corpus tokens: each corpus token of the trust's provider is evaluated twice: as-is (foreign
 * issuers/audiences, so mostly denials) and with `iss` and `aud` rebound to the trust's issuer and
 * first audience (the other claims unchanged), so the claim tests themselves are compared.
 */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { buildBuildkiteTags } from '../../examples/aws-buildkite-tags';
import { buildGitHubDeploy } from '../../examples/aws-github-deploy';
import { buildGitLabProtected } from '../../examples/aws-gitlab-protected';
import { buildVpcEndpoint } from '../../examples/aws-vpc-endpoint';
import { awsClaimKeys } from '../../lib/aws/claim-keys';
import { CiOidcRole } from '../../lib/aws/role';
import { Buildkite, BuildkiteBuildSource } from '../../lib/ci/buildkite';
import { renderBuildkiteSubject } from '../../lib/ci/buildkite/subject';
import { GitHubActions, GitHubIssuer, GitHubSubjectFormat } from '../../lib/ci/github';
import { renderSubject } from '../../lib/ci/github/subject';
import { GitLabCi, GitLabSubjectComponent } from '../../lib/ci/gitlab';
import { renderGitLabSubject } from '../../lib/ci/gitlab/subject';
import { RequestContext } from '../../lib/model/network';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { AwsTrustSimulator } from '../../lib/testing';
import { iamLiteralValue } from '../../lib/testing/aws/private/iam-strings';
import { corpusTokens } from '../support/corpus';
import { adversarialString, mutate, requestFor, tokenFor } from '../support/tokens';

const RUNS = 1000;
const ORG_ID = '0191f956-042f-7ec4-aa62-8e5eeae396d0';
const PIPE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

/** A synthesized role and one simulator per token issuer (each with that issuer's AWS claim keys). */
class Subject {
  public readonly template: any;
  public readonly logicalId: string;
  private readonly sims = new Map<string, AwsTrustSimulator>();
  public constructor(public readonly stack: Stack, public readonly role: CiOidcRole) {
    this.template = Template.fromStack(stack).toJSON();
    this.logicalId = stack.getLogicalId(role.node.defaultChild as CfnElement);
  }
  public sim(iss: unknown): AwsTrustSimulator {
    const key = typeof iss === 'string' ? iss : '';
    let s = this.sims.get(key);
    if (!s) {
      s = AwsTrustSimulator.fromTemplate(this.template, this.logicalId, { availableClaimKeys: awsClaimKeys(key) });
      this.sims.set(key, s);
    }
    return s;
  }
  public model(claims: Record<string, unknown>, request?: RequestContext): boolean {
    return this.role.trusts.some((t) => t.evaluate(claims, request).allowed);
  }
  public aws(claims: Record<string, unknown>, request?: RequestContext) {
    return this.sim(claims.iss).evaluate({ ...request, claims });
  }
  /** Throws with both explanations when model and simulator disagree. */
  public check(claims: Record<string, unknown>, request?: RequestContext): boolean {
    const m = this.model(claims, request);
    const a = this.aws(claims, request);
    if (m !== a.allowed) {
      const why = this.role.trusts.map((t) => t.evaluate(claims, request).reasons.join('; ')).join(' | ');
      throw new Error(`disagreement: model ${m}, AWS ${a.allowed}\nclaims ${JSON.stringify(claims)}\nrequest ${JSON.stringify(request)}\nmodel: ${why}\nAWS: ${a.trace.join('\n')}`);
    }
    return m;
  }
}

function roleOf(trusts: Trust[], id = 'Role'): Subject {
  const app = new App();
  const stack = new Stack(app, `S${id}`, { env: { account: '123456789012', region: 'us-east-1' } });
  const role = new CiOidcRole(stack, id, { trusts, trustPolicySizeQuota: 4096 });
  return new Subject(stack, role);
}

const GH = { owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '89012345' };
const GL = { projectPath: 'acme-group/platform/infra', projectId: '42424242' };

/** Extra trusts that stress the compiler (each on its own role). */
function stressTrusts(): Record<string, () => Trust> {
  return {
    'github name format, several branches (name only)': () => GitHubActions.repository({ owner: 'acme', repository: 'web' })
      .onBranch('main', 'develop', 'release/1.2').onTag('v1.0.0').accept(Widening.NAME_ONLY_IDENTITY).toTrust(),
    'github BOTH formats, owner id in the subject template': () => GitHubActions.repository({ ...GH, subjectFormat: GitHubSubjectFormat.BOTH })
      .withSubjectTemplate('repo', 'repository_owner_id', 'context').onBranch('main', 'develop').toTrust(),
    'github NAME format with ids, owner id in the subject template': () => GitHubActions.repository({ ...GH, subjectFormat: GitHubSubjectFormat.NAME })
      .withSubjectTemplate('repo', 'repository_owner_id', 'context').inEnvironment('prod:eu').toTrust(),
    'github branch pattern (REF_PATTERN)': () => GitHubActions.repository(GH).onBranchPattern('release/*').onBranch('main').accept(Widening.REF_PATTERN).toTrust(),
    'github any ref (ANY_REF)': () => GitHubActions.repository(GH).onAnyRef().accept(Widening.ANY_REF).toTrust(),
    'github every branch (onBranchPattern *)': () => GitHubActions.repository(GH).onBranchPattern('*').accept(Widening.REF_PATTERN).toTrust(),
    'github every tag (onTagPattern *)': () => GitHubActions.repository(GH).onTagPattern('*').accept(Widening.REF_PATTERN).toTrust(),
    'github every environment (inEnvironmentPattern *)': () => GitHubActions.repository(GH).inEnvironmentPattern('*').accept(Widening.REF_PATTERN).toTrust(),
    'github environment pattern prod-* and an exact environment': () => GitHubActions.repository(GH).inEnvironmentPattern('prod-*').inEnvironment('staging').accept(Widening.REF_PATTERN).toTrust(),
    'gitlab every branch (onBranchPattern *)': () => GitLabCi.project(GL).onBranchPattern('*').accept(Widening.REF_PATTERN).toTrust(),
    'github custom subject with job_workflow_ref': () => GitHubActions.repository(GH)
      .withSubjectTemplate('repo', 'context', 'job_workflow_ref')
      .fromReusableWorkflow('acme/shared/.github/workflows/deploy.yml@refs/heads/main').onBranch('main').toTrust(),
    'github pull requests, custom audience, source IPs': () => GitHubActions.repository(GH).onPullRequest().withAudience('https://github.com/acme')
      .restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24', '2001:db8::/32'], awsVpcIds: ['vpc-0123456789abcdef0'] }).toTrust(),
    // Only aud and sub are AWS keys for an enterprise issuer (the IdP-specific claim list is for the
    // github.com issuer), so the trust pins the environment through sub alone, and the subject form
    // is chosen (the default, either form with repository_id, is refused there: test/aws/audience.test.ts).
    'GHEC enterprise issuer (key prefix with a path)': () => GitHubActions.repository({ ...GH, issuer: GitHubIssuer.enterpriseCloud('octocat-inc'), subjectFormat: GitHubSubjectFormat.IMMUTABLE })
      .inEnvironment('production', 'staging').toTrust(),
    'gitlab self-managed, project_id subject component': () => GitLabCi.project({
      ...GL,
      instanceUrl: 'https://gitlab.example.com',
      subjectComponents: [GitLabSubjectComponent.PROJECT_ID, GitLabSubjectComponent.REF_TYPE, GitLabSubjectComponent.REF],
    }).onBranch('main').onTag('v1.0.0').toTrust(),
    'gitlab.com branch pattern, pipeline source, any of two audiences': () => GitLabCi.project(GL).onBranchPattern('release/*').withPipelineSource('push', 'web')
      .withAudience('sts.amazonaws.com', 'https://gitlab.com').accept(Widening.REF_PATTERN).toTrust(),
    'buildkite composite with step keys': () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', organizationId: ORG_ID, pipelineId: PIPE_ID })
      .onBranch('main').onTag('v1.0.0').onStep('deploy', 'migrate').withAwsSessionTags('organization_id', 'pipeline_id', 'build_source')
      .fromBuildSource(BuildkiteBuildSource.WEBHOOK).toTrust(),
    'buildkite any ref, step key tag, source IP': () => Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPE_ID })
      .onAnyRef().onStep('deploy').withAwsSessionTags('pipeline_id', 'step_key').accept(Widening.ANY_REF)
      .restrictNetwork({ sourceIpCidrs: ['198.51.100.0/24'] }).toTrust(),
  };
}

/** Several trusts of mixed shapes and providers on one role. */
function mixedTrusts(): Trust[] {
  const s = stressTrusts();
  return [
    GitHubActions.repository(GH).onBranch('main').inEnvironment('production').toTrust(),
    GitHubActions.repository(GH).onBranch('main', 'develop').toTrust(),
    GitHubActions.repository({ ...GH, repository: 'api', repositoryId: '5555' }).onTag('v1.0.0').withAudience('https://github.com/acme').toTrust(),
    s['github branch pattern (REF_PATTERN)'](),
    s['github custom subject with job_workflow_ref'](),
    GitLabCi.project(GL).onProtectedBranch('main').toTrust(),
    s['gitlab self-managed, project_id subject component'](),
    s['buildkite composite with step keys'](),
  ];
}

function examples(): Record<string, Subject> {
  const out: Record<string, Subject> = {};
  for (const [name, build] of Object.entries({ 'aws-github-deploy': buildGitHubDeploy, 'aws-gitlab-protected': buildGitLabProtected, 'aws-buildkite-tags': buildBuildkiteTags, 'aws-vpc-endpoint': buildVpcEndpoint })) {
    const { stack, role } = build(new App());
    out[name] = new Subject(stack, role);
  }
  return out;
}

/** Corpus tokens as-is and rebound to the trust's issuer and audience. */
function corpusCases(trust: Trust): Record<string, unknown>[] {
  return corpusTokens(trust.provider).flatMap((t) => [t.claims, { ...t.claims, iss: trust.issuer, aud: trust.audiences![0] }]);
}

/** Generated tokens: model == simulator for every run; returns how many were allowed. */
function differential(subject: Subject, trust: Trust): { allowed: number; total: number } {
  let allowed = 0;
  let total = 0;
  fc.assert(fc.property(tokenFor(trust), requestFor(trust), (claims, request) => {
    total++;
    if (subject.check(claims, request)) allowed++;
  }), { numRuns: RUNS, seed: 20261127 });
  return { allowed, total };
}

const perProvider: Record<string, number> = {};

afterAll(() => {
  // ≥1,000 generated tokens per provider (printed for the report).
  // eslint-disable-next-line no-console
  console.log(`generated tokens per provider: ${JSON.stringify(perProvider)}`);
});

describe.each(Object.entries(examples()))('example %s', (_name, subject) => {
  test.each(subject.role.trusts.map((t, i) => [i, t] as [number, Trust]))('trust %i: corpus tokens agree', (_i, trust) => {
    const cases = corpusCases(trust);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) subject.check(c);
  });
  test.each(subject.role.trusts.map((t, i) => [i, t] as [number, Trust]))(`trust %i: ${RUNS} generated tokens agree`, (_i, trust) => {
    const r = differential(subject, trust);
    perProvider[trust.provider] = (perProvider[trust.provider] ?? 0) + r.total;
    // The generator must exercise both outcomes, or the comparison proves little.
    expect(r.allowed).toBeGreaterThan(RUNS / 50);
    expect(r.allowed).toBeLessThan(RUNS);
  });
});

describe.each(Object.entries(stressTrusts()))('compiler stress: %s', (name, make) => {
  const subject = roleOf([make()], 'Stress');
  test('corpus tokens agree', () => {
    for (const c of corpusCases(subject.role.trusts[0])) subject.check(c);
  });
  test(`${RUNS} generated tokens agree`, () => {
    const trust = subject.role.trusts[0];
    const r = differential(subject, trust);
    perProvider[trust.provider] = (perProvider[trust.provider] ?? 0) + r.total;
    expect(r.allowed).toBeGreaterThan(RUNS / 50);
    expect(r.allowed).toBeLessThan(RUNS);
    void name;
  });
});

describe('several trusts on one role (mixed shapes and providers)', () => {
  const subject = roleOf(mixedTrusts(), 'Mixed');
  const statements: any[] = subject.template.Resources[subject.logicalId].Properties.AssumeRolePolicyDocument.Statement;

  test('at most one statement per alternative; keys AND, values OR; nothing overwritten', () => {
    // Every alternative of every trust is in a statement; alternatives that differ in one key's
    // values share one (lib/aws/merge.ts), so there are fewer statements than alternatives here.
    const alternatives = subject.role.trusts.reduce((n, t) => n + t.condition.terms.length, 0);
    expect(statements.length).toBeLessThan(alternatives);
    // Every compiled test is present in some statement, under its operator and key, with its values.
    for (const trust of subject.role.trusts) {
      const prefix = trust.issuer.replace('https://', '');
      for (const term of trust.condition.terms) {
        const match = statements.some((s) => term.tests.every((t) => {
          const op = t.operator === 'EQUALS' ? 'StringEquals' : 'StringLike';
          const key = awsClaimKeys(trust.issuer).includes(t.claim) ? `${prefix}:${t.claim}` : `aws:RequestTag/${t.claim}`;
          const v = s.Condition?.[op]?.[key];
          const vs = v === undefined ? [] : Array.isArray(v) ? v : [v];
          return vs.length >= t.values.length && (op === 'StringLike' || t.values.every((x) => vs.map((y: string) => iamLiteralValue(y, 'StringEquals')).includes(x)));
        }) && [s.Condition.StringEquals?.[`${prefix}:aud`]].flat().every((a: string) => trust.audiences!.includes(a)));
        expect(match).toBe(true);
      }
    }
    // No statement mixes providers.
    for (const s of statements) {
      const prefixes = new Set(Object.values<Record<string, unknown>>(s.Condition).flatMap((m) => Object.keys(m)).filter((k) => !k.startsWith('aws:')).map((k) => k.slice(0, k.lastIndexOf(':'))));
      expect(prefixes.size).toBe(1);
    }
  });

  test('corpus tokens of every provider agree', () => {
    for (const trust of subject.role.trusts) for (const c of corpusCases(trust)) subject.check(c);
  });

  test.each(subject.role.trusts.map((t, i) => [i, t.provider, t] as [number, string, Trust]))(`trust %i (%s): ${RUNS} generated tokens agree`, (_i, _p, trust) => {
    const r = differential(subject, trust);
    perProvider[trust.provider] = (perProvider[trust.provider] ?? 0) + r.total;
    expect(r.allowed).toBeGreaterThan(RUNS / 50);
  });
});

// ---------------------------------------------------------------------------------------------
// Wildcard soundness: a StringLike `*` must never run across a `sub` field boundary and admit a
// token the model denies. Tokens: adversarial claim values, `sub` rendered by the provider grammar.
// ---------------------------------------------------------------------------------------------

/** Adversarial value near `v`, or a field-crossing value built from the trust's own text. */
function hostile(v: string, crossings: string[]): fc.Arbitrary<string> {
  return fc.oneof(mutate(v), adversarialString, fc.constantFrom(...crossings), fc.constantFrom(...crossings).map((c) => `${v}:${c}`));
}

function renderedTokens(trust: Trust): fc.Arbitrary<Record<string, unknown>> {
  const d = trust._details as Record<string, any>;
  const aud = trust.audiences![0];
  const crossings = ['ref:refs/heads/main', 'environment:production', 'pull_request', 'main', 'refs/heads/release/x:ref:refs/heads/main', 'ref_type:branch:ref:main',
    'commit:x:step:deploy', 'pipeline:deploy', 'project_path:acme-group/platform/infra', `repo:acme@${GH.ownerId}/web@${GH.repositoryId}`, ''];
  switch (trust.provider) {
    case 'github-actions':
      return fc.record({
        repository: hostile(`${d.owner}/${d.repository}`, crossings),
        repository_owner_id: hostile(d.ownerId ?? '1', crossings),
        repository_id: hostile(d.repositoryId ?? '2', crossings),
        environment: fc.option(hostile(d.environments?.[0] ?? 'production', crossings), { nil: undefined }),
        event_name: fc.constantFrom('push', 'pull_request', 'workflow_dispatch'),
        ref: hostile(d.refs?.[0]?.replace('*', 'x') ?? 'refs/heads/main', crossings),
        job_workflow_ref: hostile('acme/shared/.github/workflows/deploy.yml@refs/heads/main', crossings),
        immutable: fc.boolean(),
      }).map(({ immutable, ...c }) => {
        const claims: Record<string, unknown> = { iss: trust.issuer, aud, ...c };
        if (claims.environment === undefined) delete claims.environment;
        const imm = d.subjectFormat === 'IMMUTABLE' || (d.subjectFormat === 'BOTH' && immutable);
        claims.sub = renderSubject(claims, imm, d.subjectTemplate);
        return claims;
      });
    case 'gitlab-ci':
      return fc.record({
        project_path: hostile(d.projectPath, crossings),
        project_id: hostile(d.projectId ?? '1', crossings),
        ref_type: fc.constantFrom('branch', 'tag', 'branch:ref:main'),
        ref: hostile(d.branches?.[0] ?? 'main', crossings),
        ref_protected: fc.constantFrom('true', 'false'),
        pipeline_source: fc.constantFrom('push', 'web', 'schedule'),
      }).map((c) => {
        const claims: Record<string, unknown> = { iss: trust.issuer, aud, ...c };
        claims.sub = renderGitLabSubject(claims, d.subjectComponents);
        return claims;
      });
    default:
      return fc.record({
        organization_slug: hostile(d.organization, crossings),
        pipeline_slug: hostile(d.pipeline, crossings),
        build_branch: hostile('main', crossings),
        build_tag: fc.option(hostile('v1.0.0', crossings), { nil: undefined }),
        build_commit: hostile('9f3182061f1e2cca4702c368cbc039b7dc9d4485', crossings),
        step_key: hostile('deploy', crossings),
        organization_id: fc.constantFrom(ORG_ID, 'x'),
        pipeline_id: fc.constantFrom(PIPE_ID, 'x'),
        build_source: fc.constantFrom('webhook', 'ui'),
      }).map((c) => {
        const claims: Record<string, unknown> = { iss: trust.issuer, aud, ...c };
        if (claims.build_tag === undefined) delete claims.build_tag;
        claims.sub = d.subject === 'PIPELINE_ID' ? String(claims.pipeline_id) : renderBuildkiteSubject(claims);
        claims['https://aws.amazon.com/tags'] = { principal_tags: Object.fromEntries(trust.sessionTags.map((k) => [k, [String(claims[k] ?? '')]])) };
        return claims;
      });
  }
}

describe('wildcard soundness', () => {
  const subjects: Subject[] = [
    ...Object.values(examples()),
    ...Object.values(stressTrusts()).map((m) => roleOf([m()], 'W')),
    roleOf(mixedTrusts(), 'WMixed'),
  ];

  test.each(subjects.map((s, i) => [i, s.role.node.path, s] as [number, string, Subject]))('%i %s: simulator-allowed implies model-allowed (rendered subjects, hostile claims)', (_i, _p, subject) => {
    for (const trust of subject.role.trusts) {
      fc.assert(fc.property(renderedTokens(trust), requestFor(trust), (claims, request) => {
        const aws = subject.aws(claims, request).allowed;
        const model = subject.model(claims, request);
        if (aws && !model) throw new Error(`wildcard admitted a token the model denies: ${JSON.stringify(claims)}`);
        expect(aws).toBe(model);
      }), { numRuns: 300, seed: 7 });
    }
  });

  test('a JSON boolean or number claim: IAM compares its text, and so does the model', () => {
    // ref_protected as JSON true (GitLab documents the string "true"): IAM cannot test a claim's JSON
    // type, so the model compares numbers and booleans by their text too (lib/model/condition.ts).
    const subject = subjects.find((x) => x.role.trusts.some((t) => t.provider === 'gitlab-ci' && t.issuer === 'https://gitlab.com'))!;
    const claims = { iss: 'https://gitlab.com', aud: 'sts.amazonaws.com', sub: 'project_path:acme-group/platform/infra:ref_type:branch:ref:main', project_id: '42424242', ref_protected: true };
    expect(subject.aws(claims).allowed).toBe(true);
    expect(subject.model(claims)).toBe(true);
    expect(subject.model({ ...claims, ref_protected: false })).toBe(false);
    expect(subject.aws({ ...claims, ref_protected: false }).allowed).toBe(false);
  });

  test('no StringLike value has a * before the identity part of sub, or an empty literal head', () => {
    let likes = 0;
    for (const subject of subjects) {
      for (const s of subject.template.Resources[subject.logicalId].Properties.AssumeRolePolicyDocument.Statement) {
        for (const [key, v] of Object.entries<string | string[]>(s.Condition?.StringLike ?? {})) {
          for (const value of [v].flat()) {
            likes++;
            // The literal head: text before the first unescaped `*` (escapes are ${*} ${?} ${$}).
            const head = value.replace(/\$\{[*?$]\}/g, '_').split('*')[0];
            expect(head.length).toBeGreaterThan(0);
            expect(value).not.toMatch(/(^|[^{])\?/); // never a bare `?` wildcard
            if (key.endsWith(':sub')) {
              const trust = subject.role.trusts.find((t) => key.startsWith(t.issuer.replace('https://', '') + ':'))!;
              expect(trust._profile.subjectIdentity!.test(head)).toBe(true);
            }
          }
        }
      }
    }
    expect(likes).toBeGreaterThan(5);
  });
});
