import { Condition } from '../model/condition';
import { TrustConfigError } from '../model/errors';
import { Glob, globSource, isWildcard } from '../model/glob';
import { MODEL_LIMITS } from '../model/limits';

/**
 * Subject building blocks shared by the builders: subjects are assembled as globs (literal parts
 * between wildcards) and never re-parsed from text, so no escaping can be lost on the way.
 * @internal
 */
export function lit(s: string): Glob {
  return { parts: [s] };
}
/** A pattern validated to contain no special character but `*`. @internal */
export function pat(source: string): Glob {
  return { parts: source.split('*') };
}
/** @internal */
export function concat(...globs: Glob[]): Glob {
  // Index loops: every subject of every trust is made here.
  const parts = globs[0].parts.slice();
  for (let i = 1; i < globs.length; i++) {
    const b = globs[i].parts;
    parts[parts.length - 1] += b[0];
    for (let j = 1; j < b.length; j++) parts.push(b[j]);
  }
  return { parts };
}
/** The most subjects one trust's pins may expand to. @internal */
export const SUBJECT_LIMIT = MODEL_LIMITS.subjectsPerTrust.value;
/** Cartesian product of `key:value` fields joined by ':'. @internal */
export function joinFields(fields: Glob[][], where: string, limit = SUBJECT_LIMIT): Glob[] {
  let out: Glob[] = [];
  fields.forEach((values, i) => {
    const next: Glob[] = [];
    for (const v of values) for (const s of i === 0 ? [lit('')] : out) next.push(i === 0 ? v : concat(s, lit(':'), v));
    if (next.length > limit) throw new TrustConfigError(where, `the pins expand to ${next.length} subjects, over the limit of ${limit}`, 'split the trust into several trusts');
    out = next;
  });
  return out;
}
/** `claim` equals one of the exact globs or matches one of the patterns. @internal */
export function globsCondition(claim: string, globs: Glob[]): Condition {
  const exact: string[] = [];
  const likes: Condition[] = [];
  for (const g of globs) {
    if (isWildcard(g)) likes.push(Condition.like(claim, globSource(g)));
    else exact.push(g.parts[0]);
  }
  if (likes.length === 0 && exact.length > 0) return Condition.oneOf(claim, exact);
  return Condition.anyOf(...(exact.length ? [Condition.oneOf(claim, exact)] : []), ...likes);
}
