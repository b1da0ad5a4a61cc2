/**
 * CircleCI, Bitbucket Pipelines, Azure DevOps, HCP Terraform and generic issuers: corpus tokens read
 * and matched by realistic trusts, near misses denied, bad inputs refused, and every cloud's
 * compiled artifact agreeing with the model on generated tokens (or refusing, with the reason).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { awsClaimKeys } from '../../lib/aws/claim-keys';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedManagedIdentity } from '../../lib/azure';
import { AzureDevOps } from '../../lib/ci/azure-devops';
import { BitbucketPipelines } from '../../lib/ci/bitbucket';
import { renderBitbucketSubject } from '../../lib/ci/bitbucket/subject';
import { CircleCi } from '../../lib/ci/circleci';
import { GenericOidc } from '../../lib/ci/generic';
import { HcpTerraform } from '../../lib/ci/hcp-terraform';
import { renderHcpTerraformSubject } from '../../lib/ci/hcp-terraform/subject';
import { GcpWorkloadIdentityPool } from '../../lib/gcp';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { AwsTrustSimulator, AzureTrustSimulator, GcpTrustSimulator } from '../../lib/testing';
import { corpusTokens } from '../support/corpus';
import { thrownConfigError } from '../support/errors';
import { tokenFor } from '../support/tokens';

const ORG = '0191f956-042f-7ec4-aa62-8e5eeae396d0';
const PROJECT = '0184990a-477b-4fa8-9968-496074483cee';
const USER = '0184990a-4782-42b5-afc1-16715b10b8ff';
const CONTEXT = '5d8c1e2a-3b4c-4d5e-8f60-718293a4b5c6';
const CONTEXT2 = '6e9d2f3b-4c5d-4e6f-9071-8293a4b5c6d7';
const BB = { workspace: 'cyclenerd', workspaceUuid: '{7baee083-4f25-4a97-8a9a-0fde1b623b45}', repositoryUuid: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}' };
const ENV = '{3f2a8a4e-1111-4222-8333-944455556666}';
const ADO = { organizationId: '5c7a3e55-0a4f-4a7e-9a45-54c1b6b2d4a1', organization: 'example', project: 'test-oidc' };
const TFC = { organization: 'my-org', project: 'Default Project', workspace: 'my-workspace' };

describe('corpus tokens', () => {
  test('HCP Terraform: the documented apply token is read and matched; plan and other workspaces are denied', () => {
    const [tok] = corpusTokens('hcp-terraform');
    expect(renderHcpTerraformSubject(tok.claims)).toBe(tok.claims.sub);
    const apply = HcpTerraform.workspace({ ...TFC, workspaceId: 'ws-mbsd5E3Ktt5Rg2Xm' }).forApply().withAudience('my-example-audience').toTrust();
    expect(apply.evaluate(tok.claims)).toEqual({ allowed: true, reasons: [] });
    expect(apply.evaluate({ ...tok.claims, sub: tok.claims.sub.replace('apply', 'plan'), terraform_run_phase: 'plan' }).reasons)
      .toEqual(['claim sub: expected "organization:my-org:project:Default Project:workspace:my-workspace:run_phase:apply", got "organization:my-org:project:Default Project:workspace:my-workspace:run_phase:plan"']);
    expect(apply.evaluate({ ...tok.claims, terraform_workspace_id: 'ws-AAAAAAAAAAAAAAAA' }).reasons).toEqual(['claim terraform_workspace_id: expected "ws-mbsd5E3Ktt5Rg2Xm", got "ws-AAAAAAAAAAAAAAAA"']);
  });

  test('Bitbucket: the settings-page templates are read; the real repository is matched, another is denied', () => {
    const [real, generic] = corpusTokens('bitbucket-pipelines');
    // The settings page shows placeholders: its sub says {stepUuid} while the stepUuid claim shows
    // {xxxxxxx-…}, so the step is substituted before comparing. The second template shows
    // placeholders everywhere ({repositoryUuid} vs {xxxxxxx-…}) and is used for its array audience only.
    expect(renderBitbucketSubject({ ...real.claims, stepUuid: '{stepUuid}' })).toBe(real.claims.sub);
    const t = BitbucketPipelines.repository(BB).onAnyStep().accept(Widening.ANY_REF).toTrust();
    expect(t.audiences).toEqual(['ari:cloud:bitbucket::workspace/7baee083-4f25-4a97-8a9a-0fde1b623b45']);
    expect(t.evaluate(real.claims).allowed).toBe(true);
    expect(t.evaluate({ ...real.claims, sub: '{2e9e429c-7b8b-404f-8648-8c40c27c9ebe}:{step}' }).reasons[0]).toContain('claim sub: expected a match for "{2e9e429c-7b8b-404f-8648-8c40c27c9ebd}:*"');
    // The second template's aud is an array (workspace + custom audience): any element may match.
    const custom = BitbucketPipelines.repository({ ...BB, workspace: 'workspace' }).onAnyStep().accept(Widening.ANY_REF).withAudience('https://gw.example.com').toTrust();
    // (Its issuer names the placeholder workspace WORKSPACE, upper case: slugs are lower case, so it is replaced.)
    expect(custom.evaluate({ ...generic.claims, iss: custom.issuer, sub: `${BB.repositoryUuid}:{s}` }).allowed).toBe(true);
    expect(custom.evaluate({ ...generic.claims, iss: custom.issuer, aud: ['https://other.example'], sub: `${BB.repositoryUuid}:{s}` }).allowed).toBe(false);
  });

  test('Azure DevOps: the pipeline token is matched exactly; another pipeline is denied', () => {
    const [tok] = corpusTokens('azure-devops');
    const t = AzureDevOps.pipeline({ ...ADO, pipeline: 'test-oidc' }).toTrust();
    const claims = { ...tok.claims, iss: t.issuer };
    expect(t.evaluate(claims)).toEqual({ allowed: true, reasons: [] });
    expect(t.evaluate({ ...claims, sub: 'p://example/test-oidc/other' }).reasons).toEqual(['claim sub: expected "p://example/test-oidc/test-oidc", got "p://example/test-oidc/other"']);
    expect(t.findings.map((f) => f.ruleId)).toEqual(['CIT-M018']);
  });
});

describe('builders', () => {
  test('HCP Terraform keeps plan and apply apart unless widened', () => {
    expect(() => HcpTerraform.workspace({ ...TFC, workspaceId: 'ws-mbsd5E3Ktt5Rg2Xm' }).forPlan().forApply().toTrust()).toThrow(/CIT-M015.*PLAN_AND_APPLY/);
    const both = HcpTerraform.workspace({ ...TFC, workspaceId: 'ws-mbsd5E3Ktt5Rg2Xm' }).forPlan().forApply().accept(Widening.PLAN_AND_APPLY).toTrust();
    expect(both.widenings).toEqual(['PLAN_AND_APPLY']);
    expect(() => HcpTerraform.workspace(TFC).forApply().toTrust()).toThrow(/CIT-M010/);
    expect(() => HcpTerraform.workspace(TFC).toTrust()).toThrow(/no run phase is chosen/);
  });

  test('CircleCI pins the project in the subject and branches on vcs-ref', () => {
    const t = CircleCi.project({ organizationId: ORG, projectId: PROJECT, vcsOrigin: 'github.com/acme/web' }).onBranch('main').toTrust();
    expect(t.issuer).toBe(`https://oidc.circleci.com/org/${ORG}`);
    expect(t.audiences).toEqual([ORG]);
    expect(t.condition.toString()).toBe(`oidc.circleci.com/vcs-origin == "github.com/acme/web" && oidc.circleci.com/vcs-ref == "refs/heads/main" && sub like "org/${ORG}/project/${PROJECT}/user/*"`);
    expect(() => CircleCi.project({ organizationId: ORG, projectId: PROJECT }).toTrust()).toThrow(/CIT-M011/);
  });

  test('CircleCI contexts are a list claim: the token must list one of them', () => {
    const t = CircleCi.project({ organizationId: ORG, projectId: PROJECT }).onBranch('main').inContext(CONTEXT).toTrust();
    expect(t.condition.toString()).toContain(`oidc.circleci.com/context-ids contains "${CONTEXT}"`);
    const claims = { 'iss': t.issuer, 'aud': ORG, 'sub': `org/${ORG}/project/${PROJECT}/user/${USER}`, 'oidc.circleci.com/vcs-ref': 'refs/heads/main' };
    expect(t.evaluate({ ...claims, 'oidc.circleci.com/context-ids': ['x', CONTEXT] }).allowed).toBe(true);
    expect(t.evaluate({ ...claims, 'oidc.circleci.com/context-ids': ['x'] }).reasons).toEqual([`claim oidc.circleci.com/context-ids: expected a list containing "${CONTEXT}", got ["x"]`]);
    expect(t.evaluate({ ...claims, 'oidc.circleci.com/context-ids': CONTEXT }).allowed).toBe(false); // a string is not a list
    expect(t.evaluate(claims).allowed).toBe(false);
    expect(() => CircleCi.project({ organizationId: ORG, projectId: PROJECT }).inContext('prod')).toThrow(/not a lower-case UUID/);
    expect(() => aws(t)).toThrow(/AWS cannot check the list claim oidc.circleci.com\/context-ids/);
  });

  test('generic issuers need an identity pin and an audience', () => {
    const props = { name: 'Jenkins', issuer: 'https://jenkins.acme.com/oidc', identityClaims: ['sub'] };
    expect(() => GenericOidc.issuer(props).withClaim('build_number', '7').withAudience('sts.amazonaws.com').toTrust()).toThrow(/CIT-M001/);
    expect(() => GenericOidc.issuer(props).withClaim('sub', 'https://jenkins.acme.com/job/deploy/').toTrust()).toThrow(/CIT-M005/);
    expect(() => GenericOidc.issuer(props).withClaimPattern('sub', 'https://jenkins.acme.com/*')).toThrow(/CIT-M002/);
    expect(() => GenericOidc.issuer({ ...props, identityClaims: [] })).toThrow(/CIT-M001/);
  });

  test('iss and aud are set by the builder, never tested as claims (CIT-M019)', () => {
    // AWS keys the audience itself: an `aud` test would have been overwritten there (wider than the model).
    const props = { name: 'Jenkins', issuer: 'https://jenkins.acme.com/oidc', identityClaims: ['sub'] };
    const pinned = () => GenericOidc.issuer(props).withClaim('sub', 'https://jenkins.acme.com/job/deploy/').withAudience('sts.amazonaws.com');
    for (const claim of ['aud', 'iss']) {
      const e = thrownConfigError(() => pinned().withClaim(claim, 'x').toTrust());
      expect(e.message).toBe(`GenericOidc(Jenkins): claim ${claim} is tested in the condition [CIT-M019]. Fix: set the issuer with the builder and the audience with withAudience()`);
    }
    expect(() => pinned().withClaim('audience', 'x').toTrust()).not.toThrow();
  });

  test.each([
    ['Bitbucket repository UUID without braces', () => BitbucketPipelines.repository({ ...BB, repositoryUuid: '2e9e429c-7b8b-404f-8648-8c40c27c9ebd' }), /repositoryUuid.*not a lower-case UUID in braces/],
    ['Bitbucket wildcard workspace', () => BitbucketPipelines.repository({ ...BB, workspace: 'cycle*' }), /CIT-M002/],
    ['CircleCI org-only (no project id)', () => CircleCi.project({ organizationId: ORG, projectId: '' }), /projectId.*not a lower-case UUID/],
    ['HCP workspace wildcard', () => HcpTerraform.workspace({ ...TFC, workspace: 'prod-*' }), /CIT-M002/],
    ['HCP Cyrillic organization', () => HcpTerraform.workspace({ ...TFC, organization: 'my-оrg' }), /CIT-M004/],
    ['Azure DevOps empty project', () => AzureDevOps.pipeline({ ...ADO, project: ' ', pipeline: 'p' }), /CIT-M003/],
    ['Azure DevOps wildcard service connection', () => AzureDevOps.serviceConnection({ ...ADO, serviceConnection: '*' }), /CIT-M003/],
    ['generic http issuer', () => GenericOidc.issuer({ name: 'x', issuer: 'http://jenkins.acme.com/oidc', identityClaims: ['sub'] }), /CIT-M006/],
    ['generic poisoned value', () => GenericOidc.issuer({ name: 'x', issuer: 'https://j.acme.com/oidc', identityClaims: ['sub'] }).withClaim('sub', 'https://j.acme.com/job/a/', '*'), /CIT-M003/],
  ])('refuses %s', (_name, make, message) => {
    expect(make).toThrow(message);
    expect(make).toThrow(/Fix: /);
  });
});

/** Trusts of these providers and which clouds can hold them exactly. */
const CASES: [string, () => Trust, { aws: boolean; gcp: boolean; azure: boolean }][] = [
  ['HCP apply by name', () => HcpTerraform.workspace(TFC).forApply().accept(Widening.NAME_ONLY_IDENTITY).toTrust(), { aws: true, gcp: true, azure: true }],
  ['HCP apply by workspace id', () => HcpTerraform.workspace({ ...TFC, workspaceId: 'ws-mbsd5E3Ktt5Rg2Xm' }).forApply().toTrust(), { aws: false, gcp: true, azure: false }],
  ['Bitbucket deployment environment', () => BitbucketPipelines.repository(BB).inDeploymentEnvironment(ENV).toTrust(), { aws: true, gcp: true, azure: false }],
  ['Bitbucket branch', () => BitbucketPipelines.repository(BB).onBranch('main').toTrust(), { aws: false, gcp: true, azure: false }],
  ['CircleCI any ref', () => CircleCi.project({ organizationId: ORG, projectId: PROJECT }).onAnyRef().accept(Widening.ANY_REF).toTrust(), { aws: true, gcp: true, azure: false }],
  ['CircleCI branch', () => CircleCi.project({ organizationId: ORG, projectId: PROJECT }).onBranch('main').byUser(USER).toTrust(), { aws: false, gcp: true, azure: false }],
  ['CircleCI branch and contexts', () => CircleCi.project({ organizationId: ORG, projectId: PROJECT }).onBranch('main').inContext(CONTEXT, CONTEXT2).toTrust(), { aws: false, gcp: true, azure: false }],
  ['Azure DevOps service connection', () => AzureDevOps.serviceConnection({ ...ADO, serviceConnection: 'prod-deploy' }).toTrust(), { aws: true, gcp: true, azure: true }],
  ['generic Jenkins job', () => GenericOidc.issuer({ name: 'Jenkins', issuer: 'https://jenkins.acme.com/oidc', identityClaims: ['sub'] }).withClaim('sub', 'https://jenkins.acme.com/job/deploy/').withAudience('sts.amazonaws.com').toTrust(), { aws: true, gcp: true, azure: true }],
];

