import { Trust } from '../model/trust';
import { REVIEW_METADATA_KEY, reviewMetadata as shared, TrustEntry, trustEntry } from '../review/metadata';

export { TrustEntry, trustEntry };

/**
 * Review metadata for a Terraform resource (`"//"` is a comment key in Terraform JSON), in the
 * shape shared by every cloud (lib/review/metadata.ts).
 * @internal
 */
export function reviewMetadata(trusts: Trust[], extra?: Record<string, unknown>): Record<string, unknown> {
  return metadataOf(trusts.map((t) => trustEntry(t)), extra);
}

/** @internal */
export function metadataOf(entries: TrustEntry[], extra?: Record<string, unknown>): Record<string, unknown> {
  return { [REVIEW_METADATA_KEY]: shared(entries), ...(extra ?? {}) };
}

/** Sibling key with the GCP facts the simulator needs (the project number is not in the provider resource). @internal */
export const GCP_METADATA_KEY = 'ci-oidc-trust-gcp';
