import { AZURE_DEVOPS_SPEC } from './azure-devops/spec';
import { BITBUCKET_SPEC } from './bitbucket/spec';
import { BUILDKITE_SPEC } from './buildkite/spec';
import { CIRCLECI_SPEC } from './circleci/spec';
import { GENERIC_SPEC } from './generic/spec';
import { GITHUB_SPEC } from './github/spec';
import { GITLAB_SPEC } from './gitlab/spec';
import { HCP_TERRAFORM_SPEC } from './hcp-terraform/spec';
import { IssuerPattern, ProviderSpec } from './spec';

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

/** True when the issuer is a registered provider's issuer shared by all its tenants. @internal */
export function isSharedIssuer(issuer: string): boolean {
  return specForIssuer(issuer)?.issuer.shared ?? false;
}
