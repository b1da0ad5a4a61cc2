/**
 * Buildkite's default `sub` (ci-claims.md §4, BK-CLI):
 * `organization:ORG:pipeline:PIPE:ref:REF:commit:SHA:step:KEY`, REF = refs/tags/TAG when the build
 * has a tag, else refs/heads/BRANCH; an empty step key gives `…:step:`. No encoding.
 * @internal
 */
export function renderBuildkiteSubject(claims: Record<string, unknown>): string {
  const ref = claims.build_tag ? `refs/tags/${claims.build_tag}` : `refs/heads/${claims.build_branch ?? ''}`;
  return `organization:${claims.organization_slug}:pipeline:${claims.pipeline_slug}:ref:${ref}:commit:${claims.build_commit ?? ''}:step:${claims.step_key ?? ''}`;
}
