import {
  IamStringOperator,
  isIamPolicyCharset,
  matchIamString,
  unresolvedPolicyVariables,
} from './iam-strings';

/*
 * An independent evaluator for the IAM JSON we emit (never our model), used as a test oracle.
 *
 * Sources for the semantics (quoted where they decide a behaviour):
 * [COND]  IAM User Guide "IAM JSON policy elements: Condition" (reference_policies_elements_condition):
 *         "If the key that you specify in a policy condition is not present in the request context,
 *         the values do not match and the condition is false. If the policy condition requires that
 *         the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not
 *         present, the condition is true." Several keys in one operator and several operators are
 *         ANDed; several values for one key are ORed.
 * [OPS]   "IAM JSON policy elements: Condition operators": `...IfExists` is true when the key is
 *         absent; `Null` tests presence; Bool; IpAddress/NotIpAddress take IPv4 and IPv6 CIDRs.
 * [MULTI] "Single-valued vs. multivalued context keys" + global condition keys page (clouds.md §1.2):
 *         `ForAllValues` is true when the key is absent (or the set is empty); `ForAnyValue` is false.
 * [EVAL]  "Policy evaluation logic": an explicit Deny in any statement wins; otherwise any Allow.
 * [VAR]   Policy variables / `${*}` `${?}` `${$}` (security.md §1.3, lib/aws/iam-strings.ts).
 * [OIDC]  OIDC condition keys `<provider-url-without-https>:<claim>`, including an issuer path
 *         (`token.actions.githubusercontent.com/<slug>:sub`) (clouds.md §1.2, aripalo#42).
 * [TAGS]  Session tags: the `https://aws.amazon.com/tags` claim; a role must allow `sts:TagSession`
 *         or `AssumeRole*` fails; ≤50 tags, key ≤128, value ≤256, single-valued; keys
 *         `aws:RequestTag/<k>`, `aws:TagKeys`, `sts:TransitiveTagKeys` (clouds.md §1.4, id_session-tags).
 * [VPC]   "Use VPC condition keys to control federated access" (clouds.md §1.5): `aws:SourceIp` only
 *         via the public STS endpoint; `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpcSourceIp` only via an
 *         STS interface VPC endpoint.
 * [KEYS]  Condition key names are case-insensitive; values are compared as the operator says.
 */

/** Default pseudo-parameter values used to resolve `Ref`/`Fn::Join`/`Fn::Sub` in templates. */
const DEFAULT_ACCOUNT = '123456789012';
const DEFAULT_PARTITION = 'aws';
const DEFAULT_REGION = 'us-east-1';
const ASSUME_ACTION = 'sts:AssumeRoleWithWebIdentity';
const TAG_ACTION = 'sts:TagSession';
const TAGS_CLAIM = 'https://aws.amazon.com/tags';
const DEFAULT_SESSION_ACTION = 's3:GetObject';

/**
 * Options for {@link AwsTrustSimulator}.
 */
export interface AwsSimulatorOptions {
  /**
   * The token claims that AWS STS exposes as `<provider>:<claim>` condition keys. Any other
   * `<provider>:<claim>` key is treated as absent, as AWS does for keys it does not support
   * (before 2026 only `sub`, `aud`, `amr`; see clouds.md §1.2).
   *
   * @default - every claim of the token is available
   */
  readonly availableClaimKeys?: string[];

  /**
   * The account that owns the role. Resolves `AWS::AccountId`; a literal provider ARN in another
   * account never matches, because STS looks the provider up in the role's account.
   *
   * @default '123456789012'
   */
  readonly accountId?: string;

  /**
   * The partition. Resolves `AWS::Partition` (and `AWS::URLSuffix`).
   *
   * @default 'aws'
   */
  readonly partition?: string;

  /**
   * The OIDC provider's client ID list (audiences), for providers that are not resources of the
   * template (e.g. a literal provider ARN). STS rejects a token whose `aud` is not in the list.
   *
   * @default - taken from the provider resource in the template; not checked otherwise
   */
  readonly providerClientIds?: string[];
}

/**
 * An `sts:AssumeRoleWithWebIdentity` call to simulate.
 */
export interface AwsAssumeRequest {
  /** The decoded ID-token payload (JWT claims). */
  readonly claims: { [key: string]: any };

  /**
   * The caller's IP address (IPv4 or IPv6). Becomes `aws:SourceIp` when the call uses the public
   * STS endpoint, or `aws:VpcSourceIp` when it goes through an STS VPC endpoint.
   *
   * @default - no source IP in the request context
   */
  readonly sourceIp?: string;

  /**
   * The VPC of the caller; only present in the request context (`aws:SourceVpc`) when
   * `vpcEndpointId` is given.
   *
   * @default - absent
   */
  readonly vpcId?: string;

  /**
   * The STS interface VPC endpoint the call goes through (`aws:SourceVpce`). When given,
   * `aws:SourceIp` is absent.
   *
   * @default - the call uses the public STS endpoint
   */
  readonly vpcEndpointId?: string;

  /**
   * The ARN of the IAM OIDC provider STS resolved for this token. Its URL must equal the token's
   * `iss` (without `https://`).
   *
   * @default - `arn:<partition>:iam::<account>:oidc-provider/<iss without https://>`
   */
  readonly providerArn?: string;
}

/**
 * A call made with the role's session credentials, evaluated against the Deny statements of the
 * role's inline (and template-attached) policies.
 */
export interface AwsSessionCallRequest {
  /**
   * The caller's IP address. `aws:SourceIp` when no `vpcEndpointId`, `aws:VpcSourceIp` otherwise.
   *
   * @default - absent
   */
  readonly sourceIp?: string;

  /**
   * The caller's VPC (`aws:SourceVpc`), present only with `vpcEndpointId`.
   *
   * @default - absent
   */
  readonly vpcId?: string;

  /**
   * The VPC endpoint the call goes through (`aws:SourceVpce`).
   *
   * @default - public service endpoint
   */
  readonly vpcEndpointId?: string;

  /**
   * Whether an AWS service makes the call on the principal's behalf (`aws:ViaAWSService`).
   *
   * @default false
   */
  readonly viaAwsService?: boolean;

  /**
   * The action called.
   *
   * @default 's3:GetObject'
   */
  readonly action?: string;
}

/**
 * The outcome of a simulated call.
 */
export interface AwsSimulation {
  /** Whether AWS would allow the call. */
  readonly allowed: boolean;

  /**
   * Why: per statement, the principal/action checks and every condition (operator, key, expected
   * values, actual value or "absent", result), then the final decision.
   */
  readonly reasons: string[];

