/**
 * The CEL compiler: string escaping per the CEL spec, RE2 for globs, claim references, the CEL
 * injection rows of the bad-input matrix (docs/security.md#bad-input-matrix), and the compiled-side refusals.
 * Every expression is checked in @bufbuild/cel, the engine the simulator uses.
 */
import { isCelError, parse, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import fc from 'fast-check';
import { GitHubActions, GitHubSubjectFormat } from '../../lib/ci/github';
import { BOTH_SIZE_HINT } from '../../lib/ci/github/provider-spec';
import { GcpCel } from '../../lib/gcp';
import { celString, claimRef, compilePattern, compileTerms, compileTermsTotal, globRegex } from '../../lib/gcp/cel';
import { Condition } from '../../lib/model/condition';
import { TrustConfigError } from '../../lib/model/errors';
import { matchGlob } from '../../lib/model/glob';
import { Trust } from '../../lib/model/trust';

const evalCel = (expr: string, assertion: Record<string, unknown> = {}) => run(expr, { assertion: assertion as any }, { funcs: strings });
const gh = () => GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', ownerId: '65', repositoryId: '74', subjectFormat: GitHubSubjectFormat.IMMUTABLE });
const SUB = 'repo:octo-org@65/octo-repo@74:ref:refs/heads/main';

describe('celString (CEL string literal escaping)', () => {
  test.each([
    ['plain', 'abc', "'abc'"],
    ['single quote', "a'b", "'a\\'b'"],
    ['double quote', 'a"b', "'a\\\"b'"],
    ['backslash', 'a\\b', "'a\\\\b'"],
    ['trailing backslash', 'a\\', "'a\\\\'"],
    ['escaped quote attempt', "a\\'", "'a\\\\\\''"],
    ['newline, CR, tab', 'a\nb\rc\td', "'a\\nb\\rc\\td'"],
    ['bell, backspace, form feed, vtab', '\x07\b\f\v', "'\\a\\b\\f\\v'"],
    ['other C0 control and DEL', '\x00\x01\x1f\x7f', "'\\x00\\x01\\x1f\\x7f'"],
    ['C1 control', '\u0085', "'\\u0085'"],
    ['Latin-1 and BMP', 'é€', "'\\u00e9\\u20ac'"],
    ['combining mark (NFD é)', 'e\u0301', "'e\\u0301'"],
    ['Cyrillic look-alike', 'рrod', "'\\u0440rod'"],
    ['RTL override, ZWJ', '\u202e\u200d', "'\\u202e\\u200d'"],
    ['astral (emoji)', '🙂', "'\\U0001f642'"],
    ['CEL-ish text stays text', "x' || true || 'y", "'x\\' || true || \\'y'"],
    ['template text', '${x}`?', "'${x}`?'"],
  ])('%s', (_name, input, expected) => {
    const lit = celString(input);
    expect(lit).toBe(expected);
    expect(lit).toMatch(/^[\x20-\x7e]*$/); // printable ASCII only
    expect(evalCel(lit)).toBe(input);
  });

  test('round-trips every valid Unicode string through a real CEL parser', () => {
    const noLoneSurrogate = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter(noLoneSurrogate), (s) => {
      expect(evalCel(`${celString(s)} == assertion.v`, { v: s })).toBe(true);
      expect(evalCel(celString(s))).toBe(s);
    }), { numRuns: 2000 });
  });

  test('refuses a lone surrogate (CEL strings cannot hold one)', () => {
    expect(() => celString('a\ud800b')).toThrow(/lone UTF-16 surrogate \(U\+D800\)/);
    expect(() => celString('\udc00')).toThrow(TrustConfigError);
  });
});

describe('claim references', () => {
  test.each([
    ['sub', 'assertion.sub'],
    ['repository_id', 'assertion.repository_id'],
    ['in', "assertion['in']"],
    ['null', "assertion['null']"],
    ['oidc.circleci.com/project-id', "assertion['oidc.circleci.com/project-id']"],
    ['agent_tag:queue', "assertion['agent_tag:queue']"],
    ["a'b", "assertion['a\\'b']"],
    ['9lives', "assertion['9lives']"],
  ])('%s', (claim, expected) => {
    expect(claimRef(claim)).toBe(expected);
    expect(evalCel(`${expected} == 'v'`, { [claim]: 'v' })).toBe(true);
  });
});

