import type { FederatedIdentityBase } from '../../azure/identity';
import { TrustConfigError } from '../../model/errors';
import { checkRequest, simulationResult, terraformDocument, Unsupported } from '../private/request';
import { terraformJsonOf, terraformNameOf } from '../private/synth';
import { terraformStringValue } from '../private/terraform';
import { SimulationFailure, SimulationRequest, SimulationResult } from '../result';

/*
 * An independent model of how Entra judges a token against the federated identity credentials of
 * one user-assigned identity, read from synthesized Terraform JSON (never from our Trust), so tests
 * can compare the two. Semantics (Microsoft Entra "Workload identity federation" and "Considerations
 * and restrictions for federated identity credentials"):
 * - a credential matches when the token's `iss` equals its issuer, `sub` equals its subject (exact,
 *   case-sensitive since Aug 2024: AADSTS7002138), and its one audience is among the token's `aud`
 *   (a string or an array of strings);
 * - no wildcards: `*` in a subject is a literal character;
 * - at most 20 credentials per identity, exactly one audience each, fields ≤ 600 characters, and
 *   issuer+subject unique per identity; a configuration breaking these is refused (Azure would).
 */

/** A federated identity credential as synthesized. */
export interface AzureSimulatedCredential {
  /** Terraform address, e.g. `azurerm_federated_identity_credential.x`. */
  readonly address: string;
  /** The `name` attribute. */
  readonly name: string;
  /** Issuer. */
  readonly issuer: string;
  /** Subject. */
  readonly subject: string;
  /** The one audience. */
  readonly audience: string;
}

