/**
 * The AWS pass: IAM role trust policy statements (operators decoded, every value of every list
 * judged; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 */
import { AwsCondition, splitConditionKey, TrustRelationship } from './extract';
import { classifyClaim, Collector, contextHits, flagsNameOnly, judgeConjunction, Pin, sharedIssuer } from './judge';
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
  const notes = [...t.unresolved, ...(t.assumptions ?? [])];
  if (notes.length) out.add('CIT-AWS-020', `not analysable statically: ${notes.join('; ')}`);
  for (const f of aws.federated) if (f.includes('*')) out.add('CIT-AWS-013', `Federated principal \`${f}\` contains a wildcard`);
  // Nothing readable to judge: "absent" conditions would be a guess, so report only that.
  if (aws.conditions.length === 0 && t.unresolved.length) return;
  const pins: Pin[] = [];
  let audPinned = false;
  aws.conditions.forEach((c: AwsCondition) => {
    const op = parseOperator(c.operator);
    const where = `Condition.${c.operator}["${c.key}"]`;
    const negated = NEGATED.test(op.base);
    const claim = awsClaim(c.key);
    const cls = claim === undefined ? undefined : classifyClaim(claim);
    // The claims that pin the workload; `iss`/`aud` are always present for AssumeRoleWithWebIdentity.
    const identity = cls !== undefined && cls !== 'context' && cls !== 'audience';
    if (op.set && identity && !negated) {out.add('CIT-AWS-007', `${where} uses \`${op.set}:\` on the identity claim \`${claim}\`, which is true when the key is absent or misspelled`);} else if (op.ifExists && identity && !negated) {out.add('CIT-AWS-008', `${where} is true when the identity claim \`${claim}\` is absent or its key misspelled`);} else if (op.set || op.ifExists || negated) {
      const form = [op.set ? `\`${op.set}:\`` : '', op.ifExists ? '`…IfExists`' : '', negated ? `the negated \`${op.base}\`` : ''].filter(Boolean).join(' with ');
      const why = negated && claim !== undefined ? 'excludes values but pins no one (and is true when the key is absent)'
        : negated ? 'is true when the key is absent' : 'works here only because the key is always present';
      out.add('CIT-AWS-022', `${where} uses ${form} on \`${claim ?? c.key}\`, which ${why}`);
    }
    if (claim === undefined) return;
    if (/IgnoreCase$/.test(op.base) && !negated && identity) {
      out.add('CIT-AWS-009', `${where} compares an identity claim case-insensitively`);
    }
    if (negated) return;
    const mode: MatchMode | undefined = /^StringLike$/.test(op.base) ? 'glob' : /^StringEquals(IgnoreCase)?$/.test(op.base) ? 'exact' : undefined;
    if (!mode) return;
    if (cls === 'audience') {
      if (claim !== 'aud') return; // the Federated principal names the issuer
      audPinned = true;
      c.values.forEach(v => {
        if (v.trim() === '' || (mode === 'exact' && v.includes('*'))) out.add('CIT-AWS-021', `${where} value \`${v}\` ${v.trim() === '' ? 'is empty' : 'compares `*` as text'}: no token has that audience, so the statement never matches`);
        else if (mode === 'glob' && /[*?]/.test(v.replace(/\$\{[*?$]\}/g, ''))) out.add('CIT-AWS-012', `${where} value \`${v}\` accepts any audience`);
      });
      return;
    }
    pins.push({ claim, where, values: c.values.map(v => encodePattern(v, mode)), raw: c.values, mode });
  });
  if (!audPinned) out.add('CIT-AWS-011', 'no positive `aud` condition; only the OIDC provider\'s client-id list limits the audience');
  const r = judgeConjunction(t.ciProvider, pins, { shared: sharedIssuer(t) });
  for (const h of [...r.hits, ...contextHits(r)]) out.hit('aws', h, 'CIT-AWS-001');
  if (flagsNameOnly(t) && r.level >= 2 && !r.usesIds) out.subjectIssue('aws', 'name-only', 'no owner or repository ID is pinned (no `@ID` in the subject, no `repository_id`/`repository_owner_id`)');
}