  /**
   * Zero-based indexes of the statements that applied (principal, action and all conditions
   * matched), Allow and Deny alike. For `evaluateSessionCall` the index runs over the Deny-relevant
   * statements of all attached policies in the order the reasons list them.
   */
  readonly matchedStatements: number[];
}

/**
 * Evaluates an emitted IAM trust policy (and the role's inline Deny statements) the way AWS does,
 * independently of the model that produced it. Intended as a test oracle.
 */
export class AwsTrustSimulator {
  /**
   * Simulator for a role of a synthesized CloudFormation template (e.g. `Template.fromStack(s).toJSON()`).
   *
   * @param template the template object (with `Resources`)
   * @param roleLogicalId the role's logical ID; may be omitted when exactly one `AWS::IAM::Role`
   * trusts a `Federated` principal
   * @param options simulator options
   */
  public static fromTemplate(template: any, roleLogicalId?: string, options?: AwsSimulatorOptions): AwsTrustSimulator {
    const opts = options ?? {};
    const resources = template?.Resources;
    if (!resources || typeof resources !== 'object') {
      throw new Error('AwsTrustSimulator.fromTemplate: the template has no Resources object');
    }
    const roles = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::IAM::Role');
    const federated = roles.filter((id) => hasFederatedPrincipal(resources[id]?.Properties?.AssumeRolePolicyDocument));
    let id: string;
    if (roleLogicalId !== undefined) {
      if (!roles.includes(roleLogicalId)) {
        throw new Error(`AwsTrustSimulator.fromTemplate: no AWS::IAM::Role "${roleLogicalId}" in the template; roles: ${listOrNone(roles)}; with a Federated principal: ${listOrNone(federated)}`);
      }
      id = roleLogicalId;
    } else if (federated.length === 1) {
      id = federated[0];
    } else {
      throw new Error(
        `AwsTrustSimulator.fromTemplate: pass roleLogicalId; expected exactly one AWS::IAM::Role with a Federated principal, found ${federated.length}: ${listOrNone(federated)}`,
      );
    }
    const resolver = new Resolver(template, opts);
    const role = resources[id];
    const trust = resolver.resolve(role.Properties?.AssumeRolePolicyDocument, `${id}.AssumeRolePolicyDocument`);
    const sessionPolicies: NamedPolicy[] = [];
    const inline = role.Properties?.Policies;
    if (Array.isArray(inline)) {
      inline.forEach((p: any, i: number) => {
        const name = typeof p?.PolicyName === 'string' ? p.PolicyName : `#${i}`;
        sessionPolicies.push({ label: `${id}.Policies["${name}"]`, doc: resolveDenySide(resolver, p?.PolicyDocument, `${id}.Policies[${i}]`) });
      });
    }
    const roleName = role.Properties?.RoleName;
    for (const [pid, res] of Object.entries<any>(resources)) {
      const t = res?.Type;
      if (t !== 'AWS::IAM::Policy' && t !== 'AWS::IAM::ManagedPolicy' && t !== 'AWS::IAM::RolePolicy') continue;
      const p = res.Properties ?? {};
      const targets: any[] = t === 'AWS::IAM::RolePolicy' ? [p.RoleName] : Array.isArray(p.Roles) ? p.Roles : [];
      const attached = targets.some((r) => (isObj(r) && r.Ref === id) || (typeof roleName === 'string' && r === roleName));
      if (attached) sessionPolicies.push({ label: `${pid} (${t})`, doc: resolveDenySide(resolver, p.PolicyDocument, `${pid}.PolicyDocument`) });
    }
    const roleArn = `arn:${resolver.partition}:iam::${resolver.account}:role/${typeof roleName === 'string' ? roleName : id}`;
    return new AwsTrustSimulator(trust, sessionPolicies, resolver, opts, roleArn, `${id}.AssumeRolePolicyDocument`);
  }

  /**
   * Simulator for a raw trust policy document (already plain JSON; `Fn::Join`/`Fn::Sub` over
   * pseudo parameters are resolved).
   *
   * @param trustPolicy the trust policy (`{ Version, Statement }`)
   * @param options simulator options
   */
  public static fromPolicyDocument(trustPolicy: any, options?: AwsSimulatorOptions): AwsTrustSimulator {
    const opts = options ?? {};
    const resolver = new Resolver({ Resources: {} }, opts);
    const trust = resolver.resolve(trustPolicy, 'trustPolicy');
    const roleArn = `arn:${resolver.partition}:iam::${resolver.account}:role/SimulatedRole`;
    return new AwsTrustSimulator(trust, [], resolver, opts, roleArn, 'trust policy');
  }

  private readonly trust: ParsedPolicy;
  private readonly session: ParsedStatement[];
  private readonly resolver: Resolver;
  private readonly options: AwsSimulatorOptions;
  private readonly roleArn: string;

  private constructor(
    trustDoc: any,
    sessionPolicies: NamedPolicy[],
    resolver: Resolver,
    options: AwsSimulatorOptions,
    roleArn: string,
    what: string,
  ) {
    this.resolver = resolver;
    this.options = options;
    this.roleArn = roleArn;
    this.trust = parsePolicy(trustDoc, what, 'Statement');
    this.session = [];
    for (const p of sessionPolicies) {
      const parsed = parsePolicy(p.doc, p.label, `${p.label} Statement`);
      this.session.push(...parsed.statements);
    }
  }

