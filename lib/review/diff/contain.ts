/**
 * The diff's one question: does an alternative of HEAD's gate admit a token that every alternative
 * of BASE's gate denies? Answered on the review's own constraint form (constraints.ts), exactly
 * where that form is exact: a token escapes BASE when, for each BASE alternative, it fails at least
 * one of its tests. The search picks one test to fail per BASE alternative and asks, claim by
 * claim, for a value that passes HEAD's tests and fails the picked ones (finite value lists, glob
 * automata, CIDR boundaries). "contained" is a proof, "witness" comes with the token (checked
 * again test by test), and anything else is "unknown" with the reason: never a guess.
 */
import { networkSearch, Request, requestPasses } from './network';
import { uniqSorted } from '../../model/text';
import {
  ClaimTest, closure, Conj, conjoin, disjoint, GlobToken, globMatches, jsRegex, NetworkTest, solve, step, TAGS_CLAIM, Witness,
} from '../attribution/constraints';

export type Difference =
  | { readonly kind: 'contained' }
  | { readonly kind: 'witness'; readonly witness: Witness }
  | { readonly kind: 'unknown'; readonly why: string };

const ABSENT = Symbol('absent');
type Value = string | readonly string[] | typeof ABSENT;
type Search = { verdict: 'yes'; value: Value } | { verdict: 'no' } | { verdict: 'unknown'; why: string };

/** Budget of the search (choices tried); beyond it the answer is "unknown". */
const MAX_STEPS = 20_000;
/** Per automaton state, how many distinct strings the text search keeps. */
const MAX_KEEP = 64;
const MAX_STATES = 50_000;

function passes(t: ClaimTest, v: Value): boolean | undefined {
  if (v === ABSENT) return false;
  const list = typeof v !== 'string';
  switch (t.kind) {
    case 'type': return t.type === 'present' || (t.type === 'list' ? list : !list);
    case 'contains': return list && (v as readonly string[]).includes(t.value);
    case 'eq': return !list && t.values.includes(v as string);
    case 'glob': return !list && t.globs.some(g => globMatches(g, v as string));
    case 'regex': {
      if (list) return false;
      const r = jsRegex(t.source);
      return r ? r.test(v as string) : undefined;
    }
  }
}

function valueOf(x: unknown): Value {
  if (x === undefined || x === null) return ABSENT;
  if (Array.isArray(x)) return x.map(String);
  return String(x);
}

/** Does the token (and request) pass the alternative? undefined when a test cannot be run. */
export function admits(c: Conj, w: Witness): boolean | undefined {
  if (c.never !== undefined) return false;
  let unsure = false;
  for (const t of c.tests) {
    const r = passes(t, valueOf(w.claims[t.claim]));
    if (r === false) return false;
    if (r === undefined) unsure = true;
  }
  if ((c.network ?? []).length && !requestPasses(c.network!, w.request)) return false;
  const tagged = w.claims[TAGS_CLAIM] !== undefined;
  if (c.tags === 'required' && !tagged) return false;
  if (c.tags === 'forbidden' && tagged) return false;
  if ((c.opaque ?? []).length) unsure = true;
  return unsure ? undefined : true;
}

/** Strings matching every positive glob (one of each test's) and no negative glob, shortest first, at most `want`. */
type Glob = readonly GlobToken[];

function textCandidates(pos: readonly Glob[], neg: readonly Glob[], extra: readonly string[], want: number): { values: string[]; complete: boolean } {
  const globs = [...pos, ...neg];
  const literals = new Set<string>();
  for (const g of globs) for (const t of g) if (typeof t === 'string') literals.add(t);
  for (const s of extra) for (const ch of Array.from(s)) literals.add(ch);
  // One character nothing names stands for every other one.
  const fresh = [...'xyz0123456789abcdefghijklmnopqrstuvw_-'].find(ch => !literals.has(ch)) ?? '\u00b7';
  const alphabet = [fresh, ...[...literals].sort()];
  const start = globs.map(g => closure(g, new Set([0])));
  const key = (ss: Set<number>[]) => ss.map(s => [...s].sort((a, b) => a - b).join(',')).join('|');
  const accept = (ss: Set<number>[]) => ss.every((s, i) => (i < pos.length ? s.has(globs[i].length) : !s.has(globs[i].length)));
  const kept = new Map<string, number>([[key(start), 1]]);
  const out: string[] = [];
  let frontier: { ss: Set<number>[]; text: string }[] = [{ ss: start, text: '' }];
  let states = 0;
  while (frontier.length && out.length < want) {
    const next: typeof frontier = [];
    for (const { ss, text } of frontier) {
      if (accept(ss)) {
        out.push(text);
        if (out.length >= want) break;
      }
      for (const ch of alphabet) {
        const moved = ss.map((s, i) => step(globs[i], s, ch));
        if (moved.slice(0, pos.length).some(s => s.size === 0)) continue;
        const k = key(moved);
        const n = kept.get(k) ?? 0;
        if (n >= want) continue;
        kept.set(k, n + 1);
        if (++states > MAX_STATES) return { values: out, complete: false };
        next.push({ ss: moved, text: text + ch });
      }
    }
    frontier = next;
  }
  // Keeping `want` strings per state finds the `want` shortest accepted strings, or all of them.
  return { values: out, complete: true };
}

