import type { GitLabDetails } from './provider-spec';
import { DEFAULT_SUB_COMPONENTS } from './subject';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AWS_CHECK, awsWebIdentityEnv, azureLoginCommands, firstAudience, gcpAccessNote, gcpAudience, gcpLoginCommands, renderFiles, yamlCommand, yq } from '../snippet-parts';

/*
 * The `.gitlab-ci.yml` job a GitLab trust needs: the `id_tokens:` entry with the trust's audience,
 * rules that run it only on the pinned refs and pipeline sources, the environment (and tier), and
 * the cloud's credential mechanism. Project settings the token depends on (sub components,
 * protection) are stated as comments. Grammar: https://docs.gitlab.com/ci/secrets/id_token_authentication/
 */

/** The job for one trust (one per environment). @internal */
export function gitlabSnippet(source: SnippetSource<GitLabDetails>, t: SnippetTarget): string {
  const d = source._details;
  const claims = d.claims ?? {};
  const notes = [`In project ${d.projectPath}${d.projectId ? ` (id ${d.projectId})` : ''} on ${source.issuer}.`];
  if (d.subjectComponents && JSON.stringify(d.subjectComponents) !== JSON.stringify(DEFAULT_SUB_COMPONENTS)) {
    notes.push(`Project setting ci_id_token_sub_claim_components must be ${JSON.stringify(d.subjectComponents)} (PUT /projects/${d.projectId ?? encodeURIComponent(d.projectPath)}).`);
  }
  const refNames = [...(d.branches ?? []), ...(d.tags ?? []), ...(d.branchPatterns ?? []), ...(d.tagPatterns ?? [])];
  if (claims.ref_protected?.includes('true')) notes.push(`Protect ${refNames.length ? refNames.join(', ') : 'the refs'} (ref_protected = "true"): Settings > Repository > Protected branches / Protected tags.`);
  if (claims.environment_protected?.includes('true')) notes.push(`Protect the environment${d.environments?.length ? ` ${d.environments.join(', ')}` : ''} (environment_protected = "true"): Settings > CI/CD > Protected environments.`);
  const hosted = claims.runner_environment?.[0];
  if (hosted === 'gitlab-hosted' && source.issuer !== 'https://gitlab.com') notes.push('GitLab-hosted runners exist on gitlab.com only: this self-managed instance\'s tokens carry runner_environment "self-hosted", which the trust denies.');

  const envs = d.environments?.length ? d.environments : [undefined];
  const jobs = envs.map((env) => job(env, d, claims, source, t)).join('');
  return renderFiles([{ path: '.gitlab-ci.yml', syntax: 'yaml', notes, body: jobs }]);
}

type Pins = { readonly [claim: string]: readonly string[] };

function job(env: string | undefined, d: GitLabDetails, claims: Pins, source: SnippetSource, t: SnippetTarget): string {
  const aud = t.cloud === 'gcp' ? gcpAudience(source, t) : firstAudience(source);
  const name = env === undefined ? 'deploy' : `deploy-${env.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'env'}`;
  const lines = [`${name}:`];
  lines.push(`  image: ${IMAGES[t.cloud]}`);
  if (env !== undefined) {
    lines.push('  environment:', `    name: ${yq(env)}`);
    if (claims.deployment_tier?.length) lines.push(`    deployment_tier: ${claims.deployment_tier[0]}`);
  }
  const rules = ruleConditions(d, claims);
  if (rules.length) lines.push('  rules:', ...rules.map((r) => `    - if: ${yq(r)}`));
  const runner = claims.runner_environment?.[0];
  if (runner === 'gitlab-hosted') lines.push('  tags: [saas-linux-small-amd64]  # a GitLab-hosted runner');
  if (runner === 'self-hosted') lines.push('  tags: ["<your runner tag>"]  # a self-managed runner');
  lines.push('  id_tokens:', '    CI_OIDC_TOKEN:', `      aud: ${yq(aud)}`);
  if (t.cloud === 'aws') lines.push('  variables:', ...awsWebIdentityEnv(t, '$CI_PROJECT_DIR/.aws-web-identity-token').map(([k, v]) => `    ${k}: ${yq(v)}`));
  lines.push('  script:');
  const script = t.cloud === 'aws'
    ? ['printf \'%s\' "$CI_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"', AWS_CHECK]
    : t.cloud === 'gcp'
      ? [`# ${gcpAccessNote(t)}`, 'printf \'%s\' "$CI_OIDC_TOKEN" > "$CI_PROJECT_DIR/.gcp-oidc-token"', ...gcpLoginCommands(t, '$CI_PROJECT_DIR/.gcp-oidc-token', '$CI_PROJECT_DIR/.gcp-credentials.json')]
      : azureLoginCommands(t, '"$CI_OIDC_TOKEN"');
  for (const s of script) lines.push(s.startsWith('#') ? `    ${s}` : `    - ${yamlCommand(s)}`);
  return `${lines.join('\n')}\n`;
}

const IMAGES = {
  aws: '{ name: "public.ecr.aws/aws-cli/aws-cli:latest", entrypoint: [""] }',
  gcp: 'google/cloud-sdk:slim',
  azure: 'mcr.microsoft.com/azure-cli:latest',
} as const;

/** `rules:` conditions: one per pinned ref (or pattern), each with the pinned pipeline sources. */
function ruleConditions(d: GitLabDetails, claims: Pins): string[] {
  const refs = [
    ...(d.branches ?? []).map((b) => `$CI_COMMIT_BRANCH == ${literal(b)}`),
    ...(d.tags ?? []).map((tag) => `$CI_COMMIT_TAG == ${literal(tag)}`),
    ...(d.branchPatterns ?? []).map((p) => `$CI_COMMIT_BRANCH =~ ${regex(p)}`),
    ...(d.tagPatterns ?? []).map((p) => `$CI_COMMIT_TAG =~ ${regex(p)}`),
  ];
  const sources = claims.pipeline_source ?? [];
  const source = sources.length === 0 ? '' : sources.length === 1 ? `$CI_PIPELINE_SOURCE == ${literal(sources[0])}` : `(${sources.map((s) => `$CI_PIPELINE_SOURCE == ${literal(s)}`).join(' || ')})`;
  if (!refs.length) return source ? [source] : [];
  return refs.map((r) => (source ? `${r} && ${source}` : r));
}

function literal(v: string): string {
  return v.includes('"') ? `'${v}'` : `"${v}"`;
}

/** A GitLab `=~` regex for a `*` pattern, anchored. */
function regex(pattern: string): string {
  return `/^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, (c) => `\\${c}`)).join('.*')}$/`;
}
