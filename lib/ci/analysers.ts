import { SubjectAnalyser } from './analyser';
import { GENERIC_ANALYSER } from './generic/analyser';
import { GENERIC_SPEC } from './generic/provider-spec';
import { providerSpecs, sharedIssuer, specForIssuer } from './registry';

/**
 * The review scanner's view of the CI registry (lib/ci/registry.ts): how to recognise a provider in
 * a template this library did not write (by issuer, else by subject shape), how to read its
 * subjects, and what to call its workloads. lib/review/scan consults only these functions, never a
 * provider id; everything here is read from the providers' specs.
 * @internal
 */
export interface AnalyserEntry {
  /** Provider id, as in `Trust.provider` and the review's `ciProvider`. */
  readonly id: string;
  readonly analyser: SubjectAnalyser;
  /** The workloads, for who-sentences: "GitHub Actions jobs". */
  readonly noun: string;
}

/** A provider the scanner recognises (a registry id), or `unknown`. @internal */
export type ScannedProvider = string;

/** The registered providers the scanner reads, in registry order (GenericOidc is the unknown reading). @internal */
export const ANALYSERS: readonly AnalyserEntry[] = providerSpecs()
  .filter((s) => s.id !== GENERIC_SPEC.id)
  .map((s) => ({ id: s.id, analyser: s.analyser, noun: s.reviewerNoun }));

/** What the scanner uses for an issuer it does not recognise (and for GenericOidc trusts). @internal */
export const UNKNOWN_PROVIDER: AnalyserEntry = { id: 'unknown', analyser: GENERIC_ANALYSER, noun: GENERIC_SPEC.reviewerNoun };

const BY_ID = new Map<string, AnalyserEntry>(ANALYSERS.map((e) => [e.id, e]));

/** The entry for a provider id; the generic reading for ids the scanner does not know. @internal */
export function analyserFor(provider: string): AnalyserEntry {
  return BY_ID.get(provider) ?? UNKNOWN_PROVIDER;
}

/** Which CI platform an issuer belongs to (the registry's issuer patterns, first match wins). @internal */
export function providerForIssuer(issuer: string | undefined): ScannedProvider {
  if (!issuer) return 'unknown';
  const spec = specForIssuer(issuer)?.spec;
  return spec && spec.id !== GENERIC_SPEC.id ? spec.id : 'unknown';
}

/** Guess from a subject's shape, for trusts whose issuer could not be resolved. @internal */
export function providerForSubject(sub: string): ScannedProvider {
  return providerSpecs().find((s) => s.subjectShapes.some((re) => re.test(sub)))?.id ?? 'unknown';
}

/** Is this issuer shared by every customer of its platform? A missing issuer counts as shared: tenant scoping cannot be proven. @internal */
export function isSharedIssuer(issuer: string | undefined): boolean {
  return !issuer || sharedIssuer(issuer) !== undefined;
}
