import { celEngine } from './cel-engine';
import { topLevelTerms } from './cel-terms';
import type { GcpWorkloadIdentityProvider } from '../../gcp/pool';
import { TrustConfigError } from '../../model/errors';
import { checkRequest, simulationResult, terraformDocument, Unsupported } from '../private/request';
import { terraformJsonOf, terraformNameOf } from '../private/synth';
import { terraformStringValue } from '../private/terraform';
import { SimulationFailure, SimulationRequest, SimulationResult } from '../result';

/** Facts the simulator cannot read from the provider resource. */
export interface GcpTrustSimulatorOptions {
  /**
   * Project number.
   *
   * @default - the pool's project number (fromProvider), else read from the ci-oidc-trust metadata on
   * the provider resource, else from a grant naming the pool
   */
  readonly projectNumber?: string;
}

const MAX_SUBJECT_BYTES = 127;
const PROVIDERS = 'google_iam_workload_identity_pool_provider';
/** The `//` comment key the GCP constructs write their facts under (lib/gcp/metadata.ts; test/testing checks they agree). */
const FACTS_KEY = 'ci-oidc-trust-gcp';

const NETWORK = 'GCP enforces networks with VPC Service Controls (access levels), which this simulator does not read: it judges the workload identity provider only';
const NOT_GCP: Unsupported = {
  sourceIp: NETWORK,
  awsVpcId: NETWORK,
  awsVpcEndpointId: NETWORK,
  gcpVpcNetwork: NETWORK,
  azureSubnetId: NETWORK,
  azurePrivateEndpointId: NETWORK,
  awsProviderArn: 'an AWS field; GCP never sees it',
};

/**
 * Evaluates a synthesized `google_iam_workload_identity_pool_provider` the way GCP's STS does, for
 * token claims: issuer, allowed audiences (or the default provider-name audience), the
 * `attribute_condition` in a real CEL engine (`@bufbuild/cel`), the attribute mapping (including
 * the 127-byte `google.subject` limit), and optionally an IAM member. Signature, expiry and network
 * (VPC Service Controls) are not simulated. Only a condition result of exactly `true` admits.
 */
export class GcpTrustSimulator {
  /**
   * Simulator for a GcpWorkloadIdentityProvider: synthesizes its stack (cdktf `Testing.synth`) and
   * reads the provider. Needs `@bufbuild/cel`.
   */
  public static fromProvider(provider: GcpWorkloadIdentityProvider, options?: GcpTrustSimulatorOptions): GcpTrustSimulator {
    const where = 'GcpTrustSimulator.fromProvider';
    const doc = terraformJsonOf(provider, where);
    const projectNumber = options?.projectNumber ?? provider.pool.projectNumber;
    return GcpTrustSimulator.of(doc, terraformNameOf(provider.resource, where), { projectNumber }, where);
  }

  /**
   * Read the provider from Terraform JSON (a string or the parsed object, e.g. `Testing.synth(stack)`).
   * Needs `@bufbuild/cel`.
   *
   * @param providerId the provider's `workload_identity_pool_provider_id`, or `<pool id>/<provider id>`;
   * optional when the JSON has one provider
   */
  public static fromTerraformJson(json: any, providerId?: string, options?: GcpTrustSimulatorOptions): GcpTrustSimulator {
    const where = 'GcpTrustSimulator.fromTerraformJson';
    const doc = terraformDocument(where, json);
    const providers: Record<string, any> = doc?.resource?.[PROVIDERS] ?? {};
    const ids = Object.keys(providers).sort().map((name) => ({ name, id: `${poolIdOf(doc, providers[name])}/${providers[name].workload_identity_pool_provider_id}` }));
    const list = ids.map((x) => x.id).join(', ') || 'none';
    let chosen = ids;
    if (providerId === undefined) {
      if (ids.length !== 1) throw new TrustConfigError(where, `the Terraform JSON has ${ids.length} workload identity pool providers (${list})`, 'pass providerId, or use fromProvider(provider)');
    } else {
      chosen = ids.filter((x) => x.id === providerId || x.id.endsWith(`/${providerId}`));
      if (chosen.length === 0) throw new TrustConfigError(where, `no workload identity pool provider ${JSON.stringify(providerId)} (have ${list})`, 'pass one of the provider ids listed');
      if (chosen.length > 1) throw new TrustConfigError(where, `provider id ${JSON.stringify(providerId)} is in several pools (${chosen.map((x) => x.id).join(', ')})`, 'pass <pool id>/<provider id>');
    }
    return GcpTrustSimulator.of(doc, chosen[0].name, options, where);
  }

