import { gcpFacts, ProviderSpec, SUBJECT_ONLY_FIXES, withReviewParts } from '../provider-spec';

/** What the GenericOidc builder records for the CI snippet and the review. @internal */
export interface GenericOidcDetails {
  /** The display name the user gave. */
  readonly name: string;
  /** Exact pins (`withClaim`), values sorted. */
  readonly claims?: { readonly [claim: string]: readonly string[] };
  /** Pattern pins (`withClaimPattern`). */
  readonly patterns?: { readonly [claim: string]: string };
}

/**
 * Any other OIDC issuer (GenericOidc). The builder supplies the display name and identity claims
 * the user declared; this profile alone pins nothing.
 * @internal
 */
export const GENERIC_SPEC: ProviderSpec<GenericOidcDetails> = withReviewParts<GenericOidcDetails>({
  id: 'generic',
  displayName: 'Generic OIDC',
  reviewLabel: 'OIDC issuer',
  reviewerNoun: 'Workloads',
  subjectShapes: [],
  profile: { id: 'generic', displayName: 'Generic OIDC', identityClaims: [] },
  // Any issuer: the registry recognizes none as generic.
  issuers: [],
  tenant: undefined, // any issuer
  aws: { defaultAudience: undefined, fixForUnseenClaim: SUBJECT_ONLY_FIXES.aws },
  azure: { fixForUnseenClaims: SUBJECT_ONLY_FIXES.azure, fixForSubjectPattern: SUBJECT_ONLY_FIXES.azurePattern },
  // Nothing is known about the claims: a sub over 127 bytes fails the exchange.
  gcp: gcpFacts(undefined),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).GENERIC_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).genericSnippet,
}));
