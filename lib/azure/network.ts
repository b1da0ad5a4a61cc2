import { TrustConfigError } from '../model/errors';
import { NetworkRestriction, requireEnforceable } from '../model/network';

/*
 * Network restrictions on Azure (docs/azure.md#network-restrictions):
 * - source IPs: Conditional Access for workload identities covers single-tenant service principals
 *   only; "managed identities aren't covered by policy". A managed identity cannot be IP-restricted.
 * - subnets / private endpoints: ABAC conditions on role assignments, evaluated by Storage
 *   (Blob, ADLS Gen2, Queues) for data actions, via @Environment attributes, condition_version 2.0.
 * Everything else is refused: a restriction is never dropped silently.
 */

/** Storage data-plane services whose data actions evaluate the @Environment network attributes. */
interface StorageService {
  readonly label: string;
  /** Every data action of the service: the condition targets all of them, whatever the role grants. */
  readonly actionPattern: string;
}

const BLOB: StorageService = { label: 'Blob / ADLS Gen2', actionPattern: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*' };
const QUEUE: StorageService = { label: 'Queue', actionPattern: 'Microsoft.Storage/storageAccounts/queueServices/queues/messages/*' };

/** Built-in storage data roles, by name and role-definition GUID (learn.microsoft.com built-in roles). */
const STORAGE_ROLES: readonly { name: string; guid: string; service: StorageService }[] = [
  { name: 'Storage Blob Data Reader', guid: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', service: BLOB },
  { name: 'Storage Blob Data Contributor', guid: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', service: BLOB },
  { name: 'Storage Blob Data Owner', guid: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', service: BLOB },
  { name: 'Storage Queue Data Reader', guid: '19e7f393-937e-4f77-808e-94535e297925', service: QUEUE },
  { name: 'Storage Queue Data Contributor', guid: '974c5e8b-45b9-4653-ba55-5f855dd0fb88', service: QUEUE },
  { name: 'Storage Queue Data Message Processor', guid: '8a0f0c08-91a1-4084-bc3d-661d67233fed', service: QUEUE },
  { name: 'Storage Queue Data Message Sender', guid: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a', service: QUEUE },
];

const ROLE_ID = /^(\/subscriptions\/[0-9a-fA-F-]{36})?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-fA-F-]{36})$/;

/** A role given to `grant`: a built-in role name or a role definition id. @internal */
export interface RoleRef {
  readonly roleDefinitionName?: string;
  readonly roleDefinitionId?: string;
  readonly label: string;
}

/** @internal */
export function parseRole(where: string, role: string): RoleRef {
  if (typeof role !== 'string' || role.trim() === '' || role !== role.trim() || /[\u0000-\u001f\u007f'"]/.test(role)) {
    throw new TrustConfigError(where, `role ${JSON.stringify(role)} is empty or has quotes, control characters or surrounding spaces`, 'give a built-in role name (e.g. "Storage Blob Data Reader") or a role definition id');
  }
  if (role.startsWith('/')) {
    if (!ROLE_ID.test(role)) {
      throw new TrustConfigError(where, `role ${JSON.stringify(role)} is not a role definition id`, 'use /subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid> or /providers/Microsoft.Authorization/roleDefinitions/<guid>');
    }
    return { roleDefinitionId: role, label: role };
  }
  return { roleDefinitionName: role, label: role };
}

function storageService(role: RoleRef): StorageService | undefined {
  if (role.roleDefinitionName) return STORAGE_ROLES.find((r) => r.name === role.roleDefinitionName)?.service;
  const guid = ROLE_ID.exec(role.roleDefinitionId!)![2].toLowerCase();
  return STORAGE_ROLES.find((r) => r.guid === guid)?.service;
}

/** Refuse network kinds a managed identity cannot enforce, whatever the grants. @internal */
export function checkIdentityNetwork(where: string, network: NetworkRestriction | undefined): void {
  if (!network) return;
  if (network.sourceIpCidrs.length) {
    throw new TrustConfigError(where,
      `the trust restricts source IPs (${network.sourceIpCidrs.join(', ')}), which Azure cannot enforce for a managed identity: Conditional Access for workload identities does not cover managed identities`,
      'use an app registration with a service principal and a Conditional Access policy with a named location (Workload Identities Premium), or enforce the IPs on the target resource (storage account network_rules.ip_rules, Key Vault firewall); or restrict by azureSubnetIds / azurePrivateEndpointIds for storage data roles');
  }
  requireEnforceable(network, 'azure', where, undefined, 'compile this trust to the cloud those networks belong to, or use azureSubnetIds / azurePrivateEndpointIds for Azure');
}

/**
 * The ABAC condition that enforces the restriction on a role assignment, or a refusal when the role
 * is not a storage data role (the restriction would silently not apply).
 * @internal
 */
export function networkCondition(where: string, network: NetworkRestriction, role: RoleRef): string {
  checkIdentityNetwork(where, network);
  const service = storageService(role);
  if (!service) {
    throw new TrustConfigError(where,
      `the identity's trusts are restricted to Azure networks (${network.kinds.join(', ')}), but role ${JSON.stringify(role.label)} is not a storage data role; Azure evaluates subnet and private-endpoint conditions only for Storage Blob, ADLS Gen2 and Queue data actions, so the restriction would not apply`,
      `grant a built-in storage data role (${STORAGE_ROLES.map((r) => r.name).join(', ')}), put unrestricted trusts on a separate identity, or protect the resource with its own firewall or private endpoint`);
  }
  // Azure resource ids are case-insensitive; the documented operator is StringEqualsIgnoreCase.
  // Ids were validated by NetworkRestriction (no quotes), so quoting them is safe.
  const list = (ids: string[]) => `{${ids.map((i) => `'${i}'`).join(', ')}}`;
  const alternatives: string[] = [];
  if (network.azureSubnetIds.length) {
    alternatives.push(`@Environment[Microsoft.Network/virtualNetworks/subnets] ForAnyOfAnyValues:StringEqualsIgnoreCase ${list(network.azureSubnetIds)}`);
  }
  if (network.azurePrivateEndpointIds.length) {
    alternatives.push(`(@Environment[isPrivateLink] BoolEquals true AND @Environment[Microsoft.Network/privateEndpoints] ForAnyOfAnyValues:StringEqualsIgnoreCase ${list(network.azurePrivateEndpointIds)})`);
  }
  return [
    '(',
    ' (',
    `  !(ActionMatches{'${service.actionPattern}'})`,
    ' )',
    ' OR',
    ' (',
    `  ${alternatives.join('\n  OR\n  ')}`,
    ' )',
    ')',
  ].join('\n');
}

/** Equal restrictions (by content). @internal */
export function sameNetwork(a: NetworkRestriction | undefined, b: NetworkRestriction | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Short text of a restriction for messages. @internal */
export function describeNetwork(n: NetworkRestriction | undefined): string {
  return n ? n.toString() : 'no network restriction';
}
