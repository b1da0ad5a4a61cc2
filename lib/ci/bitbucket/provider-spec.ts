import { gcpFacts, ProviderSpec, withReviewParts } from '../provider-spec';

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
export const BITBUCKET_SPEC: ProviderSpec<BitbucketDetails> = withReviewParts<BitbucketDetails>({
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
  // Bitbucket's subject cannot be customized, and STS sees only aud and sub for a Bitbucket issuer.
  aws: {
    defaultAudience: undefined,
    fixForUnseenClaim: (claim) => `Bitbucket's subject cannot be made to carry ${claim}: on AWS pin the deployment environment (its UUID is in the subject) instead, or use GCP, whose condition checks ${claim}`,
  },
  // The subject ends with the step UUID, new for every run: no finite list of exact subjects names
  // this repository's steps in advance, and the subject cannot be customized.
  azure: {
    fixForUnseenClaims: (claims) => `Bitbucket's subject cannot be customized to carry ${claims.join(', ')}, and Azure checks nothing else: trust this repository from AWS or GCP (GCP can check ${claims.join(', ')})`,
    fixForSubjectPattern: () => 'the Bitbucket subject ends with the step UUID, which is new for every run ({repository}[:{environment}]:{step}), so no list of exact subjects can name this repository\'s steps in advance: trust the repository from AWS or GCP, which match the subject up to the step',
  },
  // `{repo}[:{env}]:{step}` stays far below 127 bytes.
  gcp: gcpFacts(undefined),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).BITBUCKET_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).bitbucketSnippet,
}));
