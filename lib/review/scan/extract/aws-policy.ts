/**
 * IAM policy documents, whatever template they come from: which statements are web-identity
 * trusts, their conditions flattened to (operator, key, values), the issuer (from the Federated
 * ARN, else the condition-key prefix), and session-time network limits in permission policies.
 * CloudFormation and Terraform extractors resolve values their own way and pass resolvers in.
 */
import { pickMetadata, withMeta } from './metadata';
import { AwsCondition, InputFormat, TrustMetadata, TrustRelationship } from './types';
import { asArray, isObj, normalizeIssuer, Obj } from './util';
import { providerForIssuer, providerForSubject } from '../../../ci/analysers';

const NETWORK_KEYS = /^aws:(SourceIp|SourceVpc|SourceVpcArn|SourceVpce|VpcSourceIp)$/i;

function describeNetworkCondition(prefix: string, c: AwsCondition): string {
  return `${prefix}: ${c.operator} ${c.key} ${c.values.length === 1 ? c.values[0] : `[${c.values.join(', ')}]`}`;
}

/** Session-time network limits: Deny statements of permission policies keyed on network. */
export function sessionNetwork(doc: unknown, label: string, resolveValue: (v: unknown) => string | undefined): string[] {
  const out: string[] = [];
  if (!isObj(doc)) return out;
  for (const st of asArray(doc.Statement)) {
    if (!isObj(st) || st.Effect !== 'Deny' || !isObj(st.Condition)) continue;
    for (const c of flattenConditions(st.Condition, resolveValue).conditions) {
      if (NETWORK_KEYS.test(c.key)) out.push(describeNetworkCondition(`session (${label}) Deny unless`, c));
    }
  }
  return out;
}

export function flattenConditions(
  cond: Obj, resolveValue: (v: unknown) => string | undefined, explain?: (v: unknown) => string,
  skeleton?: (v: unknown) => string | undefined,
): { conditions: AwsCondition[]; unresolved: string[] } {
  const conditions: AwsCondition[] = [];
  const unresolved: string[] = [];
  for (const [op, body] of Object.entries(cond)) {
    if (!isObj(body)) {
      unresolved.push(`condition operator ${op} has a non-object body`);
      continue;
    }
    for (const [key, raw] of Object.entries(body)) {
      const values: string[] = [];
      for (const v of asArray(raw)) {
        const r = resolveValue(v);
        // A string with unresolved parts keeps them as `${…}` placeholders: the judge reports it as
        // not analysable and still judges its literal text (a wildcard owner, a trailing `:*`).
        const s = r === undefined ? skeleton?.(v) : undefined;
        if (s !== undefined) values.push(s);
        else if (r === undefined) unresolved.push(`${op} ${key}: value ${JSON.stringify(v)} is an unresolved expression${explain ? ` (${explain(v)})` : ''}`);
        else values.push(r);
      }
      conditions.push({ operator: op, key, values });
    }
  }
  return { conditions, unresolved };
}

function oidcIssuerFromArn(arn: string): string | undefined {
  const m = /:oidc-provider\/(.+)$/.exec(arn);
  return m ? normalizeIssuer(m[1]) : undefined;
}

/** Issuer prefix of a condition key such as `token.actions.githubusercontent.com:sub`. */
export function splitConditionKey(key: string): { prefix: string; claim: string } {
  // The last `:` outside `${…}` separates the issuer (host/path) from the claim.
  let depth = 0;
  let at = -1;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '$' && key[i + 1] === '{') depth++;
    else if (key[i] === '}' && depth > 0) depth--;
    else if (key[i] === ':' && depth === 0) at = i;
  }
  if (at < 0) return { prefix: '', claim: key };
  return { prefix: key.slice(0, at), claim: key.slice(at + 1) };
}

export interface RawStatement {
  effect: unknown;
  principal: unknown;
  action: unknown;
  condition: unknown;
  sid?: string;
}

export interface AwsRoleContext {
  file: string;
  format: InputFormat;
  resource: string;
  resourceType: string;
  principal: string;
  network: string[];
  metadata: TrustMetadata[];
  /** Resolves a Federated principal element to an ARN string (undefined = unresolved). */
  resolveFederated: (v: unknown) => string | undefined;
  resolveValue: (v: unknown) => string | undefined;
  /** Resolves a whole Condition element to a plain object (CDK CfnJson indirection). */
  resolveConditionBlock: (v: unknown) => Obj | undefined;
  /** Provider client-id lists by issuer, to report audiences. */
  clientIds: Map<string, string[]>;
  /** Why a value did not resolve, naming what it depends on (Terraform). */
  explain?: (v: unknown) => string;
  /** A value's literal text with its unresolved parts as `${…}` placeholders, where it has one. */
  skeleton?: (v: unknown) => string | undefined;
}

