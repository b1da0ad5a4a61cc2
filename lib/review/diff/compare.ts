/**
 * BASE against HEAD, principal by principal, on the review model of each (units, principals and
 * their gates, attributions): no second reading of the artifacts. A principal is widened when one
 * of HEAD's gate alternatives admits a token that all of BASE's deny (contain.ts), narrowed in the
 * reverse direction.
 */
import * as path from 'path';
import { admits, difference } from './contain';
import { uniqSorted } from '../../model/text';
import { ReviewModel } from '../attribution/attribute';
import { Conj, Witness } from '../attribution/constraints';
import { Principal } from '../attribution/types';
import { cmp } from '../scan/extract';

/** One side of the diff: the review model and the sentence saying who each unit admits. */
export interface DiffSide {
  readonly input: string;
  readonly files: readonly string[];
  readonly model: ReviewModel;
  /** Unit id → its identity sentence (the review's "Who"). */
  readonly identity: ReadonlyMap<string, string>;
}

/** A direction of change: decided with a token, or not decided (counted as happening). */
export interface Change {
  readonly certainty: 'witness' | 'undecided';
  /** The gate (statement, member, credential) of the side that admits the token. */
  readonly via: string;
  readonly witness?: Witness;
  readonly why?: string;
  /** The trust relationships on that side whose tokens include the witness. */
  readonly trusts: readonly string[];
}

export interface PrincipalDiff {
  /** The stable identity both sides were matched by. */
  readonly key: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly cloud: Principal['cloud'];
  readonly resourceType: string;
  readonly resource: string;
  readonly label: string;
  readonly base?: Principal;
  readonly head?: Principal;
  readonly widened?: Change;
  readonly narrowed?: Change;
  /** Who can use it: identity sentences of trust relationships, by side. */
  readonly trustsAdded: readonly string[];
  readonly trustsRemoved: readonly string[];
  /** What it can do, as the review summarises it, by side (shown; not a widening: who can use it is). */
  readonly permissionsAdded: readonly string[];
  readonly permissionsRemoved: readonly string[];
}

export interface DiffResult {
  readonly changed: PrincipalDiff[];
  readonly unchanged: number;
}

/**
 * Pairs principals: first by cloud, resource type and resource (a CDK logical id, a Terraform
 * address), which survives a renamed or moved file and a cdk.out read against one of its
 * templates; where that is ambiguous on either side (one logical id in two stacks), by the file's
 * name, then by its path. What stays unpaired is added or removed.
 */
export type Pair = [key: string, base: Principal | undefined, head: Principal | undefined];

export function matchPrincipals(base: readonly Principal[], head: readonly Principal[]): { pairs: Pair[] } {
  const levels: ((p: Principal) => string)[] = [
    p => `${p.cloud} ${p.resourceType} ${p.resource}`,
    p => `${p.cloud} ${p.resourceType} ${p.resource} ${path.posix.basename(p.file)}`,
    p => `${p.cloud} ${p.resourceType} ${p.resource} ${p.file}`,
  ];
  const pairs: Pair[] = [];
  let left = { base: [...base], head: [...head] };
  for (const [n, keyOf] of levels.entries()) {
    const group = new Map<string, { base: Principal[]; head: Principal[] }>();
    for (const p of left.base) group.set(keyOf(p), { base: [...(group.get(keyOf(p))?.base ?? []), p], head: group.get(keyOf(p))?.head ?? [] });
    for (const p of left.head) group.set(keyOf(p), { base: group.get(keyOf(p))?.base ?? [], head: [...(group.get(keyOf(p))?.head ?? []), p] });
    const next = { base: [] as Principal[], head: [] as Principal[] };
    for (const [k, g] of group) {
      const last = n === levels.length - 1;
      if ((g.base.length <= 1 && g.head.length <= 1) || last) {
        // At the last level a duplicate (two resources alike in one file) cannot be told apart: by position.
        for (let i = 0; i < Math.max(g.base.length, g.head.length); i++) pairs.push([g.base.length + g.head.length > 2 ? `${k} #${i + 1}` : k, g.base[i], g.head[i]]);
      } else {
        next.base.push(...g.base);
        next.head.push(...g.head);
      }
    }
    left = next;
  }
  return { pairs: pairs.sort((a, b) => cmp(a[0], b[0])) };
}

