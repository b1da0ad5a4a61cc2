/**
 * What a token must carry to pass one alternative of a trust, read from any cloud's artifact into
 * one neutral form (claim tests, request-network tests, AWS session tags), and the one question the
 * review's attribution asks of it: can a single token (and request) pass several such alternatives
 * at once? The answer is exact for the tests this form holds (exact values, globs, list membership,
 * presence and type, CIDRs); anything else is carried as `opaque` text and makes the answer
 * "unknown" rather than a guess. A "yes" comes with a witness: a token that passes, so a test can
 * confirm the claim with an independent simulator.
 */
import { cidrsOverlapAt, ipInCidrs } from './cidr';

/** A glob: literal characters (one code point each), ANY (`*`: any run) and ONE (`?`: one character). */
export type GlobToken = string | typeof ANY | typeof ONE;
export const ANY = Symbol('any');
export const ONE = Symbol('one');

export type ClaimTest =
  /** The claim's text (a string, or a number/boolean by its text) is one of `values`. */
  | { readonly kind: 'eq'; readonly claim: string; readonly values: readonly string[]; readonly tag?: boolean }
  /** The claim's text matches one of the globs. */
  | { readonly kind: 'glob'; readonly claim: string; readonly globs: readonly (readonly GlobToken[])[]; readonly tag?: boolean }
  /** The claim's text matches an RE2 expression that is not a glob (decided only against exact values). */
  | { readonly kind: 'regex'; readonly claim: string; readonly source: string }
  /** The claim is a list holding `value`. */
  | { readonly kind: 'contains'; readonly claim: string; readonly value: string }
  /** The claim is present with this type (`scalar`: a string, number or boolean). */
  | { readonly kind: 'type'; readonly claim: string; readonly type: 'present' | 'string' | 'scalar' | 'list' };

/** A request-network test (AWS trust policies): the key's value is one of `values` (CIDRs for `ip`). */
export interface NetworkTest {
  readonly key: 'aws:SourceIp' | 'aws:VpcSourceIp' | 'aws:SourceVpc' | 'aws:SourceVpce';
  readonly values: readonly string[];
}

/** One alternative: every test must hold. */
export interface Conj {
  readonly tests: readonly ClaimTest[];
  readonly network?: readonly NetworkTest[];
  /** AWS: the token must carry session tags (`aws:RequestTag/…` tested) or must not (no `sts:TagSession`). */
  readonly tags?: 'required' | 'forbidden';
  /** Tests this form cannot hold, as text: they make a satisfiable answer "unknown". */
  readonly opaque?: readonly string[];
  /** Why nothing can pass (a key the token cannot have, a disabled provider…). */
  readonly never?: string;
  /** The alternative's tests as written in the artifact (for display and for matching alternatives). */
  readonly shown?: readonly string[];
}

/** A token (and request) that passes. */
export interface Witness {
  readonly claims: Record<string, unknown>;
  readonly request?: { sourceIp?: string; awsVpcId?: string; awsVpcEndpointId?: string };
}

export type Verdict =
  | { readonly verdict: 'yes'; readonly witness: Witness }
  | { readonly verdict: 'no'; readonly why: string }
  | { readonly verdict: 'unknown'; readonly why: string };

/** AWS's session-tag claim (the agent copies the tagged claims into it). */
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';
const MAX_SEARCH = 50_000;

/** The alternative that needs all of them. */
export function conjoin(...cs: Conj[]): Conj {
  const tags = cs.map(c => c.tags).filter((t): t is 'required' | 'forbidden' => t !== undefined);
  const never = cs.find(c => c.never !== undefined)?.never
    ?? (tags.includes('required') && tags.includes('forbidden') ? 'the token would need session tags, which the role does not allow (no sts:TagSession)' : undefined);
  return {
    tests: cs.flatMap(c => c.tests),
    network: cs.flatMap(c => c.network ?? []),
    ...(tags.length ? { tags: tags.includes('required') ? 'required' : 'forbidden' } : {}),
    opaque: cs.flatMap(c => c.opaque ?? []),
    ...(never !== undefined ? { never } : {}),
    shown: cs.flatMap(c => c.shown ?? []),
  };
}

/** Per alternative, the exact values each claim may have (the intersection of its `eq` tests). */
const EXACT = new WeakMap<Conj, Map<string, Set<string>>>();
function exactValues(c: Conj): Map<string, Set<string>> {
  let m = EXACT.get(c);
  if (!m) {
    m = new Map();
    for (const t of c.tests) {
      if (t.kind !== 'eq') continue;
      const prev = m.get(t.claim);
      m.set(t.claim, new Set(prev ? t.values.filter(v => prev.has(v)) : t.values));
    }
    EXACT.set(c, m);
  }
  return m;
}

