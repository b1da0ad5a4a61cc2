import { SnippetTarget } from './snippets';
import { cmp } from '../model/condition';
import { Trust } from '../model/trust';

/**
 * The review metadata every construct attaches to the resources it creates (CloudFormation
 * `Metadata["ci-oidc-trust"]`, Terraform `"//": {"ci-oidc-trust": …}`), read by the template scanner
 * (lib/review/scan/extract.ts). One shape for all clouds: keep it stable.
 * @internal
 */
export const REVIEW_METADATA_KEY = 'ci-oidc-trust';

/** One trust's entry (the fingerprint hashes the condition: compute once, reuse). @internal */
export interface TrustEntry { readonly id: string; readonly [key: string]: unknown }

/** @internal */
export function trustEntry(t: Trust, target?: SnippetTarget): TrustEntry {
  return {
    id: t.fingerprint,
    provider: t.provider,
    description: t.description,
    warnings: t.findings.map((f) => ({ id: f.ruleId, message: f.message })),
    widenings: t.widenings,
    // The snippet's inputs, not its text, as one JSON string: the review renders it
    // (lib/review/snippets.ts); one short string per role keeps synth fast.
    ...(target ? { ciSnippetSource: snippetSource(t, target) } : {}),
  };
}

/** The metadata value (under REVIEW_METADATA_KEY), entries sorted by id. @internal */
export function reviewMetadata(entries: TrustEntry[]): Record<string, unknown> {
  return { version: 1, trusts: [...entries].sort((a, b) => cmp(a.id, b.id)) };
}

function snippetSource(t: Trust, target: SnippetTarget): string {
  return JSON.stringify({ target, issuer: t.issuer, audiences: t.audiences, sessionTags: t.sessionTags, details: t._details });
}
