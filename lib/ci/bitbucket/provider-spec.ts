import { BITBUCKET_ANALYSER } from './analyser';
import { bitbucketSnippet } from './snippet';
import { gcpFacts, ProviderSpec, SUBJECT_ONLY_FIXES } from '../provider-spec';

/** What the Bitbucket builder records for the CI snippet and the review. @internal */
export interface BitbucketDetails {
  readonly workspace: string;
  /** With braces. */
  readonly workspaceUuid: string;
  /** With braces. */
  readonly repositoryUuid: string;
  /** Deployment environment UUIDs, with braces. */
  readonly environments: readonly string[];
  readonly branches: readonly string[];
}

/** Bitbucket Pipelines (one issuer per workspace). @internal */
export const BITBUCKET_SPEC: ProviderSpec<BitbucketDetails> = {
  id: 'bitbucket-pipelines',
  displayName: 'Bitbucket Pipelines',
  reviewLabel: 'Bitbucket Pipelines',
  reviewerNoun: 'Bitbucket Pipelines steps',
  subjectShapes: [/^\{/],
  profile: {
    id: 'bitbucket-pipelines',
    displayName: 'Bitbucket Pipelines',
    identityClaims: ['repositoryUuid'],
    subjectIdentity: /^\{[0-9a-f-]{36}\}:/,
  },
  issuers: [{ pattern: /^api\.bitbucket\.org\/2\.0\/workspaces\/[^/]+\/pipelines-config\/identity\/oidc$/, shared: false, label: 'a Bitbucket workspace' }],
  tenant: undefined, // every issuer is one workspace's
  aws: { defaultAudience: undefined, fixForUnseenClaim: SUBJECT_ONLY_FIXES.aws },
  azure: { fixForUnseenClaims: SUBJECT_ONLY_FIXES.azure },
  // `{repo}[:{env}]:{step}` stays far below 127 bytes.
  gcp: gcpFacts(undefined),
  snippet: bitbucketSnippet,
  analyser: BITBUCKET_ANALYSER,
};
