/**
 * The CI identity of a trust as one sentence for reviewers ("Who:"): our own metadata when present,
 * else derived from the subject by the provider's analyser.
 */
import { awsClaim, NEGATED, parseOperator } from './aws';
import { parseFlexibleExpression } from './azure';
import { isLiteral, CiProvider, TrustRelationship } from './extract';
import { classifyClaim } from './judge';
import { encodePattern, MatchMode, showPattern } from './patterns';
import { analyserFor } from '../../ci/analysers';

/** One subject value as a sentence, e.g. "GitHub Actions jobs of acme/web on branch main". `literal`: as encodePattern. */
export function describeSubject(provider: CiProvider, value: string, mode: MatchMode = 'exact', literal = false): string {
  const { noun, analyser } = analyserFor(provider);
  const enc = encodePattern(value, mode, literal);
  if (enc === undefined) return `${noun} whose subject is \`${value}\` (contains an unresolved expression)`;
  return analyser.describe?.(enc) ?? `${noun} whose subject ${mode === 'exact' ? 'is' : 'matches'} \`${showPattern(enc)}\``;
}

/** The CI identity of a trust relationship as one sentence (metadata description wins). */
export function describeIdentity(t: TrustRelationship): string {
  if (t.metadata?.description) return t.metadata.description;
  const name = analyserFor(t.ciProvider).noun;
  const anyone = `ANY ${name} that can get a token from ${t.issuer ?? 'the issuer'} (no identity condition)`;
  if (t.aws) {
    const parts: string[] = [];
    const extra: string[] = [];
    for (const c of t.aws.conditions) {
      const op = parseOperator(c.operator);
      const claim = awsClaim(c.key);
      if (!claim || NEGATED.test(op.base) || classifyClaim(claim) === 'audience') continue;
      const mode: MatchMode = op.base === 'StringLike' ? 'glob' : 'exact';
      if (claim === 'sub') parts.push(...c.values.map(v => describeSubject(t.ciProvider, v, mode)));
      else extra.push(`${claim} ${mode === 'glob' ? 'matches' : 'is'} ${c.values.map(v => `\`${v}\``).join(' or ')}`);
    }
    if (parts.length === 0 && extra.length === 0) return t.unresolved.length ? 'Not analysable (see findings)' : anyone;
    const base = parts.length ? parts.join('; or ') : `${name} where`;
    return extra.length ? `${base}${parts.length ? ', where' : ''} ${extra.join(' and ')}` : base;
  }
  if (t.azure) {
    if (t.azure.kind === 'fic') return t.azure.subject ? describeSubject(t.ciProvider, t.azure.subject, 'exact', isLiteral(t, 'subject')) : anyone;
    try {
      const terms = parseFlexibleExpression(t.azure.claimsMatchingExpression ?? '');
      const sub = terms.find(x => x.claim === 'sub');
      const rest = terms.filter(x => x !== sub).map(x => `${x.claim} ${x.op === 'eq' ? 'is' : 'matches'} \`${x.value}\``);
      const base = sub ? describeSubject(t.ciProvider, sub.value, sub.op === 'eq' ? 'exact' : 'glob', isLiteral(t, 'claimsMatchingExpression')) : `${name} where`;
      return rest.length ? `${base}${sub ? ', where' : ''} ${rest.join(' and ')}` : base;
    } catch {
      return 'Not analysable (see findings)';
    }
  }
  if (t.gcp) {
    const cond = t.gcp.attributeCondition;
    const grants = t.gcp.grants.map(g => (g.selector.kind === 'attribute' ? `${g.selector.attribute} = ${g.selector.value}` : g.selector.kind === 'subject' ? `subject ${g.selector.value}` : g.selector.kind === 'pool' ? 'the whole pool' : g.member));
    const granted = grants.length ? `; granted to ${[...new Set(grants)].join(', ')}` : '';
    if (!cond) return `${anyone}${granted}`;
    return `${name} admitted by \`${cond}\`${granted}`;
  }
  return anyone;
}
