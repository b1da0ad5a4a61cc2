import { Glob } from '../../model/glob';
import { concat, lit } from '../globs';

/**
 * GitLab's `sub` grammar (docs/claims.md#gitlab, `lib/gitlab/ci/jwt_v2.rb`): the configured components
 * (default project_path, ref_type, ref), each `name:value`, joined by `:`; no encoding. The one
 * home of the grammar: the builder fills components with globs, the renderer with claims.
 * @internal
 */
export const DEFAULT_SUB_COMPONENTS: readonly string[] = ['project_path', 'ref_type', 'ref'];

/** One segment of a GitLab group or project path. @internal */
export const SEG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}';

/** One component field, `name:value`. @internal */
export function componentField(name: string, value: Glob): Glob {
  return concat(lit(`${name}:`), value);
}

/** Render `sub` for a token's claims. @internal */
export function renderGitLabSubject(claims: Record<string, unknown>, components: readonly string[] = DEFAULT_SUB_COMPONENTS): string {
  return components.map((c) => componentField(c, lit(String(claims[c] ?? ''))).parts[0]).join(':');
}