let n = 0;
function aws(trust: Trust) {
  const stack = new Stack(new App(), `S${n++}`);
  const role = new CiOidcRole(stack, 'Role', { trusts: [trust] });
  const logicalId = stack.getLogicalId(role.node.defaultChild as any);
  const sim = AwsTrustSimulator.fromTemplate(Template.fromStack(stack).toJSON(), logicalId, { availableClaimKeys: awsClaimKeys(trust.issuer) });
  return { bound: role.trusts[0], decide: (c: Record<string, unknown>) => sim.evaluate({ claims: c }).allowed };
}
function gcp(trust: Trust) {
  const stack = new TerraformStack(Testing.app(), `g${n++}`);
  const provider = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'my-project', projectNumber: '123456789', poolId: 'ci-pool' }).addProvider('P', { providerId: 'ci-provider', trusts: [trust] });
  const sim = GcpTrustSimulator.fromTerraformJson(Testing.synth(stack), undefined, { projectNumber: '123456789' });
  return { bound: provider.trusts[0], decide: (c: Record<string, unknown>) => sim.evaluate({ claims: c }).allowed };
}
function azure(trust: Trust) {
  const stack = new TerraformStack(Testing.app(), `a${n++}`);
  const id = new FederatedManagedIdentity(stack, 'Id', { name: 'deploy', resourceGroupName: 'rg', location: 'westeurope', trusts: [trust] });
  const sim = AzureTrustSimulator.fromTerraformJson(Testing.synth(stack));
  return { bound: id.trusts[0], decide: (c: Record<string, unknown>) => sim.evaluate({ claims: c }).allowed };
}
const CLOUDS = { aws, gcp, azure };