  /**
   * Simulates `sts:AssumeRoleWithWebIdentity` with the given token against the trust policy.
   * When the token carries session tags, `sts:TagSession` must be allowed as well.
   *
   * @param request the token claims and network origin
   */
  public assume(request: AwsAssumeRequest): AwsSimulation {
    const reasons: string[] = [];
    const fatal: string[] = [];
    const claims = request.claims ?? {};

    // --- Which OIDC provider STS uses: the one whose URL is the token's iss. ---
    const iss = claims.iss;
    let issuerPath: string | undefined;
    if (typeof iss !== 'string' || iss === '') {
      fatal.push('token has no string "iss" claim: STS cannot find an OIDC provider for it');
    } else if (!iss.startsWith('https://')) {
      fatal.push(`token iss ${q(iss)} is not an https:// URL: IAM OIDC providers are https only`);
    } else {
      issuerPath = iss.slice('https://'.length);
    }
    const defaultArn = issuerPath !== undefined ? `arn:${this.resolver.partition}:iam::${this.resolver.account}:oidc-provider/${issuerPath}` : undefined;
    let providerArn = defaultArn;
    if (request.providerArn !== undefined) {
      providerArn = request.providerArn;
      const url = providerUrlFromArn(request.providerArn);
      if (url === undefined) {
        fatal.push(`providerArn ${q(request.providerArn)} is not an IAM OIDC provider ARN`);
      } else if (issuerPath !== undefined && url !== issuerPath) {
        fatal.push(`token iss ${q(iss)} does not match the provider URL ${q('https://' + url)} of ${request.providerArn}`);
      }
    }
    reasons.push(`Token: iss ${q(iss)} -> provider ${providerArn ?? 'unknown'}; condition keys ${issuerPath !== undefined ? q(issuerPath + ':<claim>') : 'unavailable'}`);

    // --- Audience vs the provider's client ID list (STS "Incorrect token audience"). ---
    const clientIds = providerArn !== undefined ? this.resolver.clientIdsFor(providerArn) ?? this.options.providerClientIds : undefined;
    const auds = toStringList(claims.aud);
    if (clientIds !== undefined) {
      // Choice: a token with an array `aud` is accepted if any element is a registered client ID.
      if (!auds.some((a) => clientIds.includes(a))) {
        fatal.push(`token aud ${fmtActual(auds.length ? auds : undefined)} is not in the provider's ClientIdList ${fmtList(clientIds)} (STS: Incorrect token audience)`);
      }
    } else {
      reasons.push('Audience not checked against a ClientIdList (provider not in the template and no providerClientIds option)');
    }

    // --- Session tags. ---
    const tags = parseSessionTags(claims[TAGS_CLAIM], fatal);
    const ctx = this.assumeContext(request, issuerPath, claims, tags);

    const actions = [ASSUME_ACTION];
    if (tags.principalTags.size > 0) {
      actions.push(TAG_ACTION);
      reasons.push(`Token carries session tags (${[...tags.principalTags.keys()].join(', ')}): the trust policy must also allow ${TAG_ACTION}`);
    }

    const evals = this.trust.statements.map((s) => evaluateStatement(s, ctx, actions, (p) => this.principalMatches(p, providerArn), undefined));
    for (const e of evals) reasons.push(...e.lines);

    const result = decide(evals, actions, this.trust.statements, reasons);
    for (const f of fatal) reasons.push(`DENIED: ${f}`);
    const allowed = result.allowed && fatal.length === 0;
    if (allowed) reasons.push(`ALLOWED: ${actions.join(' + ')}`);
    return {
      allowed,
      reasons,
      matchedStatements: result.matched,
    };
  }

  /**
   * Simulates a call made with the role's session credentials against the Deny statements of the
   * role's inline policies (`Policies` and `AWS::IAM::Policy`/`RolePolicy`/`ManagedPolicy`
   * resources attached to the role in the template). Allow statements are ignored: the result is
   * "not explicitly denied".
   *
   * @param request the call's network origin and action
   */
  public evaluateSessionCall(request: AwsSessionCallRequest): AwsSimulation {
    const reasons: string[] = [];
    const action = request.action ?? DEFAULT_SESSION_ACTION;
    const ctx = new Context();
    addNetworkKeys(ctx, request.sourceIp, request.vpcId, request.vpcEndpointId);
    ctx.set('aws:ViaAWSService', [request.viaAwsService ? 'true' : 'false']);
    ctx.set('aws:PrincipalArn', [this.roleArn]);
    ctx.set('aws:PrincipalAccount', [this.resolver.account]);
    ctx.set('aws:PrincipalType', ['AssumedRole']);
    ctx.set('aws:PrincipalIsAWSService', ['false']);
    const denies = this.session.filter((s) => s.effect === 'Deny');
    if (denies.length === 0) {
      reasons.push(`ALLOWED: no Deny statement in the role's ${this.session.length ? 'attached' : 'inline'} policies`);
      return { allowed: true, reasons, matchedStatements: [] };
    }
    // Identity-policy statements have no Principal: they apply to the role's sessions.
    const evals = denies.map((s) => evaluateStatement(s, ctx, [action], () => ({ ok: true, text: '' }), 'resource'));
    for (const e of evals) reasons.push(...e.lines);
    const matched: number[] = [];
    evals.forEach((e, i) => {
      if (e.applies.get(action)) matched.push(i);
    });
    if (matched.length > 0) {
      reasons.push(`DENIED: explicit Deny of ${action} by ${matched.map((i) => denies[i].label).join(', ')}`);
      return { allowed: false, reasons, matchedStatements: matched };
    }
    reasons.push(`ALLOWED: no Deny statement applies to ${action} (Allow statements are not evaluated)`);
    return { allowed: true, reasons, matchedStatements: [] };
  }

  /** Request context of AssumeRoleWithWebIdentity. */
  private assumeContext(request: AwsAssumeRequest, issuerPath: string | undefined, claims: { [k: string]: any }, tags: SessionTags): Context {
    const ctx = new Context();
    if (issuerPath !== undefined) {
      const available = this.options.availableClaimKeys;
      const availableLc = available?.map((k) => k.toLowerCase());
      ctx.claimPrefix = issuerPath.toLowerCase() + ':';
      for (const [claim, value] of Object.entries(claims)) {
        if (claim === TAGS_CLAIM) continue;
        const key = `${issuerPath}:${claim}`;
        if (availableLc !== undefined && !availableLc.includes(claim.toLowerCase())) {
          ctx.absentWhy.set(key.toLowerCase(), 'absent (claim not in availableClaimKeys: AWS does not expose it)');
          continue;
        }
        const values = claimValues(value);
        if (values === undefined) {
          ctx.absentWhy.set(key.toLowerCase(), `absent (claim value is ${value === null ? 'null' : 'an object'})`);
          continue;
        }
        ctx.set(key, values, Array.isArray(value));
      }
    }
    for (const [k, v] of tags.principalTags) ctx.set(`aws:RequestTag/${k}`, [v]);
    if (tags.principalTags.size > 0) ctx.set('aws:TagKeys', [...tags.principalTags.keys()], true);
    if (tags.transitive.length > 0) ctx.set('sts:TransitiveTagKeys', tags.transitive, true);
    addNetworkKeys(ctx, request.sourceIp, request.vpcId, request.vpcEndpointId);
    // No AWS identity exists yet (clouds.md §1.5).
    for (const k of ['aws:PrincipalArn', 'aws:PrincipalOrgID', 'aws:PrincipalAccount']) {
      ctx.absentWhy.set(k.toLowerCase(), 'absent (no AWS principal exists before AssumeRoleWithWebIdentity)');
    }
    return ctx;
  }

