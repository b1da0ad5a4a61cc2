import { SnippetAzureCloud, SnippetSource, SnippetTarget } from './provider-spec';

/*
 * What the providers' CI snippets (lib/ci/<provider>/snippet.ts) share: the file layout, quoting,
 * and each cloud's standard way for a job to get credentials without printing them (the AWS
 * SDKs' web-identity token file, a GCP credential configuration file, `az login --federated-token`).
 */

/** What an AWS snippet says for the region when the stack's region is not known at synth. @internal */
export const UNKNOWN_REGION = '<region of the role\'s stack>';

/**
 * Where a snippet for a container-based CI job (CircleCI, a generic shell) writes the GCP credential
 * configuration: the job's own /tmp, which no other job shares. A path on the CI runner, not here.
 * @internal
 */
export const JOB_GCP_CREDENTIALS_FILE = '/tmp/gcp-credentials.json';

/** Where such a job writes its OIDC token for the GCP credential configuration to read (same /tmp). @internal */
export const JOB_OIDC_TOKEN_FILE = '/tmp/oidc-token';

/** Where such a job writes its OIDC token for the AWS SDKs (`AWS_WEB_IDENTITY_TOKEN_FILE`). @internal */
export const JOB_AWS_WEB_IDENTITY_TOKEN_FILE = '/tmp/aws-web-identity-token';

/** What a snippet says for an Azure tenant id it was not given. @internal */
export const UNKNOWN_TENANT = '<tenant id>';

/**
 * One file (or settings page) of a snippet. A snippet is one or more of these: one per context
 * that cannot share a job (pull requests and pushes), plus called workflows.
 * @internal
 */
export interface SnippetFile {
  /** Where it goes, e.g. `.github/workflows/deploy.yml`, or the settings page it describes. */
  readonly path: string;
  /** `yaml` files parse as YAML; `env` is KEY=value lines; `shell` a script; `groovy` a Jenkinsfile. */
  readonly syntax: 'yaml' | 'env' | 'shell' | 'groovy';
  /** Comment lines after the path: settings outside the file that the token depends on. */
  readonly notes?: readonly string[];
  readonly body: string;
}

/**
 * The snippet text: each file as `# <path>`, its notes as `# ` comments, then its body; files are
 * separated by a `---` line (a YAML document separator, so a multi-file YAML snippet still parses).
 * @internal
 */
export function renderFiles(files: readonly SnippetFile[]): string {
  return files.map((f) => {
    const body = f.body.endsWith('\n') ? f.body : `${f.body}\n`;
    return `# ${f.path}\n${(f.notes ?? []).map((n) => `# ${n}\n`).join('')}${body}`;
  }).join('---\n');
}

/**
 * A YAML string scalar: plain when it cannot read as anything else in YAML 1.1 or 1.2 (so snippets
 * read like the vendors' examples: `audience: sts.amazonaws.com`), else double-quoted (JSON's
 * string syntax is YAML's).
 * @internal
 */
export function yq(value: string): string {
  const plain = /^[A-Za-z0-9_/][A-Za-z0-9_./:@+=~-]*$/.test(value) && !/:$/.test(value)
    && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(value)
    // numbers (also YAML 1.1's 0x, 0o, 1_000 and 1:30 forms) and dates
    && !/^[-+]?(0[xob])?[0-9a-f_:.]*$/i.test(value) && !/^\d{4}-\d\d?-\d\d?/.test(value) && !/^[-+.]?\d[\d_]*(\.\d*)?(e[-+]?\d+)?$/i.test(value);
  if (plain) return value;
  // Single quotes when the value holds double quotes (GitLab and Buildkite conditions), as the vendors write them.
  return value.includes('"') && /^[\x20-\x7e]*$/.test(value) ? `'${value.replace(/'/g, '\'\'')}'` : JSON.stringify(value);
}

