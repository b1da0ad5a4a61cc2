import { GCP_METADATA_KEY } from './metadata';
import { celEngine } from './providers';
import { TrustConfigError } from '../model/errors';
import { Decision } from '../model/trust';

/** Options of one simulated token exchange. */
export interface GcpSimulationOptions {
  /**
   * Also check that the exchanged identity is in this IAM member: `principalSet://…/attribute.NAME/VALUE`,
   * `principal://…/subject/SUBJECT` or `principalSet://…/POOL/*`.
   * @default - only the provider is checked
   */
  readonly member?: string;
}

/** Facts the simulator cannot read from the provider resource. */
export interface GcpTrustSimulatorOptions {
  /** Project number. @default - read from the ci-oidc-trust metadata on the provider resource */
  readonly projectNumber?: string;
}

const MAX_SUBJECT_BYTES = 127;

/**
 * Evaluates a synthesized `google_iam_workload_identity_pool_provider` the way GCP's STS does, for
 * token claims: issuer, allowed audiences (or the default provider-name audience), the
 * `attribute_condition` in a real CEL engine (`@bufbuild/cel`), the attribute mapping (including
 * the 127-byte `google.subject` limit), and optionally an IAM member. Signature, expiry and network
 * (VPC Service Controls) are not simulated. Only a condition result of exactly `true` admits.
 */
export class GcpTrustSimulator {
  /**
   * Read the provider from Terraform JSON (a string or the parsed object, e.g. `Testing.synth(stack)`).
   * @param providerResourceName the resource name under `google_iam_workload_identity_pool_provider`; optional when there is one
   */
  public static fromTerraformJson(json: any, providerResourceName?: string, options?: GcpTrustSimulatorOptions): GcpTrustSimulator {
    const doc = typeof json === 'string' ? JSON.parse(json) : json;
    const where = 'GcpTrustSimulator.fromTerraformJson';
    const providers: Record<string, any> = doc?.resource?.google_iam_workload_identity_pool_provider ?? {};
    const names = Object.keys(providers).sort();
    let name = providerResourceName;
    if (name === undefined) {
      if (names.length !== 1) throw new TrustConfigError(where, `the Terraform JSON has ${names.length} workload identity pool providers (${names.join(', ')})`, 'pass providerResourceName');
      name = names[0];
    }
    const p = providers[name];
    if (!p) throw new TrustConfigError(where, `no google_iam_workload_identity_pool_provider named ${JSON.stringify(name)} (have ${names.join(', ') || 'none'})`, 'pass one of the names listed');
    const meta = p['//']?.[GCP_METADATA_KEY] ?? {};
    const poolRef: string = p.workload_identity_pool_id;
    const ref = /^\$\{google_iam_workload_identity_pool\.([^.]+)\.workload_identity_pool_id\}$/.exec(poolRef);
    const poolId: string = ref ? doc.resource.google_iam_workload_identity_pool[ref[1]].workload_identity_pool_id : poolRef;
    const projectNumber = options?.projectNumber ?? meta.projectNumber ?? projectNumberFromMembers(doc, poolId);
    if (!projectNumber) throw new TrustConfigError(where, 'the project number is not in the Terraform JSON (no ci-oidc-trust metadata, which Testing.synth strips, and no grant naming the pool)', 'pass options.projectNumber');
    const oidc = Array.isArray(p.oidc) ? p.oidc[0] : p.oidc;
    return new GcpTrustSimulator({
      projectNumber: String(projectNumber),
      poolId,
      providerId: p.workload_identity_pool_provider_id,
      issuerUri: oidc.issuer_uri,
      allowedAudiences: oidc.allowed_audiences ?? [],
      condition: p.attribute_condition,
      mapping: p.attribute_mapping ?? {},
      disabled: p.disabled === true,
    });
  }

  /** The provider's `attribute_condition`. */
  public readonly attributeCondition?: string;
  /** The audiences a token may carry. */
  public readonly audiences: string[];
  private readonly init: SimInit;
  private readonly conditionPlan?: (ctx: any) => any;
  private readonly mappingPlans: [string, (ctx: any) => any][];

  private constructor(init: SimInit) {
    this.init = init;
    this.attributeCondition = init.condition;
    const def = `//iam.googleapis.com/projects/${init.projectNumber}/locations/global/workloadIdentityPools/${init.poolId}/providers/${init.providerId}`;
    this.audiences = init.allowedAudiences.length ? [...init.allowedAudiences] : [def, `https:${def}`];
    const cel = celEngine();
    const compile = (what: string, expr: string) => {
      try {
        return cel.plan(cel.env, cel.parse(expr));
      } catch (e) {
        throw new TrustConfigError('GcpTrustSimulator', `${what} does not parse as CEL: ${(e as Error).message}`, 'fix the expression');
      }
    };
    this.conditionPlan = init.condition === undefined ? undefined : compile('attribute_condition', init.condition);
    this.mappingPlans = Object.keys(init.mapping).sort().map((k) => [k, compile(`attribute_mapping ${k}`, init.mapping[k])]);
  }

