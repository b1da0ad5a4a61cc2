/**
 * The policy JSON the AWS provider renders from a `data.aws_iam_policy_document`, from its blocks
 * (normalized Terraform JSON: a literal `${` is `$${`). The provider's rules, each held to the real
 * terraform by test/review/terraform-plan.test.ts:
 * - principals blocks of one type are one list, and condition blocks of one test and variable are
 *   one key with the union of their values: repeated blocks are an OR, not the AND they look like;
 * - `&{…}` is written `${…}` (an IAM policy variable) in resources, principal identifiers and
 *   condition values, not in sids, actions or condition variables;
 * - `effect` is Allow unless given.
 * A document that merges others (`source_policy_documents`, `override_policy_documents`, or the
 * older `source_json` and `override_json`) is rendered from its own blocks and reported, not read
 * as if it had none. (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document)
 */
import { hasInterpolation } from './terraform-config';
import { asArray, isObj, Obj } from './util';

const MERGED = ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json'];

/** A rendered document, and what of it could not be seen: statements or blocks it may hold beyond those rendered (`generated`), statements whose principal type is unknown. */
export interface RenderedPolicyDocument {
  readonly policy: Obj;
  readonly unresolved: string[];
  readonly generated: boolean;
  readonly unknownPrincipal: number[];
}

/** `key`: how a condition variable is read (the module's provider references); `explain`: why a value is unknown. */
export function renderPolicyDocument(body: Obj, read: { key: (s: string) => string; explain: (v: unknown) => string }): RenderedPolicyDocument {
  const unresolved: string[] = [];
  let generated = false;
  const unknownPrincipal: number[] = [];
  for (const k of MERGED) {
    const v = body[k];
    if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      generated = true;
      unresolved.push(`${k} merges other policy documents into this one, which the review does not read`);
    }
  }
  // A block list holding an interpolation is a dynamic block whose for_each is unknown.
  const blocks = (v: unknown, what: string): Obj[] => {
    for (const x of asArray(v)) {
      if (isObj(x)) continue;
      generated = true;
      unresolved.push(`${what} block is generated from an unresolved expression (${read.explain(x)})`);
    }
    return asArray(v).filter(isObj);
  };
  const variable = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/&\{/g, '$${') : v);
  const principals = (list: Obj[], i: number): Obj | undefined => {
    if (list.length === 0) return undefined;
    const byType: Obj = {};
    for (const p of list) {
      if (typeof p.type !== 'string' || hasInterpolation(p.type)) {
        unknownPrincipal.push(i);
        unresolved.push(`statement ${i}: principals type is unresolved (${read.explain(p.type)})`);
        continue;
      }
      byType[p.type] = [...asArray(byType[p.type]), ...asArray(p.identifiers).map(variable)];
    }
    return byType;
  };
  const statements = blocks(body.statement, 'a statement').map((s, i) => {
    const out: Obj = { Effect: s.effect ?? 'Allow' };
    if (typeof s.sid === 'string' && s.sid !== '') out.Sid = s.sid;
    if (s.actions !== undefined) out.Action = asArray(s.actions);
    if (s.not_actions !== undefined) out.NotAction = asArray(s.not_actions);
    if (s.resources !== undefined) out.Resource = asArray(s.resources).map(variable);
    if (s.not_resources !== undefined) out.NotResource = asArray(s.not_resources).map(variable);
    const principal = principals(blocks(s.principals, `statement ${i}: a principals`), i);
    if (principal) out.Principal = principal;
    const notPrincipal = principals(blocks(s.not_principals, `statement ${i}: a not_principals`), i);
    if (notPrincipal) out.NotPrincipal = notPrincipal;
    const condition: Obj = {};
    for (const c of blocks(s.condition, `statement ${i}: a condition`)) {
      if (typeof c.test !== 'string' || typeof c.variable !== 'string' || hasInterpolation(c.test)) {
        unresolved.push(`statement ${i}: condition block without literal test/variable`);
        continue;
      }
      const key = read.key(c.variable);
      if (hasInterpolation(key)) unresolved.push(`statement ${i}: condition variable ${JSON.stringify(c.variable)} is unresolved (${read.explain(c.variable)})`);
      const byKey = (condition[c.test] ??= {}) as Obj;
      byKey[key] = [...asArray(byKey[key]), ...asArray(c.values).map(variable)];
    }
    if (Object.keys(condition).length > 0) out.Condition = condition;
    return out;
  });
  return { policy: { Version: typeof body.version === 'string' ? body.version : '2012-10-17', Statement: statements }, unresolved, generated, unknownPrincipal };
}
