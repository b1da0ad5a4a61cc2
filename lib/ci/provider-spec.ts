import type { SubjectAnalyser } from './analyser';
import { CiProfile } from '../model/trust';

/*
 * What the rest of the library knows about a CI provider, in one place per provider
 * (lib/ci/<provider>/provider-spec.ts, listed in lib/ci/registry.ts). The clouds, the review and the emit
 * layer ask the spec instead of switching on provider ids, so adding a provider means adding one
 * directory and one registry line. Internal: not part of the jsii API.
 */

/** The cloud a CI snippet is for. @internal */
export type SnippetCloud = 'aws' | 'gcp' | 'azure';

/** The Azure cloud of an identity, as `AzureCloud` names it (lib/azure is not imported here). @internal */
export type SnippetAzureCloud = 'PUBLIC' | 'US_GOVERNMENT' | 'CHINA';

/**
 * Where the CI job exchanges its token, and everything the job needs besides the token: shown in
 * the snippet (lib/ci/<provider>/snippet.ts). Read back from review metadata it is untrusted JSON;
 * lib/emit/snippets.ts normalizes it first.
 * @internal
 */
export interface SnippetTarget {
  readonly cloud: SnippetCloud;
  /** AWS role ARN, GCP provider resource name (`projects/N/locations/global/workloadIdentityPools/P/providers/Q`), or Azure client id (may be a placeholder). */
  readonly principal: string;
  /** AWS: the region of the role's stack (a CDK token when unresolved; a placeholder when unknown). */
  readonly region?: string;
  /**
   * GCP: the service account the job impersonates (`roles/iam.workloadIdentityUser` granted to the
   * trust). Undefined: direct resource access, the principal set itself holds the roles.
   */
  readonly serviceAccount?: string;
  /** Azure: the Entra tenant id. */
  readonly tenantId?: string;
  /** Azure: the subscription the job works in; undefined: it logs in without one. */
  readonly subscriptionId?: string;
  /** Azure: the cloud of the identity (decides `az cloud set`, `environment:`). @default PUBLIC */
  readonly azureCloud?: SnippetAzureCloud;
  /**
   * Earlier metadata: the GCP service account or the Azure tenant id in one field. Read back only
   * (lib/emit/snippets.ts maps it to serviceAccount / tenantId).
   */
  readonly extra?: string;
}

/**
 * What a snippet is made from: a Trust, or the compact copy of it that constructs keep in their
 * review metadata (a few hundred bytes instead of the rendered text, which templates would carry for
 * every role). `_details` is what the provider's builder recorded (its typed details interface);
 * read back from a template it is untrusted JSON, so the review catches a snippet that throws.
 * @internal
 */
export interface SnippetSource<D extends object = object> {
  readonly provider: string;
  readonly issuer: string;
  readonly audiences?: readonly string[];
  readonly sessionTags: readonly string[];
  readonly _details: D;
}

/**
 * Issuer URLs that belong to a provider. `pattern` is matched against the issuer without its
 * scheme, lower-cased (`token.actions.githubusercontent.com`).
 * @internal
 */
export interface IssuerPattern {
  readonly pattern: RegExp;
  /**
   * True when every tenant of the provider gets tokens from this one issuer (github.com's,
   * gitlab.com, agent.buildkite.com, app.terraform.io): only the claims tell tenants apart, so a
   * trust must pin the tenant's identity. False for per-tenant issuers (a CircleCI organization, a
   * Bitbucket workspace, a GitHub enterprise, a self-managed GitLab, …).
   */
  readonly shared: boolean;
  /** What the pattern stands for, for reviewers, e.g. `github.com`. */
  readonly label: string;
  /**
   * The review's fix for a name-only pin on this issuer, where the provider's own advice does not
   * apply (GitHub Enterprise Server has no immutable subject). Undefined: the provider's advice.
   */
  readonly nameOnlyFix?: string;
}

/**
 * How one tenant's workload is named on a provider's shared issuer: what a GenericOidc trust on that
 * issuer must pin, as the typed builder does (any tenant chooses its own workflow names,
 * environments, branches and owner names). Sources: docs/security.md#f1, docs/security.md#f6.
 * @internal
 */
export interface TenantIdentity {
  /** What one tenant's identity is called: repository, project, pipeline, workspace. */
  readonly unit: string;
  /** The typed builder that states this provider's identity safely, e.g. `GitHubActions.repository()`. */
  readonly builder: string;
  /** Claims whose exact value names one repository/project/pipeline/workspace by immutable id. */
  readonly immutableClaims: readonly string[];
  /** Claims whose exact value names one by a name that can be deleted and re-registered. */
  readonly nameClaims: readonly string[];
  /** A `sub` value that begins with an immutable identity; undefined when the subject has none. */
  readonly immutableSubject: RegExp | undefined;
  /** A `sub` value (or the literal head of a pattern) that begins with a name identity. */
  readonly nameSubject: RegExp;
}

/** AWS facts about a provider. @internal */
export interface AwsProviderFacts {
  /** The audience the provider's jobs request for AWS by default; undefined: AWS's own (`sts.amazonaws.com`). */
  readonly defaultAudience: string | undefined;
  /**
   * The fix for a pin on a claim STS exposes no condition key for (the compiler refuses the trust).
   * @param exposedClaims the claims STS exposes for an issuer (lib/aws/claim-keys.ts)
   * @param issuer the trust's issuer (the advice can depend on it: GitHub Enterprise Server has no immutable subject)
   */
  fixForUnseenClaim(claim: string, exposedClaims: (issuer: string) => readonly string[], issuer?: string): string;
}

