import type { GitHubDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AZURE_CLOUDS, azureCloud, firstAudience, gcpAccessNote, isGcpDefaultAudience, renderFiles, SnippetFile, UNKNOWN_REGION, UNKNOWN_TENANT, yq } from '../snippet-parts';

/*
 * The workflow(s) a GitHub Actions trust needs: the trigger that yields the pinned context, the job's
 * environment, runner and called workflow, and the cloud's login action (which reads the token
 * through the runner's id-token permission and never prints a credential). Contexts that cannot
 * share a run get a workflow each: a pull-request run's subject is `pull_request`, never a ref.
 * Grammar: https://docs.github.com/en/actions/reference/security/oidc
 */

/** Claims a workflow sets itself; any other pin is a fact about the repository or the person. */
/** Pinned claims by name. */
type Pins = { readonly [claim: string]: readonly string[] };

const SET_BY_WORKFLOW = new Set(['event_name', 'runner_environment', 'job_workflow_ref', 'workflow', 'workflow_ref']);

/** The workflow(s) for one trust. @internal */
export function githubSnippet(source: SnippetSource<GitHubDetails>, t: SnippetTarget): string {
  const d = source._details;
  const claims = d.claims ?? {};
  const refs = d.refs ?? [];
  const envs = d.environments ?? [];
  const notes = repositoryNotes(d, claims);
  const files: SnippetFile[] = [];
  const events = claims.event_name;
  const pushRefs = refs.length ? refs : [];
  const called = claims.job_workflow_ref?.[0];
  const workflowPath = claims.workflow_ref?.[0] ? `.github/workflows/${claims.workflow_ref[0].split('/.github/workflows/')[1]?.split('@')[0]}` : undefined;

  if (envs.length || pushRefs.length || d.anyRef || !d.pullRequest) {
    // Without refs, an environment job runs when started by hand; with refs, on a push to them.
    const on = trigger(events?.filter((e) => e !== 'pull_request') ?? [envs.length && !pushRefs.length ? 'workflow_dispatch' : 'push'], pushRefs);
    const jobs = (envs.length ? envs : [undefined]).map((env) => job(env, on.guard, claims, source, t, called));
    files.push({ path: workflowPath ?? '.github/workflows/deploy.yml', syntax: 'yaml', notes, body: workflow(claims, on.text, jobs) });
  }
  if (d.pullRequest) {
    // A separate run: pull-request runs execute the pull request's code; grant this role read-only permissions.
    files.push({
      path: '.github/workflows/pull-request.yml',
      syntax: 'yaml',
      notes: [...(files.length ? [] : notes), 'Pull-request runs (sub ...:pull_request) run the pull request\'s code: give this trust read-only permissions.'],
      body: workflow(claims, 'on:\n  pull_request:\n', [job(undefined, undefined, claims, source, t, called)]),
    });
  }
  if (called) files.push(calledWorkflow(called, envs, claims, source, t));
  return renderFiles(files);
}

/** Settings and facts outside the workflow file that the token depends on. */
function repositoryNotes(d: GitHubDetails, claims: Pins): string[] {
  const notes = [`In repository ${d.owner}/${d.repository}${d.repositoryId ? ` (id ${d.repositoryId}, owner id ${d.ownerId})` : ''} on ${d.issuerWebUrl}.`];
  if (d.subjectTemplate) {
    notes.push(`The repository's OIDC subject template must be ${JSON.stringify({ use_default: false, include_claim_keys: d.subjectTemplate })} (PUT /repos/${d.owner}/${d.repository}/actions/oidc/customization/sub).`);
  }
  if (d.subjectFormat === 'IMMUTABLE') notes.push(`The repository must emit the immutable subject (repo:${d.owner}@${d.ownerId}/${d.repository}@${d.repositoryId}:…): new repositories do; others opt in.`);
  for (const [claim, values] of Object.entries(claims)) {
    if (!SET_BY_WORKFLOW.has(claim)) notes.push(`The token must also carry ${claim} = ${values.map((v) => JSON.stringify(v)).join(' or ')} (a fact of the repository or the run, not set by this workflow).`);
  }
  return notes;
}

interface Trigger { readonly text: string; readonly guard?: string }

/**
 * `on:` for the pinned refs: a push to them (GitHub's filter syntax: `*` stops at `/`, so a
 * trust's `*` becomes `**`; filter metacharacters in names are escaped). Events other than push
 * run on a ref chosen at run time: the job then checks `github.ref`.
 */
