import { SnippetSource, SnippetTarget } from './provider-spec';

/* What the providers' CI snippets (lib/ci/<provider>/snippet.ts) share. */

/** What an AWS snippet says for the region when the stack's region is not known at synth. @internal */
export const UNKNOWN_REGION = '<region of the role\'s stack>';

/** What a snippet says for an Azure tenant id it was not given. @internal */
export const UNKNOWN_TENANT = '<tenant id>';

/** The audience the job requests: the trust's first (snippets show one). @internal */
export function firstAudience(source: SnippetSource): string {
  return source.audiences?.[0] ?? '';
}

/**
 * The environment an AWS SDK or CLI needs to assume the role itself from a token file (the SDKs'
 * standard web-identity provider): nothing prints the credentials, and every later command of the
 * job gets them. Never `aws sts assume-role-with-web-identity` in a job: it prints the secret key.
 * @internal
 */
export function awsWebIdentityEnv(t: SnippetTarget, tokenFile: string): Array<[string, string]> {
  return [['AWS_ROLE_ARN', t.principal], ['AWS_WEB_IDENTITY_TOKEN_FILE', tokenFile], ['AWS_REGION', t.region ?? UNKNOWN_REGION]];
}
