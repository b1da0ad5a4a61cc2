import { issuerHostPath } from '../model/issuer';

/**
 * Which token claims AWS STS exposes as condition keys in a role trust policy, per issuer.
 * Data, not logic (docs/claims.md#aws-condition-keys):
 * - every OIDC provider: `aud` and `sub` (`<issuer host/path>:aud|sub`);
 * - gitlab.com only: the GitLab-documented extra keys (https://docs.gitlab.com/ci/secrets/id_token_authentication/, gitlab `ci/cloud_services/aws`);
 * - github.com: the IdP-specific claims AWS STS validates since 2026-01. Sources conflict on the
 *   list (cageyv.dev 2026-02-06 vs trustfix.dev); we use the set cageyv.dev transcribes from the AWS
 *   page. A key AWS did not support would read as absent and fail closed (the role would deny), never
 *   open, and `sub` is always pinned as well.
 * @internal
 */
export interface AwsClaimKeySet {
  readonly issuer: string;
  readonly claims: readonly string[];
  readonly source: string;
}

/** @internal */
export const AWS_CLAIM_KEYS: readonly AwsClaimKeySet[] = [
  {
    issuer: 'https://token.actions.githubusercontent.com',
    claims: ['actor', 'actor_id', 'enterprise_id', 'environment', 'job_workflow_ref', 'ref', 'repository', 'repository_id', 'workflow'],
    source: 'AWS STS IdP-specific claims, 2026-01 (as listed by cageyv.dev 2026-02-06; docs/claims.md#aws-condition-keys)',
  },
  {
    issuer: 'https://gitlab.com',
    claims: ['namespace_id', 'pipeline_source', 'project_id', 'ref_protected', 'user_access_level', 'user_email', 'user_id', 'user_login'],
    source: 'GitLab docs, ci/cloud_services/aws (gitlab.com IdP only)',
  },
];

/** Claims readable as `<issuer>:<claim>` for this issuer. @internal */
export function awsClaimKeys(issuer: string): readonly string[] {
  // Asked once per trust, of a few issuers: remember each answer.
  let keys = KEYS.get(issuer);
  if (!keys) {
    keys = Object.freeze(['aud', 'sub', ...(AWS_CLAIM_KEYS.find((k) => k.issuer === issuer)?.claims ?? [])]);
    if (KEYS.size < 100) KEYS.set(issuer, keys);
  }
  return keys;
}
const KEYS = new Map<string, readonly string[]>();

/**
 * The condition key of each claim readable for this issuer (`aud` → `<issuer host/path>:aud`), in
 * the order of `awsClaimKeys`. Every trust's every test names a key: the strings are made once per
 * issuer, not once per role.
 * @internal
 */
export function awsConditionKeys(issuer: string): ReadonlyMap<string, string> {
  let keys = CONDITION_KEYS.get(issuer);
  if (!keys) {
    const prefix = issuerHostPath(issuer);
    keys = new Map(awsClaimKeys(issuer).map((claim) => [claim, `${prefix}:${claim}`]));
    if (CONDITION_KEYS.size < 100) CONDITION_KEYS.set(issuer, keys);
  }
  return keys;
}
const CONDITION_KEYS = new Map<string, ReadonlyMap<string, string>>();
