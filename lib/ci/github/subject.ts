/**
 * GitHub's `sub` grammar (ci-claims.md §2, GH-REF "Example subject claims" and "Customizing the
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

/** The context part of the default subject for these claims. @internal */
export function subjectContext(claims: Record<string, unknown>): string {
  const env = claims.environment;
  if (typeof env === 'string' && env !== '') return `environment:${encodeSubjectValue(env)}`;
  if (claims.event_name === 'pull_request') return 'pull_request';
  return `ref:${encodeSubjectValue(String(claims.ref ?? ''))}`;
}

/** Render `sub` for a token's claims, as GitHub does. Used by test token generators and the review. @internal */
export function renderSubject(claims: Record<string, unknown>, immutable: boolean, template: readonly string[] = DEFAULT_TEMPLATE): string {
  return template.map((key) => {
    if (key === 'context') return subjectContext(claims);
    if (key === 'repo') {
      if (immutable) {
        const [owner, name] = String(claims.repository ?? '').split('/');
        return `repo:${owner}@${claims.repository_owner_id}/${name}@${claims.repository_id}`;
      }
      return `repo:${claims.repository}`;
    }
    return `${key}:${encodeSubjectValue(String(claims[key] ?? ''))}`;
  }).join(':');
}
