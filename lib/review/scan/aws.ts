/**
 * The AWS pass: IAM role trust policy statements (operators decoded, every value of every list
 * judged; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 */
import { AwsCondition, splitConditionKey, TrustRelationship } from './extract';
import { classifyClaim, Collector, flagsNameOnly, judgeConjunction, Pin, sharedIssuer } from './judge';
import { encodePattern, MatchMode } from './patterns';

export const NEGATED = /^(StringNotEquals|StringNotLike|StringNotEqualsIgnoreCase|ArnNotEquals|ArnNotLike|NotIpAddress|NumericNotEquals|DateNotEquals)$/;

export function parseOperator(op: string): { set?: 'ForAllValues' | 'ForAnyValue'; base: string; ifExists: boolean } {
  const m = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(op);
  if (!m) return { base: op, ifExists: false };
  return { ...(m[1] ? { set: m[1] as 'ForAllValues' | 'ForAnyValue' } : {}), base: m[2], ifExists: m[3] !== undefined };
}

/** Claim of an IAM condition key, or undefined for keys that are not token claims. */
export function awsClaim(key: string): string | undefined {
  const { prefix, claim } = splitConditionKey(key);
  if (/^aws$/i.test(prefix)) {
    const tag = /^RequestTag\/(.+)$/i.exec(claim);
    return tag ? tag[1].toLowerCase() : undefined; // Buildkite session tags
  }
  if (/^sts$/i.test(prefix) || prefix === '') return undefined;
  return claim.toLowerCase();
}

export function scanAws(t: TrustRelationship, out: Collector) {
  const aws = t.aws!;
  if (t.unresolved.length) out.add('CIT-AWS-020', `not analysable: ${t.unresolved.join('; ')}`);
  for (const f of aws.federated) if (f.includes('*')) out.add('CIT-AWS-013', `Federated principal \`${f}\` contains a wildcard`);
  // Nothing readable to judge: "absent" conditions would be a guess, so report only that.
  if (aws.conditions.length === 0 && t.unresolved.length) return;
  const pins: Pin[] = [];
  let audPinned = false;
  aws.conditions.forEach((c: AwsCondition) => {
    const op = parseOperator(c.operator);
    const where = `Condition.${c.operator}["${c.key}"]`;
    if (op.set) out.add('CIT-AWS-007', `${where} uses \`${op.set}:\`, which does not reliably pin a single-valued claim`);
    const negated = NEGATED.test(op.base);
    if (negated || op.ifExists) out.add('CIT-AWS-008', `${where} is true when the key is absent`);
    const claim = awsClaim(c.key);
    if (claim === undefined) return;
    const cls = classifyClaim(claim);
    if (/IgnoreCase$/.test(op.base) && !negated && cls !== 'audience' && cls !== 'context') {
      out.add('CIT-AWS-009', `${where} compares an identity claim case-insensitively`);
    }
    if (negated) return;
    const mode: MatchMode | undefined = /^StringLike$/.test(op.base) ? 'glob' : /^StringEquals(IgnoreCase)?$/.test(op.base) ? 'exact' : undefined;
    if (!mode) return;
    if (cls === 'audience') {
      if (claim === 'aud') audPinned = true;
      c.values.forEach(v => {
        if ((mode === 'glob' && /[*?]/.test(v.replace(/\$\{[*?$]\}/g, ''))) || v.trim() === '') out.add('CIT-AWS-012', `${where} value \`${v}\` accepts any audience`);
      });
      return;
    }
    pins.push({ claim, where, values: c.values.map(v => encodePattern(v, mode)), raw: c.values });
  });
  if (!audPinned) out.add('CIT-AWS-011', 'no positive `aud` condition; only the OIDC provider\'s client-id list limits the audience');
  const r = judgeConjunction(t.ciProvider, pins);
  for (const h of r.hits) {
    if (h.issue === 'not-analysable') out.add('CIT-AWS-020', h.detail);
    else if (h.issue === 'no-identity') out.add(sharedIssuer(t) ? 'CIT-AWS-001' : 'CIT-AWS-018', `${h.detail} (issuer ${t.issuer ?? 'unknown'})`);
    else out.subjectIssue('aws', h.issue, h.detail);
  }
  if (flagsNameOnly(t) && r.level >= 2 && !r.usesIds) out.subjectIssue('aws', 'name-only', 'no owner or repository ID is pinned (no `@ID` in the subject, no `repository_id`/`repository_owner_id`)');
}
