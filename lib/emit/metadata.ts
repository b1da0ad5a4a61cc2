import { SnippetTarget } from '../ci/provider-spec';
import { cmp } from '../model/condition';
import { Trust } from '../model/trust';

/*
 * The review metadata every construct attaches to the resources it creates (CloudFormation
 * `Metadata["ci-oidc-trust"]`, Terraform `"//": {"ci-oidc-trust": …}`), read by the template scanner
 * (lib/review/scan/extract.ts). One key, one writer, one shape for all clouds: keep it stable.
 */

/** The one metadata key. @internal */
export const REVIEW_METADATA_KEY = 'ci-oidc-trust';

/** One trust's entry (the fingerprint hashes the condition: compute once, reuse). @internal */
export interface TrustEntry { readonly id: string; readonly [key: string]: unknown }

/**
 * Empty lists are left out, and so is the description when the resource's own description (an IAM
 * role's `Description`) already is the sentence: every role carries its entry, so it stays small.
 * @internal
 */
export function trustEntry(t: Trust, target?: SnippetTarget, resourceDescription?: string): TrustEntry {
  // Built key by key (every role makes one): the key order is the JSON's.
  const entry: Record<string, unknown> = { id: t.fingerprint, provider: t.provider };
  if (t.description !== resourceDescription) entry.description = t.description;
  if (t.findings.length) entry.warnings = t.findings.map((f) => ({ id: f.ruleId, message: f.message }));
  if (t.widenings.length) entry.widenings = t.widenings;
  // The snippet's inputs, not its text: the review renders it (lib/emit/snippets.ts).
  if (target) entry.ciSnippetSource = snippetSource(t, target);
  return entry as TrustEntry;
}

/**
 * The metadata value (under REVIEW_METADATA_KEY): the compact JSON text of
 * `{version: 1, trusts: [entries sorted by id]}`. Text rather than a nested object because a
 * template carries it for every role and CDK resolves every node of a nested value at synth (twice);
 * one string is one node, which keeps CiOidcRole's synth close to a plain role's (docs/benchmarks.md).
 * The review parses it (`parseReviewMetadata`).
 * @internal
 */
export function reviewMetadata(entries: readonly TrustEntry[]): string {
  return JSON.stringify({ version: 1, trusts: entries.length < 2 ? entries : [...entries].sort((a, b) => cmp(a.id, b.id)) });
}

/**
 * The value of a Terraform resource's `"//"` (Terraform JSON's comment key): the review metadata
 * under its key, and any cloud-specific sibling keys.
 * @internal
 */
export function terraformComment(entries: readonly TrustEntry[], extra?: Record<string, unknown>): Record<string, unknown> {
  return { [REVIEW_METADATA_KEY]: reviewMetadata(entries), ...(extra ?? {}) };
}

/** The metadata object from its text (or an object, as earlier builds wrote it); undefined when unreadable. @internal */
export function parseReviewMetadata(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function snippetSource(t: Trust, target: SnippetTarget): Record<string, unknown> {
  const source: Record<string, unknown> = { target, issuer: t.issuer, audiences: t.audiences };
  if (t.sessionTags.length) source.sessionTags = t.sessionTags;
  source.details = t._details;
  return source;
}
