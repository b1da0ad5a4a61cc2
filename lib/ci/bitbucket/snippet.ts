import type { BitbucketDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AWS_CHECK, azureLoginCommands, gcpAccessNote, gcpLoginCommands, renderFiles, sq, UNKNOWN_REGION, yamlCommand, yq } from '../snippet-parts';

/*
 * The `bitbucket-pipelines.yml` pipeline a Bitbucket trust needs: the pinned branches' pipelines, a
 * deployment step per pinned environment (`deployment:` names the environment whose UUID the
 * subject carries), `oidc:` on the step, and the cloud's credential mechanism. Step properties sit
 * under `step:`. Grammar: https://support.atlassian.com/bitbucket-cloud/docs/integrate-pipelines-with-resource-servers-using-oidc/
 */

/** The pipeline(s) for one trust. @internal */
export function bitbucketSnippet(source: SnippetSource<BitbucketDetails>, t: SnippetTarget): string {
  const d = source._details;
  const defaultAud = `ari:cloud:bitbucket::workspace/${String(d.workspaceUuid).slice(1, -1)}`;
  const custom = (source.audiences ?? []).filter((a) => a !== defaultAud);
  const notes = [`In repository ${d.repositoryUuid} of workspace ${d.workspace}.`];
  if (custom.length && t.cloud === 'aws') {
    // Bitbucket appends custom audiences to the workspace one; STS accepts a token with one audience.
    notes.push('Bitbucket adds custom audiences to the workspace audience, so this step\'s token carries several, and AWS documents one audience per token, nothing for several, so the AWS trust denies it (docs/snippets.md#sts-and-a-list-audience): on AWS, trust the default workspace audience (no withAudience()).');
  }
  if (d.environments?.length) notes.push(`Replace each deployment placeholder with the name of the deployment environment whose UUID is shown (Repository settings > Deployments): the subject carries ${d.environments.length === 1 ? 'that UUID' : 'those UUIDs'}.`);
  const oidc = custom.length ? ['oidc:', '  audiences:', ...custom.map((a) => `    - ${yq(a)}`)] : ['oidc: true'];
  const script = scriptLines(t);
  const step = (env: string | undefined): string[] => [
    '- step:',
    '    name: deploy',
    ...oidc.map((l) => `    ${l}`),
    ...(env ? [`    deployment: ${yq(`<name of the environment ${env}>`)}`] : []),
    '    script:',
    ...script.map((s) => (s.startsWith('#') ? `      ${s}` : `      - ${yamlCommand(s)}`)),
  ];
  const steps = (d.environments?.length ? d.environments : [undefined]).flatMap(step);
  const pipelines = d.branches?.length
    ? ['  branches:', ...d.branches.flatMap((b) => [`    ${yq(b)}:`, ...steps.map((l) => `      ${l}`)])]
    : ['  default:', ...steps.map((l) => `    ${l}`)];
  return renderFiles([{ path: 'bitbucket-pipelines.yml', syntax: 'yaml', notes, body: ['pipelines:', ...pipelines].join('\n') }]);
}

function scriptLines(t: SnippetTarget): string[] {
  if (t.cloud === 'aws') {
    return [
      `export AWS_ROLE_ARN=${sq(t.principal)} AWS_WEB_IDENTITY_TOKEN_FILE="$(pwd)/.aws-web-identity-token" AWS_REGION=${sq(t.region ?? UNKNOWN_REGION)}`,
      'printf \'%s\' "$BITBUCKET_STEP_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"',
      AWS_CHECK,
    ];
  }
  if (t.cloud === 'gcp') {
    return [
      `# ${gcpAccessNote(t)}`,
      'printf \'%s\' "$BITBUCKET_STEP_OIDC_TOKEN" > "$(pwd)/.gcp-oidc-token"',
      ...gcpLoginCommands(t, '"$(pwd)/.gcp-oidc-token"', '"$(pwd)/.gcp-credentials.json"'),
    ];
  }
  return azureLoginCommands(t, '"$BITBUCKET_STEP_OIDC_TOKEN"');
}
