import { checkConditionLength, checkPinsIdentity, compileCondition, compileTermsTotal, compileTest, splitShared } from './cel';
import { GCP_LIMITS } from './limits';
import { providerSpec } from '../ci/registry';
import { TrustConfigError } from '../model/errors';
import { Trust, withSizeHints } from '../model/trust';

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
 * it fits (measured in UTF-8 bytes) and replaced by the provider's short fallback when it does not
 * (`ProviderSpec.gcp.longSubjectFallback`, e.g. GitHub's `github-jti:REPOSITORY_ID:JTI`); a provider
 * without one keeps `assertion.sub`, so a longer subject fails the exchange (closed).
 * A fallback must stay unique per workload and never equal another workload's real subject; each
 * spec says why its own does (ids unique per token or job, a prefix no real subject has).
 * The grants never use `google.subject` (see `trustAttribute`); it names the principal in audit logs.
 * @internal
 */
export function subjectExpression(trusts: Trust[], where = 'GCP attribute mapping'): string {
  // The trusts of one GCP provider share one issuer, so one CI provider; a fallback is closed either way.
  const spec = providerSpec(trusts[0].provider);
  const fallback = spec.gcp.longSubjectFallback;
  if (fallback === undefined) refuseLongSubjects(trusts, spec.displayName, where);
  const allShort = trusts.every((t) => t.condition._terms().every((term) => term.tests.some((x) => x.kind === 'in' && x.claim === 'sub'
    && x.values.every((v) => Buffer.byteLength(v, 'utf8') <= MAX_SUBJECT_BYTES))));
  if (allShort) return 'assertion.sub';
  return fallback === undefined ? 'assertion.sub' : `size(bytes(assertion.sub)) <= ${MAX_SUBJECT_BYTES} ? assertion.sub : ${fallback}`;
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
  const mapping: Record<string, string> = { 'google.subject': subjectExpression(trusts, where) };
  const value = `'${providerId}'`; // [a-z0-9-] only: no escaping needed
  // The provider condition states the tests every trust shares (providerCondition), so each
  // trust's attribute tests only the rest; a trust that is nothing but the shared tests is constant.
  const { rest } = trusts.length === 1 ? { rest: [] } : splitShared(trusts);
  trusts.forEach((t, i) => {
    const key = trustAttribute(t);
    const own = rest[i];
    mapping[`attribute.${key}`] = trusts.length === 1 || own.some((term) => term.tests.length === 0) ? value : `(${compileTermsTotal(own)}) ? ${value} : '-'`;
  });
  checkMapping(mapping, where, trusts);
  return Object.fromEntries(Object.keys(mapping).sort().map((k) => [k, mapping[k]]));
}

/**
 * The provider's `attribute_condition`. One trust: its compiled condition. Several: the tests they
 * all share, AND the OR of `attribute.trust_<fp> == '<provider id>'`, so each trust's condition is
 * written once (in its mapping, at most 2,048 characters) instead of twice, and the 4,096
 * characters of the condition hold about 40 characters per trust rather than the whole trust.
 *
 * Exact: GCP evaluates the attribute mapping first and lets the condition read the mapped
 * `attribute.NAME` values (REST reference of `attributeCondition`). A trust's attribute is its
 * provider id exactly when the token passes the trust's condition without the shared tests; the
 * mapping never errors (compileTermsTotal), so every attribute is always set and the condition is
 * true exactly when the shared tests and one trust's rest hold: the OR of the trusts. Should a
 * mapping error anyway, the exchange fails (and the condition would read an unset attribute,
 * which is an error, which denies): closed either way.
 * @internal
 */
export function providerCondition(trusts: Trust[], providerId: string, where: string): string {
  if (trusts.length === 1) return compileCondition(trusts, where);
  for (const t of trusts) checkPinsIdentity(t, t.condition._terms(), where);
  const { shared } = splitShared(trusts);
  const refs = trusts.map((t) => `attribute.${trustAttribute(t)} == '${providerId}'`).sort();
  const any = refs.join(' || ');
  const text = shared.length === 0 ? any : [...shared.map(compileTest), `(${any})`].join(' && ');
  checkConditionLength(text, where, trusts);
  return text;
}

/** GCP's attribute-mapping limits, with both numbers in every message. @internal */
export function checkMapping(mapping: Record<string, string>, where: string, trusts: readonly Trust[]): void {
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
      throw new TrustConfigError(where, `the GCP attribute mapping expression for ${k} is ${expr.length} characters, over GCP's limit of ${MAX_MAPPING_EXPRESSION_CHARS}`, withSizeHints('put this trust on a provider of its own (its attribute is then a constant), or pin fewer alternative values', trusts));
    }
  }
}

/**
 * Without a fallback `google.subject` is `sub`, so a subject over 127 bytes can never be exchanged:
 * an exact `sub` that long (or a pattern whose literal text alone is that long) is refused at
 * synth rather than deployed as a trust that always fails.
 */
function refuseLongSubjects(trusts: Trust[], ci: string, where: string): void {
  for (const t of trusts) {
    for (const term of t.condition._terms()) {
      for (const x of term.tests) {
        if (x.claim !== 'sub' || x.kind === 'has') continue;
        const texts = x.kind === 'in' ? x.values : x.patterns.map((g) => g.parts.join(''));
        const long = texts.find((v) => Buffer.byteLength(v, 'utf8') > MAX_SUBJECT_BYTES);
        if (long === undefined) continue;
        const what = x.kind === 'in' ? 'the exact subject' : 'every subject matching the pattern with literal text';
        throw new TrustConfigError(where, `trust "${t.description}": ${what} ${JSON.stringify(long)} is ${Buffer.byteLength(long, 'utf8')} bytes, over GCP's limit of ${MAX_SUBJECT_BYTES} bytes on google.subject, and ${ci} has no shorter unique id to map instead, so GCP would refuse every token of it`, `use a subject of at most ${MAX_SUBJECT_BYTES} bytes (shorter names, or the provider's shorter subject form), or federate this trust with another cloud`);
      }
    }
  }
}