  /** The simulator for one provider resource of the JSON. */
  private static of(doc: any, name: string, options: GcpTrustSimulatorOptions | undefined, where: string): GcpTrustSimulator {
    const p = doc?.resource?.[PROVIDERS]?.[name];
    if (!p) throw new TrustConfigError(where, `the synthesized JSON has no ${PROVIDERS} ${JSON.stringify(name)}`, 'pass the Terraform JSON of the stack that holds the provider');
    const meta = p['//']?.[FACTS_KEY] ?? {};
    const poolId = poolIdOf(doc, p);
    const projectNumber = options?.projectNumber ?? meta.projectNumber ?? projectNumberFromMembers(doc, poolId);
    if (!projectNumber) throw new TrustConfigError(where, 'the project number is not in the Terraform JSON (no ci-oidc-trust metadata, which Testing.synth strips, and no grant naming the pool)', 'pass options.projectNumber');
    const oidc = Array.isArray(p.oidc) ? p.oidc[0] : p.oidc;
    if (typeof oidc?.issuer_uri !== 'string') throw new TrustConfigError(where, `provider ${p.workload_identity_pool_provider_id} has no oidc.issuer_uri`, 'simulate an OIDC provider');
    // Terraform's value of each string (`$${` is a literal `${`), as GCP receives it.
    const value = (raw: unknown, what: string): any => (typeof raw === 'string' ? terraformStringValue(raw, where, `${name}: ${what}`) : raw);
    const mapping: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.attribute_mapping ?? {})) mapping[k] = value(v, `attribute_mapping ${k}`);
    return new GcpTrustSimulator({
      projectNumber: String(projectNumber),
      poolId,
      providerId: p.workload_identity_pool_provider_id,
      issuerUri: value(oidc.issuer_uri, 'issuer_uri'),
      allowedAudiences: (oidc.allowed_audiences ?? []).map((a: unknown) => value(a, 'allowed_audiences')),
      condition: value(p.attribute_condition, 'attribute_condition'),
      mapping,
      disabled: p.disabled === true,
    });
  }

  /** The provider's `attribute_condition`. */
  public readonly attributeCondition?: string;
  /** The audiences a token may carry. */
  public readonly audiences: string[];
  /** The provider's full resource name (`projects/N/locations/global/workloadIdentityPools/P/providers/X`). */
  public readonly providerName: string;
  private readonly init: SimInit;
  private readonly conditionPlan?: (ctx: any) => any;
  private readonly mappingPlans: [string, (ctx: any) => any][];
  private readonly termPlans: [string, ((ctx: any) => any) | undefined][][];

  private constructor(init: SimInit) {
    this.init = init;
    this.attributeCondition = init.condition;
    this.providerName = `projects/${init.projectNumber}/locations/global/workloadIdentityPools/${init.poolId}/providers/${init.providerId}`;
    const def = `//iam.googleapis.com/${this.providerName}`;
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
    // Each `&&` term of each `||` alternative compiled on its own, to say which is false; a term
    // that does not compile alone names nothing.
    const plan = (t: string) => {
      try {
        return cel.plan(cel.env, cel.parse(t));
      } catch {
        return undefined;
      }
    };
    this.termPlans = (init.condition === undefined ? [] : topLevelTerms(init.condition, '||'))
      .map((alt) => topLevelTerms(alt, '&&').map((t) => [t, plan(t)] as [string, ((ctx: any) => any) | undefined]));
    this.mappingPlans = Object.keys(init.mapping).sort().map((k) => [k, compile(`attribute_mapping ${k}`, init.mapping[k])]);
  }

  /**
   * Would GCP exchange this token (and, with `gcpMember`, would the identity be in that member)?
   * The matched elements are the provider name and the member.
   */
  public evaluate(request: SimulationRequest): SimulationResult {
    const claims = checkRequest('GcpTrustSimulator.evaluate', request, NOT_GCP);
    const cel = celEngine();
    const trace: string[] = [];
    const failures: SimulationFailure[] = [];
    const element = this.providerName;
    const check = (ok: boolean, passed: string, failure: Omit<SimulationFailure, 'element'>) => {
      if (ok) {
        trace.push(passed);
      } else {
        trace.push(failure.message);
        failures.push({ ...failure, element });
      }
    };
    const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));

    check(!this.init.disabled, 'provider: enabled', { check: 'disabled', expected: 'false', actual: 'true', message: 'provider: disabled' });
    const iss = claims.iss;
    // GitLab's issuer URI carries a trailing slash that the `iss` claim does not.
    const issOk = typeof iss === 'string' && (iss === this.init.issuerUri || `${iss}/` === this.init.issuerUri);
    check(issOk, `issuer: ${show(iss)} is ${JSON.stringify(this.init.issuerUri)}`,
      { check: 'issuer', claim: 'iss', expected: JSON.stringify(this.init.issuerUri), actual: show(iss), message: `issuer: expected ${JSON.stringify(this.init.issuerUri)}, got ${show(iss)}` });
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const audOk = auds.some((a) => typeof a === 'string' && this.audiences.includes(a));
    check(audOk, `audience: ${show(claims.aud)} is one of ${JSON.stringify(this.audiences)}`,
      { check: 'audience', claim: 'aud', expected: `one of ${JSON.stringify(this.audiences)}`, actual: show(claims.aud), message: `audience: expected one of ${JSON.stringify(this.audiences)}, got ${show(claims.aud)}` });

    const assertion = claims;
    const google: Record<string, unknown> = {};
    const attribute: Record<string, unknown> = {};
    for (const [k, plan] of this.mappingPlans) {
      const v = plan({ assertion });
      const error = cel.isCelError(v);
      check(!error, `attribute_mapping ${k}: ${error ? '' : JSON.stringify(v)}`,
        { check: `attribute_mapping ${k}`, expected: 'a value', actual: error ? `error: ${(v as any).message}` : '', message: `attribute_mapping ${k}: evaluation error: ${error ? (v as any).message : ''}` });
      if (error) continue;
      const [ns, name] = [k.slice(0, k.indexOf('.')), k.slice(k.indexOf('.') + 1)];
      (ns === 'google' ? google : attribute)[name] = v;
    }
    const subject = google.subject;
    if (typeof subject !== 'string') {
      check(false, '', { check: 'google.subject', expected: 'a string', actual: JSON.stringify(subject) ?? 'absent', message: `google.subject: not a string (${JSON.stringify(subject)})` });
    } else {
      const bytes = Buffer.byteLength(subject, 'utf8');
      check(bytes <= MAX_SUBJECT_BYTES, `google.subject: ${bytes} bytes`,
        { check: 'google.subject', expected: `at most ${MAX_SUBJECT_BYTES} bytes`, actual: `${bytes} bytes`, message: `google.subject: ${bytes} bytes exceeds the ${MAX_SUBJECT_BYTES} bytes limit` });
    }
    if (this.conditionPlan) {
      const r = this.conditionPlan({ assertion, google, attribute });
      const actual = cel.isCelError(r) ? `error (${(r as any).message})` : JSON.stringify(r);
      const falseTerms = r === true ? [] : this.falseTerms({ assertion, google, attribute });
      check(r === true, 'attribute_condition: true', { check: 'attribute_condition', expected: 'true', actual, ...(falseTerms.length ? { falseTerms } : {}), message: `attribute_condition: ${actual}` });
    }
    const matched = failures.length === 0 ? [element] : [];
    const member = request.gcpMember;
    if (member !== undefined) {
      const why = this.checkMember(member, google, attribute);
      if (why) {
        trace.push(why.message);
        failures.push({ ...why, element: member });
      } else {
        trace.push(`member ${member}: contains the identity`);
        if (matched.length) matched.push(member);
      }
    }
    const allowed = failures.length === 0;
    trace.push(allowed ? `ALLOWED: ${element}${member !== undefined ? ` and ${member}` : ''}` : `DENIED: ${failures.length} check${failures.length === 1 ? '' : 's'} failed`);
    return simulationResult('GcpTrustSimulator', allowed, failures, trace, matched);
  }

  /**
   * The `&&` terms of the condition that are not true for this context; with several `||`
   * alternatives, each prefixed `alternative N: `. None when the condition is one term.
   */
  private falseTerms(ctx: any): string[] {
    const many = this.termPlans.length > 1;
    if (!many && (this.termPlans[0]?.length ?? 0) < 2) return [];
    return this.termPlans.flatMap((alt, i) => alt
      .filter(([, p]) => p !== undefined && p(ctx) !== true)
      .map(([term]) => (many ? `alternative ${i + 1}: ${term}` : term)));
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

  private checkMember(member: string, google: Record<string, unknown>, attribute: Record<string, unknown>): Omit<SimulationFailure, 'element'> | undefined {
    const fail = (actual: string, problem: string) => ({ check: 'member', expected: member, actual, message: `member ${member}: ${problem}` });
    const pool = `//iam.googleapis.com/projects/${this.init.projectNumber}/locations/global/workloadIdentityPools/${this.init.poolId}/`;
    const set = /^principalSet:(\/\/.*)$/.exec(member);
    const one = /^principal:(\/\/.*)$/.exec(member);
    const path = set?.[1] ?? one?.[1];
    if (!path || !path.startsWith(pool)) return fail(pool, `not a principal of pool ${this.init.poolId} in project ${this.init.projectNumber}`);
    const rest = path.slice(pool.length);
    if (set && rest === '*') return undefined;
    const attr = /^attribute\.([a-z0-9_]+)\/(.+)$/.exec(rest);
    if (set && attr) {
      const v = attribute[attr[1]];
      return v === attr[2] ? undefined : fail(`attribute.${attr[1]} ${v === undefined ? 'unmapped' : JSON.stringify(v)}`, `attribute.${attr[1]} is ${v === undefined ? 'unmapped' : JSON.stringify(v)}`);
    }
    const subj = /^subject\/(.+)$/.exec(rest);
    if (one && subj) return google.subject === subj[1] ? undefined : fail(`google.subject ${JSON.stringify(google.subject)}`, `google.subject is ${JSON.stringify(google.subject)}`);
    return fail(member, 'unsupported member form');
  }
}

/** The pool id of a provider resource (a literal, or a reference to a pool resource of the JSON). */
function poolIdOf(doc: any, p: any): string {
  const poolRef: string = p?.workload_identity_pool_id;
  const ref = /^\$\{google_iam_workload_identity_pool\.([^.]+)\.workload_identity_pool_id\}$/.exec(poolRef);
  if (!ref) return poolRef;
  const id = doc?.resource?.google_iam_workload_identity_pool?.[ref[1]]?.workload_identity_pool_id;
  if (typeof id !== 'string') throw new TrustConfigError('GcpTrustSimulator', `the provider refers to pool ${ref[1]}, which is not in the Terraform JSON`, 'pass the JSON of the whole stack');
  return id;
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
