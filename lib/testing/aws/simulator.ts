import type { CiOidcRole } from '../../aws/role';
import { TrustConfigError } from '../../model/errors';
import type { RequestContext } from '../../model/network';
import { checkRequest, simulationResult, Unsupported } from '../private/request';
import { cloudFormationOf } from '../private/synth';
import { SimulationFailure, SimulationRequest, SimulationResult } from '../result';
import { addNetworkKeys, claimValues, Context, parseSessionTags, SessionTags, TAGS_CLAIM } from './private/context';
import { decide, evaluateStatement, TAG_ACTION } from './private/evaluate';
import { NamedPolicy, ParsedPolicy, ParsedStatement, parsePolicy, PrincipalSpec } from './private/policy';
import { hasFederatedPrincipal, providerUrlFromArn, resolveDenySide, Resolver } from './private/resolver';
import { fmtActual, fmtList, isObj, listOrNone, q, toStringList } from './private/text';

/*
 * An independent evaluator for the IAM JSON we emit (never our model or compiler), used as a test
 * oracle. It reads only synthesized output and has its own matching code (./private).
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
 * [MULTI] "Single-valued vs. multivalued context keys": `ForAllValues` is true when the key is
 *         absent (or the set is empty); `ForAnyValue` is false.
 * [EVAL]  "Policy evaluation logic": an explicit Deny in any statement wins; otherwise any Allow.
 * [VAR]   "IAM policy elements: Variables and tags": `${*}` `${?}` `${$}` (./private/iam-strings.ts).
 * [OIDC]  "Available keys for AWS web identity federation": condition keys
 *         `<provider-url-without-https>:<claim>`, including an issuer path
 *         (`token.actions.githubusercontent.com/<slug>:sub`).
 * [TAGS]  "Passing session tags using AssumeRoleWithWebIdentity": the `https://aws.amazon.com/tags`
 *         claim; a role must allow `sts:TagSession` or the call fails; ≤50 tags, key ≤128, value
 *         ≤256, single-valued; keys `aws:RequestTag/<k>`, `aws:TagKeys`, `sts:TransitiveTagKeys`.
 * [VPC]   "AWS STS interface VPC endpoints" and the global condition keys: `aws:SourceIp` only via
 *         the public STS endpoint; `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpcSourceIp` only via an
 *         STS interface VPC endpoint.
 * [KEYS]  Condition key names are case-insensitive; values are compared as the operator says.
 * [AUD]   "Create an OpenID Connect (OIDC) identity provider in IAM" (id_roles_providers_create_oidc):
 *         the audience must be one of the provider's client IDs. "Available keys for AWS OIDC
 *         federation" documents `azp` for Google only (`accounts.google.com:aud` is `azp` when set,
 *         `:oaud` is `aud`); a list of several audiences is undocumented, so it is denied (closed).
 */

const ASSUME_ACTION = 'sts:AssumeRoleWithWebIdentity';
const DEFAULT_SESSION_ACTION = 's3:GetObject';

/** Request fields AWS STS never sees. */
const NOT_AWS: Unsupported = {
  gcpVpcNetwork: 'a GCP field; AWS STS never sees it',
  azureSubnetId: 'an Azure field; AWS STS never sees it',
  azurePrivateEndpointId: 'an Azure field; AWS STS never sees it',
  gcpMember: 'a GCP field; AWS has no IAM members',
};

