import type { GenericOidcDetails } from './provider-spec';
import { SnippetSource, SnippetTarget } from '../provider-spec';
import { AWS_CHECK, awsWebIdentityEnv, azureCloud, azureLoginCommands, firstAudience, gcpAccessNote, gcpLoginCommands, JOB_GCP_CREDENTIALS_FILE, renderFiles, sq, yq } from '../snippet-parts';

/*
 * Any other issuer: nothing is known about how its workloads get tokens, except for Kubernetes
 * service accounts (EKS, GKE, AKS and self-managed clusters: `sub` = `system:serviceaccount:NS:SA`),
 * whose pods get a projected service-account token with the trust's audience. Otherwise the snippet
 * states every claim the token must carry and the cloud's credential mechanism for a token file.
 */

const SERVICE_ACCOUNT = /^system:serviceaccount:([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/** Where the Entra authority is, per Azure cloud (azure-identity's AZURE_AUTHORITY_HOST). */
const AUTHORITY = { PUBLIC: 'https://login.microsoftonline.com/', US_GOVERNMENT: 'https://login.microsoftonline.us/', CHINA: 'https://login.chinacloudapi.cn/' } as const;

/** A pod spec (Kubernetes service accounts) or a shell snippet for a token file. @internal */
export function genericSnippet(source: SnippetSource<GenericOidcDetails>, t: SnippetTarget): string {
  const d = source._details;
  // A provider the registry does not know gets this snippet too, with details of its own kind.
  const name = typeof d.name === 'string' ? d.name : source.provider;
  const claims = d.claims ?? {};
  const aud = firstAudience(source);
  const subs = claims.sub ?? [];
  const sa = subs.length === 1 ? SERVICE_ACCOUNT.exec(subs[0]) : null;
  const must = [
    `aud = ${JSON.stringify(aud)}`,
    ...Object.entries(claims).map(([c, v]) => `${c} = ${v.map((x) => JSON.stringify(x)).join(' or ')}`),
    ...Object.entries(d.patterns ?? {}).map(([c, p]) => `${c} like ${JSON.stringify(p)}`),
    ...(d.claims || d.patterns ? [] : ['every claim the trust\'s condition pins (see the review)']),
  ];
  if (sa) return kubernetesSnippet(source, t, sa[1], sa[3], Object.keys(claims).filter((c) => c !== 'sub').length ? must : []);
  const notes = [
    `${name}: a workload with a token from ${source.issuer}.`,
    ...must.map((m) => `The token must carry ${m}.`),
    'Write the token to a file only the job can read, then:',
  ];
  const file = '"$OIDC_TOKEN_FILE"';
  const lines = t.cloud === 'aws'
    ? [`export ${awsWebIdentityEnv(t, '$OIDC_TOKEN_FILE').map(([k, v]) => `${k}=${v === '$OIDC_TOKEN_FILE' ? file : sq(v)}`).join(' ')}`, AWS_CHECK]
    : t.cloud === 'gcp'
      ? [`# ${gcpAccessNote(t)}`, ...gcpLoginCommands(t, file, '"$HOME/.gcp-credentials.json"')]
      : azureLoginCommands(t, `"$(cat ${file})"`);
  return renderFiles([{ path: `${name}: shell`, syntax: 'shell', notes, body: ['OIDC_TOKEN_FILE="<path of the token file>"', ...lines].join('\n') }]);
}

/** A pod of the service account with a projected token for the trust's audience. */
function kubernetesSnippet(
  source: SnippetSource<GenericOidcDetails>, t: SnippetTarget, namespace: string, serviceAccount: string, must: string[],
): string {
  const aud = firstAudience(source);
  const dir = '/var/run/secrets/ci-oidc-trust';
  const token = `${dir}/token`;
  const env: Array<[string, string]> = t.cloud === 'aws'
    ? awsWebIdentityEnv(t, token)
    : t.cloud === 'azure'
      ? [['AZURE_CLIENT_ID', t.principal], ['AZURE_TENANT_ID', t.tenantId ?? '<tenant id>'], ['AZURE_FEDERATED_TOKEN_FILE', token], ['AZURE_AUTHORITY_HOST', AUTHORITY[azureCloud(t)]]]
      : [['GOOGLE_APPLICATION_CREDENTIALS', JOB_GCP_CREDENTIALS_FILE]];
  const script = t.cloud === 'aws' ? ['aws sts get-caller-identity']
    : t.cloud === 'gcp' ? gcpLoginCommands(t, token, JOB_GCP_CREDENTIALS_FILE).filter((c) => !c.startsWith('export '))
      : azureLoginCommands(t, `"$(cat ${token})"`);
  const image = t.cloud === 'aws' ? 'amazon/aws-cli:latest' : t.cloud === 'gcp' ? 'google/cloud-sdk:slim' : 'mcr.microsoft.com/azure-cli:latest';
  const body = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: deploy',
    `  namespace: ${yq(namespace)}`,
    'spec:',
    `  serviceAccountName: ${yq(serviceAccount)}  # the subject is system:serviceaccount:<namespace>:<service account>`,
    '  containers:',
    '    - name: deploy',
    `      image: ${image}`,
    `      command: ["/bin/sh", "-c", ${yq(script.join(' && '))}]`,
    '      env:',
    ...env.map(([k, v]) => `        - { name: ${k}, value: ${yq(v)} }`),
    '      volumeMounts:',
    `        - { name: oidc-token, mountPath: ${dir}, readOnly: true }`,
    '  volumes:',
    '    - name: oidc-token',
    '      projected:',
    '        sources:',
    '          - serviceAccountToken:',
    `              audience: ${yq(aud)}  # the token's aud`,
    '              expirationSeconds: 3600',
    '              path: token',
  ].join('\n');
  const notes = [
    `A pod of service account ${namespace}/${serviceAccount} on the cluster whose service-account issuer is ${source.issuer}.`,
    ...must.map((m) => `The token must carry ${m}.`),
    ...(t.cloud === 'gcp' ? [gcpAccessNote(t)] : []),
  ];
  return renderFiles([{ path: `Kubernetes pod (${namespace}/${serviceAccount})`, syntax: 'yaml', notes, body }]);
}