function isWebIdentityStatement(st: RawStatement, federated: (string | undefined)[]): boolean {
  const actions = asArray(st.action).map(String);
  if (actions.some(a => /^sts:AssumeRoleWithWebIdentity$/i.test(a))) return true;
  return federated.some(f => f === undefined || f === '*' || /oidc-provider\//.test(f));
}

export function awsStatementsToTrusts(ctx: AwsRoleContext, statements: RawStatement[], extraUnresolved: string[] = []): TrustRelationship[] {
  const picked: { st: RawStatement; index: number; federated: (string | undefined)[] }[] = [];
  statements.forEach((st, index) => {
    if (st.effect !== 'Allow' || !isObj(st.principal) || !('Federated' in st.principal)) return;
    const fedRaw = st.principal.Federated;
    const federated = (Array.isArray(fedRaw) ? fedRaw : [fedRaw]).map(ctx.resolveFederated);
    // SAML providers and other non-OIDC federation are out of scope.
    if (federated.every(f => f !== undefined && /saml-provider\//.test(f))) return;
    if (!isWebIdentityStatement(st, federated)) return;
    picked.push({ st, index, federated });
  });
  return picked.map(({ st, index, federated }, i) => {
    const unresolved = [...extraUnresolved];
    const fedRaw = asArray(isObj(st.principal) ? st.principal.Federated : undefined);
    federated.forEach((f, k) => {
      if (f === undefined) unresolved.push(`Federated principal #${k} is an unresolved expression${ctx.explain ? ` (${ctx.explain(fedRaw[k])})` : ''}`);
    });
    let conditions: AwsCondition[] = [];
    if (st.condition !== undefined) {
      const block = ctx.resolveConditionBlock(st.condition);
      if (!block) {unresolved.push('the Condition block is an unresolved expression');} else {
        const flat = flattenConditions(block, ctx.resolveValue, ctx.explain, ctx.skeleton);
        conditions = flat.conditions;
        unresolved.push(...flat.unresolved);
      }
    }
    const fedStrings = federated.map(f => f ?? '(unresolved)');
    let issuer = federated.map(f => (f ? oidcIssuerFromArn(f) : undefined)).find(x => x !== undefined);
    if (!issuer) {
      // Fall back to the condition-key prefix (`host/path:claim`).
      const prefix = conditions.map(c => splitConditionKey(c.key).prefix).find(p => p && !/^(aws|sts)$/i.test(p) && !p.includes('${'));
      if (prefix) issuer = normalizeIssuer(prefix);
    }
    let ciProvider = providerForIssuer(issuer);
    if (ciProvider === 'unknown') {
      const sub = conditions.find(c => splitConditionKey(c.key).claim.toLowerCase() === 'sub')?.values[0];
      if (sub) ciProvider = providerForSubject(sub);
    }
    const network = [
      ...conditions.filter(c => NETWORK_KEYS.test(c.key)).map(c => describeNetworkCondition('trust', c)),
      ...ctx.network,
    ];
    const sid = typeof st.sid === 'string' ? st.sid : undefined;
    const statementSuffix = `#${index}`;
    return {
      id: `${ctx.file}#${ctx.resource}${statementSuffix}`,
      cloud: 'aws' as const,
      file: ctx.file,
      format: ctx.format,
      resource: ctx.resource,
      resourceType: ctx.resourceType,
      statement: index,
      ...(sid ? { sid } : {}),
      principal: ctx.principal,
      ...(issuer ? { issuer } : {}),
      ciProvider,
      audiences: issuer ? ctx.clientIds.get(issuer) ?? [] : [],
      aws: { federated: fedStrings, actions: asArray(st.action).map(String), conditions },
      network,
      ...withMeta(pickMetadata(ctx.metadata, i, picked.length, sid)),
      unresolved,
    };
  });
}

export function rawStatements(doc: Obj): RawStatement[] {
  return asArray(doc.Statement).filter(isObj).map(s => ({
    effect: s.Effect, principal: s.Principal, action: s.Action, condition: s.Condition, sid: s.Sid,
  }));
}

export function notAnalysable(ctx: AwsRoleContext, reason: string): TrustRelationship {
  return {
    id: `${ctx.file}#${ctx.resource}`,
    cloud: 'aws',
    file: ctx.file,
    format: ctx.format,
    resource: ctx.resource,
    resourceType: ctx.resourceType,
    principal: ctx.principal,
    ciProvider: 'unknown',
    audiences: [],
    aws: { federated: [], actions: [], conditions: [] },
    network: ctx.network,
    ...withMeta(ctx.metadata[0]),
    unresolved: [reason],
  };
}

