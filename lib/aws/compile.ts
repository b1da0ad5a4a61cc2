import { awsClaimKeys, awsConditionKeys } from './claim-keys';
import { escapeIamLiteral, iamGlobToString, isIamPolicyCharset } from './iam-strings';
import { AWS_LIMITS } from './limits';
import { providerSpec } from '../ci/registry';
import { cmp, Term, Test } from '../model/condition';
import { TrustConfigError } from '../model/errors';
import { globSource } from '../model/glob';
import { NetworkRestriction, requireEnforceable } from '../model/network';
import { RuleLevel } from '../model/rules';
import { Trust } from '../model/trust';

/** The audience AWS's official actions and SDKs request. @internal */
export const AWS_DEFAULT_AUDIENCE = 'sts.amazonaws.com';
/** Role trust policy length quota, IAM's default (docs/limits.md#aws). @internal */
export const DEFAULT_TRUST_POLICY_QUOTA = AWS_LIMITS.trustPolicyLength.value;
/** What the quota can be raised to through Service Quotas. @internal */
export const RAISED_TRUST_POLICY_QUOTA = AWS_LIMITS.trustPolicyLengthRaised.value;

/** One compiled IAM statement (JSON), with the Federated principal ARN left to the caller. @internal */
export interface AwsStatementJson {
  readonly Effect: 'Allow';
  readonly Principal: { Federated: string };
  readonly Action: string | string[];
  readonly Condition: Record<string, Record<string, string | string[]>>;
}

/** @internal */
export interface CompiledAwsTrust {
  /** The trust bound to its audiences (what the simulator must agree with). */
  readonly trust: Trust;
  readonly statements: AwsStatementJson[];
}

/**
 * Compile one trust to IAM trust-policy statements, exactly: for every token and request,
 * some statement allows it if and only if `trust.evaluate` allows it.
 * - `aud` always `StringEquals`; EQUALS tests `StringEquals`, LIKE tests `StringLike`; literal
 *   `$`, `*`, `?` written as `${$}`, `${*}`, `${?}`; never ForAllValues, negated or IfExists.
 * - A claim AWS cannot see: a Buildkite session tag (`aws:RequestTag/<claim>`, with
 *   `sts:TagSession`), else a synth error naming the claim and the fix.
 * - Network: one statement per allowed network kind (`aws:SourceIp` on the public STS endpoint,
 *   `aws:SourceVpc`/`aws:SourceVpce` through an STS VPC endpoint), since keys in one statement AND.
 * @internal
 */
export function compileAwsTrust(trust: Trust, federated: string): CompiledAwsTrust {
  // In small steps, each its own function: V8 optimizes each on its own (docs/benchmarks.md).
  const bound = bindAudience(trust);
  // Named in errors only: made when one is thrown.
  const where = (): string => `AWS role trust for "${trust.description}"`;
  const keys = awsConditionKeys(bound.issuer);
  const networkVariants = networkEntries(bound.network, where);
  refuseNonPolicyCharacters(bound, where);
  const actions = bound.sessionTags.length ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] : 'sts:AssumeRoleWithWebIdentity';
  const aud: Entry = ['StringEquals', keys.get('aud')!, one(escapeAll(bound.audiences!))];
  const statements: AwsStatementJson[] = [];
  for (const term of bound.condition._terms()) {
    const base = termEntries(term, keys, bound, where);
    base.push(aud);
    for (const variant of networkVariants) {
      statements.push({ Effect: 'Allow', Principal: { Federated: federated }, Action: actions, Condition: conditionOf(variant.length ? [...base, ...variant] : base) });
    }
  }
  return { trust: bound, statements };
}

/** The trust bound to its AWS audiences, judging tokens as STS does (one audience per token; azp first). */
function bindAudience(trust: Trust): Trust {
  // Some providers request their own audience for AWS by default (HCP Terraform: aws.workload.identity).
  const toolDefault = providerSpec(trust.provider).aws.defaultAudience ?? AWS_DEFAULT_AUDIENCE;
  const bound = trust._withStsAudience(trust.audiences ?? [toolDefault]);
  if (bound.audiences!.includes(toolDefault)) return bound;
  // Allowed, but a job that keeps its tool's default audience is denied: say so before deploy.
  return bound._withFinding({
    ruleId: 'CIT-M021',
    level: RuleLevel.WARNING,
    message: `the AWS trust accepts ${bound.audiences!.map((a) => JSON.stringify(a)).join(', ')}, not ${JSON.stringify(toolDefault)}, the audience AWS's tools request by default; every job must request ${bound.audiences!.length === 1 ? 'it' : 'one of them'} explicitly`,
  });
}

/**
 * The network tests, one list per statement: keys in one statement AND, so each allowed network
 * kind gets a statement of its own. One empty list when the trust has no restriction.
 */
function networkEntries(network: NetworkRestriction | undefined, where: () => string): Entry[][] {
  if (!network) return [[]];
  requireEnforceable(network, 'aws', where());
  return [
    ...(network.sourceIpCidrs.length ? [[['IpAddress', 'aws:SourceIp', one(network.sourceIpCidrs)] as Entry]] : []),
    ...(network.awsVpcIds.length ? [[['StringEquals', 'aws:SourceVpc', one(network.awsVpcIds)] as Entry]] : []),
    ...(network.awsVpcEndpointIds.length ? [[['StringEquals', 'aws:SourceVpce', one(network.awsVpcEndpointIds)] as Entry]] : []),
  ];
}

