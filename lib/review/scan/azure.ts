/**
 * The Azure pass: federated identity credentials (classic: one exact subject; Flexible: a
 * `claimsMatchingExpression`, https://learn.microsoft.com/en-us/entra/workload-id/workload-identities-flexible-federated-identity-credentials).
 */
import { CelSyntaxError } from './cel';
import { isLiteral, TrustRelationship } from './extract';
import { Collector, contextHits, flagsNameOnly, judgeConjunction, Pin, sharedIssuer } from './judge';
import { encodePattern } from './patterns';
import { analyserFor } from '../../ci/analysers';

/** Parses a Flexible FIC `claimsMatchingExpression` (`claims['x'] matches 'v' and …`). */
export function parseFlexibleExpression(expr: string): { claim: string; op: 'eq' | 'matches'; value: string }[] {
  const out: { claim: string; op: 'eq' | 'matches'; value: string }[] = [];
  let rest = expr.trim();
  // Single quotes are escape characters in the expression language: '' is a literal quote.
  const term = /^claims\[\s*'((?:[^']|'')*)'\s*\]\s+(eq|matches)\s+'((?:[^']|'')*)'\s*/i;
  for (;;) {
    const m = term.exec(rest);
    if (!m) throw new CelSyntaxError(`cannot parse \`${rest.slice(0, 60)}\` (expected claims['name'] eq|matches 'value')`);
    out.push({ claim: m[1].replace(/''/g, '\''), op: m[2].toLowerCase() as 'eq' | 'matches', value: m[3].replace(/''/g, '\'') });
    rest = rest.slice(m[0].length);
    if (rest === '') return out;
    const and = /^and\s+/i.exec(rest);
    if (!and) throw new CelSyntaxError(`expected \`and\` before \`${rest.slice(0, 40)}\``);
    rest = rest.slice(and[0].length);
  }
}

export function scanAzure(t: TrustRelationship, out: Collector) {
  const az = t.azure!;
  const notes = [...t.unresolved, ...(t.assumptions ?? [])];
  if (notes.length) out.add('CIT-AZ-014', `not analysable statically: ${notes.join('; ')}`);
  if (t.audiences.length === 0 || t.audiences.some(a => a.trim() === '' || a.includes('*'))) {
    out.add('CIT-AZ-013', `audience ${t.audiences.length ? t.audiences.map(a => `\`${a}\``).join(', ') : '(none)'} is empty or a wildcard, and Entra compares it exactly`);
  }
  let pins: Pin[];
  if (az.kind === 'flexible-fic') {
    try {
      pins = parseFlexibleExpression(az.claimsMatchingExpression ?? '').map(term => ({
        claim: term.claim.toLowerCase(),
        where: `claimsMatchingExpression \`claims['${term.claim}'] ${term.op} '${term.value}'\``,
        values: [encodePattern(term.value, term.op === 'matches' ? 'glob' : 'exact', isLiteral(t, 'claimsMatchingExpression'))],
        raw: [term.value],
        mode: term.op === 'matches' ? 'glob' : 'exact',
      }));
    } catch (e) {
      out.add('CIT-AZ-014', `claimsMatchingExpression could not be analysed: ${(e as Error).message}`);
      return;
    }
  } else {
    const sub = az.subject ?? '';
    if (sub.trim() === '') {
      out.add('CIT-AZ-001', 'subject is empty, so no token matches');
      return;
    }
    const known = isLiteral(t, 'subject');
    if ((known ? sub : sub.replace(/\$\{[^}]*\}/g, '')).includes('*')) {
      out.add('CIT-AZ-003', `subject \`${sub}\` contains \`*\`; classic FICs match exactly, so no token matches`);
      return;
    }
    const needsColon = analyserFor(t.ciProvider).analyser.isKeyValueSubject?.(sub) === true;
    if (needsColon && !sub.includes(':') && known) {
      out.add('CIT-AZ-002', `subject \`${sub}\` has no \`:\`; ${t.ciProvider} subjects are key:value sequences, so no token matches`);
      return;
    }
    // An interpolated subject is judged on its literal text (and reported as not analysable).
    pins = [{ claim: 'sub', where: 'subject', values: [encodePattern(sub, 'exact', known)], raw: [sub], mode: 'exact' }];
  }
  const r = judgeConjunction(t.ciProvider, pins, { shared: sharedIssuer(t) });
  for (const h of [...r.hits, ...contextHits(r)]) out.hit('azure', h, 'CIT-AZ-004');
  if (flagsNameOnly(t) && r.level >= 2 && !r.usesIds) out.subjectIssue('azure', 'name-only', 'the subject has no `@ID` owner/repository form and no `repository_id` is matched');
}
