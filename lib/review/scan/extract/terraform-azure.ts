/**
 * Terraform JSON, Azure: federated identity credentials (classic and Flexible, on applications and
 * user-assigned identities), linked to their `azurerm_role_assignment`s through principal-id
 * references; ABAC conditions on `@Environment[...]` as network limits.
 */
import { withMeta } from './metadata';
import { describeTfValue, tfMetadata, tfRef, tfResources } from './terraform';
import { explainUnknown, knownString, literalOrRaw } from './terraform-config';
import { AzureRoleAssignment, TrustMetadata, TrustRelationship, ValuePart } from './types';
import { asArray, isObj, normalizeIssuer, Obj } from './util';
import { providerForIssuer, providerForSubject } from '../../../ci/analysers';

export function extractTfAzure(file: string, tf: Obj): TrustRelationship[] {
  // Service principals created for applications, to link role assignments to app FICs.
  const spApp = new Map<string, string>();
  for (const [name, body] of tfResources(tf, 'resource', 'azuread_service_principal')) {
    const ref = tfRef(body.client_id ?? body.application_id);
    if (ref?.type === 'azuread_application') spApp.set(name, `azuread_application.${ref.name}`);
  }
  const assignments = new Map<string, AzureRoleAssignment[]>();
  const network = new Map<string, string[]>();
  for (const [name, body] of tfResources(tf, 'resource', 'azurerm_role_assignment')) {
    const ref = tfRef(body.principal_id);
    let identity: string | undefined;
    if (ref?.type === 'azurerm_user_assigned_identity') identity = `azurerm_user_assigned_identity.${ref.name}`;
    else if (ref?.type === 'azuread_service_principal') identity = spApp.get(ref.name) ?? `azuread_service_principal.${ref.name}`;
    else if (ref?.type === 'data' && ref.name === 'azurerm_user_assigned_identity') identity = existingIdentity(tf, ref.attr.split('.')[0]);
    else if (typeof body.principal_id === 'string') identity = body.principal_id;
    if (!identity) continue;
    const ra: AzureRoleAssignment = {
      resource: `azurerm_role_assignment.${name}`,
      scope: describeTfValue(body.scope),
      role: String(body.role_definition_name ?? describeTfValue(body.role_definition_id)),
      ...(typeof body.condition === 'string' ? { condition: body.condition } : {}),
    };
    assignments.set(identity, [...(assignments.get(identity) ?? []), ra]);
    if (ra.condition && /@Environment\[/.test(ra.condition)) {
      network.set(identity, [...(network.get(identity) ?? []), `ABAC condition on ${ra.resource}: ${ra.condition}`]);
    }
  }
  const identityMeta = (identity: string): TrustMetadata[] => {
    const [type, name] = identity.split('.');
    const found = tfResources(tf, 'resource', type).find(([n]) => n === name);
    return found ? tfMetadata(found[1]) : [];
  };

  const out: TrustRelationship[] = [];
  const kinds: [string, 'fic' | 'flexible-fic'][] = [
    ['azuread_application_federated_identity_credential', 'fic'],
    ['azuread_application_flexible_federated_identity_credential', 'flexible-fic'],
    ['azurerm_federated_identity_credential', 'fic'],
  ];
  for (const [type, kind] of kinds) {
    for (const [name, body] of tfResources(tf, 'resource', type)) {
      const parentRaw = type === 'azurerm_federated_identity_credential' ? body.user_assigned_identity_id ?? body.parent_id : body.application_id ?? body.application_object_id;
      const ref = tfRef(parentRaw);
      const identity = ref ? `${ref.type}.${ref.name}` : describeTfValue(parentRaw);
      const unresolved: string[] = [];
      // Values as Entra receives them (`$${` is a literal `${`); an expression keeps its text and is named.
      const expressions: ValuePart[] = [];
      const exactIssuer = typeof body.issuer === 'string' ? knownString(body.issuer) : undefined;
      const issuer = exactIssuer === undefined ? undefined : normalizeIssuer(exactIssuer);
      if (exactIssuer === undefined) unresolved.push(`issuer is not a literal${typeof body.issuer === 'string' ? ` (${explainUnknown(body.issuer)})` : ''}`);
      const read = (v: string, part: 'subject' | 'claimsMatchingExpression'): string => {
        const known = knownString(v);
        if (known !== undefined) return known;
        expressions.push(part);
        unresolved.push(`${part === 'subject' ? 'subject' : 'claims_matching_expression'} contains a Terraform interpolation (${explainUnknown(v)})`);
        return v;
      };
      const subject = typeof body.subject === 'string' ? read(body.subject, 'subject') : body.subject === undefined ? undefined : String(body.subject);
      // A string, or a `{value = …}` block (an object, or a one-element list of it).
      const cme = Array.isArray(body.claims_matching_expression) ? body.claims_matching_expression[0] : body.claims_matching_expression;
      const exprText = typeof cme === 'string' ? cme : isObj(cme) ? String(cme.value ?? '') : undefined;
      const expr = exprText === undefined ? undefined : read(exprText, 'claimsMatchingExpression');
      const rawAudiences = kind === 'flexible-fic' ? asArray(body.audience) : asArray(body.audience ?? body.audiences);
      const unknownAudience = rawAudiences.find(a => typeof a === 'string' && knownString(a) === undefined);
      if (unknownAudience !== undefined) {
        expressions.push('audiences');
        unresolved.push(`an audience is not a literal (${explainUnknown(unknownAudience)})`);
      }
      const audiences = rawAudiences.map(literalOrRaw);
      const resource = `${type}.${name}`;
      let ciProvider = providerForIssuer(issuer);
      if (ciProvider === 'unknown' && subject) ciProvider = providerForSubject(subject);
      const roles = assignments.get(identity) ?? [];
      const identityWords = identity.startsWith('azurerm_user_assigned_identity.') ? `user-assigned identity ${identity}` : identity.startsWith('azuread_application.') ? `application ${identity}` : identity;
      out.push({
        id: `${file}#${resource}`,
        cloud: 'azure',
        file,
        format: 'terraform-json',
        resource,
        resourceType: type,
        principal: roles.length ? `${identityWords}: ${roles.map(r => `${r.role} on ${r.scope}`).join('; ')}` : `${identityWords} (no role assignments in this file)`,
        ...(issuer ? { issuer } : {}),
        ciProvider,
        audiences,
        azure: {
          kind,
          ...(exactIssuer !== undefined ? { issuer: exactIssuer } : {}),
          ...(subject !== undefined ? { subject } : {}),
          ...(expr !== undefined ? { claimsMatchingExpression: expr } : {}),
          identity,
          roleAssignments: roles,
        },
        network: network.get(identity) ?? [],
        ...withMeta(tfMetadata(body)[0] ?? identityMeta(identity)[0]),
        ...(expressions.length ? { expressions } : {}),
        unresolved,
      });
    }
  }
  return out;
}

/**
 * An identity read with a data source (`${data.azurerm_user_assigned_identity.X.principal_id}`, as
 * `fromExistingIdentity` writes): the literal resource id its credentials name as `parent_id`, matched
 * by name and resource group; else the data source's address.
 */
function existingIdentity(tf: Obj, dataName: string): string {
  const body = tfResources(tf, 'data', 'azurerm_user_assigned_identity').find(([n]) => n === dataName)?.[1];
  const fallback = `data.azurerm_user_assigned_identity.${dataName}`;
  if (!body || typeof body.name !== 'string' || typeof body.resource_group_name !== 'string') return fallback;
  const tail = `/resourcegroups/${body.resource_group_name}/providers/microsoft.managedidentity/userassignedidentities/${body.name}`.toLowerCase();
  for (const [, fic] of tfResources(tf, 'resource', 'azurerm_federated_identity_credential')) {
    const parent = fic.user_assigned_identity_id ?? fic.parent_id;
    if (typeof parent === 'string' && parent.toLowerCase().endsWith(tail)) return parent;
  }
  return fallback;
}
