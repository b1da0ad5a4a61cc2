import { SEG } from './subject';
import { gcpFacts, ProviderSpec, SUBJECT_ONLY_FIXES, withReviewParts } from '../provider-spec';

/** What the GitLab builder records for the CI snippet and the review. @internal */
export interface GitLabDetails {
  readonly projectPath: string;
  readonly projectId?: string;
  /** The project's `ci_id_token_sub_claim_components`, in order. */
  readonly subjectComponents: readonly string[];
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  readonly environments: readonly string[];
  /** Branch and tag patterns (`*` wildcards). */
  readonly branchPatterns?: readonly string[];
  readonly tagPatterns?: readonly string[];
  /** Any ref (`onAnyRef()`). */
  readonly anyRef?: boolean;
  /** Other pinned claims (ref_protected, environment_protected, deployment_tier, pipeline_source, runner_environment), values sorted. */
  readonly claims?: { readonly [claim: string]: readonly string[] };
}

/** The gitlab.com issuer. @internal */
export const GITLAB_COM = 'https://gitlab.com';

/** GitLab CI/CD (gitlab.com or self-managed). @internal */
export const GITLAB_SPEC: ProviderSpec<GitLabDetails> = withReviewParts<GitLabDetails>({
  id: 'gitlab-ci',
  displayName: 'GitLab CI/CD',
  reviewLabel: 'GitLab CI',
  reviewerNoun: 'GitLab CI jobs',
  subjectShapes: [/^(project_path|project_id):/],
  profile: {
    id: 'gitlab-ci',
    displayName: 'GitLab CI/CD',
    identityClaims: ['project_path', 'project_id'],
    // The project first: a component ahead of it is chosen by the project minting the token.
    subjectIdentity: new RegExp(`^(project_path:${SEG}(\\/${SEG})+|project_id:[0-9]+):`),
  },
  issuers: [
    { pattern: /^gitlab\.com$/, shared: true, label: 'gitlab.com' },
    // Self-managed instances can live on any host; these are the ones recognizable by name.
    { pattern: /(^|\.)gitlab\.|^gitlab\b/, shared: false, label: 'a self-managed GitLab instance' },
  ],
  tenant: {
    unit: 'project',
    builder: 'GitLabCi.project()',
    immutableClaims: ['project_id'],
    nameClaims: ['project_path'],
    immutableSubject: /^project_id:[0-9]+:/,
    nameSubject: /^project_path:[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+:/,
  },
  aws: {
    defaultAudience: undefined,
    fixForUnseenClaim: (_claim, exposedClaims) => `include it in the project's sub claim components (subjectComponents), or on gitlab.com use a claim AWS exposes (${exposedClaims(GITLAB_COM).join(', ')})`,
  },
  azure: {
    fixForUnseenClaims: (claims) => `add ${claims.join(', ')} to the project's ci_id_token_sub_claim_components (the GitLab builder's subjectComponents), so the subject carries ${claims.length === 1 ? 'it' : 'them'}`,
    fixForSubjectPattern: SUBJECT_ONLY_FIXES.azurePattern,
  },
  // Deep group paths exceed 127 bytes. Job ids are unique per job; `gitlab-job:` has a '-' before
  // its first ':', which no GitLab subject (`project_path:`, `project_id:`) has.
  gcp: {
    ...gcpFacts('\'gitlab-job:\' + assertion.project_id + \':\' + assertion.job_id'),
    // GitLab's GCP guide: the issuer URI "must end in a trailing slash"; the `iss` claim itself has
    // none, and GCP matches it against the URI without the slash.
    issuerUri: (issuer) => `${issuer}/`,
  },
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).GITLAB_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).gitlabSnippet,
}));
