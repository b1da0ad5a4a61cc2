import { compileTermsTotal } from './cel';
import { GCP_LIMITS } from './limits';
import { TrustConfigError } from '../model/errors';
import { Trust } from '../model/trust';

/** GCP limits on attribute mappings (docs/limits.md#gcp). @internal */
export const MAX_CUSTOM_ATTRIBUTES = GCP_LIMITS.customAttributes.value;
/** @internal */
export const MAX_ATTRIBUTE_KEY_CHARS = GCP_LIMITS.attributeKeyLength.value;
/** @internal */
export const MAX_MAPPING_EXPRESSION_CHARS = GCP_LIMITS.mappingExpression.value;
/** @internal */
export const MAX_SUBJECT_BYTES = GCP_LIMITS.subjectBytes.value;

const ATTRIBUTE_KEY = /^[a-z0-9_]+$/;

/** Attribute key that identifies a trust on its provider (value: the provider id). @internal */
export function trustAttribute(trust: Trust): string {
  return `trust_${trust.fingerprint}`;
}

/**
 * `google.subject` (≤127 bytes, or the token exchange fails). When every alternative of every trust
 * pins `sub` to exact values that fit, `assertion.sub` is used as is. Otherwise `sub` is kept when
 * it fits (measured in UTF-8 bytes) and replaced by a short id of the run when it does not:
 * - GitHub: `github-jti:REPOSITORY_ID:JTI` (the immutable `repo:OWNER@ID/REPO@ID:…` form and long
 *   branch or environment names exceed 127 bytes);
 * - GitLab: `gitlab-job:PROJECT_ID:JOB_ID` (deep group paths);
 * - Buildkite: `buildkite-job:JOB_ID` (the default sub carries the 40-hex commit SHA).
 * Why the result stays unique: `jti` and job ids are unique per token or job, so two different
 * workloads never share a subject; the prefixes (`github-jti:`, `gitlab-job:`, `buildkite-job:`)
 * contain a `-` before the first `:`, which no GitHub (`repo:`, `key:` with `[A-Za-z0-9_]` keys),
 * GitLab (`project_path:`, `project_id:`) or Buildkite (`organization:`, or a bare id) subject has,
 * so a shortened subject never equals a real one. The grants never use `google.subject` (see
 * `trustAttribute`); it names the principal in audit logs.
 * @internal
 */
export function subjectExpression(trusts: Trust[]): string {
  const allShort = trusts.every((t) => t.condition._terms().every((term) => term.tests.some((x) => x.kind === 'in' && x.claim === 'sub'
    && x.values.every((v) => Buffer.byteLength(v, 'utf8') <= MAX_SUBJECT_BYTES))));
  if (allShort) return 'assertion.sub';
  const provider = trusts[0].provider;
  const fits = `size(bytes(assertion.sub)) <= ${MAX_SUBJECT_BYTES}`;
  switch (provider) {
    case 'github-actions':
      return `${fits} ? assertion.sub : 'github-jti:' + assertion.repository_id + ':' + assertion.jti`;
    case 'gitlab-ci':
    case 'gitlab':
      return `${fits} ? assertion.sub : 'gitlab-job:' + assertion.project_id + ':' + assertion.job_id`;
    case 'buildkite':
      return `${fits} ? assertion.sub : 'buildkite-job:' + assertion.job_id`;
    case 'circleci':
      // The v2 subject appends /vcs-origin/…/vcs-ref/… to the v1 one (org/<uuid>/project/<uuid>/user/<uuid>,
      // exactly 127 bytes): map the v1 part, unique per organization, project and user.
      return `${fits} ? assertion.sub : assertion.sub.split('/vcs-origin/')[0]`;
    default:
      // No known short id: a sub over 127 bytes then fails the exchange (fail closed).
      return 'assertion.sub';
  }
}

/**
 * The full attribute mapping of a provider: `google.subject`, and one `attribute.trust_<fingerprint>`
 * per trust whose value is the provider id when the token satisfies that trust.
 *
 * Why: a provider's `attribute_condition` is the OR of its trusts, so an attribute taken from a
 * claim (say `attribute.repository_id`) would let a grant meant for trust A admit a token of trust B
 * with the same repository but another branch. The per-trust attribute is computed from the trust's
 * own condition, so `principalSet://…/attribute.trust_<fp>/<provider>` admits exactly the tokens of
 * that trust (the provider condition admits nothing else anyway). With one trust the provider's
 * condition already is the trust, so the value is a constant. The value is the provider id, so a
 * trust with the same fingerprint on another provider of the pool is a different principal set.
 * @internal
 */
export function attributeMapping(trusts: Trust[], providerId: string, where: string): Record<string, string> {
  const mapping: Record<string, string> = { 'google.subject': subjectExpression(trusts) };
  const value = `'${providerId}'`; // [a-z0-9-] only: no escaping needed
  for (const t of trusts) {
    const key = trustAttribute(t);
    mapping[`attribute.${key}`] = trusts.length === 1 ? value : `(${compileTermsTotal(t.condition._terms())}) ? ${value} : '-'`;
  }
  checkMapping(mapping, where);
  return Object.fromEntries(Object.keys(mapping).sort().map((k) => [k, mapping[k]]));
}

/** GCP's attribute-mapping limits, with both numbers in every message. @internal */
export function checkMapping(mapping: Record<string, string>, where: string): void {
  const custom = Object.keys(mapping).filter((k) => k.startsWith('attribute.'));
  if (custom.length > MAX_CUSTOM_ATTRIBUTES) {
    throw new TrustConfigError(where, `the GCP attribute mapping needs ${custom.length} custom attributes (one per trust), over GCP's limit of ${MAX_CUSTOM_ATTRIBUTES}`, `put at most ${MAX_CUSTOM_ATTRIBUTES} trusts on one provider; add another provider for the rest`);
  }
  for (const k of custom) {
    const name = k.slice('attribute.'.length);
    if (!ATTRIBUTE_KEY.test(name) || name.length > MAX_ATTRIBUTE_KEY_CHARS) {
      throw new TrustConfigError(where, `GCP attribute key ${JSON.stringify(name)} is ${name.length} characters; keys must be 1-${MAX_ATTRIBUTE_KEY_CHARS} characters of [a-z0-9_]`, 'use a lower-case key of letters, digits and underscores');
    }
  }
  for (const [k, expr] of Object.entries(mapping)) {
    if (expr.length > MAX_MAPPING_EXPRESSION_CHARS) {
      throw new TrustConfigError(where, `the GCP attribute mapping expression for ${k} is ${expr.length} characters, over GCP's limit of ${MAX_MAPPING_EXPRESSION_CHARS}`, 'put this trust on a provider of its own (its attribute is then a constant), or pin fewer alternative values');
    }
  }
}
