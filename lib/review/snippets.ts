
/**
 * The CI-side configuration a trust needs, per provider and cloud: what the job must request
 * (audience, claims, session tags) for the compiled trust to accept its token. Shown in the review
 * and offered as stack outputs.
 * @internal
 */
export interface SnippetTarget {
  readonly cloud: 'aws' | 'gcp' | 'azure';
  /** AWS role ARN, GCP provider resource name, or Azure client id (may be a placeholder). */
  readonly principal: string;
  /** GCP service account email (impersonation), Azure tenant id. */
  readonly extra?: string;
  /** AWS region of the role's stack (a CDK token when unresolved). */
  readonly region?: string;
}

/** What an AWS snippet says for the region when the stack's region is not known at synth. */
const UNKNOWN_REGION = '<region of the role\'s stack>';

/**
 * The environment an AWS SDK or CLI needs to assume the role itself from a token file (the SDKs'
 * standard web-identity provider): nothing prints the credentials, and every later command of the
 * job gets them. Never `aws sts assume-role-with-web-identity` in a job: it prints the secret key.
 */
function awsWebIdentityEnv(t: SnippetTarget, tokenFile: string): Array<[string, string]> {
  return [['AWS_ROLE_ARN', t.principal], ['AWS_WEB_IDENTITY_TOKEN_FILE', tokenFile], ['AWS_REGION', t.region ?? UNKNOWN_REGION]];
}

/**
 * What a snippet is made from: a Trust, or the compact copy of it that constructs keep in their
 * review metadata (a few hundred bytes instead of the rendered text, which templates would carry for
 * every role).
 * @internal
 */
export interface SnippetSource {
  readonly provider: string;
  readonly issuer: string;
  readonly audiences?: readonly string[];
  readonly sessionTags: readonly string[];
  readonly _details: Record<string, unknown>;
}

/** @internal */
export function ciSnippet(trust: SnippetSource, target: SnippetTarget): string {
  const d = trust._details as Record<string, any>;
  const aud = trust.audiences?.[0] ?? '';
  switch (trust.provider) {
    case 'github-actions': return github(trust, d, aud, target);
    case 'gitlab-ci': return gitlab(d, aud, target);
    case 'buildkite': return buildkite(trust, d, aud, target);
    case 'circleci': return circleci(d, aud, target);
    case 'bitbucket-pipelines': return bitbucket(d, aud, target);
    case 'azure-devops': return azureDevOps(d, target);
    case 'hcp-terraform': return hcpTerraform(d, aud, target);
    default: return `# Request a token from ${trust.issuer} with audience ${aud}, then exchange it with ${target.principal}.\n`;
  }
}

function github(_trust: SnippetSource, d: Record<string, any>, aud: string, t: SnippetTarget): string {
  const env = d.environments?.length ? `    environment: ${d.environments[0]}\n` : '';
  const branch = (d.refs as string[] | undefined)?.find((r) => r.startsWith('refs/heads/'));
  const on = branch ? `on:\n  push:\n    branches: [${branch.slice('refs/heads/'.length)}]\n` : 'on: workflow_dispatch\n';
  const step = t.cloud === 'aws'
    ? `      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: ${t.principal}\n          aws-region: ${t.region ?? UNKNOWN_REGION}\n          audience: ${aud}\n`
    : t.cloud === 'gcp'
      ? `      - uses: google-github-actions/auth@v2\n        with:\n          workload_identity_provider: ${t.principal}\n${t.extra ? `          service_account: ${t.extra}\n` : ''}${aud && !aud.startsWith('//') && !aud.startsWith('https://iam.googleapis.com') ? `          audience: ${aud}\n` : ''}`
      : `      - uses: azure/login@v2\n        with:\n          client-id: ${t.principal}\n          tenant-id: ${t.extra ?? '<tenant id>'}\n          allow-no-subscriptions: true\n          audience: ${aud}\n`;
  const template = d.subjectTemplate ? `# The repository's OIDC subject template must be ${JSON.stringify(d.subjectTemplate)} (PUT /repos/${d.owner}/${d.repository}/actions/oidc/customization/sub).\n` : '';
  const format = d.subjectFormat === 'IMMUTABLE' ? `# The repository must emit the immutable subject (repo:${d.owner}@${d.ownerId}/${d.repository}@${d.repositoryId}:…).\n` : '';
  return `${template}${format}# .github/workflows/deploy.yml\n${on}permissions:\n  id-token: write\n  contents: read\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n${env}    steps:\n${step}`;
}

