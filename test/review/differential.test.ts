/**
 * Differential review tests: the review's "who can use P" against the simulators. For generated
 * apps (several roles and trusts per role, pools with several providers and several trusts per
 * provider, grants to several service accounts and buckets, Azure identities with several trusts
 * and role assignments, mixed CI providers and clouds, overlapping trusts) and for every example:
 * for every principal P in the synthesized output (AWS role, GCP grant, Azure role assignment), the
 * trusts the review lists as able to use P must be exactly the trusts some token of which the
 * simulators admit through P.
 *
 * A token "of trust T" is one the model admits (`T.evaluate`). The tokens tried: generated ones for
 * every trust of the app (test/support/tokens.ts) and the witness tokens the review's attribution
 * gives for what it lists, so a listing is confirmed or refuted by the simulators, never taken on
 * the review's word. The review never calls a simulator (lib/review/attribution).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdktf from 'cdktf';
import fc from 'fast-check';
import { CiOidcRole } from '../../lib/aws/role';
import { FederatedIdentityBase, FederatedManagedIdentity } from '../../lib/azure';
import { Buildkite } from '../../lib/ci/buildkite';
import { CircleCi } from '../../lib/ci/circleci';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { GitLabCi } from '../../lib/ci/gitlab';
import { GcpWorkloadIdentityPool, GcpWorkloadIdentityProvider } from '../../lib/gcp';
import { TrustConfigError } from '../../lib/model/errors';
import { RequestContext } from '../../lib/model/network';
import { Widening } from '../../lib/model/rules';
import { Trust } from '../../lib/model/trust';
import { TrustReport } from '../../lib/review';
import { reviewModel } from '../../lib/review/attribution/attribute';
import { discoverFiles, loadFiles } from '../../lib/review/scan/extract';
import { AwsTrustSimulator, AzureTrustSimulator, GcpTrustSimulator } from '../../lib/testing';
import { requestFor, tokenFor } from '../support/tokens';

const APPS = Number(process.env.CIT_REVIEW_APPS ?? 40);
const TOKENS_PER_TRUST = 16;
const EXAMPLES = path.resolve(__dirname, '../../examples');

// ------------------------------------------------------------------ the trusts apps are made of

type Family = 'github' | 'gitlab' | 'buildkite' | 'circleci';
type Cloud = 'aws' | 'gcp' | 'azure';

const web = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456' });
const api = () => GitHubActions.repository({ owner: 'acme', repository: 'api', ownerId: '1234567', repositoryId: '890123457' });
// Azure matches the subject only, so it takes one subject form (docs/subject-format.md).
const webImmutable = () => GitHubActions.repository({ owner: 'acme', repository: 'web', ownerId: '1234567', repositoryId: '890123456', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const apiImmutable = () => GitHubActions.repository({ owner: 'acme', repository: 'api', ownerId: '1234567', repositoryId: '890123457', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const infra = () => GitLabCi.project({ projectPath: 'platform/infra', projectId: '4242' });
const PIPELINE_ID = '0191f956-042f-7ec4-aa62-8e5eeae396d0';
const deploy = (cloud: Cloud) => {
  const b = Buildkite.pipeline({ organization: 'acme-inc', pipeline: 'deploy', pipelineId: PIPELINE_ID });
  return cloud === 'aws' ? b.withAwsSessionTags('pipeline_id') : b;
};
const TEMPLATE_TEXT = 'feat/${x}%{y}$${z}';
const circle = () => CircleCi.project({ organizationId: '0191f956-042f-7ec4-aa62-8e5eeae396d1', projectId: '0184990a-477b-4fa8-9968-496074483cee' });

/** Realistic trusts, several of which overlap (any ref of a repository contains its main branch). */
const CATALOGUE: { name: string; family: Family; make: (cloud: Cloud) => Trust }[] = [
  { name: 'web production', family: 'github', make: () => web().inEnvironment('production').toTrust() },
  { name: 'web staging or production', family: 'github', make: () => web().inEnvironment('staging', 'production').toTrust() },
  { name: 'web main', family: 'github', make: () => web().onBranch('main').toTrust() },
  { name: 'web pull requests', family: 'github', make: () => web().onPullRequest().toTrust() },
  { name: 'web any ref', family: 'github', make: () => web().onAnyRef().accept(Widening.ANY_REF).toTrust() },
  { name: 'web release branches', family: 'github', make: () => web().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust() },
  { name: 'web main in production', family: 'github', make: () => web().onBranch('main').inEnvironment('production').toTrust() },
  { name: 'web main from the office', family: 'github', make: () => web().onBranch('main').restrictNetwork({ sourceIpCidrs: ['203.0.113.0/24', '2001:db8::/32'] }).toTrust() },
  { name: 'web production through a VPC endpoint', family: 'github', make: () => web().inEnvironment('production').restrictNetwork({ awsVpcEndpointIds: ['vpce-0123456789abcdef0'] }).toTrust() },
  { name: 'api main', family: 'github', make: () => api().onBranch('main', 'develop').toTrust() },
  { name: 'api production', family: 'github', make: () => api().inEnvironment('production').toTrust() },
  { name: 'web production, immutable subject', family: 'github', make: () => webImmutable().inEnvironment('production').toTrust() },
  { name: 'web pull requests, immutable subject', family: 'github', make: () => webImmutable().onPullRequest().toTrust() },
  { name: 'web main, immutable subject', family: 'github', make: () => webImmutable().onBranch('main').toTrust() },
  { name: 'api main, immutable subject', family: 'github', make: () => apiImmutable().onBranch('main', 'develop').toTrust() },
  // Branch names with Terraform template text and IAM variable syntax: each cloud gets them as text
  // (escaped where its artifact would evaluate them), and the review must read them back as text.
  { name: 'web branch of template text', family: 'github', make: () => web().onBranch(TEMPLATE_TEXT).toTrust() },
  { name: 'web branch of template text, immutable subject', family: 'github', make: () => webImmutable().onBranch(TEMPLATE_TEXT).toTrust() },
  { name: 'infra protected main', family: 'gitlab', make: () => infra().onProtectedBranch('main').toTrust() },
  { name: 'infra main or develop', family: 'gitlab', make: () => infra().onBranch('main', 'develop').toTrust() },
  { name: 'infra any ref', family: 'gitlab', make: () => infra().onAnyRef().accept(Widening.ANY_REF).toTrust() },
  { name: 'infra branch of template text', family: 'gitlab', make: () => infra().onBranch(TEMPLATE_TEXT).toTrust() },
  { name: 'infra release branches', family: 'gitlab', make: () => infra().onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust() },
  { name: 'deploy main', family: 'buildkite', make: (c) => deploy(c).onBranch('main').toTrust() },
  { name: 'deploy release branches', family: 'buildkite', make: (c) => deploy(c).onBranchPattern('release/*').accept(Widening.REF_PATTERN).toTrust() },
  { name: 'deploy any ref', family: 'buildkite', make: (c) => deploy(c).onAnyRef().accept(Widening.ANY_REF).toTrust() },
  { name: 'circleci main', family: 'circleci', make: () => circle().onBranch('main').toTrust() },
  { name: 'circleci any ref', family: 'circleci', make: () => circle().onAnyRef().accept(Widening.ANY_REF).toTrust() },
];

