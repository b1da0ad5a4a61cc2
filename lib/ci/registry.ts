import { AZURE_DEVOPS_SPEC } from './azure-devops/provider-spec';
import { BITBUCKET_SPEC } from './bitbucket/provider-spec';
import { BUILDKITE_SPEC } from './buildkite/provider-spec';
import { CIRCLECI_SPEC } from './circleci/provider-spec';
import { GENERIC_SPEC } from './generic/provider-spec';
import { GITHUB_SPEC } from './github/provider-spec';
import { GITLAB_SPEC } from './gitlab/provider-spec';
import { HCP_TERRAFORM_SPEC } from './hcp-terraform/provider-spec';
import { JENKINS_SPEC } from './jenkins/provider-spec';
import { IssuerPattern, ProviderSpec, TenantIdentity } from './provider-spec';

/**
 * The one registry of CI providers: one line per provider. The clouds, the emit layer and the review
 * look providers up here (by `Trust.provider` or by issuer URL) instead of naming them.
 * @internal
 */
export const PROVIDER_SPECS: readonly ProviderSpec[] = [
  GITHUB_SPEC,
  GITLAB_SPEC,
  BUILDKITE_SPEC,
  CIRCLECI_SPEC,
  BITBUCKET_SPEC,
  AZURE_DEVOPS_SPEC,
  HCP_TERRAFORM_SPEC,
  JENKINS_SPEC,
  GENERIC_SPEC,
];

const BY_ID = new Map(PROVIDER_SPECS.map((s) => [s.id, s]));

/** The spec of a provider id, or undefined when none is registered. @internal */
export function findProviderSpec(id: string): ProviderSpec | undefined {
  return BY_ID.get(id);
}

/**
 * The spec of a provider id; an unregistered id gets GenericOidc's, whose facts assume nothing
 * about the claims (a sub over 127 bytes fails on GCP, fixes say "put it in the subject").
 * @internal
 */
export function providerSpec(id: string): ProviderSpec {
  return BY_ID.get(id) ?? GENERIC_SPEC;
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
  for (const spec of PROVIDER_SPECS) {
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