function gitlab(d: Record<string, any>, aud: string, t: SnippetTarget): string {
  const env = d.environments?.length ? `  environment: ${d.environments[0]}\n` : '';
  const rules = d.branches?.length ? `  rules:\n    - if: $CI_COMMIT_BRANCH == "${d.branches[0]}"\n` : '';
  const variables = t.cloud === 'aws'
    ? `  variables:\n${awsWebIdentityEnv(t, '$CI_PROJECT_DIR/.aws-web-identity-token').map(([k, v]) => `    ${k}: "${v}"\n`).join('')}` : '';
  const script = t.cloud === 'aws'
    ? '    - printf \'%s\' "$CI_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"\n    - aws sts get-caller-identity  # the CLI and SDKs assume the role from the token file\n'
    : t.cloud === 'gcp'
      ? `    - echo "$CI_OIDC_TOKEN" > token.jwt\n    - gcloud iam workload-identity-pools create-cred-config ${t.principal} --credential-source-file=token.jwt --output-file=creds.json${t.extra ? ` --service-account=${t.extra}` : ''}\n`
      : `    - az login --federated-token "$CI_OIDC_TOKEN" --service-principal -u ${t.principal} -t ${t.extra ?? '<tenant id>'}\n`;
  const components = d.subjectComponents && JSON.stringify(d.subjectComponents) !== JSON.stringify(['project_path', 'ref_type', 'ref'])
    ? `# Project setting ci_id_token_sub_claim_components must be ${JSON.stringify(d.subjectComponents)} (PUT /projects/:id).\n` : '';
  return `${components}# .gitlab-ci.yml\ndeploy:\n${env}${rules}  id_tokens:\n    CI_OIDC_TOKEN:\n      aud: ${aud}\n${variables}  script:\n${script}`;
}

function buildkite(trust: SnippetSource, d: Record<string, any>, aud: string, t: SnippetTarget): string {
  const claims: string[] = d.claims ?? [];
  const flags = [
    `--audience ${aud}`,
    ...(claims.length ? [`--claim ${claims.join(',')}`] : []),
    ...(trust.sessionTags.length ? [`--aws-session-tag ${trust.sessionTags.join(',')}`] : []),
    ...(d.subject === 'PIPELINE_ID' ? ['--subject-claim pipeline_id'] : []),
  ].join(' ');
  const use = t.cloud === 'aws'
    ? `      export AWS_ROLE_ARN="${t.principal}" AWS_WEB_IDENTITY_TOKEN_FILE=$$PWD/token.jwt AWS_REGION="${t.region ?? UNKNOWN_REGION}"`
    : t.cloud === 'gcp'
      ? `      gcloud iam workload-identity-pools create-cred-config ${t.principal} --credential-source-file=token.jwt --output-file=creds.json`
      : `      az login --federated-token "$$(cat token.jwt)" --service-principal -u ${t.principal} -t ${t.extra ?? '<tenant id>'}`;
  return `# pipeline.yml (${d.organization}/${d.pipeline})\nsteps:\n  - label: deploy\n    command: |\n      buildkite-agent oidc request-token ${flags} > token.jwt\n${use}\n`;
}