/** Which catalogue entries each cloud can compile (some refuse patterns or claims they cannot see). */
const USABLE: Record<Cloud, number[]> = (() => {
  const ok: Record<Cloud, number[]> = { aws: [], gcp: [], azure: [] };
  CATALOGUE.forEach((c, i) => {
    const t = c.make('aws');
    try {
      new CiOidcRole(new Stack(new App(), 'Probe'), 'R', { trusts: [t] });
      ok.aws.push(i);
    } catch (e) {
      if (!(e instanceof TrustConfigError)) throw e;
    }
    try {
      new GcpWorkloadIdentityPool(new cdktf.TerraformStack(cdktf.Testing.app(), 'probe'), 'P', { projectId: 'acme-prod', projectNumber: '1', poolId: 'probe' }).addProvider('X', { providerId: 'probe', trusts: [c.make('gcp')] });
      ok.gcp.push(i);
    } catch (e) {
      if (!(e instanceof TrustConfigError)) throw e;
    }
    try {
      new FederatedManagedIdentity(new cdktf.TerraformStack(cdktf.Testing.app(), 'probe'), 'I', { name: 'probe', resourceGroupName: 'rg', location: 'westeurope', trusts: [c.make('azure')] });
      ok.azure.push(i);
    } catch (e) {
      if (!(e instanceof TrustConfigError)) throw e;
    }
  });
  return ok;
})();

