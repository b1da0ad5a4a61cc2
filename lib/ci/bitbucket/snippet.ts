import type { BitbucketDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { firstAudience, UNKNOWN_REGION } from '../snippet-parts';

/** The `bitbucket-pipelines.yml` step with `oidc:` and its audiences. @internal */
export function bitbucketSnippet(source: SnippetSource<BitbucketDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = firstAudience(source);
  const defaultAud = `ari:cloud:bitbucket::workspace/${String(d.workspaceUuid).slice(1, -1)}`;
  const oidc = aud === defaultAud ? '      oidc: true\n' : `      oidc:\n        audiences: [${aud}]\n`;
  const env = d.environments?.length ? '      deployment: production  # the environment whose UUID the trust pins\n' : '';
  const use = t.cloud === 'aws'
    ? `        - export AWS_ROLE_ARN="${t.principal}" AWS_WEB_IDENTITY_TOKEN_FILE=$(pwd)/token.jwt AWS_REGION="${t.region ?? UNKNOWN_REGION}"\n        - echo $BITBUCKET_STEP_OIDC_TOKEN > token.jwt`
    : `        - echo $BITBUCKET_STEP_OIDC_TOKEN > token.jwt  # exchange with ${t.principal}`;
  return `# bitbucket-pipelines.yml\npipelines:\n  branches:\n    ${d.branches?.[0] ?? 'main'}:\n    - step:\n${oidc}${env}      script:\n${use}\n`;
}
