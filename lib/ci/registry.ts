import type { IssuerPattern, ProviderSpec, TenantIdentity } from './provider-spec';

/**
 * The one registry of CI providers: one line per provider, its id and where its spec lives. A spec
 * is loaded when it is first asked for, so an app of GitHub trusts loads GitHub's spec only
 * (docs/benchmarks.md#import-time); listing the providers or matching an issuer loads them all.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const REGISTRY: readonly (readonly [id: string, load: () => ProviderSpec])[] = [
  ['github-actions', () => (require('./github/provider-spec') as typeof import('./github/provider-spec')).GITHUB_SPEC],
  ['gitlab-ci', () => (require('./gitlab/provider-spec') as typeof import('./gitlab/provider-spec')).GITLAB_SPEC],
  ['buildkite', () => (require('./buildkite/provider-spec') as typeof import('./buildkite/provider-spec')).BUILDKITE_SPEC],
  ['circleci', () => (require('./circleci/provider-spec') as typeof import('./circleci/provider-spec')).CIRCLECI_SPEC],
  ['bitbucket-pipelines', () => (require('./bitbucket/provider-spec') as typeof import('./bitbucket/provider-spec')).BITBUCKET_SPEC],
  ['azure-devops', () => (require('./azure-devops/provider-spec') as typeof import('./azure-devops/provider-spec')).AZURE_DEVOPS_SPEC],
  ['hcp-terraform', () => (require('./hcp-terraform/provider-spec') as typeof import('./hcp-terraform/provider-spec')).HCP_TERRAFORM_SPEC],
  ['jenkins', () => (require('./jenkins/provider-spec') as typeof import('./jenkins/provider-spec')).JENKINS_SPEC],
  ['generic', () => (require('./generic/provider-spec') as typeof import('./generic/provider-spec')).GENERIC_SPEC],
];
/* eslint-enable @typescript-eslint/no-require-imports */
const GENERIC_ID = 'generic';

const LOADED = new Map<string, ProviderSpec>();
function load(id: string): ProviderSpec | undefined {
  let spec = LOADED.get(id);
  if (!spec) {
    const entry = REGISTRY.find(([i]) => i === id);
    if (!entry) return undefined;
    spec = entry[1]();
    if (spec.id !== id) throw new Error(`internal: the registry lists ${id} for the spec of ${spec.id}`);
    LOADED.set(id, spec);
  }
  return spec;
}

let all: readonly ProviderSpec[] | undefined;
/** Every registered provider's spec, in registry order (loads them all). @internal */
export function providerSpecs(): readonly ProviderSpec[] {
  return (all ??= REGISTRY.map(([id]) => load(id)!));
}

/** The spec of a provider id, or undefined when none is registered. @internal */
export function findProviderSpec(id: string): ProviderSpec | undefined {
  return load(id);
}

/**
 * The spec of a provider id; an unregistered id gets GenericOidc's, whose facts assume nothing
 * about the claims (a sub over 127 bytes fails on GCP, fixes say "put it in the subject").
 * @internal
 */
export function providerSpec(id: string): ProviderSpec {
  return load(id) ?? load(GENERIC_ID)!;
}

/** An issuer URL's provider and the pattern it matched. @internal */
export interface IssuerMatch {
  readonly spec: ProviderSpec;
  readonly issuer: IssuerPattern;
}

/**
 * Which registered provider an issuer URL belongs to (scheme optional, case-insensitive, trailing
 * slashes ignored), or undefined. The first matching pattern wins, in registry order.
 * @internal
 */
export function specForIssuer(issuer: string): IssuerMatch | undefined {
  const u = issuer.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '').toLowerCase();
  for (const spec of providerSpecs()) {
    const hit = spec.issuers.find((p) => p.pattern.test(u));
    if (hit) return { spec, issuer: hit };
  }
  return undefined;
}

/** A shared issuer's provider, and what identifies one tenant on it. @internal */
export interface SharedIssuerMatch {
  readonly spec: ProviderSpec;
  readonly tenant: TenantIdentity;
  /** For messages, e.g. `GitHub Actions (github.com)`. */
  readonly name: string;
}

/**
 * The provider whose tenants all get tokens from this issuer (github.com's Actions issuer, gitlab.com,
 * Buildkite, HCP Terraform), or undefined for a per-tenant or unknown issuer.
 * @internal
 */
export function sharedIssuer(issuer: string): SharedIssuerMatch | undefined {
  const m = specForIssuer(issuer);
  if (!m?.issuer.shared) return undefined;
  if (!m.spec.tenant) throw new Error(`internal: ${m.spec.id} has a shared issuer but no tenant identity`);
  const name = m.issuer.label === m.spec.displayName ? m.spec.displayName : `${m.spec.displayName} (${m.issuer.label})`;
  return { spec: m.spec, tenant: m.spec.tenant, name };
}