const FIC = 'azurerm_federated_identity_credential';
const UAMI = 'azurerm_user_assigned_identity';
const REF = /^\$\{((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.id\}$/;
const MAX_CREDENTIALS = 20;
const MAX_FIELD = 600;

const NETWORK = 'Entra ID matches federated credentials by issuer, subject and audience only; networks are enforced by the role assignments\' ABAC conditions, which this simulator does not read';
const NOT_AZURE: Unsupported = {
  sourceIp: NETWORK,
  awsVpcId: NETWORK,
  awsVpcEndpointId: NETWORK,
  gcpVpcNetwork: NETWORK,
  azureSubnetId: NETWORK,
  azurePrivateEndpointId: NETWORK,
  awsProviderArn: 'an AWS field; Azure never sees it',
  gcpMember: 'a GCP field; Azure has no IAM members',
};

/** Judges tokens against the federated credentials of one identity in synthesized Terraform JSON. */
export class AzureTrustSimulator {
  /**
   * Simulator for a federated identity construct (FederatedManagedIdentity or
   * `fromExistingIdentity`): synthesizes its stack (cdktf `Testing.synth`) and reads every
   * credential of the identity.
   */
  public static fromIdentity(identity: FederatedIdentityBase): AzureTrustSimulator {
    const where = 'AzureTrustSimulator.fromIdentity';
    const byParent = credentialsByParent(terraformJsonOf(identity, where));
    // The identity's credentials are its children; their parent reference names the identity.
    const own = identity.node.findAll().map((c) => (c as { terraformResourceType?: unknown }).terraformResourceType === FIC ? `${FIC}.${terraformNameOf(c, where)}` : undefined);
    const parents = new Set([...byParent].filter(([, creds]) => creds.some((c) => own.includes(c.address))).map(([p]) => p));
    if (parents.size > 1) throw new TrustConfigError(where, `the credentials of ${identity.node.path} refer to several identities (${[...parents].join(', ')})`, 'keep one identity per construct');
    const managed = (identity as { identity?: unknown }).identity;
    const parent = [...parents][0]
      ?? (managed !== undefined ? `${UAMI}.${terraformNameOf(managed, where)}` : identity.identityId);
    return new AzureTrustSimulator(byParent.get(parent) ?? []);
  }

  /**
   * Read the credentials of one identity from Terraform JSON (an object or its text, e.g. from
   * cdktf `Testing.synth`).
   *
   * @param identityName the identity's `name` (of its `azurerm_user_assigned_identity` resource or
   *   data source, or the last segment of a literal resource id), or the literal resource id the
   *   credentials' `parent_id` holds; optional when the credentials refer to one identity
   */
  public static fromTerraformJson(json: any, identityName?: string): AzureTrustSimulator {
    const where = 'AzureTrustSimulator.fromTerraformJson';
    const tf = terraformDocument(where, json);
    const byParent = credentialsByParent(tf);
    const named = [...byParent.keys()].map((parent) => ({ parent, name: identityNameOf(tf, parent) }));
    const list = named.map((n) => n.name ?? n.parent).join(', ') || 'none';
    let parent: string | undefined;
    if (identityName === undefined) {
      if (byParent.size !== 1) throw new TrustConfigError(where, `the JSON has credentials for ${byParent.size} identities (${list})`, 'pass identityName, or use fromIdentity(identity)');
      parent = named[0].parent;
    } else {
      const hits = named.filter((n) => n.parent === identityName || n.name === identityName);
      if (hits.length === 0) throw new TrustConfigError(where, `no credentials refer to identity ${JSON.stringify(identityName)} (found: ${list})`, 'pass one of the identities listed');
      if (hits.length > 1) throw new TrustConfigError(where, `${hits.length} identities are named ${JSON.stringify(identityName)}`, 'use fromIdentity(identity)');
      parent = hits[0].parent;
    }
    return new AzureTrustSimulator(byParent.get(parent)!);
  }

  /** The credentials of the identity, sorted by Terraform address. */
  public readonly credentials: AzureSimulatedCredential[];

  private constructor(credentials: AzureSimulatedCredential[]) {
    const where = 'AzureTrustSimulator';
    if (credentials.length > MAX_CREDENTIALS) {
      throw new TrustConfigError(where, `the identity has ${credentials.length} federated identity credentials; Azure allows ${MAX_CREDENTIALS}`, 'split the credentials over several identities');
    }
    const seen = new Set<string>();
    const names = new Set<string>();
    for (const c of credentials) {
      const k = `${c.issuer}\u0000${c.subject}`;
      if (seen.has(k)) throw new TrustConfigError(where, `issuer ${c.issuer} and subject ${c.subject} appear twice; Azure requires them unique per identity`, 'remove the duplicate credential');
      if (names.has(c.name)) throw new TrustConfigError(where, `credential name ${c.name} appears twice`, 'give each credential its own name');
      seen.add(k);
      names.add(c.name);
    }
    this.credentials = credentials;
  }

  /**
   * Judge a token payload the way Entra does for this identity. The matched element is the name
   * of the credential that accepts the token.
   */
  public evaluate(request: SimulationRequest): SimulationResult {
    const claims = checkRequest('AzureTrustSimulator.evaluate', request, NOT_AZURE);
    const trace: string[] = [];
    const failures: SimulationFailure[] = [];
    const aud = claims.aud;
    const auds: unknown[] = Array.isArray(aud) ? aud : [aud];
    for (const c of this.credentials) {
      const own: SimulationFailure[] = [];
      const whys: string[] = [];
      const fail = (check: string, expected: string, actual: string, why: string) => {
        whys.push(why);
        own.push({ check, element: c.name, claim: check, expected, actual, message: `${c.name}: ${why}` });
      };
      if (claims.iss !== c.issuer) fail('iss', JSON.stringify(c.issuer), show(claims.iss), `iss ${show(claims.iss)} != ${JSON.stringify(c.issuer)}`);
      if (claims.sub !== c.subject) {
        const folded = typeof claims.sub === 'string' && claims.sub.toLowerCase() === c.subject.toLowerCase();
        fail('sub', JSON.stringify(c.subject), show(claims.sub), `sub ${show(claims.sub)} != ${JSON.stringify(c.subject)}${folded ? ' (matches case-insensitively but not case-sensitively: AADSTS7002138)' : ''}`);
      }
      if (!auds.some((a) => a === c.audience)) fail('aud', `contains ${JSON.stringify(c.audience)}`, show(aud), `aud ${show(aud)} does not contain ${JSON.stringify(c.audience)}`);
      if (own.length === 0) {
        trace.push(`${c.name}: iss, sub and aud match`, `ALLOWED: credential ${c.name}`);
        return simulationResult('AzureTrustSimulator', true, [], trace, [c.name]);
      }
      trace.push(`${c.name}: ${whys.join('; ')}`);
      failures.push(...own);
    }
    if (this.credentials.length === 0) {
      failures.push({ check: 'credentials', expected: 'a federated identity credential', actual: 'none', message: 'the identity has no federated identity credentials' });
      trace.push(failures[0].message);
    }
    trace.push('DENIED: no credential matches');
    return simulationResult('AzureTrustSimulator', false, failures, trace, []);
  }
}

/** Every credential of the JSON, by the identity its `parent_id` refers to (an address or a literal id). */
function credentialsByParent(tf: any): Map<string, AzureSimulatedCredential[]> {
  const where = 'AzureTrustSimulator';
  const group = tf?.resource?.[FIC] ?? {};
  const byParent = new Map<string, AzureSimulatedCredential[]>();
  const refuse = (problem: string): never => {
    throw new TrustConfigError(where, problem, 'Azure refuses this credential; correct the configuration');
  };
  for (const key of Object.keys(group).sort()) {
    const body = group[key];
    const address = `${FIC}.${key}`;
    if (typeof body !== 'object' || body === null) refuse(`${address}: not an object`);
    const parentRaw = body.user_assigned_identity_id ?? body.parent_id;
    if (typeof parentRaw !== 'string') refuse(`${address}: no parent_id`);
    const m = REF.exec(parentRaw);
    const parent = m ? m[1] : parentRaw;
    const value: Record<string, string> = {};
    for (const f of ['name', 'issuer', 'subject']) {
      if (typeof body[f] !== 'string') refuse(`${address}: ${f} is not a string`);
      value[f] = terraformStringValue(body[f], 'AzureTrustSimulator', `${address}: ${f}`);
      if (value[f].length > MAX_FIELD) refuse(`${address}: ${f} is over ${MAX_FIELD} characters; Azure refuses it`);
    }
    const aud = body.audience;
    if (!Array.isArray(aud) || aud.length !== 1 || typeof aud[0] !== 'string') {
      refuse(`${address}: Federated identity credentials must have exactly one audience, got ${JSON.stringify(aud)}`);
    }
    const audience = terraformStringValue(aud[0], 'AzureTrustSimulator', `${address}: audience`);
    if (audience.length > MAX_FIELD) refuse(`${address}: audience is over ${MAX_FIELD} characters`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/.test(value.name)) refuse(`${address}: name ${JSON.stringify(value.name)} breaks Azure's naming rule`);
    const list = byParent.get(parent) ?? [];
    list.push({ address, name: value.name, issuer: value.issuer, subject: value.subject, audience });
    byParent.set(parent, list);
  }
  return byParent;
}

/** The `name` of the identity a parent reference points to (resource, data source or literal id). */
function identityNameOf(tf: any, parent: string): string | undefined {
  const ref = /^(data\.)?azurerm_user_assigned_identity\.(.+)$/.exec(parent);
  if (ref) {
    const name = (ref[1] ? tf?.data : tf?.resource)?.[UAMI]?.[ref[2]]?.name;
    return typeof name === 'string' ? name : undefined;
  }
  const literal = /\/userAssignedIdentities\/([^/]+)$/i.exec(parent);
  return literal ? literal[1] : undefined;
}

function show(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}
