/*
 * An independent model of how Entra judges a token against the federated identity credentials of
 * one user-assigned identity, read from synthesized Terraform JSON (never from our Trust), so tests
 * can compare the two. Semantics (clouds.md §3.2, security.md F16):
 * - a credential matches when the token's `iss` equals its issuer, `sub` equals its subject (exact,
 *   case-sensitive since Aug 2024: AADSTS7002138), and its one audience is among the token's `aud`
 *   (a string or an array of strings);
 * - no wildcards: `*` in a subject is a literal character;
 * - at most 20 credentials per identity, exactly one audience each, fields ≤ 600 characters, and
 *   issuer+subject unique per identity; a configuration breaking these is refused (Azure would).
 */

/** The verdict on one token. */
export interface AzureSimulationResult {
  /** True when some credential accepts the token. */
  readonly allowed: boolean;
  /** Why no credential matched (one line per credential), or empty. */
  readonly reasons: string[];
  /** Name of the credential that matched. @default - none */
  readonly matchedCredential?: string;
}

/** A federated identity credential as synthesized. */
export interface SimulatedCredential {
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

/** Judges tokens against the federated credentials of one identity in synthesized Terraform JSON. */
export class AzureFederationSimulator {
  /**
   * Read the credentials of one identity from Terraform JSON (an object or its text, e.g. from
   * cdktf `Testing.synth`).
   *
   * @param identityName the identity's Terraform resource name, address (`azurerm_user_assigned_identity.x`)
   *   or literal resource id the credentials' `parent_id` refers to
   * @default identityName - the only identity the credentials refer to
   */
  public static fromTerraformJson(json: any, identityName?: string): AzureFederationSimulator {
    const tf = typeof json === 'string' ? JSON.parse(json) : json;
    const group = tf?.resource?.[FIC] ?? {};
    const byParent = new Map<string, SimulatedCredential[]>();
    for (const key of Object.keys(group).sort()) {
      const body = group[key];
      const address = `${FIC}.${key}`;
      const parentRaw = body.user_assigned_identity_id ?? body.parent_id;
      if (typeof parentRaw !== 'string') throw new Error(`${address}: no parent_id`);
      const m = REF.exec(parentRaw);
      const parent = m ? m[1] : parentRaw;
      const value: Record<string, string> = {};
      for (const f of ['name', 'issuer', 'subject']) {
        if (typeof body[f] !== 'string') throw new Error(`${address}: ${f} is not a string`);
        value[f] = templateLiteral(body[f], `${address}: ${f}`);
        if (value[f].length > 600) throw new Error(`${address}: ${f} is over 600 characters; Azure refuses it`);
      }
      const aud = body.audience;
      if (!Array.isArray(aud) || aud.length !== 1 || typeof aud[0] !== 'string') {
        throw new Error(`${address}: Federated identity credentials must have exactly one audience, got ${JSON.stringify(aud)}`);
      }
      const audience = templateLiteral(aud[0], `${address}: audience`);
      if (audience.length > 600) throw new Error(`${address}: audience is over 600 characters`);
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/.test(value.name)) throw new Error(`${address}: name ${JSON.stringify(value.name)} breaks Azure's naming rule`);
      const list = byParent.get(parent) ?? [];
      list.push({ address, name: value.name, issuer: value.issuer, subject: value.subject, audience });
      byParent.set(parent, list);
    }
    let parent: string | undefined;
    if (identityName === undefined) {
      if (byParent.size !== 1) throw new Error(`the JSON has credentials for ${byParent.size} identities (${[...byParent.keys()].join(', ')}); name one`);
      parent = [...byParent.keys()][0];
    } else {
      const candidates = [identityName, `${UAMI}.${identityName}`, `data.${UAMI}.${identityName}`];
      parent = candidates.find((c) => byParent.has(c));
      if (!parent) throw new Error(`no credentials refer to identity ${JSON.stringify(identityName)} (found: ${[...byParent.keys()].join(', ') || 'none'})`);
    }
    return new AzureFederationSimulator(byParent.get(parent)!);
  }

  /** The credentials of the identity, sorted by Terraform address. */
  public readonly credentials: SimulatedCredential[];

  private constructor(credentials: SimulatedCredential[]) {
    if (credentials.length > 20) throw new Error(`the identity has ${credentials.length} federated identity credentials; Azure allows 20`);
    const seen = new Set<string>();
    const names = new Set<string>();
    for (const c of credentials) {
      const k = `${c.issuer}\u0000${c.subject}`;
      if (seen.has(k)) throw new Error(`issuer ${c.issuer} and subject ${c.subject} appear twice; Azure requires them unique per identity`);
      if (names.has(c.name)) throw new Error(`credential name ${c.name} appears twice`);
      seen.add(k);
      names.add(c.name);
    }
    this.credentials = credentials;
  }

  /** Judge a token payload the way Entra does for this identity. */
  public evaluate(claims: { [claim: string]: any }): AzureSimulationResult {
    const reasons: string[] = [];
    const aud = claims.aud;
    const auds: unknown[] = Array.isArray(aud) ? aud : [aud];
    for (const c of this.credentials) {
      const why: string[] = [];
      if (claims.iss !== c.issuer) why.push(`iss ${show(claims.iss)} != ${JSON.stringify(c.issuer)}`);
      if (claims.sub !== c.subject) {
        const folded = typeof claims.sub === 'string' && claims.sub.toLowerCase() === c.subject.toLowerCase();
        why.push(`sub ${show(claims.sub)} != ${JSON.stringify(c.subject)}${folded ? ' (matches case-insensitively but not case-sensitively: AADSTS7002138)' : ''}`);
      }
      if (!auds.some((a) => a === c.audience)) why.push(`aud ${show(aud)} does not contain ${JSON.stringify(c.audience)}`);
      if (why.length === 0) return { allowed: true, reasons: [], matchedCredential: c.name };
      reasons.push(`${c.name}: ${why.join('; ')}`);
    }
    if (this.credentials.length === 0) reasons.push('the identity has no federated identity credentials');
    return { allowed: false, reasons };
  }
}

/**
 * The value Terraform gives a JSON string: `$${` and `%%{` are escapes for a literal `${` / `%{`;
 * an unescaped `${` or `%{` is an expression, which the simulator cannot evaluate.
 */
function templateLiteral(raw: string, what: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const two = raw.slice(i, i + 3);
    if (two === '$${' || two === '%%{') {
      out += two.slice(1);
      i += 2;
      continue;
    }
    if (raw.startsWith('${', i) || raw.startsWith('%{', i)) {
      throw new Error(`${what} is a Terraform template expression (${JSON.stringify(raw)}); the simulator needs literals`);
    }
    out += raw[i];
  }
  return out;
}

function show(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}
