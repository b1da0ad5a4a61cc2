import type { BuildkiteDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AWS_CHECK, azureLoginCommands, blockLines, firstAudience, gcpAccessNote, gcpAudience, gcpLoginCommands, renderFiles, sq, UNKNOWN_REGION, yq } from '../snippet-parts';

/*
 * The pipeline step a Buildkite trust needs: its `key:` (the subject ends with it), an `if:` that
 * runs it only on the pinned branches, tags and build sources, and the agent's token request with
 * the audience, claims, session tags and subject the compiled trust checks. Buildkite interpolates
 * `$VAR` when the pipeline is uploaded, so the job's own variables are written `$$VAR`.
 * Grammar: https://buildkite.com/docs/agent/cli/reference/oidc
 */

/** The pipeline step(s) for one trust (one per pinned step key). @internal */
export function buildkiteSnippet(source: SnippetSource<BuildkiteDetails>, t: SnippetTarget): string {
  const d = source._details;
  const pins = d.pins ?? {};
  const notes = [`In pipeline ${d.organization}/${d.pipeline}${d.pipelineId ? ` (id ${d.pipelineId})` : ''}.`];
  if ((d.tags ?? []).length) notes.push('A tag build\'s subject carries ref:refs/tags/<tag> (Buildkite\'s documented rule); start the build from the tag, so build.tag is set.');
  const runner = pins.runner_environment?.[0];
  if (runner === 'buildkite-hosted') notes.push('Run the step on a Buildkite hosted agent queue (runner_environment = "buildkite-hosted"): replace the queue placeholder with its key.');
  const flags = [
    `--audience ${sq(t.cloud === 'gcp' ? gcpAudience(source, t) : firstAudience(source))}`,
    ...(d.claims?.length ? [`--claim ${d.claims.join(',')}`] : []),
    ...(source.sessionTags.length ? [`--aws-session-tag ${source.sessionTags.join(',')}`] : []),
    ...(d.subject === 'PIPELINE_ID' ? ['--subject-claim pipeline_id'] : []),
  ].join(' ');
  const condition = stepCondition(d, pins);
  const keys = d.steps?.length ? d.steps : [undefined];
  const steps = keys.map((key) => {
    const lines = [`  - label: ${yq(key ?? 'deploy')}`];
    if (key !== undefined) lines.push(`    key: ${yq(key)}  # the subject ends with :step:<key>`);
    if (condition) lines.push(`    if: ${yq(condition)}`);
    if (runner === 'buildkite-hosted') lines.push('    agents: { queue: "<hosted queue key>" }');
    if (runner === 'self-hosted') lines.push('    agents: { queue: "<self-hosted queue key>" }');
    lines.push('    command: |');
    return `${lines.join('\n')}\n${blockLines(commands(flags, t), 6)}`;
  }).join('');
  return renderFiles([{ path: `pipeline.yml (${d.organization}/${d.pipeline})`, syntax: 'yaml', notes, body: `steps:\n${steps}` }]);
}

/** The step's `if:`: the pinned refs (or none for any ref) and build sources. */
function stepCondition(d: BuildkiteDetails, pins: { readonly [c: string]: readonly string[] }): string | undefined {
  // A tag build's subject carries the tag, not the branch: a branch trust's step skips tag builds.
  const branches = [
    ...(d.branches ?? []).map((b) => `build.branch == ${JSON.stringify(b)}`),
    ...(d.branchPatterns ?? []).map((p) => `build.branch =~ /^${p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\/]/g, (c) => `\\${c}`)).join('.*')}$/`),
  ];
  const composite = d.subject !== 'PIPELINE_ID';
  const branchRefs = branches.length && composite ? [`${branches.length > 1 ? `(${branches.join(' || ')})` : branches[0]} && build.tag == null`] : branches;
  const refs = [...branchRefs, ...(d.tags ?? []).map((tag) => `build.tag == ${JSON.stringify(tag)}`)];
  const sources = (pins.build_source ?? []).map((s) => `build.source == ${JSON.stringify(s)}`);
  const parts = [refs, sources].filter((p) => p.length).map((p) => (p.length > 1 ? `(${p.join(' || ')})` : p[0]));
  return parts.length ? parts.join(' && ') : undefined;
}

/** The step's commands: the token request, then the cloud's credential mechanism. */
function commands(flags: string, t: SnippetTarget): string[] {
  if (t.cloud === 'aws') {
    return [
      `buildkite-agent oidc request-token ${flags} > "$$PWD/.aws-web-identity-token"`,
      `export AWS_ROLE_ARN=${sq(t.principal)} AWS_WEB_IDENTITY_TOKEN_FILE="$$PWD/.aws-web-identity-token" AWS_REGION=${sq(t.region ?? UNKNOWN_REGION)}`,
      AWS_CHECK,
    ];
  }
  if (t.cloud === 'gcp') {
    return [
      `# ${gcpAccessNote(t)}`,
      `buildkite-agent oidc request-token ${flags} > "$$PWD/.gcp-oidc-token"`,
      ...gcpLoginCommands(t, '"$$PWD/.gcp-oidc-token"', '"$$PWD/.gcp-credentials.json"'),
    ];
  }
  return [
    `buildkite-agent oidc request-token ${flags} > "$$PWD/.azure-oidc-token"`,
    ...azureLoginCommands(t, '"$$(cat "$$PWD/.azure-oidc-token")"'),
  ];
}
