/**
 * Judges extracted trust relationships. Every check works on the *meaning* of a condition:
 * subjects are parsed per CI provider (lib/ci/<provider>/analyser.ts), IAM operators are decoded
 * (aws.ts), GCP CEL is parsed into disjunctive normal form (cel.ts, gcp.ts), Flexible FIC
 * expressions are parsed (azure.ts), and every value of every list is judged (judge.ts).
 */
import { scanAws } from './aws';
import { scanAzure } from './azure';
import { cmp, TrustRelationship } from './extract';
import { scanGcp } from './gcp';
import { Collector, Finding } from './judge';

export { parseOperator } from './aws';
export { parseFlexibleExpression } from './azure';
export { CelSyntaxError, parseCel, tokenizeCel } from './cel';
export type { CelNode } from './cel';
export { describeIdentity, describeSubject } from './identity';
export { analyseClaim, analyseSubject, classifyClaim } from './judge';
export type { ClaimClass, Finding } from './judge';
export { encodePattern, showPattern } from './patterns';
export type { MatchMode } from './patterns';

/** Runs every check over the relationships; findings are sorted (file, resource, statement, id, message). */
export function scan(trusts: TrustRelationship[]): Finding[] {
  const all: Finding[] = [];
  for (const t of trusts) {
    const c = new Collector(t);
    if (t.cloud === 'aws' && t.aws) scanAws(t, c);
    else if (t.cloud === 'gcp' && t.gcp) scanGcp(t, c);
    else if (t.cloud === 'azure' && t.azure) scanAzure(t, c);
    all.push(...c.findings);
  }
  return sortFindings(all);
}

export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort((a, b) => cmp(a.file, b.file) || cmp(a.resource, b.resource) || (a.statement ?? -1) - (b.statement ?? -1)
    || cmp(a.trust, b.trust) || cmp(a.id, b.id) || cmp(a.message, b.message));
}

