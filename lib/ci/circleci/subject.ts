import { Glob } from '../../model/glob';
import { concat, lit } from '../globs';

/**
 * CircleCI's `sub` (docs/claims.md#circleci): v1 `org/<org>/project/<project>/user/<user>`; the v2 token
 * (`$CIRCLE_OIDC_TOKEN_V2`) appends `/vcs-origin/<origin>/vcs-ref/<ref>`. The one home of the
 * grammar: the builder passes globs, the renderer claims.
 * @internal
 */
export function circleCiSubject(organizationId: string, projectId: string, user: Glob): Glob {
  return concat(lit(`org/${organizationId}/project/${projectId}/user/`), user);
}

/** What the v2 token appends after the user. @internal */
export const CIRCLECI_V2_TAIL = '/vcs-origin/';

/** Render `sub` for a token's claims (the organization and user ids are not separate claims). @internal */
export function renderCircleCiSubject(claims: Record<string, unknown>, organizationId: string, userId: string, v2: boolean): string {
  const v1 = circleCiSubject(organizationId, String(claims['oidc.circleci.com/project-id']), lit(userId)).parts[0];
  return v2 ? `${v1}${CIRCLECI_V2_TAIL}${claims['oidc.circleci.com/vcs-origin']}/vcs-ref/${claims['oidc.circleci.com/vcs-ref']}` : v1;
}