/** A POSIX shell single-quoted word. @internal */
export function sq(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/** The audience the job requests: the trust's first (snippets show one). @internal */
export function firstAudience(source: SnippetSource): string {
  return source.audiences?.[0] ?? '';
}

/**
 * The audience a GCP job requests: the trust's, or, when the provider allows only GCP's default
 * audiences (`//iam.googleapis.com/<provider>`, with or without `https:`), the `https:` form that
 * the gcloud and client-library documentation use.
 * @internal
 */
export function gcpAudience(source: SnippetSource, t: SnippetTarget): string {
  const aud = firstAudience(source);
  return isGcpDefaultAudience(aud, t) ? `https://iam.googleapis.com/${t.principal}` : aud;
}

/** Whether an audience is one of GCP's defaults for the target provider. @internal */
export function isGcpDefaultAudience(aud: string, t: SnippetTarget): boolean {
  return aud === `//iam.googleapis.com/${t.principal}` || aud === `https://iam.googleapis.com/${t.principal}`;
}

/**
 * The environment an AWS SDK or CLI needs to assume the role itself from a token file (the SDKs'
 * standard web-identity provider): nothing prints the credentials, and every later command of the
 * job gets them. Never `aws sts assume-role-with-web-identity` in a job: it prints the secret key.
 * @internal
 */
export function awsWebIdentityEnv(t: SnippetTarget, tokenFile?: string): Array<[string, string]> {
  // Without a file the CI system sets AWS_WEB_IDENTITY_TOKEN_FILE itself (Jenkins' credential binding).
  return [['AWS_ROLE_ARN', t.principal], ...(tokenFile === undefined ? [] : [['AWS_WEB_IDENTITY_TOKEN_FILE', tokenFile] as [string, string]]), ['AWS_REGION', t.region ?? UNKNOWN_REGION]];
}

/** The check an AWS job runs after writing the token file: it prints the role's ARN, no secret. @internal */
export const AWS_CHECK = 'aws sts get-caller-identity  # the CLI and SDKs assume the role from the token file';

/**
 * Commands that turn a token file into GCP credentials: a credential configuration file (it names
 * the token file and the service account; it holds no secret) for gcloud and the client libraries.
 * Without a service account the job acts as the pool's principal set (direct resource access).
 * @internal
 */
export function gcpLoginCommands(t: SnippetTarget, tokenFile: string, credFile: string): string[] {
  return [
    `gcloud iam workload-identity-pools create-cred-config ${t.principal}${t.serviceAccount ? ` --service-account=${t.serviceAccount}` : ''} --credential-source-file=${tokenFile} --output-file=${credFile}`,
    `gcloud auth login --cred-file=${credFile}`,
    `export GOOGLE_APPLICATION_CREDENTIALS=${credFile}`,
  ];
}

/** A note saying how the GCP job is authorized: impersonation, or the principal set's own roles. @internal */
export function gcpAccessNote(t: SnippetTarget): string {
  return t.serviceAccount
    ? `The job impersonates ${t.serviceAccount} (roles/iam.workloadIdentityUser granted to this trust's principal set).`
    : 'Direct resource access: no service account is impersonated, so grant roles to this trust\'s principal set (GcpWorkloadIdentityProvider.principalSetMember(trust)), or grant impersonation (grantServiceAccountImpersonation) for a service account the snippet then names.';
}

/** Names of an Azure cloud in the tools' own spellings. @internal */
export const AZURE_CLOUDS: Record<SnippetAzureCloud, { cli: string; login: string; terraform: string }> = {
  PUBLIC: { cli: 'AzureCloud', login: 'AzureCloud', terraform: 'public' },
  US_GOVERNMENT: { cli: 'AzureUSGovernment', login: 'AzureUSGovernment', terraform: 'usgovernment' },
  CHINA: { cli: 'AzureChinaCloud', login: 'AzureChinaCloud', terraform: 'china' },
};

/** The target's Azure cloud (public unless said otherwise). @internal */
export function azureCloud(t: SnippetTarget): SnippetAzureCloud {
  return t.azureCloud && t.azureCloud in AZURE_CLOUDS ? t.azureCloud : 'PUBLIC';
}

/**
 * `az` commands that log in with a federated token (the Azure CLI's documented workload identity
 * login, quiet: `--output none` prints nothing, and no command prints a secret).
 * @param token a shell expression for the token, e.g. `"$(cat token.jwt)"`
 * @internal
 */
export function azureLoginCommands(t: SnippetTarget, token: string): string[] {
  const cloud = azureCloud(t);
  return [
    ...(cloud === 'PUBLIC' ? [] : [`az cloud set --name ${AZURE_CLOUDS[cloud].cli}`]),
    `az login --service-principal --username ${t.principal} --tenant ${t.tenantId ?? UNKNOWN_TENANT} --federated-token ${token}${t.subscriptionId ? '' : ' --allow-no-subscriptions'} --output none`,
    ...(t.subscriptionId ? [`az account set --subscription ${t.subscriptionId}`] : []),
  ];
}

/**
 * A YAML block scalar (`|`) holding shell lines, indented by `indent` spaces.
 * @internal
 */
export function blockLines(lines: readonly string[], indent: number): string {
  const pad = ' '.repeat(indent);
  return lines.map((l) => `${pad}${l}\n`).join('');
}

/**
 * A shell command as a YAML sequence item: plain when YAML reads it back unchanged (so it reads
 * like the vendors' examples), double-quoted otherwise. A trailing `  # comment` stays a comment.
 * @internal
 */
export function yamlCommand(command: string): string {
  const at = command.indexOf('  # ');
  const [cmd, comment] = at < 0 ? [command, ''] : [command.slice(0, at), command.slice(at)];
  const plain = !/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(cmd) && !/: |\s#|:$|\s$/.test(cmd);
  return `${plain ? cmd : yq(cmd)}${comment}`;
}
