import { gcpFacts, ProviderSpec, withReviewParts } from '../provider-spec';

/** What the CircleCI builder records for the CI snippet and the review. @internal */
export interface CircleCiDetails {
  readonly organizationId: string;
  readonly projectId: string;
  readonly vcsOrigin?: string;
  /** Pinned refs (`refs/heads/…`). */
  readonly refs: readonly string[];
  readonly users: readonly string[];
  readonly contexts: readonly string[];
}

/** CircleCI (one issuer per organization). @internal */
export const CIRCLECI_SPEC: ProviderSpec<CircleCiDetails> = withReviewParts<CircleCiDetails>({
  id: 'circleci',
  displayName: 'CircleCI',
  reviewLabel: 'CircleCI',
  reviewerNoun: 'CircleCI jobs',
  subjectShapes: [/^org\/[^/]+\/project\//],
  profile: {
    id: 'circleci',
    displayName: 'CircleCI',
    identityClaims: ['oidc.circleci.com/project-id'],
    subjectIdentity: /^org\/[0-9a-f-]{36}\/project\/[0-9a-f-]{36}\/user\//,
  },
  issuers: [
    // Tokens come from `…/org/<id>`; the bare host names no organization, so it counts as shared.
    { pattern: /^oidc\.circleci\.com$/, shared: true, label: 'oidc.circleci.com' },
    { pattern: /^oidc\.circleci\.com\//, shared: false, label: 'a CircleCI organization' },
  ],
  tenant: {
    unit: 'project',
    builder: 'CircleCi.project()',
    immutableClaims: ['oidc.circleci.com/project-id'],
    nameClaims: [],
    // Organization and project are UUIDs: CircleCI has no name form.
    immutableSubject: /^org\/[0-9a-f-]{36}\/project\/[0-9a-f-]{36}\//,
    nameSubject: /^org\/[0-9a-f-]{36}\/project\/[0-9a-f-]{36}\//,
  },
  // CircleCI's subject cannot be customized, and STS sees only aud and sub for a CircleCI issuer.
  aws: {
    defaultAudience: undefined,
    fixForUnseenClaim: (claim) => `CircleCI's subject cannot be made to carry ${claim}: drop the pin for AWS (onAnyRef() with Widening.ANY_REF: the subject still pins the project; keep "Pass secrets to builds from forked pull requests" off), or use GCP, whose condition checks it`,
  },
  // The subject ends with the id of the user who started the job (the v2 token then adds the VCS
  // origin and ref): no finite list of exact subjects names this project's jobs.
  azure: {
    fixForUnseenClaims: (claims) => `CircleCI's subject cannot be customized to carry ${claims.join(', ')}, and Azure checks nothing else: trust this project from AWS or GCP`,
    fixForSubjectPattern: () => 'the CircleCI subject ends with the id of the user who started the job (org/<org>/project/<project>/user/<user>), and the v2 token ($CIRCLE_OIDC_TOKEN_V2) appends the VCS origin and ref, so no list of exact subjects covers this project\'s jobs: trust the project from AWS or GCP, which match the subject up to the user',
  },
  // The v2 subject appends /vcs-origin/…/vcs-ref/… to the v1 one (org/<uuid>/project/<uuid>/user/<uuid>,
  // exactly 127 bytes): map the v1 part, unique per organization, project and user.
  gcp: gcpFacts('assertion.sub.split(\'/vcs-origin/\')[0]'),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).CIRCLECI_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).circleciSnippet,
}));