  /** Would GCP exchange this token (and, with `member`, would the identity be in that member)? */
  public evaluate(claims: { [claim: string]: any }, options?: GcpSimulationOptions): Decision {
    const reasons: string[] = [];
    const cel = celEngine();
    if (this.init.disabled) reasons.push('provider: disabled');
    const iss = claims.iss;
    // GitLab's issuer URI carries a trailing slash that the `iss` claim does not.
    if (typeof iss !== 'string' || (iss !== this.init.issuerUri && `${iss}/` !== this.init.issuerUri)) {
      reasons.push(`issuer: expected ${JSON.stringify(this.init.issuerUri)}, got ${iss === undefined ? 'absent' : JSON.stringify(iss)}`);
    }
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!auds.some((a) => typeof a === 'string' && this.audiences.includes(a))) {
      reasons.push(`audience: expected one of ${JSON.stringify(this.audiences)}, got ${claims.aud === undefined ? 'absent' : JSON.stringify(claims.aud)}`);
    }
    const assertion = claims;
    const google: Record<string, unknown> = {};
    const attribute: Record<string, unknown> = {};
    for (const [k, plan] of this.mappingPlans) {
      const v = plan({ assertion });
      if (cel.isCelError(v)) {
        reasons.push(`attribute_mapping ${k}: evaluation error: ${(v as any).message}`);
        continue;
      }
      const [ns, name] = [k.slice(0, k.indexOf('.')), k.slice(k.indexOf('.') + 1)];
      (ns === 'google' ? google : attribute)[name] = v;
    }
    const subject = google.subject;
    if (typeof subject !== 'string') {
      reasons.push(`google.subject: not a string (${JSON.stringify(subject)})`);
    } else if (Buffer.byteLength(subject, 'utf8') > MAX_SUBJECT_BYTES) {
      reasons.push(`google.subject: ${Buffer.byteLength(subject, 'utf8')} bytes exceeds the ${MAX_SUBJECT_BYTES} bytes limit`);
    }
    if (this.conditionPlan) {
      const r = this.conditionPlan({ assertion, google, attribute });
      if (r !== true) reasons.push(`attribute_condition: ${cel.isCelError(r) ? `error (${(r as any).message})` : JSON.stringify(r)}`);
    }
    if (options?.member !== undefined) {
      const m = this.checkMember(options.member, google, attribute);
      if (m) reasons.push(m);
    }
    return { allowed: reasons.length === 0, reasons };
  }

  /** The mapped attributes of a token (`google.subject`, `attribute.X`); errors as `error: …`. */
  public mappedAttributes(claims: { [claim: string]: any }): { [key: string]: string } {
    const cel = celEngine();
    const out: Record<string, string> = {};
    for (const [k, plan] of this.mappingPlans) {
      const v = plan({ assertion: claims });
      out[k] = cel.isCelError(v) ? `error: ${(v as any).message}` : typeof v === 'string' ? v : JSON.stringify(v);
    }
    return out;
  }

  private checkMember(member: string, google: Record<string, unknown>, attribute: Record<string, unknown>): string | undefined {
    const pool = `//iam.googleapis.com/projects/${this.init.projectNumber}/locations/global/workloadIdentityPools/${this.init.poolId}/`;
    const set = /^principalSet:(\/\/.*)$/.exec(member);
    const one = /^principal:(\/\/.*)$/.exec(member);
    const path = set?.[1] ?? one?.[1];
    if (!path || !path.startsWith(pool)) return `member ${member}: not a principal of pool ${this.init.poolId} in project ${this.init.projectNumber}`;
    const rest = path.slice(pool.length);
    if (set && rest === '*') return undefined;
    const attr = /^attribute\.([a-z0-9_]+)\/(.+)$/.exec(rest);
    if (set && attr) {
      const v = attribute[attr[1]];
      return v === attr[2] ? undefined : `member ${member}: attribute.${attr[1]} is ${v === undefined ? 'unmapped' : JSON.stringify(v)}`;
    }
    const subj = /^subject\/(.+)$/.exec(rest);
    if (one && subj) return google.subject === subj[1] ? undefined : `member ${member}: google.subject is ${JSON.stringify(google.subject)}`;
    return `member ${member}: unsupported member form`;
  }
}

/** The project number from a grant's member on this pool (Testing.synth drops the `//` metadata). */
function projectNumberFromMembers(doc: any, poolId: string): string | undefined {
  for (const type of Object.keys(doc?.resource ?? {})) {
    for (const r of Object.values<any>(doc.resource[type])) {
      const m = /^principal(?:Set)?:\/\/iam\.googleapis\.com\/projects\/([0-9]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\//.exec(String(r?.member ?? ''));
      if (m && m[2] === poolId) return m[1];
    }
  }
  return undefined;
}

interface SimInit {
  readonly projectNumber: string;
  readonly poolId: string;
  readonly providerId: string;
  readonly issuerUri: string;
  readonly allowedAudiences: string[];
  readonly condition?: string;
  readonly mapping: Record<string, string>;
  readonly disabled: boolean;
}
