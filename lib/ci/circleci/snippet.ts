import type { CircleCiDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AWS_CHECK, awsWebIdentityEnv, azureLoginCommands, firstAudience, gcpAccessNote, gcpAudience, gcpLoginCommands, JOB_AWS_WEB_IDENTITY_TOKEN_FILE, JOB_GCP_CREDENTIALS_FILE, JOB_OIDC_TOKEN_FILE, renderFiles, yamlCommand, yq } from '../snippet-parts';

/*
 * The `.circleci/config.yml` job and workflow a CircleCI trust needs: the token (the v2 token, or
 * `circleci run oidc get` for any other audience), the branch filter, the contexts the trust pins,
 * and the cloud's credential mechanism. Grammar:
 * https://circleci.com/docs/guides/permissions-authentication/openid-connect-tokens/
 */

/** The job and workflow for one trust. @internal */
export function circleciSnippet(source: SnippetSource<CircleCiDetails>, t: SnippetTarget): string {
  const d = source._details;
  const aud = t.cloud === 'gcp' ? gcpAudience(source, t) : firstAudience(source);
  // The default tokens carry the organization id as audience; `circleci run oidc get` mints one for another.
  const token = aud === d.organizationId ? '"$CIRCLE_OIDC_TOKEN_V2"' : `"$(circleci run oidc get --claims '{"aud":"${aud}"}')"`;
  const notes = [`In project ${d.projectId} of organization ${d.organizationId}${d.vcsOrigin ? `, whose repository is ${d.vcsOrigin} (oidc.circleci.com/vcs-origin)` : ''}.`];
  if (d.users?.length) notes.push(`The job must be started by ${d.users.length === 1 ? 'the user' : 'one of the users'} ${d.users.join(', ')} (the subject ends with /user/<id>).`);
  if (!d.refs?.length) {
    // CircleCI issues tokens to forked pull-request builds when the project passes secrets to them.
    notes.push(`Any branch is trusted, and so are builds of forked pull requests if "Pass secrets to builds from forked pull requests" is on (Project Settings > Advanced): keep it off${t.cloud === 'aws' || d.vcsOrigin ? '' : ', or pin vcsOrigin'}.`);
  }
  const file = JOB_OIDC_TOKEN_FILE;
  const steps = t.cloud === 'aws'
    ? [`printf '%s' ${token} > "$AWS_WEB_IDENTITY_TOKEN_FILE"`, AWS_CHECK]
    : t.cloud === 'gcp'
      // Each run step is a shell of its own: the credential file's path is a job environment variable.
      ? [`printf '%s' ${token} > ${file}`, ...gcpLoginCommands(t, file, JOB_GCP_CREDENTIALS_FILE).filter((c) => !c.startsWith('export '))]
      : azureLoginCommands(t, token);
  const env: Array<[string, string]> = t.cloud === 'aws' ? awsWebIdentityEnv(t, JOB_AWS_WEB_IDENTITY_TOKEN_FILE)
    : t.cloud === 'gcp' ? [['GOOGLE_APPLICATION_CREDENTIALS', JOB_GCP_CREDENTIALS_FILE]] : [];
  const environment = env.length ? `    environment:\n${env.map(([k, v]) => `      ${k}: ${yq(v)}\n`).join('')}` : '';
  const image = t.cloud === 'aws' ? 'cimg/aws:2024.03' : t.cloud === 'gcp' ? 'google/cloud-sdk:slim' : 'mcr.microsoft.com/azure-cli:latest';
  const branches = (d.refs ?? []).map((r) => r.replace(/^refs\/heads\//, ''));
  const entry = [
    ...(d.contexts?.length ? [`          context: [${d.contexts.map((c) => yq(`<name of context ${c}>`)).join(', ')}]  # the contexts whose ids the trust pins`] : []),
    ...(branches.length ? [`          filters: { branches: { only: [${branches.map(yq).join(', ')}] } }`] : []),
  ];
  const body = [
    'version: 2.1',
    'jobs:',
    '  deploy:',
    `    docker: [{ image: ${image} }]`,
    ...(environment ? [environment.replace(/\n$/, '')] : []),
    '    steps:',
    ...(t.cloud === 'gcp' ? [`      # ${gcpAccessNote(t)}`] : []),
    ...steps.map((s) => `      - run: ${yamlCommand(s)}`),
    'workflows:',
    '  deploy:',
    '    jobs:',
    entry.length ? '      - deploy:' : '      - deploy',
    ...entry,
  ].join('\n');
  return renderFiles([{ path: '.circleci/config.yml', syntax: 'yaml', notes, body }]);
}
