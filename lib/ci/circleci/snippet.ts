import type { CircleCiDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { awsWebIdentityEnv, firstAudience, UNKNOWN_TENANT } from '../snippet-parts';

/** The `.circleci/config.yml` job and workflow filter. @internal */
export function circleciSnippet(source: SnippetSource<CircleCiDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = firstAudience(source);
  // Branch pins read oidc.circleci.com/vcs-ref, which every token carries; custom audiences need `circleci run oidc get`.
  const token = aud === d.organizationId ? '"$CIRCLE_OIDC_TOKEN_V2"' : `"$(circleci run oidc get --claims '{"aud":"${aud}"}')"`;
  const environment = t.cloud === 'aws'
    ? `    environment:\n${awsWebIdentityEnv(t, '/tmp/aws-web-identity-token').map(([k, v]) => `      ${k}: "${v}"\n`).join('')}` : '';
  const use = t.cloud === 'aws'
    ? [`printf '%s' ${token} > "$AWS_WEB_IDENTITY_TOKEN_FILE"`, 'aws sts get-caller-identity  # the CLI and SDKs assume the role from the token file']
    : t.cloud === 'gcp'
      ? [`echo ${token} > token.jwt && gcloud iam workload-identity-pools create-cred-config ${t.principal} --credential-source-file=token.jwt --output-file=creds.json${t.extra ? ` --service-account=${t.extra}` : ''}`]
      : [`az login --federated-token ${token} --service-principal -u ${t.principal} -t ${t.extra ?? UNKNOWN_TENANT}`];
  const branch = d.refs?.[0]?.replace('refs/heads/', '');
  const image = t.cloud === 'aws' ? 'cimg/aws:2024.03' : 'cimg/base:current';
  return `# .circleci/config.yml\njobs:\n  deploy:\n    docker: [{ image: ${image} }]\n${environment}    steps:\n${use.map((u) => `      - run: ${u}\n`).join('')}workflows:\n  deploy:\n    jobs:\n      - deploy${branch ? `:\n          filters: { branches: { only: ${branch} } }` : ''}\n`;
}