// ------------------------------------------------------------------ generated apps

interface Plan {
  roles: { trusts: number[]; readOnly: boolean }[];
  providers: { family: Family; trusts: number[]; serviceAccounts: number[][]; buckets: number[][] }[];
  identities: { trusts: number[]; roles: number[]; existing: boolean }[];
}

const SERVICE_ACCOUNTS = ['deploy', 'reader', 'builder'].map((n) => `${n}@acme-prod.iam.gserviceaccount.com`);
const BUCKETS = ['acme-state', 'acme-artifacts'];
const AZURE_ROLES: [string, string][] = [
  ['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web', 'Contributor'],
  ['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web', 'Reader'],
  ['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data', 'Storage Blob Data Reader'],
];

const some = (from: number[], max: number) => fc.uniqueArray(fc.constantFrom(...from), { minLength: 1, maxLength: max });
const ofFamily = (f: Family) => USABLE.gcp.filter((i) => CATALOGUE[i].family === f);
const perTrust = <T>(n: number, arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: n, maxLength: n });

const planArb: fc.Arbitrary<Plan> = fc.record({
  roles: fc.array(fc.record({ trusts: some(USABLE.aws, 3), readOnly: fc.boolean() }), { maxLength: 3 }),
  providers: fc.array(fc.constantFrom<Family>('github', 'github', 'gitlab', 'buildkite', 'circleci').chain((family) => some(ofFamily(family), 3).chain((trusts) => fc.record({
    family: fc.constant(family),
    trusts: fc.constant(trusts),
    serviceAccounts: perTrust(trusts.length, fc.uniqueArray(fc.nat(SERVICE_ACCOUNTS.length - 1), { maxLength: 2 })),
    buckets: perTrust(trusts.length, fc.uniqueArray(fc.nat(BUCKETS.length - 1), { maxLength: 1 })),
  }))), { maxLength: 3 }),
  identities: fc.array(fc.record({
    trusts: some(USABLE.azure, 2),
    roles: fc.uniqueArray(fc.nat(AZURE_ROLES.length - 1), { minLength: 1, maxLength: 2 }),
    existing: fc.boolean(),
  }), { maxLength: 2 }),
}).filter((p) => p.roles.length + p.providers.length + p.identities.length > 0);

/** What was built: the model trusts of each construct, for the ground truth. */
interface Built {
  dir: string;
  roles: { logicalId: string; role: CiOidcRole }[];
  providers: GcpWorkloadIdentityProvider[];
  identities: FederatedIdentityBase[];
}

