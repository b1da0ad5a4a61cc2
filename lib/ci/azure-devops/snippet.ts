import type { AzureDevOpsDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';

/** The `azure-pipelines.yml` step: the pipeline token request, or the service connection task. @internal */
export function azureDevOpsSnippet(source: SnippetSource<AzureDevOpsDetails>, t: SnippetTarget): string {
  const d = source._details;
  if (d.kind === 'p') {
    return `# azure-pipelines.yml: the pipeline ID token\nsteps:\n  - bash: |\n      curl -s -X POST -H "Authorization: Bearer $(System.AccessToken)" "$(System.OidcRequestUri)?api-version=7.1" | jq -r .oidcToken > token.jwt\n      # exchange token.jwt with ${t.principal}\n`;
  }
  const name = String(d.subject).split('/').pop();
  return `# azure-pipelines.yml: the service connection ${name} (workload identity federation)\nsteps:\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: ${name}\n      scriptType: bash\n      addSpnToEnvironment: true\n      inlineScript: echo "$idToken" > token.jwt  # exchange with ${t.principal}\n`;
}