function trigger(events: readonly string[], refs: readonly string[]): Trigger {
  const branches = refs.filter((r) => r.startsWith('refs/heads/')).map((r) => filterPattern(r.slice(11)));
  const tags = refs.filter((r) => r.startsWith('refs/tags/')).map((r) => filterPattern(r.slice(10)));
  const lines = ['on:'];
  for (const e of events) {
    if (e === 'push') {
      lines.push('  push:');
      if (branches.length) lines.push(`    branches: [${branches.map(yq).join(', ')}]`);
      if (tags.length) lines.push(`    tags: [${tags.map(yq).join(', ')}]`);
    } else if (e === 'schedule') {
      lines.push('  schedule:', '    - cron: "0 6 * * 1"');
    } else {
      lines.push(`  ${e}:`);
    }
  }
  const literal = refs.filter((r) => !r.includes('*'));
  const guard = events.some((e) => e !== 'push') && literal.length ? literal.map((r) => `github.ref == '${r}'`).join(' || ') : undefined;
  return { text: `${lines.join('\n')}\n`, guard };
}

function filterPattern(name: string): string {
  return name.replace(/[\\?+[\]!]/g, (c) => `\\${c}`).replace(/\*/g, '**');
}

function workflow(claims: Pins, on: string, jobs: string[]): string {
  const name = claims.workflow?.[0];
  return `${name ? `name: ${yq(name)}\n` : ''}${on}permissions:\n  id-token: write  # lets the job request its OIDC token\n  contents: read\njobs:\n${jobs.join('')}`;
}

function jobId(env: string | undefined): string {
  return env === undefined ? 'deploy' : `deploy-${env.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'env'}`;
}

function runsOn(claims: Pins): string {
  return claims.runner_environment?.[0] === 'self-hosted' ? 'self-hosted' : 'ubuntu-latest  # a GitHub-hosted runner';
}

/** One job: in the environment, on the runner, with the login step (or calling the pinned reusable workflow). */
function job(
  env: string | undefined, guard: string | undefined, claims: Pins, source: SnippetSource, t: SnippetTarget, called: string | undefined,
): string {
  const lines = [`  ${jobId(env)}:`];
  if (guard) lines.push(`    if: ${guard}`);
  if (called) {
    const [path, ref] = called.split('@');
    lines.push(`    uses: ${path}@${ref.replace(/^refs\/(heads|tags)\//, '')}  # the called workflow below; its job logs in`);
    if (env !== undefined) lines.push('    with:', `      environment: ${yq(env)}`);
    lines.push('    permissions:', '      id-token: write', '      contents: read');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`    runs-on: ${runsOn(claims)}`);
  if (env !== undefined) lines.push(`    environment: ${yq(env)}`);
  lines.push('    steps:');
  return `${lines.join('\n')}\n${loginStep(source, t, 6)}`;
}

/** The reusable workflow the trust pins (`job_workflow_ref`): its job runs in the environment and logs in. */
function calledWorkflow(called: string, envs: readonly string[], claims: Pins, source: SnippetSource, t: SnippetTarget): SnippetFile {
  const [path, ref] = called.split('@');
  const [owner, repo, ...rest] = path.split('/');
  const lines = ['on:', '  workflow_call:'];
  if (envs.length) lines.push('    inputs:', '      environment:', '        type: string', '        required: true');
  lines.push('jobs:', '  deploy:', `    runs-on: ${runsOn(claims)}`);
  if (envs.length) lines.push('    environment: ${{ inputs.environment }}');
  lines.push('    steps:');
  return {
    path: `${rest.join('/')} in ${owner}/${repo} at ${ref} (the called workflow)`,
    syntax: 'yaml',
    body: `${lines.join('\n')}\n${loginStep(source, t, 6)}`,
  };
}

/** The cloud's login action, with everything it needs spelled out. */
function loginStep(source: SnippetSource, t: SnippetTarget, indent: number): string {
  const aud = firstAudience(source);
  const p = ' '.repeat(indent);
  const w = (lines: string[]) => lines.map((l) => `${p}${l}\n`).join('');
  if (t.cloud === 'aws') {
    return w(['- uses: aws-actions/configure-aws-credentials@v4', '  with:', `    role-to-assume: ${yq(t.principal)}`, `    aws-region: ${yq(t.region ?? UNKNOWN_REGION)}`, `    audience: ${yq(aud)}`]);
  }
  if (t.cloud === 'gcp') {
    return w([
      `# ${gcpAccessNote(t)}`,
      '- uses: google-github-actions/auth@v2',
      '  with:',
      `    workload_identity_provider: ${yq(t.principal)}`,
      ...(t.serviceAccount ? [`    service_account: ${yq(t.serviceAccount)}`] : []),
      // The action's default audience is the provider's https://iam.googleapis.com/… name.
      ...(isGcpDefaultAudience(aud, t) ? [] : [`    audience: ${yq(aud)}`]),
    ]);
  }
  const cloud = azureCloud(t);
  return w([
    '- uses: azure/login@v2',
    '  with:',
    `    client-id: ${yq(t.principal)}`,
    `    tenant-id: ${yq(t.tenantId ?? UNKNOWN_TENANT)}`,
    ...(t.subscriptionId ? [`    subscription-id: ${yq(t.subscriptionId)}`] : ['    allow-no-subscriptions: true']),
    `    audience: ${yq(aud)}`,
    ...(cloud === 'PUBLIC' ? [] : [`    environment: ${AZURE_CLOUDS[cloud].login}`]),
  ]);
}
