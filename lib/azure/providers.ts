import type * as dataUai from '@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity';
import type * as fic from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import type * as ra from '@cdktf/provider-azurerm/lib/role-assignment';
import type * as uai from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import type * as cdktf from 'cdktf';

/*
 * The only place that loads cdktf code. The package root must load without cdktf on disk (a
 * CDK-only user has none), so the Azure constructs import provider types with `import type` and
 * get the classes here, when a construct is created. Only per-resource submodules are loaded:
 * the provider root costs ~2.6 s and ~370 MB (docs/architecture.md#toolchain).
 */

/** @internal */
export interface AzurermModules {
  readonly cdktf: typeof cdktf;
  readonly UserAssignedIdentity: typeof uai.UserAssignedIdentity;
  readonly DataAzurermUserAssignedIdentity: typeof dataUai.DataAzurermUserAssignedIdentity;
  readonly FederatedIdentityCredential: typeof fic.FederatedIdentityCredential;
  readonly RoleAssignment: typeof ra.RoleAssignment;
}

let cached: AzurermModules | undefined;

/** @internal */
export function loadAzurerm(): AzurermModules {
  if (cached) return cached;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    cached = {
      cdktf: require('cdktf'),
      UserAssignedIdentity: require('@cdktf/provider-azurerm/lib/user-assigned-identity').UserAssignedIdentity,
      DataAzurermUserAssignedIdentity: require('@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity').DataAzurermUserAssignedIdentity,
      FederatedIdentityCredential: require('@cdktf/provider-azurerm/lib/federated-identity-credential').FederatedIdentityCredential,
      RoleAssignment: require('@cdktf/provider-azurerm/lib/role-assignment').RoleAssignment,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  } catch (e) {
    const err = new Error(`install cdktf and @cdktf/provider-azurerm to use the Azure constructs (npm install cdktf@^0.21.0 @cdktf/provider-azurerm@^14.23.1): ${(e as Error).message}`);
    (err as any).cause = e;
    throw err;
  }
  return cached;
}
