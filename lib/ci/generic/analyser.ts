import { analyseOpaqueSubject, SubjectAnalyser } from '../analyser';

/**
 * The review's reading of a subject from an issuer it does not recognise (and of GenericOidc trusts):
 * no grammar is known, so only an empty or leading-wildcard subject is refused.
 * @internal
 */
export const GENERIC_ANALYSER: SubjectAnalyser = { analyse: analyseOpaqueSubject };
