import type { BuildkiteDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { firstAudience, UNKNOWN_REGION, UNKNOWN_TENANT } from '../snippet-parts';

/** The pipeline step: the agent's token request (claims, session tags, subject) and the exchange. @internal */
export function buildkiteSnippet(source: SnippetSource<BuildkiteDetails>, t: SnippetTarget): string {
  const d = source._details;
  const claims = d.claims ?? [];
  const flags = [
    `--audience ${firstAudience(source)}`,
    ...(claims.length ? [`--claim ${claims.join(',')}`] : []),
    ...(source.sessionTags.length ? [`--aws-session-tag ${source.sessionTags.join(',')}`] : []),
    ...(d.subject === 'PIPELINE_ID' ? ['--subject-claim pipeline_id'] : []),
  ].join(' ');
  const use = t.cloud === 'aws'
    ? `      export AWS_ROLE_ARN="${t.principal}" AWS_WEB_IDENTITY_TOKEN_FILE=$$PWD/token.jwt AWS_REGION="${t.region ?? UNKNOWN_REGION}"`
    : t.cloud === 'gcp'
      ? `      gcloud iam workload-identity-pools create-cred-config ${t.principal} --credential-source-file=token.jwt --output-file=creds.json`
      : `      az login --federated-token "$$(cat token.jwt)" --service-principal -u ${t.principal} -t ${t.extra ?? UNKNOWN_TENANT}`;
  return `# pipeline.yml (${d.organization}/${d.pipeline})\nsteps:\n  - label: deploy\n    command: |\n      buildkite-agent oidc request-token ${flags} > token.jwt\n${use}\n`;
}