  /** Does a statement's principal block name the provider STS resolved? */
  private principalMatches(p: PrincipalSpec, providerArn: string | undefined): { ok: boolean; text: string } {
    if (p.any) return { ok: true, text: 'Principal "*" matches any caller (unverified for web identity)' };
    if (p.federated.length === 0) return { ok: false, text: `no Federated principal (${p.describe})` };
    if (providerArn === undefined) return { ok: false, text: `Federated ${fmtList(p.federated)}: the token's provider is unknown` };
    if (p.federated.includes(providerArn)) return { ok: true, text: `Federated ${providerArn} is the token's provider` };
    const urls = p.federated.map((a) => providerUrlFromArn(a) ?? a);
    return { ok: false, text: `Federated ${fmtList(p.federated)} (URL ${fmtList(urls)}) does not name the token's provider ${providerArn}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Internal: request context
// ---------------------------------------------------------------------------------------------

/** Request context: case-insensitive keys (see [KEYS]) to values, with why-absent notes. */
class Context {
  public claimPrefix: string | undefined;
  public readonly absentWhy = new Map<string, string>();
  private readonly values = new Map<string, { name: string; values: string[]; multi: boolean }>();

  public set(key: string, values: string[], multi = false): void {
    this.values.set(key.toLowerCase(), { name: key, values, multi });
  }

  public get(key: string): { values: string[]; multi: boolean } | undefined {
    return this.values.get(key.toLowerCase());
  }

  public whyAbsent(key: string): string {
    const lc = key.toLowerCase();
    const note = this.absentWhy.get(lc);
    if (note) return note;
    if (this.claimPrefix !== undefined && lc.startsWith(this.claimPrefix)) return 'absent (the token has no such claim)';
    if (lc.includes(':') && !lc.startsWith('aws:') && !lc.startsWith('sts:') && lc.split(':')[0].includes('.')) {
      return 'absent (condition key of another provider/issuer than the token\'s)';
    }
    return 'absent';
  }
}

function addNetworkKeys(ctx: Context, sourceIp: string | undefined, vpcId: string | undefined, vpce: string | undefined): void {
  if (vpce === undefined) {
    if (sourceIp !== undefined) ctx.set('aws:SourceIp', [sourceIp]);
    else ctx.absentWhy.set('aws:sourceip', 'absent (request gave no sourceIp)');
    const why = 'absent (public endpoint: VPC keys exist only via a VPC endpoint, clouds.md §1.5)';
    for (const k of ['aws:SourceVpc', 'aws:SourceVpce', 'aws:VpcSourceIp', 'aws:SourceVpcArn']) ctx.absentWhy.set(k.toLowerCase(), why);
  } else {
    ctx.set('aws:SourceVpce', [vpce]);
    if (vpcId !== undefined) ctx.set('aws:SourceVpc', [vpcId]);
    else ctx.absentWhy.set('aws:sourcevpc', 'absent (request gave no vpcId)');
    if (sourceIp !== undefined) ctx.set('aws:VpcSourceIp', [sourceIp]);
    ctx.absentWhy.set('aws:sourceip', 'absent (call via a VPC endpoint: aws:SourceIp exists only on the public endpoint, clouds.md §1.5)');
    ctx.absentWhy.set('aws:sourcevpcarn', 'absent (not modelled by the simulator)');
  }
}

/**
 * Claim -> context values. Strings as is; numbers/booleans as their JSON text (AWS's handling of
 * non-string claims is undocumented); arrays of scalars become a multivalued key (e.g. `aud`,
 * `amr`); null and objects are absent.
 */
function claimValues(value: any): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return undefined;
    return value.map((v) => String(v));
  }
  return undefined;
}

interface SessionTags {
  readonly principalTags: Map<string, string>;
  readonly transitive: string[];
}

/** Reads the session-tags claim; malformed or over-limit tags make STS fail the call ([TAGS]). */
function parseSessionTags(claim: any, fatal: string[]): SessionTags {
  const principalTags = new Map<string, string>();
  const transitive: string[] = [];
  if (claim === undefined) return { principalTags, transitive };
  if (!isObj(claim)) {
    fatal.push(`claim ${q(TAGS_CLAIM)} is not an object`);
    return { principalTags, transitive };
  }
  const pt = claim.principal_tags;
  if (pt !== undefined) {
    if (!isObj(pt)) {
      fatal.push(`${TAGS_CLAIM}.principal_tags is not an object`);
    } else {
      const keys = Object.keys(pt);
      if (keys.length > 50) fatal.push(`${keys.length} session tags: STS allows at most 50`);
      for (const k of keys) {
        const v = pt[k];
        const vals = Array.isArray(v) ? v : [v];
        if (vals.length !== 1 || typeof vals[0] !== 'string') {
          fatal.push(`session tag ${q(k)} has value ${JSON.stringify(v)}: STS session tags are single-valued strings`);
          continue;
        }
        if (Array.from(k).length > 128) fatal.push(`session tag key ${q(k)} is longer than 128 characters`);
        if (Array.from(vals[0]).length > 256) fatal.push(`session tag ${q(k)} value is longer than 256 characters`);
        principalTags.set(k, vals[0]);
      }
    }
  }
  const tt = claim.transitive_tag_keys;
  if (Array.isArray(tt)) transitive.push(...tt.filter((x: any) => typeof x === 'string'));
  return { principalTags, transitive };
}

// ---------------------------------------------------------------------------------------------
// Internal: policy parsing
// ---------------------------------------------------------------------------------------------

interface NamedPolicy {
  readonly label: string;
  readonly doc: any;
}

interface PrincipalSpec {
  /** `"*"` or `{"AWS": "*"}` (documented as equivalent). */
  readonly any: boolean;
  /** Resolved `Federated` values. */
  readonly federated: string[];
  readonly describe: string;
}

type SetQualifier = 'ForAllValues' | 'ForAnyValue' | undefined;
type BaseOp =
  | 'StringEquals' | 'StringNotEquals' | 'StringEqualsIgnoreCase' | 'StringNotEqualsIgnoreCase'
  | 'StringLike' | 'StringNotLike' | 'IpAddress' | 'NotIpAddress' | 'Bool' | 'Null'
  | 'ArnEquals' | 'ArnNotEquals' | 'ArnLike' | 'ArnNotLike'
  | 'NumericEquals' | 'NumericNotEquals' | 'NumericLessThan' | 'NumericLessThanEquals'
  | 'NumericGreaterThan' | 'NumericGreaterThanEquals';

const BASE_OPS: readonly BaseOp[] = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase',
  'StringLike', 'StringNotLike', 'IpAddress', 'NotIpAddress', 'Bool', 'Null',
  'ArnEquals', 'ArnNotEquals', 'ArnLike', 'ArnNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals',
  'NumericGreaterThan', 'NumericGreaterThanEquals',
];
const NEGATED_OPS = new Set<BaseOp>(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'NotIpAddress', 'ArnNotEquals', 'ArnNotLike', 'NumericNotEquals']);

interface ParsedCondition {
  readonly operatorText: string;
  readonly qualifier: SetQualifier;
  readonly base: BaseOp;
  readonly ifExists: boolean;
  readonly key: string;
  readonly values: string[];
  /** Pre-parsed CIDRs for IpAddress/NotIpAddress. */
  readonly cidrs?: Cidr[];
}

interface ParsedStatement {
  readonly index: number;
  readonly label: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: string[];
  readonly notActions?: string[];
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly resources?: string[];
  readonly conditions: ParsedCondition[];
  readonly policyVariables: boolean;
}

interface ParsedPolicy {
  readonly statements: ParsedStatement[];
}

function parsePolicy(doc: any, what: string, labelPrefix: string): ParsedPolicy {
  if (!isObj(doc)) throw new Error(`${what}: policy document is not an object`);
  checkCharset(doc, what);
  const version = doc.Version;
  // [VAR] variables are interpreted only in the 2012-10-17 language.
  const policyVariables = version === '2012-10-17';
  const raw = doc.Statement;
  if (raw === undefined) throw new Error(`${what}: no Statement`);
  const list: any[] = Array.isArray(raw) ? raw : [raw];
  return {
    statements: list.map((s, i) => parseStatement(s, i, `${labelPrefix}[${i}]`, what, policyVariables)),
  };
}

function parseStatement(s: any, index: number, labelBase: string, what: string, policyVariables: boolean): ParsedStatement {
  const where = `${what} Statement[${index}]`;
  if (!isObj(s)) throw new Error(`${where}: not an object`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new Error(`${where}: Effect must be "Allow" or "Deny", got ${JSON.stringify(s.Effect)}`);
  if ((s.Action === undefined) === (s.NotAction === undefined)) throw new Error(`${where}: exactly one of Action and NotAction is required`);
  if (s.Principal !== undefined && s.NotPrincipal !== undefined) throw new Error(`${where}: both Principal and NotPrincipal`);
  const label = `${labelBase} (${s.Effect}${typeof s.Sid === 'string' ? `, Sid ${JSON.stringify(s.Sid)}` : ''})`;
  return {
    index,
    label,
    effect: s.Effect,
    actions: s.Action !== undefined ? stringList(s.Action, `${where}.Action`) : undefined,
    notActions: s.NotAction !== undefined ? stringList(s.NotAction, `${where}.NotAction`) : undefined,
    principal: s.Principal !== undefined ? parsePrincipal(s.Principal, `${where}.Principal`) : undefined,
    notPrincipal: s.NotPrincipal !== undefined ? parsePrincipal(s.NotPrincipal, `${where}.NotPrincipal`) : undefined,
    resources: s.Resource !== undefined ? stringList(s.Resource, `${where}.Resource`) : undefined,
    conditions: parseConditions(s.Condition, where),
    policyVariables,
  };
}

function parsePrincipal(p: any, where: string): PrincipalSpec {
  if (p === '*') return { any: true, federated: [], describe: '"*"' };
  if (!isObj(p)) throw new Error(`${where}: must be "*" or an object`);
  const any = p.AWS === '*' || (Array.isArray(p.AWS) && p.AWS.includes('*'));
  const federated = p.Federated !== undefined ? stringList(p.Federated, `${where}.Federated`) : [];
  return { any, federated, describe: JSON.stringify(p) };
}

function parseConditions(c: any, where: string): ParsedCondition[] {
  if (c === undefined) return [];
  if (!isObj(c)) throw new Error(`${where}.Condition: not an object`);
  const out: ParsedCondition[] = [];
  for (const [opText, block] of Object.entries<any>(c)) {
    const op = parseOperator(opText);
    if (!op && /^(For(All|Any)Values?:)?(Date|Binary)/.test(opText)) {
      throw new Error(`${where}.Condition: operator ${JSON.stringify(opText)} is valid IAM but not modelled by the simulator`);
    }
    if (!op) throw new Error(`${where}.Condition: unknown condition operator ${JSON.stringify(opText)} (IAM rejects the policy)`);
    if (!isObj(block)) throw new Error(`${where}.Condition.${opText}: must map keys to values`);
    for (const [key, rawValues] of Object.entries<any>(block)) {
      const arr = Array.isArray(rawValues) ? rawValues : [rawValues];
      const values = arr.map((v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw new Error(`${where}.Condition.${opText}.${key}: values must be strings, numbers or booleans, got ${JSON.stringify(v)}`);
      });
      let cidrs: Cidr[] | undefined;
      if (op.base === 'IpAddress' || op.base === 'NotIpAddress') {
        cidrs = values.map((v) => {
          const cidr = parseCidr(v);
          if (!cidr) throw new Error(`${where}.Condition.${opText}.${key}: ${JSON.stringify(v)} is not an IPv4/IPv6 address or CIDR`);
          return cidr;
        });
      }
      if (op.base === 'Bool' || op.base === 'Null') {
        for (const v of values) {
          if (v.toLowerCase() !== 'true' && v.toLowerCase() !== 'false') throw new Error(`${where}.Condition.${opText}.${key}: ${JSON.stringify(v)} is not true/false`);
        }
      }
      out.push({ operatorText: opText, ...op, key, values, cidrs });
    }
  }
  return out;
}

function parseOperator(text: string): { qualifier: SetQualifier; base: BaseOp; ifExists: boolean } | undefined {
  let rest = text;
  let qualifier: SetQualifier;
  for (const qual of ['ForAllValues', 'ForAnyValue'] as const) {
    if (rest.startsWith(qual + ':')) {
      qualifier = qual;
      rest = rest.slice(qual.length + 1);
    }
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BASE_OPS.find((o) => o === rest);
  if (!base) return undefined;
  if (base === 'Null' && (ifExists || qualifier)) return undefined;
  return { qualifier, base, ifExists };
}

function stringList(v: any, where: string): string[] {
  const arr = Array.isArray(v) ? v : [v];
  for (const x of arr) if (typeof x !== 'string') throw new Error(`${where}: expected strings, got ${JSON.stringify(x)}`);
  return arr;
}

/** IAM rejects characters outside tab/LF/CR/U+0020-U+00FF anywhere in a policy (security.md §1.3). */
function checkCharset(node: any, what: string, path = ''): void {
  if (typeof node === 'string') {
    if (!isIamPolicyCharset(node)) throw new Error(`${what}${path}: ${JSON.stringify(node)} has characters IAM policies do not allow (only tab, LF, CR, U+0020-U+00FF)`);
  } else if (Array.isArray(node)) {
    node.forEach((x, i) => checkCharset(x, what, `${path}[${i}]`));
  } else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      checkCharset(k, what, path);
      checkCharset(v, what, `${path}.${k}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Internal: evaluation
// ---------------------------------------------------------------------------------------------

interface StatementEval {
  /** Per requested action: does the statement apply (principal, action, conditions)? */
  readonly applies: Map<string, boolean>;
  readonly lines: string[];
}

function evaluateStatement(
  s: ParsedStatement,
  ctx: Context,
  actions: string[],
  principalCheck: (p: PrincipalSpec) => { ok: boolean; text: string },
  resourceMode: 'resource' | undefined,
): StatementEval {
  const lines: string[] = [];
  const applies = new Map<string, boolean>();
  let principalOk = true;
  if (s.principal) {
    const r = principalCheck(s.principal);
    principalOk = r.ok;
    lines.push(`${s.label}: principal ${r.ok ? 'matches' : 'does not match'}: ${r.text}`);
  } else if (s.notPrincipal) {
    const r = principalCheck(s.notPrincipal);
    principalOk = !r.ok;
    lines.push(`${s.label}: NotPrincipal ${r.ok ? 'lists' : 'does not list'} the caller (${r.text}) -> principal ${principalOk ? 'matches' : 'does not match'}`);
  } else if (resourceMode === undefined) {
    principalOk = false;
    lines.push(`${s.label}: no Principal: a trust-policy statement without one applies to no caller`);
  }
  const actionOk = new Map<string, boolean>();
  for (const a of actions) {
    const ok = s.actions ? s.actions.some((p) => actionMatches(p, a)) : !s.notActions!.some((p) => actionMatches(p, a));
    actionOk.set(a, ok);
    const spec = s.actions ? `Action ${fmtList(s.actions)}` : `NotAction ${fmtList(s.notActions!)}`;
    lines.push(`${s.label}: ${a} ${ok ? 'is' : 'is not'} covered by ${spec}`);
  }
  if (resourceMode === 'resource' && s.resources && !s.resources.includes('*')) {
    lines.push(`${s.label}: Resource ${fmtList(s.resources)} not evaluated (the request names no resource); assumed to match`);
  }
  let condOk = true;
  for (const c of s.conditions) {
    const r = evaluateCondition(c, ctx, s.policyVariables);
    if (!r.ok) condOk = false;
    lines.push(`${s.label}: ${r.text}`);
  }
  for (const a of actions) {
    const ok = principalOk && actionOk.get(a)! && condOk;
    applies.set(a, ok);
  }
  const applied = actions.filter((a) => applies.get(a));
  lines.push(`${s.label}: ${applied.length ? `applies to ${applied.join(', ')}` : 'does not apply'}`);
  return { applies, lines };
}

function decide(
  evals: StatementEval[],
  actions: string[],
  statements: ParsedStatement[],
  reasons: string[],
): { allowed: boolean; matched: number[] } {
  const matched: number[] = [];
  evals.forEach((e, i) => {
    if (actions.some((a) => e.applies.get(a))) matched.push(i);
  });
  let allowed = true;
  for (const a of actions) {
    const denies = statements.filter((s, i) => s.effect === 'Deny' && evals[i].applies.get(a));
    const allows = statements.filter((s, i) => s.effect === 'Allow' && evals[i].applies.get(a));
    if (denies.length > 0) {
      allowed = false;
      reasons.push(`DENIED: explicit Deny of ${a} by ${denies.map((s) => s.label).join(', ')} (an explicit Deny overrides any Allow)`);
    } else if (allows.length === 0) {
      allowed = false;
      const extra = a === TAG_ACTION ? ' (the token carries session tags, so AssumeRoleWithWebIdentity fails without it)' : '';
      reasons.push(`DENIED: no Allow statement applies to ${a}${extra}`);
    } else {
      reasons.push(`${a} allowed by ${allows.map((s) => s.label).join(', ')}`);
    }
  }
  return { allowed, matched };
}

/** IAM action names: case-insensitive, `*` and `?` wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const esc = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`, 's').test(action.toLowerCase());
}

/** One value test for a (non-negated) base operator. */
function matchOne(c: ParsedCondition, pv: string, pvIndex: number, actual: string, policyVariables: boolean, unresolved: Set<string>): boolean {
  const opts = { policyVariables };
  const str = (op: IamStringOperator): boolean => {
    const r = matchIamString(op, pv, actual, opts);
    if (r === 'unresolvable') {
      unresolvedPolicyVariables(pv, opts).forEach((v) => unresolved.add(v));
      return false;
    }
    return r;
  };
  switch (c.base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return str('StringEquals');
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return str('StringEqualsIgnoreCase');
    case 'StringLike':
    case 'StringNotLike':
      return str('StringLike');
    case 'Bool':
      return pv.toLowerCase() === actual.toLowerCase();
    case 'IpAddress':
    case 'NotIpAddress': {
      const ip = parseIp(actual);
      return ip !== undefined && cidrContains(c.cidrs![pvIndex], ip);
    }
    case 'ArnEquals':
    case 'ArnNotEquals':
    case 'ArnLike':
    case 'ArnNotLike':
      // ARN operators: each of the six colon-delimited components is matched separately, with
      // `*`/`?` wildcards ([OPS]); ArnEquals behaves like ArnLike.
      return arnMatches(pv, actual, (p, a) => str2(p, a, opts, unresolved));
    case 'NumericEquals':
    case 'NumericNotEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const x = Number(actual);
      const y = Number(pv);
      if (actual.trim() === '' || Number.isNaN(x) || Number.isNaN(y)) return false;
      switch (c.base) {
        case 'NumericLessThan': return x < y;
        case 'NumericLessThanEquals': return x <= y;
        case 'NumericGreaterThan': return x > y;
        case 'NumericGreaterThanEquals': return x >= y;
        default: return x === y;
      }
    }
    default:
      return false;
  }
}

function str2(p: string, a: string, opts: { policyVariables: boolean }, unresolved: Set<string>): boolean {
  const r = matchIamString('StringLike', p, a, opts);
  if (r === 'unresolvable') {
    unresolvedPolicyVariables(p, opts).forEach((v) => unresolved.add(v));
    return false;
  }
  return r;
}

function arnMatches(pattern: string, arn: string, like: (p: string, a: string) => boolean): boolean {
  const pp = splitArn(pattern);
  const aa = splitArn(arn);
  if (!pp || !aa) return like(pattern, arn);
  return pp.every((p, i) => like(p, aa[i]));
}

function splitArn(s: string): string[] | undefined {
  const parts = s.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * Evaluates one (operator, key) pair against the context ([COND], [OPS], [MULTI]).
 * Choices (documented AWS behaviour where it exists):
 * - Absent key: positive operator false; negated operator true; `...IfExists` true;
 *   `ForAllValues` true; `ForAnyValue` false.
 * - Present key, no set qualifier: positive = some context value matches some policy value;
 *   negated = no context value matches any policy value. (So a plain StringEquals on an array
 *   `aud` passes if any element matches.)
 * - `ForAllValues`: every context value satisfies the (possibly negated) per-value test;
 *   `ForAnyValue`: at least one does. Negation applies per context value.
 */
function evaluateCondition(c: ParsedCondition, ctx: Context, policyVariables: boolean): { ok: boolean; text: string } {
  const head = `${c.operatorText} ${q(c.key)}: expected ${c.base === 'Null' ? (c.values[0]?.toLowerCase() === 'true' ? 'key absent' : 'key present') : `${NEGATED_OPS.has(c.base) ? 'none of' : 'one of'} ${fmtList(c.values)}`}`;
  const entry = ctx.get(c.key);
  if (c.base === 'Null') {
    // Null: "true" = key absent; several values OR ([COND]).
    const absent = entry === undefined || entry.values.length === 0;
    const ok = c.values.some((v) => (v.toLowerCase() === 'true') === absent);
    return { ok, text: `${head}, actual ${absent ? ctx.whyAbsent(c.key) : fmtActual(entry!.values)} -> ${ok}` };
  }
  if (entry === undefined || entry.values.length === 0) {
    let ok: boolean;
    let why: string;
    if (c.qualifier === 'ForAllValues') {
      ok = true;
      why = 'ForAllValues is true when the key is absent';
    } else if (c.ifExists) {
      ok = true;
      why = 'IfExists is true when the key is absent';
    } else if (c.qualifier === 'ForAnyValue') {
      ok = false;
      why = 'ForAnyValue is false when the key is absent';
    } else if (NEGATED_OPS.has(c.base)) {
      ok = true;
      why = 'a negated operator is true when the key is absent';
    } else {
      ok = false;
      why = 'a positive operator is false when the key is absent';
    }
    return { ok, text: `${head}, actual ${ctx.whyAbsent(c.key)} -> ${ok} (${why})` };
  }
  const negated = NEGATED_OPS.has(c.base);
  const unresolved = new Set<string>();
  const perValue = entry.values.map((actual) => {
    const hit = c.values.some((pv, i) => matchOne(c, pv, i, actual, policyVariables, unresolved));
    return negated ? !hit : hit;
  });
  let ok: boolean;
  if (c.qualifier === 'ForAllValues') ok = perValue.every((x) => x);
  else if (c.qualifier === 'ForAnyValue') ok = perValue.some((x) => x);
  else ok = negated ? perValue.every((x) => x) : perValue.some((x) => x);
  let text = `${head}, actual ${fmtActual(entry.values)} -> ${ok}`;
  if (unresolved.size > 0) {
    text += ` (policy variable ${[...unresolved].join(', ')} is not resolved by the simulator; that value is treated as no match)`;
  }
  return { ok, text };
}

// ---------------------------------------------------------------------------------------------
// Internal: IP addresses and CIDRs (IPv4 and IPv6), as BigInt
// ---------------------------------------------------------------------------------------------

interface Ip {
  readonly v6: boolean;
  readonly value: bigint;
}

interface Cidr {
  readonly v6: boolean;
  /** The address with its host bits dropped (address / 2^(max - prefix)). */
  readonly network: bigint;
  readonly prefix: number;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256n + BigInt(n);
  }
  return v;
}

function parseIpv6(s: string): bigint | undefined {
  let text = s;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) is rewritten as its two 16-bit groups.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 / 65536n).toString(16)}:${(v4 % 65536n).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const left = parseGroups(halves[0]);
  const right = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!left || !right) return undefined;
  const explicit = left.length + right.length;
  let groups: bigint[];
  if (halves.length === 2) {
    // `::` stands for at least one zero group.
    if (explicit > 7) return undefined;
    groups = [...left, ...new Array<bigint>(8 - explicit).fill(0n), ...right];
  } else {
    if (explicit !== 8) return undefined;
    groups = left;
  }
  return groups.reduce((acc, g) => acc * 65536n + g, 0n);
}

