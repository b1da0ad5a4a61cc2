/**
 * The attribution's decision procedure (lib/review/attribution/constraints.ts) on its own: exact
 * values, globs and their intersection, RE2 read as globs, IAM escapes, list claims, session tags
 * and networks; a "yes" always comes with a token that passes every test.
 */
import { ANY, conjoin, globIntersection, globMatches, iamGlob, iamLiteral, ONE, re2Glob, solve, TAGS_CLAIM } from '../../lib/review/attribution/constraints';
import { conditionConjs, mappedValueConjs, parseMappingOf } from '../../lib/review/attribution/read-cel';

const g = (s: string) => iamGlob(s)!;

test('globs: matching and intersection (the shortest common string, or none)', () => {
  expect(globMatches(g('repo:acme/*:ref:*'), 'repo:acme/web:ref:refs/heads/main')).toBe(true);
  expect(globMatches(g('repo:acme/?'), 'repo:acme/ab')).toBe(false);
  expect(globIntersection([g('repo:acme/*'), g('*:ref:refs/heads/main')])).toBe('repo:acme/:ref:refs/heads/main');
  expect(globIntersection([g('repo:acme/*'), g('repo:other/*')])).toBeUndefined();
  expect(globIntersection([g('a*b'), g('*c')])).toBeUndefined();
  expect(globIntersection([g('a?'), g('?b')])).toBe('ab');
});

test('IAM text: ${*} ${?} ${$} are literals; other policy variables are not read', () => {
  expect(iamGlob('a${*}b*')).toEqual(['a', '*', 'b', ANY]);
  expect(iamLiteral('x${?}y${$}')).toBe('x?y$');
  expect(iamLiteral('${aws:username}')).toBeUndefined();
});

test('RE2: the anchored globs conditions use are read exactly; anything else is left to exact values', () => {
  expect(re2Glob('(?s)^organization:acme:pipeline:deploy:ref:.*$')).toEqual([...'organization:acme:pipeline:deploy:ref:', ANY]);
  expect(re2Glob('^a\\.b.c$')).toEqual(['a', '.', 'b', ONE, 'c']);
  expect(re2Glob('main')).toEqual([ANY, ...'main', ANY]); // matches is a search
  expect(re2Glob('^(main|dev)$')).toBeUndefined();
  expect(solve({ tests: [{ kind: 'regex', claim: 'ref', source: '^refs/heads/(main|dev)$' }, { kind: 'eq', claim: 'ref', values: ['refs/heads/x', 'refs/heads/dev'] }] })).toEqual({ verdict: 'yes', witness: { claims: { ref: 'refs/heads/dev' } } });
  expect(solve({ tests: [{ kind: 'regex', claim: 'ref', source: '^refs/heads/(main|dev)$' }] }).verdict).toBe('unknown');
});

test('a claim cannot be a list and a single value; undecided tests make "unknown", never "yes"', () => {
  expect(solve({ tests: [{ kind: 'contains', claim: 'ctx', value: 'a' }, { kind: 'eq', claim: 'ctx', values: ['a'] }] }).verdict).toBe('no');
  expect(solve({ tests: [{ kind: 'contains', claim: 'ctx', value: 'a' }, { kind: 'contains', claim: 'ctx', value: 'b' }] })).toEqual({ verdict: 'yes', witness: { claims: { ctx: ['a', 'b'] } } });
  expect(solve({ tests: [{ kind: 'eq', claim: 'sub', values: ['a'] }], opaque: ['`size(x) > 1`'] }).verdict).toBe('unknown');
  expect(solve({ tests: [{ kind: 'eq', claim: 'sub', values: ['a'] }, { kind: 'eq', claim: 'sub', values: ['b'] }], opaque: ['x'] }).verdict).toBe('no');
});

test('session tags: required by one side and forbidden by the other is no token; required puts them in the witness', () => {
  const tagged = { tests: [{ kind: 'eq' as const, claim: 'pipeline_id', values: ['p1'], tag: true }], tags: 'required' as const };
  expect(solve(conjoin(tagged, { tests: [], tags: 'forbidden' })).verdict).toBe('no');
  const yes = solve(tagged);
  expect(yes.verdict === 'yes' && yes.witness.claims[TAGS_CLAIM]).toEqual({ principal_tags: { pipeline_id: ['p1'] } });
});

test('networks: overlapping CIDRs give an address in both; the internet and a VPC endpoint exclude each other', () => {
  const ip = (values: string[]) => ({ tests: [], network: [{ key: 'aws:SourceIp' as const, values }] });
  expect(solve(conjoin(ip(['10.0.0.0/8']), ip(['10.1.0.0/16'])))).toEqual({ verdict: 'yes', witness: { claims: {}, request: { sourceIp: '10.1.0.0' } } });
  expect(solve(conjoin(ip(['10.0.0.0/8']), ip(['192.168.0.0/16']))).verdict).toBe('no');
  expect(solve(conjoin(ip(['10.0.0.0/8']), { tests: [], network: [{ key: 'aws:SourceVpce', values: ['vpce-1'] }] })).verdict).toBe('no');
});

test('CEL: a member attribute K/V selects the tokens whose mapping of K yields V', () => {
  const mapping = parseMappingOf({ 'attribute.trust_x': "(assertion.sub == 'a' || assertion.sub.startsWith('b:')) ? 'p' : '-'", 'attribute.repo': 'assertion.repository' });
  expect(mappedValueConjs('attribute.trust_x', 'p', mapping).map((c) => solve(c))).toEqual([
    { verdict: 'yes', witness: { claims: { sub: 'a' } } },
    { verdict: 'yes', witness: { claims: { sub: 'b:' } } },
  ]);
  expect(mappedValueConjs('attribute.trust_x', 'q', mapping)).toEqual([]);
  expect(mappedValueConjs('attribute.repo', 'acme/web', mapping).map((c) => solve(c))).toEqual([{ verdict: 'yes', witness: { claims: { repository: 'acme/web' } } }]);
  expect(solve(mappedValueConjs('attribute.none', 'x', mapping)[0]).verdict).toBe('no');
  const cond = conditionConjs("string(assertion.ref) == 'refs/heads/main' && (assertion.sub == 'x' || 'ctx' in assertion.contexts)", mapping);
  expect(cond.map((c) => solve(c))).toEqual([
    { verdict: 'yes', witness: { claims: { ref: 'refs/heads/main', sub: 'x' } } },
    { verdict: 'yes', witness: { claims: { contexts: ['ctx'], ref: 'refs/heads/main' } } },
  ]);
});
