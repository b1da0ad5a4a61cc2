import type { GitHubSubjectFormat } from './builder';
import { gcpFacts, ProviderSpec, SUBJECT_ONLY_FIXES, withReviewParts } from '../provider-spec';

/** What the GitHub builder records for the CI snippet and the review. @internal */
export interface GitHubDetails {
  readonly owner: string;
  readonly repository: string;
  readonly ownerId?: string;
  readonly repositoryId?: string;
  readonly subjectFormat: `${GitHubSubjectFormat}`;
  /** The custom subject template (`include_claim_keys`), if the builder was given one. */
  readonly subjectTemplate?: readonly string[];
  readonly environments: readonly string[];
  /** Pinned refs and ref patterns (`refs/heads/…`, `refs/tags/…`). */
  readonly refs: readonly string[];
  readonly issuerWebUrl: string;
  /** Pull-request runs are trusted (`onPullRequest()`). */
  readonly pullRequest?: boolean;
  /** Any ref (`onAnyRef()`). */
  readonly anyRef?: boolean;
  /** Other pinned claims (`withClaim`, `fromReusableWorkflow`, `onGitHubHostedRunners`), values sorted. */
  readonly claims?: { readonly [claim: string]: readonly string[] };
}

const ID_CLAIMS = ['repository_id', 'repository_owner_id'];

/** GitHub Enterprise Server's issuer, `https://HOSTNAME/_services/token` (scheme stripped, lower case). */
const GHES_ISSUER = /\/_services\/token$/;

/** Whether an issuer URL is a GitHub Enterprise Server's. @internal */
export function isGitHubEnterpriseServerIssuer(issuer: string | undefined): boolean {
  return issuer !== undefined && GHES_ISSUER.test(issuer.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '').toLowerCase());
}

/**
 * What a GitHub Enterprise Server trust can do instead of the immutable subject, which GHES does
 * not emit (only github.com and GHE.com, where the repository or enterprise has it on:
 * https://docs.github.com/en/actions/reference/security/oidc). GHES tokens carry repository_id and
 * repository_owner_id, and GHES has the subject-template REST API
 * (https://docs.github.com/en/enterprise-server@latest/rest/actions/oidc), so the ids can be put
 * into the subject; or the trust names the repository only, knowingly. One text per use, here.
 * @internal
 */
export const GHES_TEXTS = {
  /** The ids as claims on a cloud that sees only the subject (AWS and Azure for a GHES issuer). */
  idsOutsideSubject: 'GitHub Enterprise Server has no immutable subject (GitHubSubjectFormat.IMMUTABLE is for github.com and GHE.com): put repository_id in the subject template (withSubjectTemplate("repo", "context", "repository_id") and the same include_claim_keys on the repository, through the instance\'s REST API PUT /repos/{owner}/{repo}/actions/oidc/customization/sub), or trust by name (leave out ownerId and repositoryId and accept Widening.NAME_ONLY_IDENTITY: a deleted or renamed owner or repository can then be re-created by anyone who can create one on the instance)',
  /** The builder refusing IMMUTABLE or BOTH for a GHES issuer. */
  noImmutableSubject: 'use GitHubSubjectFormat.NAME (the default for GitHub Enterprise Server): the ids are then pinned as the repository_id claim, which GCP checks; for AWS and Azure, which see only the subject there, also put repository_id in the subject template (withSubjectTemplate("repo", "context", "repository_id") and the same include_claim_keys on the repository), or leave out the ids and accept Widening.NAME_ONLY_IDENTITY',
  /** The review's name-only finding for a GHES issuer. */
  nameOnlyFinding: 'GitHub Enterprise Server has no immutable subject (`repo:OWNER@ID/REPO@ID` is github.com and GHE.com only): put `repository_id` in the repository\'s subject template (`include_claim_keys`, through the instance\'s REST API) and pin the subject with it, or pin the `repository_id` claim where the cloud can check it (GCP); otherwise a deleted or renamed owner or repository can be re-created by anyone who can create one on the instance.',
} as const;

/**
 * A default-format trust's way to be smaller (TrustInit.sizeHint): it accepts both subject forms,
 * so it lists each subject twice, and its name form is held to its own repository id, so trusts of
 * different repositories cannot share one list (docs/subject-format.md). @internal
 */
export const BOTH_SIZE_HINT = 'set subjectFormat: GitHubSubjectFormat.IMMUTABLE on the GitHub trusts whose repositories emit the immutable subject: the default accepts both subject forms, so each subject is listed twice and each repository is held to its own id apart from the others (docs/subject-format.md)';

