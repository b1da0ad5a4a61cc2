/**
 * Azure units and principals. A principal is a role assignment; its gate is every federated
 * credential of the identity it is assigned to (Entra matches issuer, subject and audience
 * exactly). Units: the credentials a declared trust compiled to, together; any other credential
 * on its own.
 */
import { rawResource } from './aws';
import { ANY, Conj, GlobToken, ONE } from './constraints';
import { Principal, Unit, UnitCondition } from './types';
import { isLiteral, LoadedFile, TrustMetadata, TrustRelationship } from '../scan/extract';
import { tfMetadata } from '../scan/extract/terraform';
import { parseFlexibleExpression } from '../scan/scanner';

function scopeOf(t: TrustRelationship): string {
  const identity = t.azure!.identity;
  return /^(data\.)?[\w-]+\.[\w-]+$/.test(identity) ? `${t.file}|${identity}` : identity;
}

function credentialConj(t: TrustRelationship): Conj {
  const az = t.azure!;
  const tests: Conj['tests'][number][] = [];
  // The extractor read the values (unknown ones are named in t.unresolved and az.expressions).
  const opaque = [...t.unresolved, ...(t.assumptions ?? [])];
  // Entra compares the issuer exactly, trailing slash included: the value as written.
  if (az.issuer !== undefined) tests.push({ kind: 'eq', claim: 'iss', values: [az.issuer] });
  if (t.audiences.length === 0) return { tests, never: 'the credential has no audience' };
  if (isLiteral(t, 'audiences')) tests.push({ kind: 'eq', claim: 'aud', values: t.audiences });
  if (az.kind === 'fic') {
    if (isLiteral(t, 'subject')) tests.push({ kind: 'eq', claim: 'sub', values: [az.subject ?? ''] });
  } else if (isLiteral(t, 'claimsMatchingExpression')) {
    try {
      for (const term of parseFlexibleExpression(az.claimsMatchingExpression ?? '')) {
        if (term.op === 'eq') tests.push({ kind: 'eq', claim: term.claim, values: [term.value] });
        else tests.push({ kind: 'glob', claim: term.claim, globs: [Array.from(term.value).map((c): GlobToken => (c === '*' ? ANY : c === '?' ? ONE : c))] });
      }
    } catch (e) {
      opaque.push(`claimsMatchingExpression (${(e as Error).message})`);
    }
  }
  return { tests, opaque, shown: [az.kind === 'fic' ? `subject ${az.subject ?? ''}` : `claimsMatchingExpression ${az.claimsMatchingExpression ?? ''}`] };
}

function condition(t: TrustRelationship, alternative?: number): UnitCondition {
  const alt = alternative === undefined ? {} : { alternative };
  const az = t.azure!;
  return az.kind === 'fic'
    ? { kind: 'subject', value: az.subject ?? '', resource: t.resource, ...alt }
    : { kind: 'claims-expression', expression: az.claimsMatchingExpression ?? '', resource: t.resource, ...alt };
}

function identityWords(identity: string): string {
  if (identity.startsWith('azurerm_user_assigned_identity.')) return `user-assigned identity ${identity}`;
  if (identity.startsWith('azuread_application.')) return `application ${identity}`;
  return identity;
}

export function azureModel(rels: TrustRelationship[], files: Map<string, LoadedFile>): { units: Unit[]; principals: Principal[] } {
  const principals: Principal[] = [];
  const byIdentity = new Map<string, TrustRelationship[]>();
  for (const t of rels) byIdentity.set(scopeOf(t), [...(byIdentity.get(scopeOf(t)) ?? []), t]);
  for (const [scope, creds] of byIdentity) {
    const gates = creds.map(c => ({ via: `credential ${c.resource}`, conjs: [credentialConj(c)] }));
    const seen = new Set<string>();
    for (const c of creds) {
      for (const ra of c.azure!.roleAssignments) {
        if (seen.has(ra.resource)) continue;
        seen.add(ra.resource);
        principals.push({
          id: `${c.file}#${ra.resource}`,
          cloud: 'azure',
          file: c.file,
          resource: ra.resource,
          resourceType: 'azurerm_role_assignment',
          label: `${ra.role} on ${ra.scope}`,
          permissions: ra.condition ? [`only if ${ra.condition}`] : [],
          gates,
          homeKey: scope,
        });
      }
    }
  }

  const units: Unit[] = [];
  for (const [scope, creds] of byIdentity) {
    const declared = new Map<string, { meta: TrustMetadata; creds: TrustRelationship[] }>();
    for (const c of creds) {
      const own = tfMetadata(rawResource(files.get(c.file), c.resource) ?? {});
      if (own.length === 1) {
        const d = declared.get(own[0].id) ?? { meta: own[0], creds: [] };
        d.creds.push(c);
        declared.set(own[0].id, d);
        continue;
      }
      const { metadata: _m, ...bare } = c;
      units.push(unitOf(c.id, 'credential', [bare], scope, undefined));
    }
    for (const [id, d] of declared) {
      const first = d.creds[0];
      units.push(unitOf(d.creds.length === 1 ? first.id : `${first.file}#${first.azure!.identity}#${id}`, 'declared', d.creds.map(c => ({ ...c, metadata: d.meta })), scope, d.meta));
    }
  }
  return { units, principals };
}

function unitOf(id: string, kind: Unit['kind'], creds: TrustRelationship[], scope: string, metadata: TrustMetadata | undefined): Unit {
  const first = creds[0];
  const many = creds.length > 1;
  return {
    id,
    cloud: 'azure',
    file: first.file,
    resource: many ? first.azure!.identity : first.resource,
    resourceType: many ? first.azure!.identity.split('.')[0] : first.resourceType,
    kind,
    home: identityWords(first.azure!.identity),
    ...(first.issuer ? { issuer: first.issuer } : {}),
    ciProvider: first.ciProvider,
    audiences: [...new Set(creds.flatMap(c => c.audiences))],
    network: [...new Set(creds.flatMap(c => c.network))],
    ...(metadata ? { metadata } : {}),
    parts: creds,
    conjs: creds.map(c => credentialConj(c)),
    conditions: creds.map((c, i) => condition(c, many ? i + 1 : undefined)),
    notes: [],
    homeKey: scope,
  };
}