/**
 * A cheap, exact "no": two alternatives pin one claim to exact values they do not share. Most
 * pairs of a large review differ so (another repository, another issuer); `solve` decides the rest.
 */
export function disjoint(a: Conj, b: Conj): boolean {
  const ea = exactValues(a);
  const eb = exactValues(b);
  const [small, large] = ea.size <= eb.size ? [ea, eb] : [eb, ea];
  for (const [claim, values] of small) {
    const other = large.get(claim);
    if (other && ![...values].some(v => other.has(v))) return true;
  }
  return false;
}

/**
 * The values some claims can take in any of the alternatives (undefined: any value), to skip
 * whole principals at once: a token of another issuer or audience passes none of their gates.
 */
export function reach(cs: readonly Conj[], claims: readonly string[]): Map<string, Set<string> | undefined> {
  const out = new Map<string, Set<string> | undefined>();
  for (const claim of claims) {
    let all: Set<string> | undefined = new Set();
    for (const c of cs) {
      const values = exactValues(c).get(claim);
      if (!values) {
        all = undefined;
        break;
      }
      for (const v of values) all.add(v);
    }
    out.set(claim, all);
  }
  return out;
}

/** Can one token pass every test of the alternative? Exact on the tests it holds. */
export function solve(c: Conj): Verdict {
  if (c.never !== undefined) return { verdict: 'no', why: c.never };
  const claims: Record<string, unknown> = {};
  const byClaim = new Map<string, ClaimTest[]>();
  for (const t of c.tests) byClaim.set(t.claim, [...(byClaim.get(t.claim) ?? []), t]);
  const unknown: string[] = [];
  const tagged: string[] = [];
  for (const claim of [...byClaim.keys()].sort()) {
    const r = solveClaim(claim, byClaim.get(claim)!);
    if (r.verdict === 'no') return r;
    if (r.verdict === 'unknown') unknown.push(r.why);
    else claims[claim] = r.value;
    if (byClaim.get(claim)!.some(t => (t.kind === 'eq' || t.kind === 'glob') && t.tag)) tagged.push(claim);
  }
  const net = solveNetwork(c.network ?? []);
  if (net.verdict === 'no') return net;
  if (c.tags === 'required') {
    claims[TAGS_CLAIM] = { principal_tags: Object.fromEntries(tagged.map(k => [k, [String(claims[k] ?? '')]])) };
  }
  unknown.push(...(c.opaque ?? []));
  if (unknown.length) return { verdict: 'unknown', why: `not decided: ${[...new Set(unknown)].join('; ')}` };
  return { verdict: 'yes', witness: { claims, ...(net.request ? { request: net.request } : {}) } };
}

type ClaimResult = { verdict: 'yes'; value: unknown } | { verdict: 'no'; why: string } | { verdict: 'unknown'; why: string };

function solveClaim(claim: string, tests: ClaimTest[]): ClaimResult {
  const no = (why: string): ClaimResult => ({ verdict: 'no', why: `claim ${claim}: ${why}` });
  const types = new Set(tests.filter((t): t is Extract<ClaimTest, { kind: 'type' }> => t.kind === 'type').map(t => t.type));
  const contains = tests.filter((t): t is Extract<ClaimTest, { kind: 'contains' }> => t.kind === 'contains').map(t => t.value);
  const text = tests.filter(t => t.kind === 'eq' || t.kind === 'glob' || t.kind === 'regex');
  const wantsList = types.has('list') || contains.length > 0;
  const wantsText = types.has('string') || types.has('scalar') || text.length > 0;
  if (wantsList && wantsText) return no('would have to be a list and a single value');
  if (wantsList) return { verdict: 'yes', value: [...new Set(contains)].sort() };
  if (!wantsText) return { verdict: 'yes', value: 'x' }; // present, any value

  const eqs = text.filter((t): t is Extract<ClaimTest, { kind: 'eq' }> => t.kind === 'eq');
  const globs = text.filter((t): t is Extract<ClaimTest, { kind: 'glob' }> => t.kind === 'glob').map(t => t.globs);
  const regexes = text.filter((t): t is Extract<ClaimTest, { kind: 'regex' }> => t.kind === 'regex').map(t => t.source);
  if (eqs.length) {
    // Candidates in the order the first test lists them (the witness takes the first that passes).
    let candidates = [...eqs[0].values];
    for (const e of eqs.slice(1)) candidates = candidates.filter(v => e.values.includes(v));
    candidates = candidates.filter(v => globs.every(any => any.some(g => globMatches(g, v))));
    if (candidates.length === 0) return no('no value passes every test');
    if (regexes.length === 0) return { verdict: 'yes', value: candidates[0] };
    const compiled = regexes.map(jsRegex);
    if (compiled.some(r => r === undefined)) return { verdict: 'unknown', why: `claim ${claim}: a regular expression this review cannot run` };
    const hit = candidates.find(v => compiled.every(r => r!.test(v)));
    return hit === undefined ? no('no value passes every test') : { verdict: 'yes', value: hit };
  }
  if (regexes.length) return { verdict: 'unknown', why: `claim ${claim}: a regular expression matched against patterns` };
  if (globs.length === 0) return { verdict: 'yes', value: 'x' };
  // Each test holds one of its globs: try every choice (a few in practice).
  let choices: (readonly GlobToken[])[][] = [[]];
  for (const any of globs) {
    choices = choices.flatMap(c => any.map(g => [...c, g]));
    if (choices.length > 1000) return { verdict: 'unknown', why: `claim ${claim}: too many pattern combinations to intersect` };
  }
  let complex = false;
  for (const choice of choices) {
    const w = globIntersection(choice);
    if (w === 'too-complex') complex = true;
    else if (w !== undefined) return { verdict: 'yes', value: w };
  }
  return complex ? { verdict: 'unknown', why: `claim ${claim}: the patterns are too complex to intersect` } : no('the patterns have no value in common');
}