/** A value of the claim passing every `head` test and failing every `fail` test. */
function claimSearch(claim: string, head: readonly ClaimTest[], fail: readonly ClaimTest[]): Search {
  let unsure: string | undefined;
  const check = (v: Value): boolean => {
    let u = false;
    for (const t of head) {
      const r = passes(t, v);
      if (r === false) return false;
      if (r === undefined) u = true;
    }
    for (const t of fail) {
      const r = passes(t, v);
      if (r === true) return false;
      if (r === undefined) u = true;
    }
    if (u) unsure ??= `claim ${claim}: a regular expression this review cannot run`;
    return !u;
  };
  const isText = (t: ClaimTest) => t.kind === 'eq' || t.kind === 'glob' || t.kind === 'regex' || (t.kind === 'type' && t.type !== 'list' && t.type !== 'present');
  const wantsList = head.some(t => t.kind === 'contains' || (t.kind === 'type' && t.type === 'list'));
  const wantsText = head.some(isText);
  if (!wantsList) {
    const eqs = head.filter((t): t is Extract<ClaimTest, { kind: 'eq' }> => t.kind === 'eq');
    if (eqs.length) {
      let vs = [...eqs[0].values];
      for (const e of eqs.slice(1)) vs = vs.filter(v => e.values.includes(v));
      const hit = vs.find(check);
      if (hit !== undefined) return { verdict: 'yes', value: hit };
    } else {
      const globTests = head.filter((t): t is Extract<ClaimTest, { kind: 'glob' }> => t.kind === 'glob');
      const neg = fail.flatMap(t => (t.kind === 'glob' ? t.globs : []));
      const banned = fail.flatMap(t => (t.kind === 'eq' ? t.values : []));
      const regex = [...head, ...fail].some(t => t.kind === 'regex');
      const want = Math.min(MAX_KEEP, new Set(banned).size + 1 + (regex ? 8 : 0));
      let choices: (readonly GlobToken[])[][] = [[]];
      for (const t of globTests) {
        choices = choices.flatMap(c => t.globs.map(g => [...c, g]));
        if (choices.length > 256) return { verdict: 'unknown', why: `claim ${claim}: too many pattern combinations` };
      }
      for (const pos of choices) {
        const { values, complete } = textCandidates(pos, neg, banned, want + 1);
        // A non-empty value reads better as a witness; the empty one only when nothing else passes.
        const hit = [...values.filter(v => v !== ''), ...values.filter(v => v === '')].find(check);
        if (hit !== undefined) return { verdict: 'yes', value: hit };
        if (!complete) unsure ??= `claim ${claim}: the patterns are too complex to compare`;
        if (regex) unsure ??= `claim ${claim}: a regular expression compared with patterns`;
        if (new Set(banned).size + 1 > MAX_KEEP) unsure ??= `claim ${claim}: too many excluded values`;
      }
    }
  }
  if (!wantsText) {
    const list = uniqSorted(head.flatMap(t => (t.kind === 'contains' ? [t.value] : [])));
    // The fewest elements fail the most `contains` tests; a list fails every text test.
    if (check(list)) return { verdict: 'yes', value: list };
    if (head.length === 0 && check(ABSENT)) return { verdict: 'yes', value: ABSENT };
  }
  return unsure ? { verdict: 'unknown', why: unsure } : { verdict: 'no' };
}

type Option =
  | { kind: 'claim'; claim: string; test: ClaimTest }
  | { kind: 'net'; test: NetworkTest }
  | { kind: 'tags'; tagged: boolean }
  | { kind: 'opaque'; text: string };

