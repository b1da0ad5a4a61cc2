import { Glob } from '../../model/glob';
import { concat, lit } from '../globs';

/**
 * Buildkite's default `sub` (docs/claims.md#buildkite, https://buildkite.com/docs/agent/cli/reference/oidc):
 * `organization:ORG:pipeline:PIPE:ref:REF:commit:SHA:step:KEY`, REF = refs/tags/TAG when the build
 * has a tag, else refs/heads/BRANCH; an empty step key gives `…:step:`. No encoding. The one home of
 * the grammar: the builder passes globs (wildcards for commit and step), the renderer literal claims.
 * @internal
 */
export function buildkiteSubject(organization: string, pipeline: string, ref: Glob, commit: Glob, step: Glob): Glob {
  return concat(lit(`${buildkiteIdentity(organization, pipeline)}ref:`), ref, lit(':commit:'), commit, lit(':step:'), step);
}

/** The subject's identity prefix, closed by ':'. @internal */
export function buildkiteIdentity(organization: string, pipeline: string): string {
  return `organization:${organization}:pipeline:${pipeline}:`;
}

/** Render `sub` for a token's claims, as the agent does. @internal */
export function renderBuildkiteSubject(claims: Record<string, unknown>): string {
  const ref = claims.build_tag ? `refs/tags/${claims.build_tag}` : `refs/heads/${claims.build_branch ?? ''}`;
  return buildkiteSubject(String(claims.organization_slug), String(claims.pipeline_slug), lit(ref), lit(String(claims.build_commit ?? '')), lit(String(claims.step_key ?? ''))).parts[0];
}