/** Does `value` match the glob? */
export function globMatches(glob: readonly GlobToken[], value: string): boolean {
  const chars = Array.from(value);
  let states = closure(glob, new Set([0]));
  for (const ch of chars) {
    states = step(glob, states, ch);
    if (states.size === 0) return false;
  }
  return states.has(glob.length);
}

export function closure(glob: readonly GlobToken[], states: Set<number>): Set<number> {
  const out = new Set(states);
  for (const s of [...out].sort((a, b) => a - b)) {
    let i = s;
    while (i < glob.length && glob[i] === ANY) out.add(++i);
  }
  return out;
}

export function step(glob: readonly GlobToken[], states: Set<number>, ch: string): Set<number> {
  const next = new Set<number>();
  for (const s of states) {
    if (s >= glob.length) continue;
    const t = glob[s];
    if (t === ANY) next.add(s);
    else if (t === ONE || t === ch) next.add(s + 1);
  }
  return closure(glob, next);
}

/** A string matching every glob (shortest, breadth first), undefined when none exists. */
export function globIntersection(globs: readonly (readonly GlobToken[])[]): string | undefined | 'too-complex' {
  const literals = new Set<string>();
  for (const g of globs) for (const t of g) if (typeof t === 'string') literals.add(t);
  // One character no glob names stands for every other character (wildcards only).
  const fresh = [...'xyz0123456789abcdefghijklmnopqrstuvw_-'].find(ch => !literals.has(ch)) ?? '\u00b7';
  const alphabet = [...[...literals].sort(), fresh];
  const start = globs.map(g => closure(g, new Set([0])));
  const key = (ss: Set<number>[]) => ss.map(s => [...s].sort((a, b) => a - b).join(',')).join('|');
  const accept = (ss: Set<number>[]) => ss.every((s, i) => s.has(globs[i].length));
  const seen = new Set([key(start)]);
  let frontier: { ss: Set<number>[]; text: string }[] = [{ ss: start, text: '' }];
  while (frontier.length) {
    const next: typeof frontier = [];
    for (const { ss, text } of frontier) {
      if (accept(ss)) return text;
      for (const ch of alphabet) {
        const moved = ss.map((s, i) => step(globs[i], s, ch));
        if (moved.some(s => s.size === 0)) continue;
        const k = key(moved);
        if (seen.has(k)) continue;
        seen.add(k);
        if (seen.size > MAX_SEARCH) return 'too-complex';
        next.push({ ss: moved, text: text + ch });
      }
    }
    frontier = next;
  }
  return undefined;
}

/** A glob from IAM `StringLike` text (`*`, `?`; `${*}` `${?}` `${$}` literal); undefined for other policy variables. */
export function iamGlob(value: string): GlobToken[] | undefined {
  return iamText(value, true);
}

/** The literal an IAM `StringEquals` value stands for; undefined when it holds a policy variable. */
export function iamLiteral(value: string): string | undefined {
  const g = iamText(value, false);
  return g === undefined ? undefined : g.join('');
}

function iamText(value: string, wildcards: boolean): GlobToken[] | undefined {
  const out: GlobToken[] = [];
  const chars = Array.from(value);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '$' && chars[i + 1] === '{') {
      const end = chars.indexOf('}', i);
      const inner = end < 0 ? undefined : chars.slice(i + 2, end).join('');
      if (inner === '*' || inner === '?' || inner === '$') {
        out.push(inner);
        i = end;
        continue;
      }
      return undefined;
    }
    out.push(wildcards && c === '*' ? ANY : wildcards && c === '?' ? ONE : c);
  }
  return out;
}

