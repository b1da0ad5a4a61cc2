import { BUILDKITE_ANALYSER } from './analyser';
import type { BuildkiteSubject } from './builder';
import { buildkiteSnippet } from './snippet';
import { gcpFacts, ProviderSpec } from '../provider-spec';

/** What the Buildkite builder records for the CI snippet and the review. @internal */
export interface BuildkiteDetails {
  readonly organization: string;
  readonly pipeline: string;
  readonly organizationId?: string;
  readonly pipelineId?: string;
  readonly subject: `${BuildkiteSubject}`;
  /** Optional claims the agent must request (`--claim`). */
  readonly claims: readonly string[];
}

/** Buildkite's issuer, shared by every organization. @internal */
export const BUILDKITE_ISSUER = 'https://agent.buildkite.com';

/** Buildkite Pipelines. @internal */
export const BUILDKITE_SPEC: ProviderSpec<BuildkiteDetails> = {
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
  azure: {
    fixForUnseenClaims: () => 'for Buildkite use the `--subject-claim` immutable form (e.g. `buildkite-agent oidc request-token --subject-claim pipeline_id`) and pin only the subject',
  },
  // The default sub carries the 40-hex commit SHA. Job ids are unique per job; `buildkite-job:` has
  // a '-' before its first ':', which no Buildkite subject (`organization:`, or a bare id) has.
  gcp: gcpFacts('\'buildkite-job:\' + assertion.job_id'),
  snippet: buildkiteSnippet,
  analyser: BUILDKITE_ANALYSER,
};
