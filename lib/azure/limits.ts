/**
 * The Entra and Azure limits the library checks at synth: the one place their numbers live
 * (docs/limits.md#azure is generated from these records). @internal
 */
import type { LimitSpec } from '../model/limits';

const FIC_CONSIDERATIONS = 'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-considerations';
const NAME_RULES = 'https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules#microsoftmanagedidentity';

/** @internal */
export const AZURE_LIMITS = {
  credentialsPerIdentity: {
    value: 20,
    what: 'Federated identity credentials per identity (or app registration)',
    unit: 'credentials',
    checkedBy: '`FederatedManagedIdentity`',
    source: FIC_CONSIDERATIONS,
    note: 'credentials created outside the construct count towards it too; synth cannot see them',
  },
  fieldLength: {
    value: 600,
    what: 'Credential issuer, subject and audience',
    unit: 'characters each',
    checkedBy: 'Azure compiler',
    source: FIC_CONSIDERATIONS,
  },
  credentialName: {
    min: 3,
    value: 120,
    what: 'Credential name',
    unit: 'characters of `[A-Za-z0-9_-]`, alphanumeric first',
    checkedBy: 'Azure compiler (names are generated: slug + hash)',
    source: FIC_CONSIDERATIONS,
  },
  identityName: {
    min: 3,
    value: 128,
    what: 'User-assigned identity name',
    unit: 'characters of `[A-Za-z0-9_-]`, alphanumeric first',
    checkedBy: '`FederatedManagedIdentity`, `fromExistingIdentity`',
    source: NAME_RULES,
  },
} as const satisfies Record<string, LimitSpec>;
