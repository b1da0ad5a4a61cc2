/**
 * Capacity: how many trusts of common shapes fit one GCP workload identity provider (before which
 * GCP limit: attribute_condition 4,096 characters, one mapping expression 2,048, 50 custom
 * attributes) and one Azure user-assigned identity (20 federated credentials), and the GCP
 * condition's length against the shortest hand-written `in`-list condition with the same meaning
 * (what one provider admits). One AWS role: bench/policy-size.ts.
 *
 * The hand-written conditions are written here from the same values, not derived from the
 * compiler. They are what a provider admits, not what each grant admits: a hand-written provider
 * shared by N trusts has no per-trust attribute, so its grants are wider than each trust.
 *
 *   TS_NODE_PROJECT=test/tsconfig.json npx ts-node --prefer-ts-exts --transpile-only bench/capacity.ts [--show]
 */
/* eslint-disable no-console */
import { App, TerraformStack } from 'cdktf';
import { Buildkite, FederatedManagedIdentity, GcpWorkloadIdentityPool, GitHubActions, GitHubSubjectFormat, GitLabCi, Trust } from '../lib';

const pad = (i: number) => String(i).padStart(2, '0');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const OWNER = { owner: 'acme', ownerId: '1234567' };
const REPO = { ...OWNER, repository: 'web', repositoryId: '89012345' };
const bkId = (i: number) => `0190e4f0-7b3c-4c1a-9d5e-${String(i).padStart(12, '0')}`;
const q = (s: string) => `'${s}'`;
const inList = (ref: string, values: string[]) => (values.length === 1 ? `${ref} == ${q(values[0])}` : `${ref} in [${values.map(q).join(', ')}]`);

interface GcpScenario {
  readonly name: string;
  readonly trusts: (n: number) => Trust[];
  /** The shortest hand-written condition admitting the same tokens as the provider. */
  readonly handWritten: (n: number) => string;
}

const ghSubjects = (repo: string, id: string, ctx: string) => [`repo:acme/${repo}:${ctx}`, `repo:acme@1234567/${repo}@${id}:${ctx}`];

const GCP: GcpScenario[] = [
  {
    name: 'N branches of one GitHub repository (default: both subject forms, repository id)',
    trusts: (n) => range(n).map((i) => GitHubActions.repository(REPO).onBranch(`release-${pad(i)}`).toTrust()),
    handWritten: (n) => `assertion.repository_id == '89012345' && ${inList('assertion.sub', range(n).flatMap((i) => ghSubjects('web', '89012345', `ref:refs/heads/release-${pad(i)}`)).sort())}`,
  },
  {
    name: 'N branches of one GitHub repository (immutable subject)',
    trusts: (n) => range(n).map((i) => GitHubActions.repository({ ...REPO, subjectFormat: GitHubSubjectFormat.IMMUTABLE }).onBranch(`release-${pad(i)}`).toTrust()),
    // The immutable subject carries the ids: no separate repository id pin.
    handWritten: (n) => inList('assertion.sub', range(n).map((i) => `repo:acme@1234567/web@89012345:ref:refs/heads/release-${pad(i)}`)),
  },
  {
    // Each repository's name-form subject is exact only with its own id: one alternative each.
    name: 'N GitHub repositories, one environment each (default subject forms)',
    trusts: (n) => range(n).map((i) => GitHubActions.repository({ ...OWNER, repository: `svc-${pad(i)}`, repositoryId: String(500000 + i) }).inEnvironment('production').toTrust()),
    handWritten: (n) => range(n).map((i) => `(assertion.repository_id == '${500000 + i}' && ${inList('assertion.sub', ghSubjects(`svc-${pad(i)}`, String(500000 + i), 'environment:production'))})`).join(' || '),
  },
  {
    name: 'N GitLab protected branches of one project (project id pinned)',
    trusts: (n) => range(n).map((i) => GitLabCi.project({ projectPath: 'acme/infra', projectId: '4242' }).onProtectedBranch(`release-${pad(i)}`).toTrust()),
    handWritten: (n) => `assertion.project_id == '4242' && assertion.ref_protected == 'true' && ${inList('assertion.sub', range(n).map((i) => `project_path:acme/infra:ref_type:branch:ref:release-${pad(i)}`))}`,
  },
  {
    // The composite subject holds the commit and step, so it is a pattern per pipeline.
    name: 'N Buildkite pipelines (pipeline id pinned), branch main',
    trusts: (n) => range(n).map((i) => Buildkite.pipeline({ organization: 'acme', pipeline: `deploy-${pad(i)}`, pipelineId: bkId(i) }).onBranch('main').toTrust()),
    // `matches` is a search: the trailing `.*$` is not needed; `(?s)` is (a step key may hold a newline).
    handWritten: (n) => range(n).map((i) => `(assertion.pipeline_id == '${bkId(i)}' && assertion.sub.matches('(?s)^organization:acme:pipeline:deploy-${pad(i)}:ref:refs/heads/main:commit:.*:step:'))`).join(' || '),
  },
];

interface Compiled { condition: string; mapping: Record<string, string> }

