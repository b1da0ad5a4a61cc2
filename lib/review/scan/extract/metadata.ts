/**
 * Reads the metadata our own constructs write (lib/review/metadata.ts parses the text) and matches
 * its entries to extracted relationships.
 */
import { TrustMetadata } from './types';
import { asArray, isObj } from './util';
import type { SnippetTarget } from '../../../ci/provider-spec';
import { parseReviewMetadata } from '../../../emit/metadata';
import { ciSnippet } from '../../../emit/snippets';

/** `resourceDescription`: an entry without a description has the resource's (an IAM role's `Description`). */
export function readMetadata(text: unknown, resourceDescription?: unknown): TrustMetadata[] {
  const raw = parseReviewMetadata(text);
  if (!isObj(raw) || !Array.isArray(raw.trusts)) return [];
  return raw.trusts.filter(isObj).map(t => ({
    id: String(t.id ?? ''),
    provider: String(t.provider ?? ''),
    description: String(t.description ?? (typeof resourceDescription === 'string' ? resourceDescription : '')),
    warnings: asArray(t.warnings).filter(isObj).map(w => ({ id: String(w.id ?? ''), message: String(w.message ?? '') })),
    widenings: asArray(t.widenings).map(String),
    ...snippetOf(t),
  }));
}

/** The CI snippet: given as text, or rendered from the compact source our constructs record. */
function snippetOf(t: Record<string, unknown>): { ciSnippet?: string } {
  if (typeof t.ciSnippet === 'string') return { ciSnippet: t.ciSnippet };
  // An object inside the metadata text; a JSON string of its own in earlier builds.
  const src = parseReviewMetadata(t.ciSnippetSource);
  if (!isObj(src) || !isObj(src.target) || !isObj(src.details)) return {};
  try {
    const text = ciSnippet({
      provider: String(t.provider ?? ''),
      issuer: String(src.issuer ?? ''),
      audiences: asArray(src.audiences).map(String),
      sessionTags: asArray(src.sessionTags).map(String),
      _details: src.details,
    }, src.target as unknown as SnippetTarget);
    return { ciSnippet: text };
  } catch {
    return {}; // a malformed source shows no snippet rather than failing the review
  }
}

/** Matches metadata entries to the relationships of one resource: by Sid/id, by position, or the only entry. */
export function pickMetadata(entries: TrustMetadata[], index: number, count: number, sid?: string): TrustMetadata | undefined {
  if (entries.length === 0) return undefined;
  if (sid) {
    const bySid = entries.find(e => e.id === sid);
    if (bySid) return bySid;
  }
  if (entries.length === count) return entries[index];
  return entries.length === 1 ? entries[0] : undefined;
}

export function withMeta(m: TrustMetadata | undefined): { metadata?: TrustMetadata } {
  return m ? { metadata: m } : {};
}

