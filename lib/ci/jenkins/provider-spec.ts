import { gcpFacts, ProviderSpec, SUBJECT_ONLY_FIXES, withReviewParts } from '../provider-spec';

/** What the Jenkins builder records for the CI snippet and the review. @internal */
export interface JenkinsDetails {
  /** The Jenkins root URL. */
  readonly jenkinsUrl: string;
  /** Folder and job names, outermost first (metadata of earlier versions: a multibranch branch last). */
  readonly jobPath: readonly string[];
  /** The trusted branches of a multibranch pipeline (each a job one level below `jobPath`). */
  readonly branches?: readonly string[];
}

/**
 * Jenkins with the oidc-provider plugin: one issuer per instance (`<root>/oidc`), so no tenant shares
 * it; `sub` is the job URL. https://plugins.jenkins.io/oidc-provider/
 * @internal
 */
export const JENKINS_SPEC: ProviderSpec<JenkinsDetails> = withReviewParts<JenkinsDetails>({
  id: 'jenkins',
  displayName: 'Jenkins',
  reviewLabel: 'Jenkins',
  reviewerNoun: 'Jenkins builds',
  subjectShapes: [/^https:\/\/[^/]+(\/[^/]+)*?\/job\//],
  profile: {
    id: 'jenkins',
    displayName: 'Jenkins',
    identityClaims: [],
    // A complete job URL: https://host[/prefix]/job/<name>/…, closed by its trailing slash.
    subjectIdentity: /^https:\/\/[^/]+(\/[^/]+)*?\/job\/[^/*]+\/(job\/[^/*]+\/)*:$/,
  },
  issuers: [{ pattern: /^[^/]+(\/[^/]+)*\/oidc$/, shared: false, label: 'a Jenkins instance' }],
  tenant: undefined,
  aws: { defaultAudience: undefined, fixForUnseenClaim: SUBJECT_ONLY_FIXES.aws },
  azure: { fixForUnseenClaims: SUBJECT_ONLY_FIXES.azure, fixForSubjectPattern: SUBJECT_ONLY_FIXES.azurePattern },
  gcp: gcpFacts(undefined),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).JENKINS_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).jenkinsSnippet,
}));