/** Azure facts about a provider. @internal */
export interface AzureProviderFacts {
  /**
   * The fix for pins on claims other than `sub` (federated credentials match iss, sub and aud only).
   * @param issuer the trust's issuer (the advice can depend on it)
   */
  fixForUnseenClaims(claims: readonly string[], issuer?: string): string;
  /**
   * The fix for a subject pattern (federated credentials match `sub` exactly): what part of this
   * provider's subject varies and what can be done instead.
   * @param maxCredentials the credentials an identity may hold (Azure's limit)
   */
  fixForSubjectPattern(maxCredentials: number): string;
}

/** GCP facts about a provider. @internal */
export interface GcpProviderFacts {
  /**
   * The CEL value of `google.subject` when the token's `sub` is over GCP's 127 bytes: a short id
   * that is unique per workload and can never equal a real subject of any provider (see
   * lib/gcp/mapping.ts). undefined: none is known, so such a token fails the exchange (closed).
   */
  readonly longSubjectFallback: string | undefined;
  /** `oidc.issuer_uri` for a token issuer (GitLab's GCP guide wants a trailing slash). */
  issuerUri(issuer: string): string;
}

/**
 * One CI provider, as the library knows it.
 * @internal
 */
export interface ProviderSpec<D extends object = object> {
  /** Provider id, as in `Trust.provider` and the review metadata, e.g. `github-actions`. */
  readonly id: string;
  /** Display name, as in model error messages, e.g. `GitLab CI/CD`. */
  readonly displayName: string;
  /** The short name a review prints beside an issuer, e.g. `GitLab CI`. */
  readonly reviewLabel: string;
  /** Who runs the jobs, for review sentences, e.g. `GitHub Actions jobs`. */
  readonly reviewerNoun: string;
  /**
   * The cloud-neutral profile the model judges trusts with (identity claims, the `sub` regexp that
   * pins an identity). A builder may narrow it (Buildkite's pipeline-id subject, GenericOidc's
   * declared claims), never widen it.
   */
  readonly profile: CiProfile;
  /**
   * What this provider's `sub` looks like, to recognise the provider of a hand-written trust whose
   * issuer could not be resolved (the review). Disjoint across providers.
   */
  readonly subjectShapes: readonly RegExp[];
  /** Issuer URLs of this provider (none for GenericOidc: any issuer). */
  readonly issuers: readonly IssuerPattern[];
  /** What identifies a tenant on this provider's shared issuers; undefined when none is shared. */
  readonly tenant: TenantIdentity | undefined;
  readonly aws: AwsProviderFacts;
  readonly azure: AzureProviderFacts;
  readonly gcp: GcpProviderFacts;
  /**
   * The review scanner's reading of this provider's `sub` in templates this library did not write
   * (lib/ci/<provider>/analyser.ts, independent of the builder), looked up through lib/ci/analysers.ts.
   */
  readonly analyser: SubjectAnalyser;
  /**
   * The CI-side configuration a trust needs, per cloud: what the job must request (audience, claims,
   * session tags) for the compiled trust to accept its token (lib/ci/<provider>/snippet.ts).
   */
  snippet(source: SnippetSource<D>, target: SnippetTarget): string;
}

/** What a spec needs only to review and to render snippets. @internal */
export type ReviewParts<D extends object> = Pick<ProviderSpec<D>, 'analyser' | 'snippet'>;

/**
 * A spec whose analyser and snippet renderer are loaded on first use: synthesizing needs neither,
 * and an app should not load nine providers' review code to build its roles
 * (docs/benchmarks.md#import-time).
 * @internal
 */
export function withReviewParts<D extends object>(spec: Omit<ProviderSpec<D>, keyof ReviewParts<D>>, load: () => ReviewParts<D>): ProviderSpec<D> {
  let parts: ReviewParts<D> | undefined;
  const get = () => (parts ??= load());
  return Object.defineProperties(spec as ProviderSpec<D>, {
    analyser: { enumerable: true, get: () => get().analyser },
    snippet: { enumerable: true, value: (source: SnippetSource<D>, target: SnippetTarget) => get().snippet(source, target) },
  });
}

/** The fixes for a provider with no better advice: the claim must move into the subject. @internal */
export const SUBJECT_ONLY_FIXES = {
  aws: (): string => 'put it in the subject, or drop this pin',
  azure: (claims: readonly string[]): string => `make the CI provider put ${claims.join(', ')} into the subject, or drop the pin if the subject already identifies the workload`,
  /** A pattern over values the trust could list instead (branches, tags, environments). */
  azurePattern: (maxCredentials: number): string => `enumerate the branches, tags or environments instead of a pattern (one credential per subject, at most ${maxCredentials} per identity); Flexible FICs are preview and app-registration-only`,
} as const;

/** GCP facts of a provider whose issuer URI is the `iss` as is. @internal */
export function gcpFacts(longSubjectFallback: string | undefined): GcpProviderFacts {
  return { longSubjectFallback, issuerUri: (issuer) => issuer };
}