/** Claim names, network ids and escapes are ASCII by construction: only the values can fall outside. */
function refuseNonPolicyCharacters(bound: Trust, where: () => string): void {
  // Every value of every role's trust: index loops, no closures.
  let bad = firstOutsidePolicyCharset(bound.audiences!);
  const terms = bound.condition._terms();
  for (let i = 0; i < terms.length && bad === undefined; i++) {
    for (const x of terms[i].tests) {
      if (x.kind !== 'like') bad ??= firstOutsidePolicyCharset(x.values);
      else for (const p of x.patterns) bad ??= firstOutsidePolicyCharset(p.parts);
    }
  }
  if (bad !== undefined) {
    throw new TrustConfigError(where(), `the value ${JSON.stringify(bad)} has characters IAM policies cannot hold (only tab, LF, CR and U+0020-U+00FF are allowed)`, 'use ASCII values; IAM cannot match other characters exactly');
  }
}

function firstOutsidePolicyCharset(values: readonly string[]): string | undefined {
  for (let i = 0; i < values.length; i++) if (!isIamPolicyCharset(values[i])) return values[i];
  return undefined;
}

/** One test of a statement's condition: operator, key, value(s). */
type Entry = [op: string, key: string, value: string | string[]];

function termEntries(term: Term, keys: ReadonlyMap<string, string>, trust: Trust, where: () => string): Entry[] {
  const out: Entry[] = [];
  for (const t of term.tests) {
    if (t.kind === 'has') {
      // No documented STS key exposes a list claim (CircleCI context-ids): refuse rather than drop.
      throw new TrustConfigError(where(), `AWS cannot check the list claim ${t.claim} (contains ${t.values.join(', ')}): STS exposes no condition key for it`, 'drop this pin for AWS (the subject still pins the project), or use GCP, whose condition can check it');
    }
    const key = keyFor(t, keys, trust, where);
    for (let i = 0; i < out.length; i++) {
      if (out[i][1] === key) throw new TrustConfigError(where(), `claim ${t.claim} is tested twice with different patterns in one alternative; IAM cannot AND two StringLike tests on one key`, 'use one pattern per claim');
    }
    const values = t.kind === 'in' ? escapeAll(t.values) : t.patterns.map(iamGlobToString);
    out.push([t.kind === 'in' ? 'StringEquals' : 'StringLike', key, one(values.sort(cmp))]);
  }
  return out;
}

/**
 * The Condition block: operators and keys in a stable order (values are sorted where they are made).
 * Keys AND in IAM, so one (operator, key) is never written twice.
 */
function conditionOf(entries: Entry[]): Record<string, Record<string, string | string[]>> {
  entries.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  const out: Record<string, Record<string, string | string[]>> = {};
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (i > 0 && entries[i - 1][0] === e[0] && entries[i - 1][1] === e[1]) throw new Error(`internal: ${e[0]} ${e[1]} would be overwritten`);
    (out[e[0]] ??= {})[e[1]] = e[2];
  }
  return out;
}

function keyFor(t: Exclude<Test, { kind: 'has' }>, keys: ReadonlyMap<string, string>, trust: Trust, where: () => string): string {
  const key = keys.get(t.claim);
  if (key !== undefined) return key;
  if (trust.sessionTags.includes(t.claim)) return `aws:RequestTag/${t.claim}`;
  const shown = t.kind === 'in' ? t.values.join(', ') : t.patterns.map(globSource).join(', ');
  const fix = providerSpec(trust.provider).aws.fixForUnseenClaim(t.claim, awsClaimKeys, trust.issuer);
  throw new TrustConfigError(where(), `AWS cannot check claim ${t.claim} (${shown}): for issuer ${trust.issuer} STS exposes only ${[...keys.values()].join(', ')}`, fix);
}

/** StringEquals values as IAM must read them; a new list (the caller sorts it). */
function escapeAll(values: readonly string[]): string[] {
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = escapeIamLiteral(values[i], 'StringEquals');
  return out;
}

function one(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

/** The data-perimeter deny for the session: deny unless from an allowed network or via an AWS service. @internal */
export function sessionDenyStatement(trust: Trust): Record<string, unknown> | undefined {
  const n = trust.network;
  if (!n) return undefined;
  const entries: Entry[] = [['BoolIfExists', 'aws:ViaAWSService', 'false']];
  if (n.sourceIpCidrs.length) entries.push(['NotIpAddressIfExists', 'aws:SourceIp', one(n.sourceIpCidrs)]);
  if (n.awsVpcIds.length) entries.push(['StringNotEqualsIfExists', 'aws:SourceVpc', one(n.awsVpcIds)]);
  if (n.awsVpcEndpointIds.length) entries.push(['StringNotEqualsIfExists', 'aws:SourceVpce', one(n.awsVpcEndpointIds)]);
  return { Effect: 'Deny', Action: '*', Resource: '*', Condition: conditionOf(entries) };
}