let counter = 0;
function gcpProvider(trusts: Trust[]): Compiled | string {
  const stack = new TerraformStack(new App(), `s${counter++}`);
  const pool = new GcpWorkloadIdentityPool(stack, 'Pool', { projectId: 'acme-prod', projectNumber: '123456789012', poolId: 'ci-pool' });
  try {
    const p = pool.addProvider('P', { providerId: 'ci-provider', trusts });
    return { condition: p.attributeCondition, mapping: p.attributeMapping };
  } catch (e) {
    return (e as Error).message;
  }
}

/** The GCP limit a refusal names. */
function limitOf(message: string): string {
  if (/attribute_condition is \d+ characters/.test(message)) return 'condition 4,096 chars';
  if (/mapping expression .* over GCP's limit of 2048/.test(message)) return 'mapping expression 2,048 chars';
  if (/custom attributes/.test(message)) return '50 custom attributes';
  return message;
}

/** Largest N that compiles, and what stops N + 1. */
function gcpCapacity(s: GcpScenario): { n: number; limit: string } {
  for (let n = 1; n <= 60; n++) {
    const c = gcpProvider(s.trusts(n));
    if (typeof c === 'string') return { n: n - 1, limit: limitOf(c) };
  }
  return { n: 60, limit: 'none up to 60' };
}

const mappingChars = (c: Compiled) => Object.entries(c.mapping).filter(([k]) => k.startsWith('attribute.')).reduce((a, [, v]) => a + v.length, 0);
const maxMapping = (c: Compiled) => Math.max(...Object.entries(c.mapping).filter(([k]) => k.startsWith('attribute.')).map(([, v]) => v.length));

interface AzureScenario { readonly name: string; readonly trust: (i: number) => Trust }
const AZURE: AzureScenario[] = [
  { name: 'GitHub, one branch (immutable subject: 1 credential)', trust: (i) => GitHubActions.repository({ ...REPO, subjectFormat: GitHubSubjectFormat.IMMUTABLE }).onBranch(`release-${pad(i)}`).toTrust() },
  { name: 'GitHub, branches main and develop (2 credentials)', trust: (i) => GitHubActions.repository({ ...OWNER, repository: `svc-${pad(i)}`, repositoryId: String(500000 + i), subjectFormat: GitHubSubjectFormat.IMMUTABLE }).onBranch('main', 'develop').toTrust() },
  { name: 'GitHub, environments dev, staging and production (3 credentials)', trust: (i) => GitHubActions.repository({ ...OWNER, repository: `svc-${pad(i)}`, repositoryId: String(500000 + i), subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('dev', 'staging', 'production').toTrust() },
];

function azureCapacity(s: AzureScenario): { n: number; limit: string } {
  const id = new FederatedManagedIdentity(new TerraformStack(new App(), `a${counter++}`), 'Id', { name: 'id-ci', resourceGroupName: 'rg-ci', location: 'westeurope' });
  for (let n = 0; n < 60; n++) {
    try {
      id.addTrust(s.trust(n));
    } catch (e) {
      return { n, limit: /20/.test((e as Error).message) ? '20 credentials per identity' : (e as Error).message };
    }
  }
  return { n: 60, limit: 'none up to 60' };
}

const show = process.argv.includes('--show');
console.log(`Machine: ${require('os').cpus()[0].model}, ${require('os').cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('\nGCP: one provider');
console.log('| shape | trusts per provider | stopped by | condition chars at N = 1, 5, 10 (hand-written) | condition ratio at 10 | largest mapping expression at 10 | condition + mappings at 10 (ratio) |');
console.log('|---|---:|---|---|---:|---:|---:|');
for (const s of GCP) {
  const cap = gcpCapacity(s);
  const at = [1, 5, 10].map((n) => ({ n, c: gcpProvider(s.trusts(n)), h: s.handWritten(n).length }));
  const cells = at.map(({ c, h }) => (typeof c === 'string' ? `refused (${h})` : `${c.condition.length} (${h})`)).join(', ');
  const ten = at[2].c;
  const ratio = typeof ten === 'string' ? '—' : `${(ten.condition.length / at[2].h).toFixed(2)}×`;
  const total = typeof ten === 'string' ? '—' : `${ten.condition.length + mappingChars(ten)} (${((ten.condition.length + mappingChars(ten)) / at[2].h).toFixed(2)}×)`;
  console.log(`| ${s.name} | ${cap.n} | ${cap.limit} | ${cells} | ${ratio} | ${typeof ten === 'string' ? '—' : maxMapping(ten)} | ${total} |`);
  if (show && typeof at[1].c !== 'string') {
    console.log(`  compiled N=5: ${at[1].c.condition}`);
    console.log(`  mapping N=5: ${JSON.stringify(at[1].c.mapping)}`);
    console.log(`  hand-written N=5: ${s.handWritten(5)}`);
  }
}
console.log('\nAzure: one user-assigned identity');
console.log('| shape | trusts per identity | stopped by |');
console.log('|---|---:|---|');
for (const s of AZURE) {
  const cap = azureCapacity(s);
  console.log(`| ${s.name} | ${cap.n} | ${cap.limit} |`);
}