function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) {
    const v = parseIpv6(s);
    return v === undefined ? undefined : { v6: true, value: v };
  }
  const v = parseIpv4(s);
  return v === undefined ? undefined : { v6: false, value: v };
}

/** `a.b.c.d/n`, `x::y/n`, or a bare address (= /32 or /128). Host bits are ignored. */
function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const ip = parseIp(slash >= 0 ? s.slice(0, slash) : s);
  if (!ip) return undefined;
  const max = ip.v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { v6: ip.v6, network: ip.value / hostSpan(prefix, max), prefix };
}

/** 2^(host bits): dividing by it drops the host part (arithmetic, not bitwise, per the lint rules). */
function hostSpan(prefix: number, max: number): bigint {
  return 2n ** BigInt(max - prefix);
}

/** Families never cross-match (an IPv6 caller is outside every IPv4 CIDR, and vice versa). */
function cidrContains(c: Cidr, ip: Ip): boolean {
  if (c.v6 !== ip.v6) return false;
  const max = c.v6 ? 128 : 32;
  return ip.value / hostSpan(c.prefix, max) === c.network;
}

// ---------------------------------------------------------------------------------------------
// Internal: CloudFormation intrinsic resolution
// ---------------------------------------------------------------------------------------------

const PROVIDER_TYPES = new Set(['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider']);

