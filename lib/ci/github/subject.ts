/**
 * GitHub's `sub` grammar (docs/claims.md#github-actions, https://docs.github.com/en/actions/reference/security/oidc "Example subject claims" and "Customizing the
 * subject claims"):
 * - default template `["repo", "context"]`; `repo` renders `repo:OWNER/REPO`, or
 *   `repo:OWNER@OWNER_ID/REPO@REPO_ID` when the repository uses the immutable format;
 * - `context` renders without a key: `environment:ENV` if the job names an environment, else
 *   `pull_request` for pull-request events, else `ref:REF`;
 * - every other key renders `key:value`; a `:` inside a value is written `%3A`.
 * @internal
 */
export const DEFAULT_TEMPLATE: readonly string[] = ['repo', 'context'];

/** Encode a value the way GitHub writes it into `sub`. @internal */
export function encodeSubjectValue(v: string): string {
  return v.replace(/:/g, '%3A');
}

/** The `repo` field: `repo:OWNER/REPO`, or `repo:OWNER@OWNER_ID/REPO@REPO_ID` in the immutable form. @internal */
export function repoField(owner: string, repository: string, ids?: { ownerId: unknown; repositoryId: unknown }): string {
  return ids ? `repo:${owner}@${ids.ownerId}/${repository}@${ids.repositoryId}` : `repo:${owner}/${repository}`;
}
/** The context of a job that names an environment. @internal */
export function environmentContext(environment: string): string {
  return `environment:${encodeSubjectValue(environment)}`;
}
/** The context of a pull-request run without an environment. @internal */
export const PULL_REQUEST_CONTEXT = 'pull_request';
/** The context of any other run, and the `ref` key of a custom template. @internal */
export function refContext(ref: string): string {
  return claimField('ref', ref);
}
/** Any other template key: `key:value`. @internal */
export function claimField(key: string, value: string): string {
  return `${key}:${encodeSubjectValue(value)}`;
}

/** The context part of the default subject for these claims. @internal */
export function subjectContext(claims: Record<string, unknown>): string {
  const env = claims.environment;
  if (typeof env === 'string' && env !== '') return environmentContext(env);
  if (claims.event_name === 'pull_request') return PULL_REQUEST_CONTEXT;
  return refContext(String(claims.ref ?? ''));
}

/** Render `sub` for a token's claims, as GitHub does. Used by test token generators and the review. @internal */
export function renderSubject(claims: Record<string, unknown>, immutable: boolean, template: readonly string[] = DEFAULT_TEMPLATE): string {
  return template.map((key) => {
    if (key === 'context') return subjectContext(claims);
    if (key === 'repo') {
      const [owner, name] = String(claims.repository ?? '').split('/');
      return repoField(owner, name, immutable ? { ownerId: claims.repository_owner_id, repositoryId: claims.repository_id } : undefined);
    }
    return claimField(key, String(claims[key] ?? ''));
  }).join(':');
}
