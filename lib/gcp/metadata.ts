import { Trust } from '../model/trust';

/**
 * Review metadata for a Terraform resource (`"//"` is a comment key in Terraform JSON). The shape of
 * `ci-oidc-trust` is shared with the template scanner (lib/review/scan): keep it stable.
 * @internal
 */
export function reviewMetadata(trusts: Trust[], extra?: Record<string, unknown>): Record<string, unknown> {
  return metadataOf(trusts.map(trustEntry), extra);
}

/** One trust's entry (computing the fingerprint hashes the condition: compute once, reuse). @internal */
export interface TrustEntry { readonly id: string; readonly [key: string]: unknown }

/** @internal */
export function trustEntry(t: Trust): TrustEntry {
  return {
    id: t.fingerprint,
    provider: t.provider,
    description: t.description,
    warnings: t.findings.map((f) => ({ id: f.ruleId, message: f.message })),
    widenings: t.widenings,
  };
}

/** @internal */
export function metadataOf(entries: TrustEntry[], extra?: Record<string, unknown>): Record<string, unknown> {
  const sorted = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { 'ci-oidc-trust': { version: 1, trusts: sorted }, ...(extra ?? {}) };
}

/** Sibling key with the GCP facts the simulator needs (the project number is not in the provider resource). @internal */
export const GCP_METADATA_KEY = 'ci-oidc-trust-gcp';
