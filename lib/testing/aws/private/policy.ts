import { Cidr, parseCidr } from './cidr';
import { isIamPolicyCharset } from './iam-strings';
import { isObj } from './text';
import { TrustConfigError } from '../../../model/errors';

/*
 * Parsing IAM policy documents into statements and conditions. A policy IAM would reject is refused
 * here (TrustConfigError), so a test can never pass on a policy that could not be deployed.
 */

const IAM_REJECTS = 'IAM rejects this policy; correct the template';

function invalid(where: string, problem: string, fix = IAM_REJECTS): never {
  throw new TrustConfigError(where, problem, fix);
}

export interface NamedPolicy {
  readonly label: string;
  readonly doc: any;
}

export interface PrincipalSpec {
  /** `"*"` or `{"AWS": "*"}` (documented as equivalent). */
  readonly any: boolean;
  /** Resolved `Federated` values. */
  readonly federated: string[];
  readonly describe: string;
}

export type SetQualifier = 'ForAllValues' | 'ForAnyValue' | undefined;
export type BaseOp =
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
export const NEGATED_OPS = new Set<BaseOp>(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'NotIpAddress', 'ArnNotEquals', 'ArnNotLike', 'NumericNotEquals']);

export interface ParsedCondition {
  readonly operatorText: string;
  readonly qualifier: SetQualifier;
  readonly base: BaseOp;
  readonly ifExists: boolean;
  readonly key: string;
  readonly values: string[];
  /** Pre-parsed CIDRs for IpAddress/NotIpAddress. */
  readonly cidrs?: Cidr[];
}

export interface ParsedStatement {
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

export interface ParsedPolicy {
  readonly statements: ParsedStatement[];
}

export function parsePolicy(doc: any, what: string, labelPrefix: string): ParsedPolicy {
  if (!isObj(doc)) invalid(what, 'policy document is not an object');
  checkCharset(doc, what);
  const version = doc.Version;
  // [VAR] variables are interpreted only in the 2012-10-17 language.
  const policyVariables = version === '2012-10-17';
  const raw = doc.Statement;
  if (raw === undefined) invalid(what, 'no Statement');
  const list: any[] = Array.isArray(raw) ? raw : [raw];
  return {
    statements: list.map((s, i) => parseStatement(s, i, `${labelPrefix}[${i}]`, what, policyVariables)),
  };
}

function parseStatement(s: any, index: number, labelBase: string, what: string, policyVariables: boolean): ParsedStatement {
  const where = `${what} Statement[${index}]`;
  if (!isObj(s)) invalid(where, 'not an object');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') invalid(where, `Effect must be "Allow" or "Deny", got ${JSON.stringify(s.Effect)}`);
  if ((s.Action === undefined) === (s.NotAction === undefined)) invalid(where, 'exactly one of Action and NotAction is required');
  if (s.Principal !== undefined && s.NotPrincipal !== undefined) invalid(where, 'both Principal and NotPrincipal');
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
  if (!isObj(p)) invalid(where, 'must be "*" or an object');
  const any = p.AWS === '*' || (Array.isArray(p.AWS) && p.AWS.includes('*'));
  const federated = p.Federated !== undefined ? stringList(p.Federated, `${where}.Federated`) : [];
  return { any, federated, describe: JSON.stringify(p) };
}

function parseConditions(c: any, where: string): ParsedCondition[] {
  if (c === undefined) return [];
  if (!isObj(c)) invalid(`${where}.Condition`, 'not an object');
  const out: ParsedCondition[] = [];
  for (const [opText, block] of Object.entries<any>(c)) {
    const op = parseOperator(opText);
    if (!op && /^(For(All|Any)Values?:)?(Date|Binary)/.test(opText)) {
      invalid(`${where}.Condition`, `operator ${JSON.stringify(opText)} is valid IAM but not modelled by the simulator`,
        'test this statement another way: the simulator models the String, Arn, Numeric, Bool, Null and IpAddress operators');
    }
    if (!op) invalid(`${where}.Condition`, `unknown condition operator ${JSON.stringify(opText)} (IAM rejects the policy)`);
    if (!isObj(block)) invalid(`${where}.Condition.${opText}`, 'must map keys to values');
    for (const [key, rawValues] of Object.entries<any>(block)) {
      const at = `${where}.Condition.${opText}.${key}`;
      const arr = Array.isArray(rawValues) ? rawValues : [rawValues];
      const values = arr.map((v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        return invalid(at, `values must be strings, numbers or booleans, got ${JSON.stringify(v)}`);
      });
      let cidrs: Cidr[] | undefined;
      if (op.base === 'IpAddress' || op.base === 'NotIpAddress') {
        cidrs = values.map((v) => parseCidr(v) ?? invalid(at, `${JSON.stringify(v)} is not an IPv4/IPv6 address or CIDR`));
      }
      if (op.base === 'Bool' || op.base === 'Null') {
        for (const v of values) {
          if (v.toLowerCase() !== 'true' && v.toLowerCase() !== 'false') invalid(at, `${JSON.stringify(v)} is not true/false`);
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
  for (const x of arr) if (typeof x !== 'string') invalid(where, `expected strings, got ${JSON.stringify(x)}`);
  return arr;
}

/** IAM rejects characters outside tab/LF/CR/U+0020-U+00FF anywhere in a policy. */
function checkCharset(node: any, what: string, path = ''): void {
  if (typeof node === 'string') {
    if (!isIamPolicyCharset(node)) invalid(`${what}${path}`, `${JSON.stringify(node)} has characters IAM policies do not allow (only tab, LF, CR, U+0020-U+00FF)`);
  } else if (Array.isArray(node)) {
    node.forEach((x, i) => checkCharset(x, what, `${path}[${i}]`));
  } else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      checkCharset(k, what, path);
      checkCharset(v, what, `${path}.${k}`);
    }
  }
}