function circleci(d: Record<string, any>, aud: string, t: SnippetTarget): string {
  // Branch pins read oidc.circleci.com/vcs-ref, which every token carries; custom audiences need `circleci run oidc get`.
  const token = aud === d.organizationId ? '"$CIRCLE_OIDC_TOKEN_V2"' : `"$(circleci run oidc get --claims '{"aud":"${aud}"}')"`;
  const environment = t.cloud === 'aws'
    ? `    environment:\n${awsWebIdentityEnv(t, '/tmp/aws-web-identity-token').map(([k, v]) => `      ${k}: "${v}"\n`).join('')}` : '';
  const use = t.cloud === 'aws'
    ? [`printf '%s' ${token} > "$AWS_WEB_IDENTITY_TOKEN_FILE"`, 'aws sts get-caller-identity  # the CLI and SDKs assume the role from the token file']
    : t.cloud === 'gcp'
      ? [`echo ${token} > token.jwt && gcloud iam workload-identity-pools create-cred-config ${t.principal} --credential-source-file=token.jwt --output-file=creds.json${t.extra ? ` --service-account=${t.extra}` : ''}`]
      : [`az login --federated-token ${token} --service-principal -u ${t.principal} -t ${t.extra ?? '<tenant id>'}`];
  const branch = (d.refs as string[] | undefined)?.[0]?.replace('refs/heads/', '');
  const image = t.cloud === 'aws' ? 'cimg/aws:2024.03' : 'cimg/base:current';
  return `# .circleci/config.yml\njobs:\n  deploy:\n    docker: [{ image: ${image} }]\n${environment}    steps:\n${use.map((u) => `      - run: ${u}\n`).join('')}workflows:\n  deploy:\n    jobs:\n      - deploy${branch ? `:\n          filters: { branches: { only: ${branch} } }` : ''}\n`;
}

function bitbucket(d: Record<string, any>, aud: string, t: SnippetTarget): string {
  const defaultAud = `ari:cloud:bitbucket::workspace/${String(d.workspaceUuid).slice(1, -1)}`;
  const oidc = aud === defaultAud ? '      oidc: true\n' : `      oidc:\n        audiences: [${aud}]\n`;
  const env = d.environments?.length ? '      deployment: production  # the environment whose UUID the trust pins\n' : '';
  const use = t.cloud === 'aws'
    ? `        - export AWS_ROLE_ARN="${t.principal}" AWS_WEB_IDENTITY_TOKEN_FILE=$(pwd)/token.jwt AWS_REGION="${t.region ?? UNKNOWN_REGION}"\n        - echo $BITBUCKET_STEP_OIDC_TOKEN > token.jwt`
    : `        - echo $BITBUCKET_STEP_OIDC_TOKEN > token.jwt  # exchange with ${t.principal}`;
  return `# bitbucket-pipelines.yml\npipelines:\n  branches:\n    ${d.branches?.[0] ?? 'main'}:\n    - step:\n${oidc}${env}      script:\n${use}\n`;
}

function azureDevOps(d: Record<string, any>, t: SnippetTarget): string {
  if (d.kind === 'p') {
    return `# azure-pipelines.yml: the pipeline ID token\nsteps:\n  - bash: |\n      curl -s -X POST -H "Authorization: Bearer $(System.AccessToken)" "$(System.OidcRequestUri)?api-version=7.1" | jq -r .oidcToken > token.jwt\n      # exchange token.jwt with ${t.principal}\n`;
  }
  const name = String(d.subject).split('/').pop();
  return `# azure-pipelines.yml: the service connection ${name} (workload identity federation)\nsteps:\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: ${name}\n      scriptType: bash\n      addSpnToEnvironment: true\n      inlineScript: echo "$idToken" > token.jwt  # exchange with ${t.principal}\n`;
}

function hcpTerraform(d: Record<string, any>, aud: string, t: SnippetTarget): string {
  const phase = (d.phases as string[] | undefined)?.length === 1 ? (d.phases[0] === 'plan' ? 'PLAN' : 'APPLY') : 'RUN';
  const vars = t.cloud === 'aws'
    ? [['TFC_AWS_PROVIDER_AUTH', 'true'], [`TFC_AWS_${phase}_ROLE_ARN`, t.principal], ...(aud !== 'aws.workload.identity' ? [['TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE', aud]] : [])]
    : t.cloud === 'gcp'
      ? [['TFC_GCP_PROVIDER_AUTH', 'true'], ['TFC_GCP_WORKLOAD_PROVIDER_NAME', t.principal], [`TFC_GCP_${phase}_SERVICE_ACCOUNT_EMAIL`, t.extra ?? '<service account email>']]
      : [['TFC_AZURE_PROVIDER_AUTH', 'true'], [`TFC_AZURE_${phase}_CLIENT_ID`, t.principal]];
  return `# HCP Terraform workspace ${d.organization}/${d.workspace}: environment variables\n${vars.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}