/**
 * A glob for an RE2 expression of the shapes conditions use (`(?s)^lit.*lit$`, `^prefix`, escaped
 * literals), else undefined. CEL `matches` is a search, so an unanchored side matches any run.
 */
export function re2Glob(source: string): GlobToken[] | undefined {
  let s = source;
  const flags = /^\(\?([imsU]+)\)/.exec(s);
  if (flags) {
    if (/[imU]/.test(flags[1])) return undefined;
    s = s.slice(flags[0].length);
  }
  const chars = Array.from(s);
  const out: GlobToken[] = [];
  let i = 0;
  if (chars[0] === '^') i = 1;
  else out.push(ANY);
  let end = chars.length;
  let anchoredEnd = false;
  if (chars[end - 1] === '$' && !isEscaped(chars, end - 1)) {
    anchoredEnd = true;
    end--;
  }
  for (; i < end; i++) {
    const c = chars[i];
    if (c === '\\') {
      const n = chars[i + 1];
      // Only punctuation escapes are literals; `\d`, `\w`, `\b`… are classes.
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return undefined;
      out.push(n);
      i++;
    } else if (c === '.') {
      const q = chars[i + 1];
      if (q === '*') { out.push(ANY); i++; } else if (q === '+') { out.push(ONE, ANY); i++; } else if (q === '?' || q === '{') { return undefined; } else { out.push(ONE); }
    } else if ('[](){}|+*?^$'.includes(c)) {
      return undefined;
    } else {
      const q = chars[i + 1];
      if (q === '*' || q === '+' || q === '?' || q === '{') return undefined;
      out.push(c);
    }
  }
  if (!anchoredEnd) out.push(ANY);
  return out;
}

function isEscaped(chars: string[], at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && chars[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** RE2 as a JavaScript RegExp for testing exact values (the syntax both share); undefined otherwise. */
export function jsRegex(source: string): RegExp | undefined {
  let s = source;
  let flags = 'u';
  const f = /^\(\?([ims]+)\)/.exec(s);
  if (f) {
    s = s.slice(f[0].length);
    flags += f[1];
  }
  if (/\(\?|\\[pPQEzAC]|\[\[:/.test(s)) return undefined; // RE2-only syntax
  try {
    return new RegExp(s, flags);
  } catch {
    return undefined;
  }
}

type NetworkResult = { verdict: 'yes'; request?: Witness['request'] } | { verdict: 'no'; why: string };

function solveNetwork(tests: readonly NetworkTest[]): NetworkResult {
  if (tests.length === 0) return { verdict: 'yes' };
  const of = (k: NetworkTest['key']) => tests.filter(t => t.key === k);
  const [ip, vpcIp, vpc, vpce] = [of('aws:SourceIp'), of('aws:VpcSourceIp'), of('aws:SourceVpc'), of('aws:SourceVpce')];
  const no = (why: string): NetworkResult => ({ verdict: 'no', why: `network: ${why}` });
  // aws:SourceIp is present only on the public STS endpoint; the VPC keys only through an endpoint.
  if (ip.length && (vpc.length || vpce.length || vpcIp.length)) return no('a request cannot come from the internet and through a VPC endpoint at once');
  const common = (ts: NetworkTest[]): string[] | undefined => {
    let vs = [...ts[0].values];
    for (const t of ts.slice(1)) vs = vs.filter(v => t.values.includes(v));
    return vs.length ? vs : undefined;
  };
  const address = (ts: NetworkTest[]): string | undefined => {
    const candidates = ts.flatMap(t => t.values).map(cidrsOverlapAt).filter((a): a is string => a !== undefined);
    return candidates.find(a => ts.every(t => ipInCidrs(a, t.values)));
  };
  if (ip.length) {
    const a = address(ip);
    return a === undefined ? no('the allowed source addresses do not overlap') : { verdict: 'yes', request: { sourceIp: a } };
  }
  const request: { sourceIp?: string; awsVpcId?: string; awsVpcEndpointId?: string } = {};
  if (vpce.length) {
    const v = common(vpce);
    if (!v) return no('the allowed VPC endpoints differ');
    request.awsVpcEndpointId = v[0];
  }
  if (vpc.length) {
    const v = common(vpc);
    if (!v) return no('the allowed VPCs differ');
    request.awsVpcId = v[0];
    request.awsVpcEndpointId ??= 'vpce-0123456789abcdef0';
  }
  if (vpcIp.length) {
    const a = address(vpcIp);
    if (a === undefined) return no('the allowed VPC source addresses do not overlap');
    request.sourceIp = a;
    request.awsVpcEndpointId ??= 'vpce-0123456789abcdef0';
  }
  return { verdict: 'yes', request };
}