let counter = 0;
function build(plan: Plan): Built {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cit-review-diff-'));
  const cdkApp = new App({ outdir: path.join(dir, 'cdk.out') });
  const stack = new Stack(cdkApp, 'Ci', { env: { account: '123456789012', region: 'eu-west-1' } });
  const roles = plan.roles.map((r, i) => {
    // Trusts with different networks share a role only without the session deny policy.
    const role = new CiOidcRole(stack, `Role${i}`, { trusts: r.trusts.map((t) => CATALOGUE[t].make('aws')), trustPolicySizeQuota: 4096, sessionNetworkPolicy: false });
    if (r.readOnly) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));
    else role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: ['arn:aws:s3:::acme-artifacts/*'] }));
    return { logicalId: stack.getLogicalId(role.node.defaultChild as iam.CfnRole), role };
  });
  if (roles.length) cdkApp.synth();

  const tfApp = new cdktf.App({ outdir: path.join(dir, 'cdktf.out'), skipValidation: true });
  const tf = new cdktf.TerraformStack(tfApp, `ci${counter++}`);
  const providers: GcpWorkloadIdentityProvider[] = [];
  if (plan.providers.length) {
    const pool = new GcpWorkloadIdentityPool(tf, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-pool' });
    plan.providers.forEach((p, i) => {
      const trusts = p.trusts.map((t) => CATALOGUE[t].make('gcp'));
      const provider = pool.addProvider(`P${i}`, { providerId: `${p.family}-${i}`, trusts });
      provider.trusts.forEach((t, k) => {
        for (const sa of p.serviceAccounts[k] ?? []) provider.grantServiceAccountImpersonation(SERVICE_ACCOUNTS[sa], t);
        for (const b of p.buckets[k] ?? []) {
          new StorageBucketIamMember(tf, `Bucket-${i}-${k}-${b}`, { bucket: BUCKETS[b], role: 'roles/storage.objectViewer', member: provider.principalSetMember(t) });
        }
      });
      providers.push(provider);
    });
  }
  const identities: FederatedIdentityBase[] = [];
  plan.identities.forEach((p, i) => {
    // An existing identity gets its principal id from a data source the review links by name.
    const id = p.existing
      ? FederatedManagedIdentity.fromExistingIdentity(tf, `Id${i}`, { identityId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-old-${i}` })
      : new FederatedManagedIdentity(tf, `Id${i}`, { name: `id-ci-${i}`, resourceGroupName: 'rg-ci', location: 'westeurope' });
    for (const t of p.trusts) {
      try {
        id.addTrust(CATALOGUE[t].make('azure'));
      } catch (e) {
        if (!(e instanceof TrustConfigError)) throw e; // e.g. the same subject twice on one identity
      }
    }
    if (id.trusts.length === 0) return;
    for (const r of p.roles) id.grant(...AZURE_ROLES[r]);
    identities.push(id);
  });
  if (providers.length || identities.length) tfApp.synth();
  return { dir, roles, providers, identities };
}

// ------------------------------------------------------------------ the comparison

interface Token { claims: Record<string, unknown>; request?: RequestContext }

interface Figures {
  existing: number;
  apps: number;
  trusts: number;
  principals: number;
  pairs: number;
  listed: number;
  tokens: number;
  misattributions: string[];
  omissions: string[];
  possibly: number;
}

const figures: Record<string, Figures> = {};
function tally(name: string): Figures {
  // eslint-disable-next-line @stylistic/max-len
  figures[name] ??= { existing: 0, apps: 0, trusts: 0, principals: 0, pairs: 0, listed: 0, tokens: 0, possibly: 0, misattributions: [], omissions: [] };
  return figures[name];
}

/** GCP's subject fallbacks read per-run ids that real tokens always carry. */
function withRunIds(claims: Record<string, unknown>): Record<string, unknown> {
  return { jti: '8b3a2f7e-0000-4000-8000-000000000001', job_id: '0191f956-1111-7ec4-aa62-8e5eeae396d0', ...claims };
}

function compare(built: Built, f: Figures, seed: number): void {
  const { root, files } = discoverFiles(built.dir);
  const report = JSON.parse(TrustReport.fromPath(built.dir, 'app').toJson());
  const model = reviewModel(loadFiles(root, files));
  const cfnFile = files.find((x) => x.endsWith('.template.json'));
  const tfFile = files.find((x) => x.endsWith('.tf.json'));
  const template = cfnFile ? JSON.parse(fs.readFileSync(path.join(root, cfnFile), 'utf8')) : undefined;
  const doc = tfFile ? JSON.parse(fs.readFileSync(path.join(root, tfFile), 'utf8')) : undefined;

  // The model trusts, each with the review unit that must show it.
  const trusts: { trust: Trust; unit: string; cloud: Cloud }[] = [];
  const unitFor = (cloud: Cloud, onResource: (resource: string) => boolean, t: Trust): string => {
    const hits = report.trusts.filter((u: any) => u.cloud === cloud && u.metadata?.id === t.fingerprint && onResource(u.resource));
    expect({ trust: t.description, units: hits.map((u: any) => u.id) }).toEqual({ trust: t.description, units: [expect.any(String)] });
    return hits[0].id;
  };
  for (const { logicalId, role } of built.roles) for (const t of role.trusts) trusts.push({ trust: t, cloud: 'aws', unit: unitFor('aws', (r) => r === logicalId, t) });
  for (const p of built.providers) {
    const address = `google_iam_workload_identity_pool_provider.${p.resource.friendlyUniqueId}`;
    for (const t of p.trusts) trusts.push({ trust: t, cloud: 'gcp', unit: unitFor('gcp', (r) => r === address, t) });
  }
  for (const id of built.identities) {
    if (!(id as FederatedManagedIdentity).identity) f.existing++;
    const managed = (id as FederatedManagedIdentity).identity;
    const address = managed ? `azurerm_user_assigned_identity.${managed.friendlyUniqueId}` : id.identityId;
    const parent = managed ? `\${${address}.id}` : id.identityId;
    const own = (r: string) => r === address || doc.resource.azurerm_federated_identity_credential?.[r.split('.')[1]]?.parent_id === parent;
    for (const t of id.trusts) trusts.push({ trust: t, cloud: 'azure', unit: unitFor('azure', own, t) });
  }
  // Every trust shown, and nothing else: the review's units are the model's trusts.
  expect(report.trusts.map((u: any) => u.id).sort()).toEqual(trusts.map((t) => t.unit).sort());
  expect(report.summary.declaredWarnings).toBe(trusts.reduce((n, t) => n + t.trust.findings.length, 0));
  f.trusts += trusts.length;

  // The principals, read from the artifacts (not from the review), with a simulator for each.
  type Sim = (tok: Token) => boolean;
  const principals: { id: string; admits: Sim }[] = [];
  if (template) {
    for (const [logicalId, r] of Object.entries<any>(template.Resources)) {
      if (r.Type !== 'AWS::IAM::Role' || !JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('Federated')) continue;
      const sim = AwsTrustSimulator.fromTemplate(template, logicalId);
      principals.push({ id: `${cfnFile}#${logicalId}`, admits: (tok) => sim.evaluate({ claims: tok.claims, ...tok.request }).allowed });
    }
  }
  if (doc) {
    const poolOf = (p: any) => doc.resource.google_iam_workload_identity_pool[/^\$\{google_iam_workload_identity_pool\.([^.]+)\./.exec(p.workload_identity_pool_id)![1]].workload_identity_pool_id;
    const providerIds = Object.values<any>(doc.resource.google_iam_workload_identity_pool_provider ?? {}).map((p) => `${poolOf(p)}/${p.workload_identity_pool_provider_id}`);
    const gcpSims = providerIds.map((id) => GcpTrustSimulator.fromTerraformJson(doc, id));
    for (const type of Object.keys(doc.resource).filter((t) => /^google_.+_iam_member$/.test(t))) {
      for (const [name, r] of Object.entries<any>(doc.resource[type])) {
        principals.push({ id: `${tfFile}#${type}.${name}`, admits: (tok) => gcpSims.some((s) => s.evaluate({ claims: withRunIds(tok.claims), gcpMember: r.member }).allowed) });
      }
    }
    for (const [name, r] of Object.entries<any>(doc.resource.azurerm_role_assignment ?? {})) {
      const [, data, identity] = /^\$\{(data\.)?azurerm_user_assigned_identity\.([^.]+)\.principal_id\}$/.exec(r.principal_id)!;
      const sim = AzureTrustSimulator.fromTerraformJson(doc, (data ? doc.data : doc.resource).azurerm_user_assigned_identity[identity].name);
      principals.push({ id: `${tfFile}#azurerm_role_assignment.${name}`, admits: (tok) => sim.evaluate({ claims: tok.claims }).allowed });
    }
  }
  expect(report.principals.map((p: any) => p.id).sort()).toEqual(principals.map((p) => p.id).sort());
  f.principals += principals.length;

  // Tokens: generated for every trust, and the review's witnesses.
  const pool: Token[] = [];
  for (const { trust } of trusts) {
    const reqs = fc.sample(requestFor(trust), { seed, numRuns: TOKENS_PER_TRUST });
    const claims = fc.sample(tokenFor(trust), { seed, numRuns: TOKENS_PER_TRUST });
    claims.forEach((c, i) => pool.push({ claims: c, ...(reqs[i] ? { request: reqs[i] } : {}) }));
  }
  for (const { witness } of model.attributions) {
    if (witness) pool.push({ claims: witness.claims, ...(witness.request ? { request: witness.request } : {}) });
  }
  f.tokens += pool.length;

  const unitOfTrust = new Map(trusts.map((t) => [t.unit, t]));
  for (const p of principals) {
    const listed = new Set<string>();
    for (const u of report.principals.find((x: any) => x.id === p.id).usedBy) {
      if (u.certainty === 'possibly') f.possibly++;
      else listed.add(u.trust);
    }
    const admitted = new Set<string>();
    for (const tok of pool) {
      // Network fields only reach the AWS simulator; a token with one is judged by the trusts that need it.
      const mine = trusts.filter(({ trust, cloud }) => trust.evaluate(cloud === 'gcp' ? withRunIds(tok.claims) : tok.claims, tok.request).allowed);
      if (mine.length === 0 || mine.every((m) => admitted.has(m.unit))) continue;
      if (tok.request && !p.id.includes('.template.json#')) continue;
      if (!p.admits(tok)) continue;
      for (const m of mine) admitted.add(m.unit);
    }
    f.pairs += trusts.length;
    f.listed += listed.size;
    for (const u of listed) if (!admitted.has(u)) f.misattributions.push(`${p.id} listed for ${unitOfTrust.get(u)?.trust.description ?? u}`);
    for (const u of admitted) if (!listed.has(u)) f.omissions.push(`${p.id} not listed for ${unitOfTrust.get(u)?.trust.description ?? u}`);
  }
  f.apps++;
}

afterAll(() => {
  for (const [name, x] of Object.entries(figures)) {
    // The figures the pull request quotes.
    process.stdout.write(`review differential (${name}): ${x.apps} apps, ${x.trusts} trusts, ${x.principals} principals, ${x.pairs} (trust, principal) pairs, ${x.listed} listed, ${x.tokens} tokens, ${x.existing} existing Azure identities; ${x.misattributions.length} misattributions, ${x.omissions.length} omissions, ${x.possibly} undecided\n`);
  }
});

describe('generated apps', () => {
  const plans = fc.sample(planArb, { seed: 20261201, numRuns: APPS });
  test.each(plans.map((p, i) => [i, p] as [number, Plan]))('app %i: who can use each principal is what the simulators admit', (i, plan) => {
    const f = tally('generated');
    const before = { m: f.misattributions.length, o: f.omissions.length, p: f.possibly };
    compare(build(plan), f, 1000 + i);
    expect(f.misattributions.slice(before.m)).toEqual([]);
    expect(f.omissions.slice(before.o)).toEqual([]);
    expect(f.possibly - before.p).toBe(0);
  });
});

describe('many trusts per provider', () => {
  // Every GitHub and every GitLab trust GCP compiles on one provider each (overlapping trusts,
  // in-lists, patterns, shared pins): the provider condition reads the per-trust attributes.
  test.each(['github', 'gitlab'] as Family[])('%s: who can use each grant is what the simulator admits', (family) => {
    const trusts = ofFamily(family);
    const serviceAccounts = trusts.map((_, k) => [k % SERVICE_ACCOUNTS.length]);
    const buckets = trusts.map((_, k) => (k % 2 ? [0] : []));
    const plan: Plan = { roles: [], identities: [], providers: [{ family, trusts, serviceAccounts, buckets }] };
    const f = tally('many trusts per provider');
    const before = { m: f.misattributions.length, o: f.omissions.length, p: f.possibly };
    compare(build(plan), f, family === 'github' ? 77 : 78);
    expect(f.misattributions.slice(before.m)).toEqual([]);
    expect(f.omissions.slice(before.o)).toEqual([]);
    expect(f.possibly - before.p).toBe(0);
  });
});

describe('examples', () => {
  const names = fs.readdirSync(EXAMPLES).filter((x) => /^(aws|gcp|azure)-.*\.ts$/.test(x)).map((x) => x.replace(/\.ts$/, '')).sort();
  test.each(names)('%s: who can use each principal is what the simulators admit', (name) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cit-review-ex-${name}-`));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const app = require(path.join(EXAMPLES, name)).main(dir);
    const all = app.node.findAll();
    const built: Built = {
      dir,
      roles: all.filter((c: any) => c instanceof CiOidcRole)
        .map((role: CiOidcRole) => ({ logicalId: Stack.of(role).getLogicalId(role.node.defaultChild as iam.CfnRole), role })),
      providers: all.filter((c: any) => c instanceof GcpWorkloadIdentityProvider),
      identities: all.filter((c: any) => c instanceof FederatedIdentityBase),
    };
    const f = tally('examples');
    const before = { m: f.misattributions.length, o: f.omissions.length, p: f.possibly };
    compare(built, f, 7);
    expect(f.misattributions.slice(before.m)).toEqual([]);
    expect(f.omissions.slice(before.o)).toEqual([]);
    expect(f.possibly - before.p).toBe(0);
  });
});
