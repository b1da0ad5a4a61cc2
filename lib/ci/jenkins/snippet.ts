import type { JenkinsDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { awsWebIdentityEnv, firstAudience, UNKNOWN_TENANT } from '../snippet-parts';

/**
 * A Jenkinsfile stage for the job the trust pins: an "OpenID Connect id token as file" credential
 * (oidc-provider plugin) with the trust's audience, handed to the cloud's own web-identity login.
 * Nothing prints the token or the credentials.
 * @internal
 */
export function jenkinsSnippet(source: SnippetSource<JenkinsDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = firstAudience(source);
  const credential = `// Manage Jenkins > Credentials: kind "OpenID Connect id token as file", id "ci-oidc-token",\n// audience ${aud}, issuer ${source.issuer}. The job is ${d.jobPath.join(' > ')}.\n`;
  const body = t.cloud === 'aws'
    ? `${awsWebIdentityEnv(t, '$OIDC_TOKEN_FILE').map(([k, v]) => `          export ${k}="${v}"`).join('\n')}\n          aws sts get-caller-identity  # the CLI and SDKs assume the role from the token file`
    : t.cloud === 'gcp'
      ? `          gcloud iam workload-identity-pools create-cred-config ${t.principal} --credential-source-file="$OIDC_TOKEN_FILE" --output-file=creds.json${t.extra ? ` --service-account=${t.extra}` : ''}\n          gcloud auth login --cred-file=creds.json`
      : `          az login --service-principal -u ${t.principal} -t ${t.extra ?? UNKNOWN_TENANT} --federated-token "$(cat "$OIDC_TOKEN_FILE")" --allow-no-subscriptions`;
  return `${credential}// Jenkinsfile\npipeline {\n  agent any\n  stages {\n    stage('deploy') {\n      steps {\n        withCredentials([file(credentialsId: 'ci-oidc-token', variable: 'OIDC_TOKEN_FILE')]) {\n          sh '''\n${body}\n          '''\n        }\n      }\n    }\n  }\n}\n`;
}
