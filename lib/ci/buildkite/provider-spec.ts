import type { BuildkiteSubject } from './builder';
import { gcpFacts, ProviderSpec, withReviewParts } from '../provider-spec';

/** What the Buildkite builder records for the CI snippet and the review. @internal */
export interface BuildkiteDetails {
  readonly organization: string;
  readonly pipeline: string;
  readonly organizationId?: string;
  readonly pipelineId?: string;
  readonly subject: `${BuildkiteSubject}`;
  /** Optional claims the agent must request (`--claim`). */
  readonly claims: readonly string[];
  readonly branches?: readonly string[];
  readonly tags?: readonly string[];
  readonly branchPatterns?: readonly string[];
  /** Any ref (`onAnyRef()`). */
  readonly anyRef?: boolean;
  /** Pinned step keys (`onStep()`). */
  readonly steps?: readonly string[];
  /** Other pinned claims (build_source, runner_environment), values sorted. */
  readonly pins?: { readonly [claim: string]: readonly string[] };
}

/** Buildkite's issuer, shared by every organization. @internal */
export const BUILDKITE_ISSUER = 'https://agent.buildkite.com';

/** Buildkite Pipelines. @internal */
export const BUILDKITE_SPEC: ProviderSpec<BuildkiteDetails> = withReviewParts<BuildkiteDetails>({
  id: 'buildkite',
  displayName: 'Buildkite',
  reviewLabel: 'Buildkite',
  reviewerNoun: 'Buildkite jobs',
  subjectShapes: [/^organization:[^:]*:pipeline:/],
  // The composite subject; the builder narrows it to the pipeline UUID for `--subject-claim pipeline_id`.
  profile: {
    id: 'buildkite',
    displayName: 'Buildkite',
    identityClaims: ['pipeline_id'],
    subjectIdentity: /^organization:[a-z0-9-]+:pipeline:[a-z0-9-]+:/,
  },
  issuers: [{ pattern: /^agent\.buildkite\.com(\/|$)/, shared: true, label: 'Buildkite' }],
  tenant: {
    unit: 'pipeline',
    builder: 'Buildkite.pipeline()',
    immutableClaims: ['pipeline_id'],
    nameClaims: [],
    immutableSubject: undefined,
    nameSubject: /^organization:[a-z0-9-]+:pipeline:[a-z0-9-]+:/,
  },
  aws: {
    defaultAudience: undefined,
    fixForUnseenClaim: (claim) => `have the agent tag it: withAwsSessionTags("${claim}") and \`buildkite-agent oidc request-token --aws-session-tag ${claim}\``,
  },
  // Reached with the pipeline-id subject only: the default subject is a pattern (its commit varies).
  azure: {
    fixForUnseenClaims: (claims) => `with \`--subject-claim pipeline_id\` the subject is the pipeline UUID alone, so Azure cannot tell ${claims.join(', ')} apart: drop ${claims.length === 1 ? 'that pin' : 'those pins'} (every build of the pipeline is then trusted; gate deploys with a block step), or trust the pipeline from AWS (session tags) or GCP (attribute condition), which check ${claims.length === 1 ? 'it' : 'them'}`,
    fixForSubjectPattern: () => 'the default Buildkite subject carries the commit SHA (…:ref:<ref>:commit:<sha>:step:<key>), which changes with every build, so no list of exact subjects covers it: request the token with `--subject-claim pipeline_id` (Buildkite.pipeline({ subject: BuildkiteSubject.PIPELINE_ID, pipelineId })), whose subject is the pipeline UUID, and pin no branch or step; or pin branches and steps from AWS or GCP',
  },
  // The default sub carries the 40-hex commit SHA. Job ids are unique per job; `buildkite-job:` has
  // a '-' before its first ':', which no Buildkite subject (`organization:`, or a bare id) has.
  gcp: gcpFacts('\'buildkite-job:\' + assertion.job_id'),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).BUILDKITE_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).buildkiteSnippet,
}));