/** GitHub Actions (github.com, GHEC enterprise issuers, GHE.com, GHES). @internal */
export const GITHUB_SPEC: ProviderSpec<GitHubDetails> = withReviewParts<GitHubDetails>({
  id: 'github-actions',
  displayName: 'GitHub Actions',
  reviewLabel: 'GitHub Actions',
  reviewerNoun: 'GitHub Actions jobs',
  subjectShapes: [/^repo:/],
  profile: {
    id: 'github-actions',
    displayName: 'GitHub Actions',
    identityClaims: ['repository', 'repository_id'],
    // A value, or the literal text before a pattern's first wildcard, that starts with a complete repository (name or id form) or repository_id field, closed by ':', after owner or
    // enterprise fields only: a field any workflow author chooses must not come first (docs/security.md#f12).
    subjectIdentity: /^((repository_owner|repository_owner_id|enterprise|enterprise_id):[^:]*:)*(repo:[A-Za-z0-9_-]+(@[0-9]+)?\/[A-Za-z0-9._-]+(@[0-9]+)?|repository_id:[0-9]+):/,
  },
  issuers: [
    { pattern: /^token\.actions\.githubusercontent\.com$/, shared: true, label: 'github.com' },
    { pattern: /^token\.actions\.githubusercontent\.com\/.+$/, shared: false, label: 'a GitHub Enterprise Cloud enterprise issuer' },
    { pattern: /^token\.actions\.[^/]+\.ghe\.com(\/|$)/, shared: false, label: 'GHE.com (data residency)' },
    { pattern: GHES_ISSUER, shared: false, label: 'GitHub Enterprise Server', nameOnlyFix: GHES_TEXTS.nameOnlyFinding },
  ],
  tenant: {
    unit: 'repository',
    builder: 'GitHubActions.repository()',
    immutableClaims: ['repository_id'],
    nameClaims: ['repository'],
    // Only the first field: a custom template may put a claim the workflow author chooses first.
    immutableSubject: /^repo:[A-Za-z0-9_-]+@[0-9]+\/[A-Za-z0-9._-]+@[0-9]+:/,
    nameSubject: /^repo:[A-Za-z0-9_-]+\/[A-Za-z0-9._-]+:/,
  },
  aws: {
    defaultAudience: undefined,
    fixForUnseenClaim: (claim, _exposed, issuer) => ID_CLAIMS.includes(claim) && isGitHubEnterpriseServerIssuer(issuer)
      ? GHES_TEXTS.idsOutsideSubject
      : claim === 'repository_id'
        ? 'choose the subject form the repository emits (docs/subject-format.md): subjectFormat GitHubSubjectFormat.IMMUTABLE when its tokens carry repo:OWNER@ID/REPO@ID (the ids are then in the subject), or put repository_id in the subject template (withSubjectTemplate("repo", "context", "repository_id") and the same include_claim_keys on the repository)'
        : claim === 'event_name'
          ? 'pin an environment with required reviewers instead (inEnvironment(): base-context runs from forks then wait for approval), or put event_name in the subject: configure the repository\'s subject template to include "event_name" and call withSubjectTemplate(…, "event_name")'
          : `put it in the subject: configure the repository's subject template to include "${claim}" and call withSubjectTemplate(…, "${claim}"); or drop this pin`,
  },
  azure: {
    fixForUnseenClaims: (claims, issuer) => {
      const fixes: string[] = [];
      // The default (BOTH) pins repository_id beside either subject form, which Azure cannot check:
      // the user must say which form the repository emits, as nothing else on Azure can. GHES has
      // no immutable form: its ids go into the subject template, or the trust is by name.
      if (claims.some((c) => ID_CLAIMS.includes(c)) && isGitHubEnterpriseServerIssuer(issuer)) fixes.push(GHES_TEXTS.idsOutsideSubject);
      else if (claims.some((c) => ID_CLAIMS.includes(c))) fixes.push('choose the subject form the repository emits (Azure matches the subject only; docs/subject-format.md): subjectFormat GitHubSubjectFormat.IMMUTABLE when its tokens carry repo:OWNER@ID/REPO@ID; for a repository still on the name form, two trusts during the migration, IMMUTABLE and a name-form one (GitHubActions.repository({ owner, repository }) with Widening.NAME_ONLY_IDENTITY), then drop the name-form one');
      if (claims.includes('event_name')) fixes.push('pin an environment with required reviewers instead of the events (inEnvironment())');
      const rest = claims.filter((c) => !ID_CLAIMS.includes(c));
      if (rest.length) fixes.push(`customize the GitHub subject template to include ${rest.join(', ')} (withSubjectTemplate("repo", "context", ${rest.map((c) => JSON.stringify(c)).join(', ')}) and the same include_claim_keys on the repository)`);
      return fixes.join('; or ');
    },
    fixForSubjectPattern: SUBJECT_ONLY_FIXES.azurePattern,
  },
  // The immutable `repo:OWNER@ID/REPO@ID:…` form and long branch or environment names exceed 127
  // bytes. `jti` is unique per token; `github-jti:` has a '-' before its first ':', which no GitHub
  // subject (`repo:`, or `key:` with [A-Za-z0-9_] keys) has.
  gcp: gcpFacts('\'github-jti:\' + assertion.repository_id + \':\' + assertion.jti'),
}, () => ({
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  analyser: (require('./analyser') as typeof import('./analyser')).GITHUB_ANALYSER,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snippet: (require('./snippet') as typeof import('./snippet')).githubSnippet,
}));
