/**
 * CircleCI's `sub` (ci-claims.md §5): v1 `org/<org>/project/<project>/user/<user>`; the v2 token
 * (`$CIRCLE_OIDC_TOKEN_V2`) appends `/vcs-origin/<origin>/vcs-ref/<ref>`.
 * @internal
 */
export function renderCircleCiSubject(claims: Record<string, unknown>, organizationId: string, userId: string, v2: boolean): string {
  // The organization and user ids are in the issuer and the subject only, not in separate claims.
  const v1 = `org/${organizationId}/project/${claims['oidc.circleci.com/project-id']}/user/${userId}`;
  return v2 ? `${v1}/vcs-origin/${claims['oidc.circleci.com/vcs-origin']}/vcs-ref/${claims['oidc.circleci.com/vcs-ref']}` : v1;
}
