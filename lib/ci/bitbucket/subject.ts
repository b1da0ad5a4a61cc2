import { Glob } from '../../model/glob';
import { concat, lit } from '../globs';

/**
 * Bitbucket Pipelines' `sub` (docs/claims.md#bitbucket): `{repositoryUuid}:{stepUuid}`, or
 * `{repositoryUuid}:{deploymentEnvironmentUuid}:{stepUuid}` in deployment steps; braces kept.
 * The one home of the grammar: the builder passes a wildcard step, the renderer the claim.
 * @internal
 */
export function bitbucketSubject(repositoryUuid: string, environmentUuid: string | undefined, step: Glob): Glob {
  return concat(lit(`${repositoryUuid}:${environmentUuid ? `${environmentUuid}:` : ''}`), step);
}

/** Render `sub` for a token's claims. @internal */
export function renderBitbucketSubject(claims: Record<string, unknown>): string {
  const env = claims.deploymentEnvironmentUuid;
  return bitbucketSubject(String(claims.repositoryUuid), env ? String(env) : undefined, lit(String(claims.stepUuid))).parts[0];
}
