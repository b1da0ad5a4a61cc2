/**
 * Trust-policy size: the compiled AWS trust policy of N trusts against the shortest hand-written
 * policy with the same meaning, and how many trusts of each shape fit one role at IAM's default
 * 2,048-character quota (and at 4,096). Lengths are IAM's count: minified JSON, one literal provider
 * ARN for both (CiOidcProvider.fromOidcProviderArn), so only the statements differ.
 *
 * The hand-written policies are written here from the same values, not derived from the compiler:
 * one statement per distinct set of condition keys, every key's values in one list, as the peers
 * and terraform-aws-modules write them.
 *
 *   TS_NODE_PROJECT=test/tsconfig.json npx ts-node --prefer-ts-exts --transpile-only bench/policy-size.ts
 */
/* eslint-disable no-console */
import { App, Stack } from 'aws-cdk-lib';
import { Buildkite, CiOidcPrincipal, CiOidcProvider, GitHubActions, GitHubSubjectFormat, GitLabCi, Trust, TrustErrors } from '../lib';

const ACCOUNT = '123456789012';
const GH = 'token.actions.githubusercontent.com';
const GL = 'gitlab.com';
const BK = 'agent.buildkite.com';
const arn = (host: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`;
const pad = (i: number) => String(i).padStart(2, '0');

interface Scenario {
  readonly name: string;
  readonly trusts: (n: number) => Trust[];
  /** The shortest hand-written policy with the same meaning. */
  readonly handWritten: (n: number) => unknown[];
}

function statement(host: string, condition: Record<string, Record<string, string | string[]>>, action: string | string[] = 'sts:AssumeRoleWithWebIdentity') {
  return { Effect: 'Allow', Principal: { Federated: arn(host) }, Action: action, Condition: condition };
}
const list = (values: string[]) => (values.length === 1 ? values[0] : values);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const OWNER = { owner: 'acme', ownerId: '1234567' };
const REPO = { ...OWNER, repository: 'web', repositoryId: '89012345' };
const IMMUTABLE = { ...REPO, subjectFormat: GitHubSubjectFormat.IMMUTABLE };
const NAME = 'repo:acme/web';
const IMM = 'repo:acme@1234567/web@89012345';
const bkId = (i: number) => `0190e4f0-7b3c-4c1a-9d5e-${String(i).padStart(12, '0')}`;

const SCENARIOS: Scenario[] = [
  {
    name: '(a) N branches of one GitHub repository, immutable subject',
    trusts: (n) => range(n).map((i) => GitHubActions.repository(IMMUTABLE).onBranch(`release-${pad(i)}`).toTrust()),
    handWritten: (n) => [statement(GH, { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: list(range(n).map((i) => `${IMM}:ref:refs/heads/release-${pad(i)}`)) } })],
  },
  {
    // The default with ids: either subject form, the repository id pinned (docs/subject-format.md).
    name: '(a′) the same in the default subject form (name or immutable, `repository_id` pinned)',
    trusts: (n) => range(n).map((i) => GitHubActions.repository(REPO).onBranch(`release-${pad(i)}`).toTrust()),
    handWritten: (n) => [statement(GH, { StringEquals: {
      [`${GH}:aud`]: 'sts.amazonaws.com',
      [`${GH}:repository_id`]: '89012345',
      [`${GH}:sub`]: list(range(n).flatMap((i) => [`${NAME}:ref:refs/heads/release-${pad(i)}`, `${IMM}:ref:refs/heads/release-${pad(i)}`])),
    } })],
  },
  {
    name: '(b) N GitHub repositories, one environment each, immutable subject',
    trusts: (n) => range(n).map((i) => GitHubActions.repository({ ...OWNER, repository: `svc-${pad(i)}`, repositoryId: String(500000 + i), subjectFormat: GitHubSubjectFormat.IMMUTABLE }).inEnvironment('production').toTrust()),
    handWritten: (n) => [statement(GH, { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: list(range(n).map((i) => `repo:acme@1234567/svc-${pad(i)}@${500000 + i}:environment:production`)) } })],
  },
  {
    // Each repository pairs its name with its own id: one list of names and one of ids would admit a
    // repository renamed to another's old name, so the shortest exact policy is one statement per
    // repository, by hand too.
    name: '(b′) the same in the default subject form',
    trusts: (n) => range(n).map((i) => GitHubActions.repository({ ...OWNER, repository: `svc-${pad(i)}`, repositoryId: String(500000 + i) }).inEnvironment('production').toTrust()),
    handWritten: (n) => range(n).map((i) => statement(GH, { StringEquals: {
      [`${GH}:aud`]: 'sts.amazonaws.com',
      [`${GH}:repository_id`]: String(500000 + i),
      [`${GH}:sub`]: [`repo:acme/svc-${pad(i)}:environment:production`, `repo:acme@1234567/svc-${pad(i)}@${500000 + i}:environment:production`],
    } })),
  },
  {
    name: '(c) environments and branches mixed, immutable subject',
    trusts: (n) => range(n).map((i) => (i % 2 === 0
      ? GitHubActions.repository(IMMUTABLE).onBranch(`feature-${pad(i)}`).toTrust()
      : GitHubActions.repository(IMMUTABLE).inEnvironment(`env-${pad(i)}`).toTrust())),
    handWritten: (n) => [statement(GH, { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: list(range(n).map((i) => (i % 2 === 0 ? `${IMM}:ref:refs/heads/feature-${pad(i)}` : `${IMM}:environment:env-${pad(i)}`)).sort()) } })],
  },
  {
    name: '(d) N GitLab protected branches of one project (project id pinned)',
    trusts: (n) => range(n).map((i) => GitLabCi.project({ projectPath: 'acme/infra', projectId: '4242' }).onProtectedBranch(`release-${pad(i)}`).toTrust()),
    handWritten: (n) => [statement(GL, { StringEquals: {
      [`${GL}:aud`]: 'sts.amazonaws.com',
      [`${GL}:project_id`]: '4242',
      [`${GL}:ref_protected`]: 'true',
      [`${GL}:sub`]: list(range(n).map((i) => `project_path:acme/infra:ref_type:branch:ref:release-${pad(i)}`)),
    } })],
  },
  {
    // Pipelines differ in both the subject and the pipeline id tag: one list per key would also
    // admit pipeline A's subject with pipeline B's id, so the shortest exact policy is one
    // statement per pipeline, by hand too.
    name: '(e) N Buildkite pipelines, pipeline id as a session tag',
    trusts: (n) => range(n).map((i) => Buildkite.pipeline({ organization: 'acme', pipeline: `deploy-${pad(i)}`, pipelineId: bkId(i) }).onBranch('main').withAwsSessionTags('pipeline_id').toTrust()),
    handWritten: (n) => range(n).map((i) => statement(BK, {
      StringEquals: { [`${BK}:aud`]: 'sts.amazonaws.com', 'aws:RequestTag/pipeline_id': bkId(i) },
      StringLike: { [`${BK}:sub`]: `organization:acme:pipeline:deploy-${pad(i)}:ref:refs/heads/main:commit:*:step:*` },
    }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'])),
  },
];

function compiled(trusts: Trust[]): { length: number; statements: unknown[] } | undefined {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const providers = [...new Set(trusts.map((t) => t.issuer))].map((iss, i) => CiOidcProvider.fromOidcProviderArn(stack, `P${i}`, arn(iss.replace('https://', '')), iss));
  try {
    const p = CiOidcPrincipal.fromTrusts(stack, trusts, { providers, trustPolicySizeQuota: 8192 });
    return { length: p._policyLength(), statements: p._statements };
  } catch (e) {
    // Over even the largest quota: no size to report. Any other refusal is the bench's bug.
    if (TrustErrors.detailsOf(e)?.problem.includes('ACLSizePerRole')) return undefined;
    throw e;
  }
}

const policyLength = (statements: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statements }).length;

/** Largest N whose compiled policy is at most `quota` characters. */
function capacity(s: Scenario, quota: number): number {
  let n = 1;
  while (n < 400) {
    const c = compiled(s.trusts(n + 1));
    if (!c || c.length > quota) return n;
    n++;
  }
  return n;
}

/** One shape measured: the lengths at N = 1, 5, 10, 25 (those within 8,192) and the trusts per role at 2,048 / 4,096. */
export interface Measured {
  readonly name: string;
  readonly points: { readonly n: number; readonly compiled: number; readonly handWritten: number; readonly statements: number }[];
  readonly fit: readonly [number, number];
}

export function measure(): Measured[] {
  return SCENARIOS.map((s) => ({
    name: s.name,
    points: [1, 5, 10, 25].flatMap((n) => {
      const c = compiled(s.trusts(n));
      return c ? [{ n, compiled: c.length, handWritten: policyLength(s.handWritten(n)), statements: c.statements.length }] : [];
    }),
    fit: [capacity(s, 2048), capacity(s, 4096)] as const,
  }));
}

/** The shape's row of the table in docs/benchmarks.md (test/docs/benchmarks.test.ts holds the docs to it). */
export function docsRow(m: Measured): string {
  const nums = (xs: number[]) => xs.map((x) => x.toLocaleString('en-US')).join(', ');
  const compiledLengths = m.points.map((p) => p.compiled);
  const hand = m.points.map((p) => p.handWritten);
  const same = compiledLengths.every((c, i) => c === hand[i]);
  const ratio = Math.max(...m.points.map((p) => p.compiled / p.handWritten));
  return `| ${m.name} | ${nums(compiledLengths)} ${same ? '(same)' : `(hand-written: ${nums(hand)})`} | ${ratio.toFixed(2)}× | ${m.fit[0]} / ${m.fit[1]} |`;
}

if (require.main === module) {
  const measured = measure();
  console.log(`Machine: ${require('os').cpus()[0].model}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log('| scenario | trusts | compiled chars | hand-written chars | ratio | statements |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const m of measured) {
    for (const p of m.points) console.log(`| ${m.name} | ${p.n} | ${p.compiled} | ${p.handWritten} | ${(p.compiled / p.handWritten).toFixed(2)}× | ${p.statements} |`);
    console.log(`| ${m.name} | **fit at 2,048 / 4,096** | **${m.fit[0]} / ${m.fit[1]}** | | | |`);
  }
  console.log('\nThe rows of docs/benchmarks.md:\n');
  for (const m of measured) console.log(docsRow(m));
}
