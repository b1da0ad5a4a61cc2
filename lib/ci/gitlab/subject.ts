/**
 * GitLab's `sub` grammar (ci-claims.md §3, `lib/gitlab/ci/jwt_v2.rb`): the configured components
 * (default project_path, ref_type, ref), each `name:value`, joined by `:`; no encoding.
 * @internal
 */
export function renderGitLabSubject(claims: Record<string, unknown>, components: readonly string[] = ['project_path', 'ref_type', 'ref']): string {
  return components.map((c) => `${c}:${claims[c] ?? ''}`).join(':');
}