describe('globs', () => {
  test.each([
    [['refs/heads/release/', ''], "assertion.ref.startsWith('refs/heads/release/')"],
    [['', ':step:deploy'], "assertion.ref.endsWith(':step:deploy')"],
    [['a', 'b'], "assertion.ref.matches('(?s)^a.*b$')"],
    [['x.y', '(z)', '[q]'], "assertion.ref.matches('(?s)^x\\\\.y.*\\\\(z\\\\).*\\\\[q\\\\]$')"],
    [['', 'mid', ''], "assertion.ref.matches('(?s)^.*mid.*$')"],
    [['^$', '|+?{}\\'], "assertion.ref.matches('(?s)^\\\\^\\\\$.*\\\\|\\\\+\\\\?\\\\{\\\\}\\\\\\\\$')"],
  ])('%j', (parts, expected) => {
    expect(compilePattern('assertion.ref', { parts })).toBe(expected);
  });

  const hazard = fc.constantFrom('a', 'b', ':', '*', '.', '\\', '(', ')', '[', ']', '^', '$', '|', '+', '?', '{', '}', '\n', 'é', '🙂', "'", '"', '/', '-');
  const text = fc.array(hazard, { maxLength: 6 }).map((a) => a.join(''));

  test('matches exactly what the model matches (including newlines and astral characters)', () => {
    const partsArb = fc.array(text, { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(partsArb, fc.array(text, { maxLength: 4 }), fc.boolean(), (parts, fill, fromPattern) => {
      const g = { parts };
      // Half the values are built from the pattern (should match), half are arbitrary.
      const value = fromPattern ? parts.map((p, i) => p + (i < parts.length - 1 ? (fill[i] ?? '') : '')).join('') : fill.join('');
      const cel = evalCel(compilePattern('assertion.v', g), { v: value });
      expect(isCelError(cel)).toBe(false);
      expect(cel).toBe(matchGlob(g, value));
    }), { numRuns: 3000 });
  });

  test('`*` spans newlines and the anchors hold at a trailing newline', () => {
    const re = globRegex({ parts: ['a', 'b'] });
    expect(evalCel(`assertion.v.matches(${celString(re)})`, { v: 'a\n\nb' })).toBe(true);
    expect(evalCel(`assertion.v.matches(${celString(re)})`, { v: 'a\nb\n' })).toBe(false);
    expect(evalCel(`assertion.v.matches(${celString(re)})`, { v: 'xa b' })).toBe(false);
  });
});

describe('CEL injection (bad-input matrix): escaped, parses, and denies a token carrying the injected text', () => {
  const cases: [string, string][] = [
    ['quote-or-true', "main'||true||'x"],
    ['double-quote-or-true', 'main"||true||"x'],
    ['escaped quote', "a\\'"],
    ['trailing backslash', 'a\\'],
    ['double quote', '"'],
    ['template', '${{ github.event }}'],
    ['closing paren and or', "x') || assertion.sub.startsWith('"],
  ];
  test.each(cases)('%s', (_name, injected) => {
    const trust = gh().onBranch('main').withClaim('event_name', injected).toTrust();
    const cond = GcpCel.attributeCondition([trust]);
    expect(cond).toBe(`string(assertion.event_name) == ${celString(injected)} && assertion.sub == '${SUB}'`);
    expect(() => parse(cond)).not.toThrow();
    // Only the exact injected text as the claim value matches; the pieces of it do not.
    expect(evalCel(cond, { event_name: injected, sub: SUB })).toBe(true);
    for (const piece of ['main', 'x', 'a', '', 'true', injected + ' ']) {
      expect(evalCel(cond, { event_name: piece, sub: SUB })).not.toBe(true);
    }
    expect(evalCel(cond, { event_name: injected, sub: 'repo:evil/evil:ref:refs/heads/main' })).not.toBe(true);
    expect(evalCel(cond, { sub: SUB })).not.toBe(true);
  });

  test('control characters are refused by the model before compilation (CIT-M004)', () => {
    expect(() => gh().onBranch('main').withClaim('event_name', 'push\n|| true').toTrust()).toThrow(/CIT-M004/);
  });
});

describe('compiled-side refusals', () => {
  /** A trust whose condition was swapped after validation: only the compiler's re-check stands. */
  function tampered(trust: Trust, condition: Condition): Trust {
    return Object.assign(Object.create(Object.getPrototypeOf(trust)), trust, { condition });
  }

  test('a condition that pins no identity is refused (CIT-M001 re-checked on the compiled side)', () => {
    const t = tampered(gh().onBranch('main').toTrust(), Condition.exact('event_name', 'push'));
    expect(() => GcpCel.attributeCondition([t])).toThrow(/compiled GCP attribute_condition alternative 1 \(string\(assertion\.event_name\) == 'push'\) pins no GitHub Actions identity.*CIT-M001/);
  });

  test('a sub pattern with a wildcard before the identity is refused', () => {
    const t = tampered(gh().onBranch('main').toTrust(), Condition.like('sub', 'repo:octo-org/*'));
    expect(() => GcpCel.attributeCondition([t])).toThrow(/pins no GitHub Actions identity/);
  });

  test('an always-true or empty condition is refused', () => {
    const t = tampered(gh().onBranch('main').toTrust(), Condition.allOf());
    expect(() => GcpCel.attributeCondition([t])).toThrow(/alternative 1 is empty \(always true\)/);
    const never = tampered(gh().onBranch('main').toTrust(), Condition.anyOf());
    expect(() => GcpCel.attributeCondition([never])).toThrow(/has no alternative/);
    expect(() => GcpCel.attributeCondition([])).toThrow(/always-true/);
  });

  test('U+FFFD in a value is refused (GCP produces it for undecodable token bytes)', () => {
    const t = tampered(gh().onBranch('main').toTrust(), Condition.allOf(Condition.exact('repository_id', '74'), Condition.exact('event_name', 'pu\ufffdsh')));
    expect(() => GcpCel.attributeCondition([t])).toThrow(/U\+FFFD/);
  });

  test('over 4,096 characters is refused with both numbers', () => {
    const branches = Array.from({ length: 60 }, (_, i) => `feature/${'x'.repeat(50)}-${i}`);
    const t = gh().onBranch(...branches).toTrust();
    expect(() => GcpCel.attributeCondition([t])).toThrow(/GCP attribute_condition is \d{4,} characters, over GCP's limit of 4096/);
    // A trust that chose its subject form gets no size hint; one in the default form (both forms) does.
    const fix = (trust: Trust) => { try { GcpCel.attributeCondition([trust]); } catch (e) { return (e as TrustConfigError).fix; } return undefined; };
    expect(fix(t)).toBe('split the trusts over several providers, or pin fewer alternative values per trust');
    const both = GitHubActions.repository({ owner: 'octo-org', repository: 'octo-repo', ownerId: '65', repositoryId: '74' }).onBranch(...branches).toTrust();
    expect(fix(both)).toBe(`split the trusts over several providers, or pin fewer alternative values per trust; or ${BOTH_SIZE_HINT}`);
  });
});

describe('total (never-erroring) form used in attribute mappings', () => {
  test('agrees with the condition where that is defined, and is false where it errors', () => {
    const trust = gh().onBranchPattern('release/*').accept('REF_PATTERN' as any).withClaim('event_name', 'push').toTrust();
    const terms = trust.condition._terms();
    const cond = compileTerms(terms);
    const total = compileTermsTotal(terms);
    const values = fc.oneof(fc.string(), fc.constantFrom<unknown>(undefined, 1, true, null, ['x'], { a: 'b' }, SUB, 'push', 'refs/heads/release/1'));
    fc.assert(fc.property(fc.record({ sub: values, event_name: values, ref: values }), (raw) => {
      const a = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
      const t = evalCel(total, a);
      expect(typeof t).toBe('boolean');
      expect(t).toBe(evalCel(cond, a) === true);
      expect(t).toBe(trust.condition.evaluate(a).matched);
    }), { numRuns: 1000 });
  });
});