function conjsOf(p: Principal | undefined): { via: string; conj: Conj }[] {
  return (p?.gates ?? []).flatMap(g => g.conjs.map(conj => ({ via: g.via, conj })));
}

/** Does `to` admit a token through `p` that `from` does not? */
function wider(to: Principal | undefined, from: Principal | undefined, side: DiffSide): Change | undefined {
  const bases = conjsOf(from).map(x => x.conj);
  let undecided: Change | undefined;
  for (const { via, conj } of conjsOf(to)) {
    const d = difference(conj, bases);
    if (d.kind === 'witness') return { certainty: 'witness', via, witness: d.witness, trusts: reaching(to!, d.witness, side) };
    if (d.kind === 'unknown') undecided ??= { certainty: 'undecided', via, why: d.why, trusts: [] };
  }
  return undecided;
}

/** The trust relationships of the side that can use the principal and whose tokens include the witness. */
function reaching(p: Principal, w: Witness, side: DiffSide): string[] {
  const units = new Set(side.model.attributions.filter(a => a.principal === p.id).map(a => a.unit));
  const out = side.model.units.filter(u => units.has(u.id) && u.conjs.some(c => admits(c, w) !== false)).map(u => side.identity.get(u.id) ?? u.id);
  return uniqSorted(out);
}

function users(p: Principal | undefined, side: DiffSide): Set<string> {
  if (!p) return new Set();
  return new Set(side.model.attributions.filter(a => a.principal === p.id)
    .map(a => `${side.identity.get(a.unit) ?? a.unit}${a.certainty === 'possibly' ? ' (possibly)' : ''}`));
}

export function diffModels(base: DiffSide, head: DiffSide): DiffResult {
  const changed: PrincipalDiff[] = [];
  let unchanged = 0;
  for (const [key, b, h] of matchPrincipals(base.model.principals, head.model.principals).pairs) {
    const widened = wider(h, b, head);
    const narrowed = wider(b, h, base);
    const before = users(b, base);
    const after = users(h, head);
    const trustsAdded = [...after].filter(x => !before.has(x)).sort(cmp);
    const trustsRemoved = [...before].filter(x => !after.has(x)).sort(cmp);
    const change = !b ? 'added' : !h ? 'removed' : 'changed';
    const [was, now] = [new Set(b?.permissions ?? []), new Set(h?.permissions ?? [])];
    const permissionsAdded = change === 'changed' ? [...now].filter(x => !was.has(x)).sort(cmp) : [];
    const permissionsRemoved = change === 'changed' ? [...was].filter(x => !now.has(x)).sort(cmp) : [];
    const same = !widened && !narrowed && trustsAdded.length + trustsRemoved.length + permissionsAdded.length + permissionsRemoved.length === 0;
    if (change === 'changed' && same) {
      unchanged++;
      continue;
    }
    const p = (h ?? b)!;
    changed.push({
      key,
      change,
      cloud: p.cloud,
      resourceType: p.resourceType,
      resource: p.resource,
      label: p.label,
      ...(b ? { base: b } : {}),
      ...(h ? { head: h } : {}),
      ...(widened ? { widened } : {}),
      ...(narrowed ? { narrowed } : {}),
      trustsAdded,
      trustsRemoved,
      permissionsAdded,
      permissionsRemoved,
    });
  }
  return { changed, unchanged };
}

/** Something becomes assumable by more than before (decided or not). */
export function widens(r: DiffResult): boolean {
  return r.changed.some(c => c.widened !== undefined);
}
