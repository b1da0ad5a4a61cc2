/**
 * Bitbucket Pipelines' `sub` (ci-claims.md §6): `{repositoryUuid}:{stepUuid}`, or
 * `{repositoryUuid}:{deploymentEnvironmentUuid}:{stepUuid}` in deployment steps; braces kept.
 * @internal
 */
export function renderBitbucketSubject(claims: Record<string, unknown>): string {
  const env = claims.deploymentEnvironmentUuid;
  return `${claims.repositoryUuid}:${env ? `${env}:` : ''}${claims.stepUuid}`;
}