/** Options for {@link AwsTrustSimulator}. */
export interface AwsTrustSimulatorOptions {
  /**
   * The token claims that AWS STS exposes as `<provider>:<claim>` condition keys. Any other
   * `<provider>:<claim>` key is treated as absent, as AWS does for keys it does not support
   * (before 2026 only `sub`, `aud`, `amr`).
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
 * A call made with the role's session credentials, evaluated against the Deny statements of the
 * role's inline (and template-attached) policies. Network fields as in `RequestContext`:
 * `sourceIp` is `aws:SourceIp` without `awsVpcEndpointId`, `aws:VpcSourceIp` with it.
 */
export interface AwsSessionCallRequest extends RequestContext {
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
 * Evaluates an emitted IAM trust policy (and the role's inline Deny statements) the way AWS does,
 * independently of the model and compiler that produced it. Intended as a test oracle.
 */
export class AwsTrustSimulator {
  /**
   * Simulator for a CiOidcRole: synthesizes its app (like `Template.fromStack`) and reads the role.
   *
   * @param role the role
   * @param options simulator options
   */
  public static fromRole(role: CiOidcRole, options?: AwsTrustSimulatorOptions): AwsTrustSimulator {
    const { template, logicalId } = cloudFormationOf(role, 'AwsTrustSimulator.fromRole');
    return AwsTrustSimulator.fromTemplate(template, logicalId, options);
  }

  /**
   * Simulator for a role of a synthesized CloudFormation template.
   *
   * @param template the template object (with `Resources`)
   * @param roleLogicalId the role's logical ID; may be omitted when exactly one `AWS::IAM::Role`
   * trusts a `Federated` principal
   * @param options simulator options
   */
  public static fromTemplate(template: any, roleLogicalId?: string, options?: AwsTrustSimulatorOptions): AwsTrustSimulator {
    const where = 'AwsTrustSimulator.fromTemplate';
    const opts = options ?? {};
    const resources = template?.Resources;
    if (!resources || typeof resources !== 'object') {
      throw new TrustConfigError(where, 'the template has no Resources object', 'pass the synthesized template object (with Resources)');
    }
    const roles = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::IAM::Role');
    const federated = roles.filter((id) => hasFederatedPrincipal(resources[id]?.Properties?.AssumeRolePolicyDocument));
    let id: string;
    if (roleLogicalId !== undefined) {
      if (!roles.includes(roleLogicalId)) {
        throw new TrustConfigError(where, `no AWS::IAM::Role "${roleLogicalId}" in the template; roles: ${listOrNone(roles)}; with a Federated principal: ${listOrNone(federated)}`, 'pass one of the roles listed');
      }
      id = roleLogicalId;
    } else if (federated.length === 1) {
      id = federated[0];
    } else {
      throw new TrustConfigError(where, `expected exactly one AWS::IAM::Role with a Federated principal, found ${federated.length}: ${listOrNone(federated)}`, 'pass roleLogicalId, or use fromRole(role)');
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
  public static fromPolicyDocument(trustPolicy: any, options?: AwsTrustSimulatorOptions): AwsTrustSimulator {
    const opts = options ?? {};
    const resolver = new Resolver({ Resources: {} }, opts);
    const trust = resolver.resolve(trustPolicy, 'trustPolicy');
    const roleArn = `arn:${resolver.partition}:iam::${resolver.account}:role/SimulatedRole`;
    return new AwsTrustSimulator(trust, [], resolver, opts, roleArn, 'trust policy');
  }

  private readonly trust: ParsedPolicy;
  private readonly session: ParsedStatement[];
  private readonly resolver: Resolver;
  private readonly options: AwsTrustSimulatorOptions;
  private readonly roleArn: string;

  private constructor(
    trustDoc: any,
    sessionPolicies: NamedPolicy[],
    resolver: Resolver,
    options: AwsTrustSimulatorOptions,
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
   * When the token carries session tags, `sts:TagSession` must be allowed as well. The matched
   * elements are the labels of the statements that applied (e.g. `Statement[0] (Allow)`).
   *
   * @param request the token claims, network origin and (optionally) `awsProviderArn`
   */
  public evaluate(request: SimulationRequest): SimulationResult {
    const claims = checkRequest('AwsTrustSimulator.evaluate', request, NOT_AWS);
    const trace: string[] = [];
    const fatal: SimulationFailure[] = [];

    // --- Which OIDC provider STS uses: the one whose URL is the token's iss. ---
    const iss = claims.iss;
    let issuerPath: string | undefined;
    if (typeof iss !== 'string' || iss === '') {
      fatal.push({ check: 'issuer', claim: 'iss', expected: 'an https:// URL', actual: iss === undefined ? 'absent' : q(iss), message: 'token has no string "iss" claim: STS cannot find an OIDC provider for it' });
    } else if (!iss.startsWith('https://')) {
      fatal.push({ check: 'issuer', claim: 'iss', expected: 'an https:// URL', actual: q(iss), message: `token iss ${q(iss)} is not an https:// URL: IAM OIDC providers are https only` });
    } else {
      issuerPath = iss.slice('https://'.length);
    }
    const defaultArn = issuerPath !== undefined ? `arn:${this.resolver.partition}:iam::${this.resolver.account}:oidc-provider/${issuerPath}` : undefined;
    let providerArn = defaultArn;
    if (request.awsProviderArn !== undefined) {
      providerArn = request.awsProviderArn;
      const url = providerUrlFromArn(request.awsProviderArn);
      if (url === undefined) {
        fatal.push({ check: 'provider', expected: 'an IAM OIDC provider ARN', actual: request.awsProviderArn, message: `awsProviderArn ${q(request.awsProviderArn)} is not an IAM OIDC provider ARN` });
      } else if (issuerPath !== undefined && url !== issuerPath) {
        fatal.push({ check: 'provider', claim: 'iss', expected: q('https://' + url), actual: q(iss), message: `token iss ${q(iss)} does not match the provider URL ${q('https://' + url)} of ${request.awsProviderArn}` });
      }
    }
    trace.push(`Token: iss ${q(iss)} -> provider ${providerArn ?? 'unknown'}; condition keys ${issuerPath !== undefined ? q(issuerPath + ':<claim>') : 'unavailable'}`);

    // --- Audience vs the provider's client ID list (STS "Incorrect token audience"). ---
    const clientIds = providerArn !== undefined ? this.resolver.clientIdsFor(providerArn) ?? this.options.providerClientIds : undefined;
    // [AUD] One audience per token: `azp` when the token has both (documented for Google's keys),
    // else `aud` (a string, or a list of one as in EKS service-account tokens). A list of several
    // is not documented as accepted: denied (fail closed).
    const azp = typeof claims.azp === 'string' ? claims.azp : undefined;
    const auds = azp !== undefined ? [azp] : toStringList(claims.aud);
    if (azp === undefined && auds.length > 1) {
      fatal.push({ check: 'audience', claim: 'aud', expected: 'one audience (or an azp claim)', actual: fmtActual(auds), message: `token aud ${fmtActual(auds)} lists ${auds.length} audiences and the token has no azp: STS reads one audience (Incorrect token audience)` });
    } else if (clientIds !== undefined) {
      if (!auds.some((a) => clientIds.includes(a))) {
        const actual = fmtActual(auds.length ? auds : undefined);
        fatal.push({ check: 'audience', claim: 'aud', expected: `one of ${fmtList(clientIds)}`, actual, message: `token aud ${actual} is not in the provider's ClientIdList ${fmtList(clientIds)} (STS: Incorrect token audience)` });
      }
    } else {
      trace.push('Audience not checked against a ClientIdList (provider not in the template and no providerClientIds option)');
    }

    // --- Session tags. ---
    const tags = parseSessionTags(claims[TAGS_CLAIM], fatal);
    const ctx = this.assumeContext(request, issuerPath, claims, tags);

    const actions = [ASSUME_ACTION];
    if (tags.principalTags.size > 0) {
      actions.push(TAG_ACTION);
      trace.push(`Token carries session tags (${[...tags.principalTags.keys()].join(', ')}): the trust policy must also allow ${TAG_ACTION}`);
    }

    const evals = this.trust.statements.map((s) => evaluateStatement(s, ctx, actions, (p) => this.principalMatches(p, providerArn), undefined));
    for (const e of evals) trace.push(...e.lines);

    const result = decide(evals, actions, this.trust.statements, trace);
    for (const f of fatal) trace.push(`DENIED: ${f.message}`);
    const allowed = result.allowed && fatal.length === 0;
    if (allowed) trace.push(`ALLOWED: ${actions.join(' + ')}`);
    const matched = result.matched.map((i) => this.trust.statements[i].label);
    return simulationResult('AwsTrustSimulator', allowed, [...fatal, ...rankFailures(result.failures, this.trust.statements.length)], trace, matched);
  }

  /**
   * Simulates a call made with the role's session credentials against the Deny statements of the
   * role's inline policies (`Policies` and `AWS::IAM::Policy`/`RolePolicy`/`ManagedPolicy`
   * resources attached to the role in the template). Allow statements are ignored: the result is
   * "not explicitly denied". The matched elements are the Deny statements that applied.
   *
   * @param request the call's network origin and action
   */
  public evaluateSessionCall(request: AwsSessionCallRequest): SimulationResult {
    checkRequest('AwsTrustSimulator.evaluateSessionCall', { ...request, claims: {} }, NOT_AWS);
    const trace: string[] = [];
    const action = request.action ?? DEFAULT_SESSION_ACTION;
    const ctx = new Context();
    addNetworkKeys(ctx, request.sourceIp, request.awsVpcId, request.awsVpcEndpointId);
    ctx.set('aws:ViaAWSService', [request.viaAwsService ? 'true' : 'false']);
    ctx.set('aws:PrincipalArn', [this.roleArn]);
    ctx.set('aws:PrincipalAccount', [this.resolver.account]);
    ctx.set('aws:PrincipalType', ['AssumedRole']);
    ctx.set('aws:PrincipalIsAWSService', ['false']);
    const denies = this.session.filter((s) => s.effect === 'Deny');
    if (denies.length === 0) {
      trace.push(`ALLOWED: no Deny statement in the role's ${this.session.length ? 'attached' : 'inline'} policies`);
      return simulationResult('AwsTrustSimulator', true, [], trace, []);
    }
    // Identity-policy statements have no Principal: they apply to the role's sessions.
    const evals = denies.map((s) => evaluateStatement(s, ctx, [action], () => ({ ok: true, text: '' }), 'resource'));
    for (const e of evals) trace.push(...e.lines);
    const matched = denies.filter((_s, i) => evals[i].applies.get(action)).map((s) => s.label);
    if (matched.length > 0) {
      const message = `explicit Deny of ${action} by ${matched.join(', ')}`;
      trace.push(`DENIED: ${message}`);
      return simulationResult('AwsTrustSimulator', false, [{ check: 'explicit Deny', element: matched.join(', '), actual: action, message }], trace, matched);
    }
    trace.push(`ALLOWED: no Deny statement applies to ${action} (Allow statements are not evaluated)`);
    return simulationResult('AwsTrustSimulator', true, [], trace, []);
  }

  /** Request context of AssumeRoleWithWebIdentity. */
  private assumeContext(request: SimulationRequest, issuerPath: string | undefined, claims: { [k: string]: any }, tags: SessionTags): Context {
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
      // [AUD] the `aud` key holds the audience STS read: `azp` when the token has one.
      if (typeof claims.azp === 'string') ctx.set(`${issuerPath}:aud`, [claims.azp]);
    }
    for (const [k, v] of tags.principalTags) ctx.set(`aws:RequestTag/${k}`, [v]);
    if (tags.principalTags.size > 0) ctx.set('aws:TagKeys', [...tags.principalTags.keys()], true);
    if (tags.transitive.length > 0) ctx.set('sts:TransitiveTagKeys', tags.transitive, true);
    addNetworkKeys(ctx, request.sourceIp, request.awsVpcId, request.awsVpcEndpointId);
    // No AWS identity exists yet.
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

/**
 * The condition that failed first: failures of statements whose principal is the token's provider
 * lead, then their action notes, then statements of other providers, then the per-action summary.
 * An action note about sts:TagSession goes last when some statement does cover it.
 */
function rankFailures(failures: SimulationFailure[], statements: number): SimulationFailure[] {
  const otherPrincipal = new Set(failures.filter((f) => f.check === 'Principal' || f.check === 'NotPrincipal').map((f) => f.element));
  const tagNotCovered = new Set(failures.filter((f) => (f.check === 'Action' || f.check === 'NotAction') && f.actual === TAG_ACTION).map((f) => f.element));
  const tagCovered = tagNotCovered.size < statements;
  const rank = (f: SimulationFailure): number => {
    if (f.check === 'Allow') return 4;
    const action = f.check === 'Action' || f.check === 'NotAction';
    if (action && f.actual === TAG_ACTION && tagCovered) return 5;
    if (f.element !== undefined && otherPrincipal.has(f.element)) return 3;
    return action ? 1 : 0;
  };
  return failures.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f);
}
