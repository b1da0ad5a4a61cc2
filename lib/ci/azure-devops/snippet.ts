import type { AzureDevOpsDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AWS_CHECK, AZURE_CLOUDS, azureCloud, azureLoginCommands, blockLines, gcpAccessNote, gcpLoginCommands, renderFiles, sq, UNKNOWN_REGION, UNKNOWN_TENANT, yq } from '../snippet-parts';

/*
 * The `azure-pipelines.yml` steps an Azure DevOps trust needs. Outside Azure the job requests its
 * ID token from `System.OidcRequestUri` (the pipeline's token, or with `serviceConnectionId` the
 * service connection's) and hands it to the AWS or GCP credential mechanism; for an Azure identity a
 * service connection's AzureCLI@2 task logs in itself. Audience: always api://AzureADTokenExchange.
 * REST: https://learn.microsoft.com/en-us/rest/api/azure/devops/distributedtask/oidctoken/create
 */

/** The pipeline steps for one trust. @internal */
export function azureDevOpsSnippet(source: SnippetSource<AzureDevOpsDetails>, t: SnippetTarget): string {
  const d = source._details;
  const subject = String(d.subject);
  const name = d.kind === 'entra' ? `<name of service connection ${subject.split('/').pop()}>` : subject.split('/').pop() ?? '';
  const notes = [`The token's subject is ${subject}.`];
  const bytes = Buffer.byteLength(subject, 'utf8');
  if (t.cloud === 'gcp' && bytes > 127) {
    // No claim of an Azure DevOps token is a short unique id to map instead (lib/gcp/mapping.ts).
    notes.push(`GCP maps the subject to google.subject, at most 127 bytes; this one is ${bytes}, so GCP refuses the exchange: use shorter organization, project and connection names, or another cloud.`);
  }
  if (d.kind !== 'p' && t.cloud === 'azure') {
    const cloud = azureCloud(t);
    notes.push(`Service connection ${name} must use workload identity federation with client id ${t.principal}, tenant ${t.tenantId ?? UNKNOWN_TENANT}${t.subscriptionId ? `, subscription ${t.subscriptionId}` : ''}${cloud === 'PUBLIC' ? '' : `, environment ${AZURE_CLOUDS[cloud].cli}`}.`);
    const body = [
      'steps:',
      '  - task: AzureCLI@2',
      '    inputs:',
      `      azureSubscription: ${yq(name)}  # the task logs in with the connection's federated token`,
      '      scriptType: bash',
      '      scriptLocation: inlineScript',
      '      inlineScript: az account show --output none',
    ].join('\n');
    return renderFiles([{ path: 'azure-pipelines.yml', syntax: 'yaml', notes, body }]);
  }
  // The Entra subject ends with the service connection's id; a name-based one needs it looked up.
  const connectionId = d.kind === 'entra' ? subject.split('/').pop() : `<id of service connection ${name}>`;
  if (d.kind === 'sc') notes.push(`Replace ${connectionId} with its id (Project settings > Service connections): the token is then the service connection's.`);
  const query = d.kind === 'p' ? '?api-version=7.1' : `?api-version=7.1&serviceConnectionId=${connectionId}`;
  const token = '"$(Agent.TempDirectory)/oidc-token"';
  const request = `curl -sSf -X POST -H "Authorization: Bearer $SYSTEM_ACCESSTOKEN" -H "Content-Type: application/json" -d '{}' "$SYSTEM_OIDCREQUESTURI${query}" | jq -r .oidcToken > ${token}`;
  const lines = t.cloud === 'aws'
    ? [request, `export AWS_ROLE_ARN=${sq(t.principal)} AWS_WEB_IDENTITY_TOKEN_FILE=${token} AWS_REGION=${sq(t.region ?? UNKNOWN_REGION)}`, AWS_CHECK]
    : t.cloud === 'gcp'
      ? [`# ${gcpAccessNote(t)}`, request, ...gcpLoginCommands(t, token, '"$(Agent.TempDirectory)/gcp-credentials.json"')]
      : [request, ...azureLoginCommands(t, `"$(cat ${token})"`)];
  const body = [
    'steps:',
    '  - bash: |',
    blockLines(lines, 6).replace(/\n$/, ''),
    '    env:',
    '      SYSTEM_ACCESSTOKEN: $(System.AccessToken)  # lets the step request the ID token',
  ].join('\n');
  return renderFiles([{ path: 'azure-pipelines.yml', syntax: 'yaml', notes, body }]);
}
