import type { GitLabDetails } from './provider-spec';
import { DEFAULT_SUB_COMPONENTS } from './subject';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { awsWebIdentityEnv, firstAudience, UNKNOWN_TENANT } from '../snippet-parts';

/** The `.gitlab-ci.yml` job: the `id_tokens:` entry, and the exchange per cloud. @internal */
export function gitlabSnippet(source: SnippetSource<GitLabDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = firstAudience(source);
  const env = d.environments?.length ? `  environment: ${d.environments[0]}\n` : '';
  const rules = d.branches?.length ? `  rules:\n    - if: $CI_COMMIT_BRANCH == "${d.branches[0]}"\n` : '';
  const variables = t.cloud === 'aws'
    ? `  variables:\n${awsWebIdentityEnv(t, '$CI_PROJECT_DIR/.aws-web-identity-token').map(([k, v]) => `    ${k}: "${v}"\n`).join('')}` : '';
  const script = t.cloud === 'aws'
    ? '    - printf \'%s\' "$CI_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"\n    - aws sts get-caller-identity  # the CLI and SDKs assume the role from the token file\n'
    : t.cloud === 'gcp'
      ? `    - echo "$CI_OIDC_TOKEN" > token.jwt\n    - gcloud iam workload-identity-pools create-cred-config ${t.principal} --credential-source-file=token.jwt --output-file=creds.json${t.extra ? ` --service-account=${t.extra}` : ''}\n`
      : `    - az login --federated-token "$CI_OIDC_TOKEN" --service-principal -u ${t.principal} -t ${t.extra ?? UNKNOWN_TENANT}\n`;
  const components = d.subjectComponents && JSON.stringify(d.subjectComponents) !== JSON.stringify(DEFAULT_SUB_COMPONENTS)
    ? `# Project setting ci_id_token_sub_claim_components must be ${JSON.stringify(d.subjectComponents)} (PUT /projects/:id).\n` : '';
  return `${components}# .gitlab-ci.yml\ndeploy:\n${env}${rules}  id_tokens:\n    CI_OIDC_TOKEN:\n      aud: ${aud}\n${variables}  script:\n${script}`;
}