describe.each(CASES)('%s', (_name, make, expressible) => {
  for (const [cloud, compile] of Object.entries(CLOUDS) as [keyof typeof CLOUDS, typeof aws][]) {
    if (!expressible[cloud]) {
      test(`${cloud} refuses it at synth, saying why`, () => {
        expect(() => compile(make())).toThrow(/cannot|not expressible|Fix:/);
      });
      continue;
    }
    test(`${cloud}: the compiled artifact agrees with the model on 1,000 generated tokens`, () => {
      const { bound, decide } = compile(make());
      let allowed = 0;
      fc.assert(fc.property(tokenFor(bound), (claims) => {
        const model = bound.evaluate(claims).allowed;
        if (model) allowed++;
        expect(decide(claims)).toBe(model);
      }), { numRuns: 1000 });
      expect(allowed).toBeGreaterThan(50);
    });
  }
});

/**
 * The bad-input classes (docs/security.md#bad-input-matrix) applied to every string field of the new providers:
 * each is refused with a TrustConfigError naming the field and saying how to fix it.
 */
describe('bad-input matrix on every field of the new providers', () => {
  const CLASSES: [string, string][] = [
    ['empty', ''],
    ['blank', ' \t'],
    ['wildcard-only', '*'],
    ['wildcard inside', 'app*'],
    ['single-character wildcard', 'a?p'],
    ['Cyrillic look-alike', 'prоd'],
    ['right-to-left override', 'prod\u202e'],
    ['zero-width joiner', 'pr\u200dod'],
    ['control character', 'pr\nod'],
    ['overlong', 'a'.repeat(10_000)],
    ['delimiter injection', 'x:ref:refs/heads/main'],
    ['IAM variable', '${aws:username}'],
  ];
  // [field, where the error must say, builder call]
  const FIELDS: [string, string, (v: string) => unknown][] = [
    ['HCP organization', 'HcpTerraform.workspace(organization)', (v) => HcpTerraform.workspace({ ...TFC, organization: v })],
    ['HCP project', 'HcpTerraform.workspace(project)', (v) => HcpTerraform.workspace({ ...TFC, project: v })],
    ['HCP workspace', 'HcpTerraform.workspace(workspace)', (v) => HcpTerraform.workspace({ ...TFC, workspace: v })],
    ['Bitbucket workspace', 'BitbucketPipelines.repository(workspace)', (v) => BitbucketPipelines.repository({ ...BB, workspace: v })],
    ['Bitbucket repository UUID', 'BitbucketPipelines.repository(repositoryUuid)', (v) => BitbucketPipelines.repository({ ...BB, repositoryUuid: v })],
    ['Bitbucket environment UUID', 'BitbucketTrustBuilder.inDeploymentEnvironment', (v) => BitbucketPipelines.repository(BB).inDeploymentEnvironment(v)],
    ['Bitbucket branch', 'BitbucketTrustBuilder.onBranch', (v) => BitbucketPipelines.repository(BB).onBranch(v)],
    ['CircleCI organization id', 'CircleCi.project(organizationId)', (v) => CircleCi.project({ organizationId: v, projectId: PROJECT })],
    ['CircleCI project id', 'CircleCi.project(projectId)', (v) => CircleCi.project({ organizationId: ORG, projectId: v })],
    ['CircleCI vcs origin', 'CircleCi.project(vcsOrigin)', (v) => CircleCi.project({ organizationId: ORG, projectId: PROJECT, vcsOrigin: v })],
    ['CircleCI branch', 'CircleCiTrustBuilder.onBranch', (v) => CircleCi.project({ organizationId: ORG, projectId: PROJECT }).onBranch(v)],
    ['Azure DevOps organization', 'AzureDevOps.pipeline(organization)', (v) => AzureDevOps.pipeline({ ...ADO, organization: v, pipeline: 'p' })],
    ['Azure DevOps project', 'AzureDevOps.pipeline(project)', (v) => AzureDevOps.pipeline({ ...ADO, project: v, pipeline: 'p' })],
    ['Azure DevOps pipeline', 'AzureDevOps.pipeline(pipeline)', (v) => AzureDevOps.pipeline({ ...ADO, pipeline: v })],
    ['Azure DevOps Entra subject', 'AzureDevOps.entraServiceConnection(subject)', (v) => AzureDevOps.entraServiceConnection({ tenantId: ADO.organizationId, subject: v })],
    ['generic claim value', 'GenericOidcTrustBuilder.withClaim(sub)', (v) => GenericOidc.issuer({ name: 'J', issuer: 'https://j.acme.com/oidc', identityClaims: ['sub'] }).withClaim('sub', v)],
  ];
  // A generic issuer's values may be URLs (':'), and '$' is escaped by every compiler: both are carried
  // exactly (checked below) instead of refused.
  const carried = new Set(['delimiter injection', 'IAM variable']);
  const cases = FIELDS.flatMap(([field, where, make]) => CLASSES.filter(([cls]) => !(field.startsWith('generic') && carried.has(cls))).map(([cls, value]) => [field, cls, where, make, value] as const));
  test('generic values with ":" and "${" are carried exactly to AWS', () => {
    const t = GenericOidc.issuer({ name: 'J', issuer: 'https://j.acme.com/oidc', identityClaims: ['sub'] }).withClaim('sub', 'https://j.acme.com/job/${x}:y/').withAudience('sts.amazonaws.com').toTrust();
    const { bound, decide } = aws(t);
    const claims = { iss: t.issuer, aud: 'sts.amazonaws.com', sub: 'https://j.acme.com/job/${x}:y/' };
    expect(bound.evaluate(claims).allowed).toBe(true);
    expect(decide(claims)).toBe(true);
    expect(decide({ ...claims, sub: 'https://j.acme.com/job/anything:y/' })).toBe(false);
  });
  test.each(cases)('%s: %s is refused', (_field, _cls, where, make, value) => {
    const e = thrownConfigError(() => make(value));
    // What (the value or its problem), where (the field) and how to fix it.
    expect(e.where).toBe(where);
    expect(e.message.startsWith(`${where}: `)).toBe(true);
    expect(e.message).toMatch(/ is | has | contains /);
    expect(e.fix.length).toBeGreaterThan(5);
    expect(e.message).toContain(`Fix: ${e.fix}`);
  });
});
