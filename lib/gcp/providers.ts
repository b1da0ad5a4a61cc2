/* eslint-disable @typescript-eslint/no-require-imports */
import type { AccessContextManagerAccessLevel } from '@cdktf/provider-google/lib/access-context-manager-access-level';
import type { AccessContextManagerServicePerimeterIngressPolicy } from '@cdktf/provider-google/lib/access-context-manager-service-perimeter-ingress-policy';
import type { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import type { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import type { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';

/** The provider classes the GCP constructs create. @internal */
export interface GoogleClasses {
  readonly IamWorkloadIdentityPool: typeof IamWorkloadIdentityPool;
  readonly IamWorkloadIdentityPoolProvider: typeof IamWorkloadIdentityPoolProvider;
  readonly ServiceAccountIamMember: typeof ServiceAccountIamMember;
  readonly AccessContextManagerAccessLevel: typeof AccessContextManagerAccessLevel;
  readonly AccessContextManagerServicePerimeterIngressPolicy: typeof AccessContextManagerServicePerimeterIngressPolicy;
}

let cached: GoogleClasses | undefined;

/**
 * Load the CDKTF Google provider classes on first use. The package root must load no cdktf code
 * (an AWS-CDK-only user has no cdktf on disk), so lib/gcp only imports types statically and
 * requires the per-resource submodules here, when a construct is created. Submodules only: the
 * provider's root module costs ~3 s and ~400 MB (docs/architecture.md#toolchain).
 * @internal
 */
export function google(): GoogleClasses {
  if (cached) return cached;
  try {
    cached = {
      IamWorkloadIdentityPool: require('@cdktf/provider-google/lib/iam-workload-identity-pool').IamWorkloadIdentityPool,
      IamWorkloadIdentityPoolProvider: require('@cdktf/provider-google/lib/iam-workload-identity-pool-provider').IamWorkloadIdentityPoolProvider,
      ServiceAccountIamMember: require('@cdktf/provider-google/lib/service-account-iam-member').ServiceAccountIamMember,
      AccessContextManagerAccessLevel: require('@cdktf/provider-google/lib/access-context-manager-access-level').AccessContextManagerAccessLevel,
      AccessContextManagerServicePerimeterIngressPolicy: require('@cdktf/provider-google/lib/access-context-manager-service-perimeter-ingress-policy').AccessContextManagerServicePerimeterIngressPolicy,
    };
  } catch (e) {
    throw new Error(`ci-oidc-trust: install cdktf and @cdktf/provider-google to use the GCP constructs (npm install cdktf@^0.21.0 @cdktf/provider-google@^16.12.1). Cause: ${(e as Error).message}`);
  }
  return cached!;
}