/** Resolves Ref / Fn::GetAtt / Fn::Join / Fn::Sub / Fn::Select with fixed pseudo-parameter values. */
class Resolver {
  public readonly account: string;
  public readonly partition: string;
  private readonly resources: { [id: string]: any };
  private readonly parameters: { [id: string]: any };

  constructor(template: any, options: AwsSimulatorOptions) {
    this.account = options.accountId ?? DEFAULT_ACCOUNT;
    this.partition = options.partition ?? DEFAULT_PARTITION;
    this.resources = template?.Resources ?? {};
    this.parameters = template?.Parameters ?? {};
  }

  /** ClientIdList of the template's provider with this ARN, if it is a template resource. */
  public clientIdsFor(providerArn: string): string[] | undefined {
    for (const [id, r] of Object.entries<any>(this.resources)) {
      if (!PROVIDER_TYPES.has(r?.Type)) continue;
      if (this.providerArn(id, `${id}`) !== providerArn) continue;
      const list = r.Properties?.ClientIdList ?? r.Properties?.ClientIDList ?? [];
      const resolved = this.resolve(list, `${id}.ClientIdList`);
      return Array.isArray(resolved) ? resolved.map(String) : [String(resolved)];
    }
    return undefined;
  }

  public resolve(node: any, where: string): any {
    if (Array.isArray(node)) return node.map((x, i) => this.resolve(x, `${where}[${i}]`));
    if (!isObj(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return this.intrinsic(keys[0], node[keys[0]], where);
    const out: { [k: string]: any } = {};
    for (const k of keys) out[k] = this.resolve(node[k], `${where}.${k}`);
    return out;
  }

  private get urlSuffix(): string {
    return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  }

  private intrinsic(fn: string, arg: any, where: string): any {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg), where);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(String(id), String(attr), where);
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) throw new Error(`${where}: malformed Fn::Join`);
        const parts = this.resolve(arg[1], where);
        if (!Array.isArray(parts)) throw new Error(`${where}: Fn::Join needs a list`);
        return parts.map((p) => this.scalar(p, where)).join(String(arg[0]));
      }
      case 'Fn::Select': {
        const [i, list] = arg;
        const l = this.resolve(list, where);
        return l[Number(this.resolve(i, where))];
      }
      case 'Fn::Split': {
        const [sep, s] = arg;
        return String(this.scalar(this.resolve(s, where), where)).split(String(sep));
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
        const resolvedVars = this.resolve(vars ?? {}, where);
        // `${!x}` is CloudFormation's escape for a literal `${x}` (e.g. an IAM policy variable).
        return String(text).replace(/\$\{(!?)([^}]*)\}/g, (_m: string, bang: string, name: string) => {
          if (bang) return '${' + name + '}';
          if (name in resolvedVars) return this.scalar(resolvedVars[name], where);
          if (name.includes('.') && !name.startsWith('AWS::')) {
            const dot = name.indexOf('.');
            return this.scalar(this.getAtt(name.slice(0, dot), name.slice(dot + 1), where), where);
          }
          return this.scalar(this.ref(name, where), where);
        });
      }
      default:
        throw new Error(`${where}: the simulator cannot resolve ${fn}`);
    }
  }

  private scalar(v: any, where: string): string {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(v)}`);
  }

  private ref(name: string, where: string): any {
    switch (name) {
      case 'AWS::Partition': return this.partition;
      case 'AWS::AccountId': return this.account;
      case 'AWS::URLSuffix': return this.urlSuffix;
      case 'AWS::Region': return DEFAULT_REGION;
      case 'AWS::NoValue': throw new Error(`${where}: AWS::NoValue is not supported by the simulator`);
    }
    const r = this.resources[name];
    if (r) {
      if (PROVIDER_TYPES.has(r.Type)) return this.providerArn(name, where);
      if (r.Type === 'AWS::IAM::Role') return typeof r.Properties?.RoleName === 'string' ? r.Properties.RoleName : name;
      throw new Error(`${where}: cannot resolve {Ref: ${name}} (a ${r.Type})`);
    }
    const p = this.parameters[name];
    if (p && p.Default !== undefined) return p.Default;
    throw new Error(`${where}: cannot resolve {Ref: ${name}}: no such resource, or a parameter without Default`);
  }

  private getAtt(id: string, attr: string, where: string): any {
    const r = this.resources[id];
    if (r && attr === 'Arn') {
      if (PROVIDER_TYPES.has(r.Type)) return this.providerArn(id, where);
      if (r.Type === 'AWS::IAM::Role') {
        const name = typeof r.Properties?.RoleName === 'string' ? r.Properties.RoleName : id;
        return `arn:${this.partition}:iam::${this.account}:role/${name}`;
      }
    }
    throw new Error(`${where}: cannot resolve {Fn::GetAtt: [${id}, ${attr}]}`);
  }

  /** Ref/Arn of an OIDC provider resource: `arn:<partition>:iam::<account>:oidc-provider/<Url without https://>`. */
  private providerArn(id: string, where: string): string {
    const url = this.resolve(this.resources[id].Properties?.Url, `${id}.Url`);
    if (typeof url !== 'string' || !url.startsWith('https://')) throw new Error(`${where}: provider ${id} has no https:// Url`);
    return `arn:${this.partition}:iam::${this.account}:oidc-provider/${url.slice('https://'.length)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Internal: small helpers
// ---------------------------------------------------------------------------------------------

function isObj(x: any): x is { [k: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Resolves an attached policy for `evaluateSessionCall`, which reads only Deny statements.
 * Ordinary grants reference resources the resolver does not know (e.g. `bucket.grantReadWrite(role)`
 * -> `Fn::GetAtt [Bucket, Arn]`; fix first made by the lead as `denyStatementsOnly`), so Allow
 * statements become inert placeholders (keeping statement indexes in the reasons), and an
 * unresolvable `Resource`/`NotResource` of a Deny becomes a marker string: resources are not
 * evaluated anyway.
 */
function resolveDenySide(resolver: Resolver, doc: any, where: string): any {
  if (!isObj(doc) || doc.Statement === undefined) return resolver.resolve(doc, where);
  const list: any[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const statements = list.map((st, i) => {
    const at = `${where}.Statement[${i}]`;
    if (isObj(st) && st.Effect === 'Allow') return { Effect: 'Allow', NotAction: '*' };
    if (!isObj(st)) return resolver.resolve(st, at);
    const out: { [k: string]: any } = {};
    for (const [k, v] of Object.entries(st)) {
      if (k === 'Resource' || k === 'NotResource') {
        const items: any[] = Array.isArray(v) ? v : [v];
        out[k] = items.map((r, j) => {
          try {
            return resolver.resolve(r, `${at}.${k}[${j}]`);
          } catch {
            return `<unresolved ${JSON.stringify(r)}>`;
          }
        });
      } else {
        out[k] = resolver.resolve(v, `${at}.${k}`);
      }
    }
    return out;
  });
  const { Statement: _ignored, ...rest } = doc;
  return { ...resolver.resolve(rest, where), Statement: statements };
}

function hasFederatedPrincipal(doc: any): boolean {
  const st = doc?.Statement;
  const list: any[] = Array.isArray(st) ? st : st ? [st] : [];
  return list.some((s) => isObj(s?.Principal) && s.Principal.Federated !== undefined);
}

function providerUrlFromArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:iam::[^:]*:oidc-provider\/(.+)$/.exec(arn);
  return m ? m[1] : undefined;
}

function toStringList(v: any): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string');
  return [];
}

function q(v: any): string {
  return JSON.stringify(v);
}

function fmtList(v: string[]): string {
  return JSON.stringify(v);
}

function fmtActual(v: string[] | undefined): string {
  if (v === undefined) return 'absent';
  return v.length === 1 ? JSON.stringify(v[0]) : JSON.stringify(v);
}

function listOrNone(ids: string[]): string {
  return ids.length ? ids.join(', ') : '(none)';
}