/** Does `h` admit a token that no alternative of `bases` admits? */
export function difference(h: Conj, bases: readonly Conj[]): Difference {
  const own = solve({ ...h, opaque: [] });
  if (own.verdict === 'no') return { kind: 'contained' };
  const hTests = new Map<string, ClaimTest[]>();
  for (const t of h.tests) hTests.set(t.claim, [...(hTests.get(t.claim) ?? []), t]);
  const hOpaque = new Set(h.opaque ?? []);
  const hNet = h.network ?? [];
  const testsOf = (claim: string) => hTests.get(claim) ?? [];

  // Per BASE alternative, the tests a token of h can fail (one is enough); none: h is inside it.
  const menus: Option[][] = [];
  for (const b of bases) {
    if (b.never !== undefined || disjoint(h, b)) continue;
    if (solve({ ...conjoin(h, b), opaque: [] }).verdict === 'no') continue;
    const menu: Option[] = [];
    for (const t of b.tests) {
      // The same test on both sides holds (a regular expression too, which the search cannot run).
      if (testsOf(t.claim).some(x => x === t || (x.kind === 'regex' && t.kind === 'regex' && x.source === t.source))) continue;
      if (claimSearch(t.claim, testsOf(t.claim), [t]).verdict === 'no') continue;
      menu.push({ kind: 'claim', claim: t.claim, test: t });
    }
    for (const t of b.network ?? []) {
      if (networkSearch(hNet, [t]).verdict !== 'no') menu.push({ kind: 'net', test: t });
    }
    if (b.tags === 'required' && h.tags !== 'required') menu.push({ kind: 'tags', tagged: false });
    if (b.tags === 'forbidden' && h.tags !== 'forbidden') menu.push({ kind: 'tags', tagged: true });
    for (const o of b.opaque ?? []) if (!hOpaque.has(o)) menu.push({ kind: 'opaque', text: o });
    if (menu.length === 0) return { kind: 'contained' };
    menus.push(menu);
  }
  menus.sort((a, b) => a.length - b.length);

  let steps = 0;
  let unknown: string | undefined;
  const failClaims = new Map<string, ClaimTest[]>();
  const failNet: NetworkTest[] = [];
  let tagged: boolean | undefined;
  const values = new Map<string, Value>();
  let opaqueUsed: string | undefined;
  let found: Witness | undefined;

  const chosen = (o: Option) => (o.kind === 'claim' ? (failClaims.get(o.claim) ?? []).includes(o.test)
    : o.kind === 'net' ? failNet.includes(o.test) : o.kind === 'tags' ? tagged === o.tagged : false);

  const leaf = () => {
    let request: Request | undefined = own.verdict === 'yes' ? own.witness.request : undefined;
    if (hNet.length || failNet.length) {
      const n = networkSearch(hNet, failNet);
      if (n.verdict !== 'yes') {
        if (n.verdict === 'unknown') unknown ??= `network: ${n.why}`;
        return;
      }
      request = n.request;
    }
    if (opaqueUsed !== undefined) {
      unknown ??= `not decided: ${opaqueUsed}`;
      return;
    }
    const pins: Conj[] = [];
    for (const [claim, v] of values) {
      if (typeof v !== 'string') continue;
      const tag = testsOf(claim).some(t => (t.kind === 'eq' || t.kind === 'glob') && t.tag === true);
      pins.push({ tests: [{ kind: 'eq', claim, values: [v], ...(tag ? { tag } : {}) }] });
    }
    if (tagged === true) pins.push({ tests: [], tags: 'required' });
    const s = solve({ ...conjoin(h, ...pins), opaque: [] });
    if (s.verdict !== 'yes') {
      unknown ??= `a token was built that the review's own solver does not accept (${s.verdict === 'no' ? s.why : s.why})`;
      return;
    }
    const claims = { ...s.witness.claims };
    for (const [claim, v] of values) if (typeof v !== 'string' && v !== ABSENT) claims[claim] = [...v];
    const w: Witness = { claims, ...(request && Object.keys(request).length ? { request } : {}) };
    // Checked again, test by test, against both sides.
    const inHead = admits(h, w);
    const inBase = bases.map(b => admits(b, w));
    if (inHead === false || inBase.some(x => x === true)) {
      unknown ??= 'a candidate token did not check out';
      return;
    }
    if (inHead === undefined || inBase.some(x => x === undefined)) {
      unknown ??= `not decided: ${[...(h.opaque ?? [])].join('; ') || 'a test the review cannot run'}`;
      return;
    }
    found = w;
  };

  const dfs = (i: number): void => {
    if (found || ++steps > MAX_STEPS) return;
    if (i === menus.length) return leaf();
    if (menus[i].some(chosen)) return dfs(i + 1);
    for (const o of menus[i]) {
      if (found || steps > MAX_STEPS) return;
      if (o.kind === 'claim') {
        const before = failClaims.get(o.claim) ?? [];
        const fails = [...before, o.test];
        const r = claimSearch(o.claim, testsOf(o.claim), fails);
        if (r.verdict === 'no') continue;
        if (r.verdict === 'unknown') {
          unknown ??= r.why;
          continue;
        }
        const prev = values.get(o.claim);
        failClaims.set(o.claim, fails);
        values.set(o.claim, r.value);
        dfs(i + 1);
        failClaims.set(o.claim, before);
        if (prev === undefined) values.delete(o.claim);
        else values.set(o.claim, prev);
      } else if (o.kind === 'net') {
        failNet.push(o.test);
        const n = networkSearch(hNet, failNet);
        if (n.verdict === 'yes') dfs(i + 1);
        else if (n.verdict === 'unknown') unknown ??= `network: ${n.why}`;
        failNet.pop();
      } else if (o.kind === 'tags') {
        if (tagged !== undefined && tagged !== o.tagged) continue;
        const prev = tagged;
        tagged = o.tagged;
        dfs(i + 1);
        tagged = prev;
      } else {
        const prev = opaqueUsed;
        opaqueUsed ??= o.text;
        dfs(i + 1);
        opaqueUsed = prev;
      }
    }
  };
  dfs(0);
  if (found) return { kind: 'witness', witness: found };
  if (steps > MAX_STEPS) return { kind: 'unknown', why: `too many combinations to compare (over ${MAX_STEPS})` };
  if (unknown) return { kind: 'unknown', why: unknown };
  return { kind: 'contained' };
}
