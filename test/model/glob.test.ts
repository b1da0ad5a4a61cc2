import fc from 'fast-check';
import { globPrefix, globSource, isWildcard, literalGlob, matchGlob, parseGlob } from '../../lib/model/glob';

const m = (pattern: string, value: string) => matchGlob(parseGlob(pattern), value);

describe('parseGlob / globSource', () => {
  test('parts between wildcards', () => {
    expect(parseGlob('refs/heads/release/*').parts).toEqual(['refs/heads/release/', '']);
    expect(parseGlob('*').parts).toEqual(['', '']);
    expect(parseGlob('').parts).toEqual(['']);
    expect(parseGlob('a*b*c').parts).toEqual(['a', 'b', 'c']);
    expect(parseGlob('*a*').parts).toEqual(['', 'a', '']);
  });

  test('escapes: \\* is a literal star, \\\\ a literal backslash; nothing else is an escape', () => {
    expect(parseGlob('a\\*b').parts).toEqual(['a*b']);
    expect(parseGlob('a\\\\*').parts).toEqual(['a\\', '']);
    expect(parseGlob('a\\\\\\*').parts).toEqual(['a\\*']);
    expect(() => parseGlob('a\\b')).toThrow('invalid escape at 1 in pattern "a\\\\b": only \\* and \\\\ are escapes');
    expect(() => parseGlob('a\\')).toThrow(/invalid escape at 1/);
    expect(() => parseGlob('\\?')).toThrow(/invalid escape/);
  });

  test('? is a literal (no single-character wildcard)', () => {
    expect(parseGlob('a?c').parts).toEqual(['a?c']);
    expect(m('a?c', 'abc')).toBe(false);
    expect(m('a?c', 'a?c')).toBe(true);
  });

  test('** collapses to one wildcard (one canonical form)', () => {
    expect(parseGlob('a**b').parts).toEqual(['a', 'b']);
    expect(parseGlob('***').parts).toEqual(['', '']);
    expect(globSource(parseGlob('a***b'))).toBe('a*b');
    // an escaped star next to a wildcard is not collapsed
    expect(parseGlob('a*\\**b').parts).toEqual(['a', '*', 'b']);
    expect(globSource(parseGlob('a*\\**b'))).toBe('a*\\**b');
  });

  test('globSource escapes literal stars and backslashes', () => {
    expect(globSource({ parts: ['a*b', 'c\\'] })).toBe('a\\*b*c\\\\');
    expect(globSource(literalGlob('x*'))).toBe('x\\*');
    expect(parseGlob(globSource({ parts: ['a*b', 'c\\'] })).parts).toEqual(['a*b', 'c\\']);
  });

  test('helpers', () => {
    expect(isWildcard(parseGlob('a*'))).toBe(true);
    expect(isWildcard(parseGlob('a\\*'))).toBe(false);
    expect(globPrefix(parseGlob('repo:a/b:*'))).toBe('repo:a/b:');
    expect(globPrefix(literalGlob('x'))).toBe('x');
  });
});

describe('matchGlob', () => {
  test('anchored at both ends', () => {
    expect(m('ab*', 'xab')).toBe(false);
    expect(m('*ab', 'abx')).toBe(false);
    expect(m('ab', 'ab')).toBe(true);
    expect(m('ab', 'abc')).toBe(false);
  });

  test('* matches any sequence, including none, ":" "/" and newlines', () => {
    expect(m('repo:a/b:*', 'repo:a/b:')).toBe(true);
    expect(m('repo:a/b:*', 'repo:a/b:ref:refs/heads/x:y')).toBe(true);
    expect(m('a*b', 'a\nb')).toBe(true);
    expect(m('*', '')).toBe(true);
  });

  test('prefix and suffix may not overlap', () => {
    expect(m('a*a', 'a')).toBe(false);
    expect(m('a*a', 'aa')).toBe(true);
    expect(m('a*a', 'aba')).toBe(true);
    expect(m('ab*ba', 'aba')).toBe(false);
    expect(m('ab*ba', 'abba')).toBe(true);
  });

  test('middle parts: in order, non-overlapping, within prefix and suffix', () => {
    expect(m('*ab*ab*', 'ab')).toBe(false);
    expect(m('*ab*ab*', 'aab')).toBe(false);
    expect(m('*ab*ab*', 'abab')).toBe(true);
    expect(m('*ab*ab*', 'aba')).toBe(false);
    expect(m('*ab*ab*', 'xabyabz')).toBe(true);
    expect(m('x*ab*y', 'xaby')).toBe(true);
    expect(m('x*ab*b', 'xab')).toBe(false); // the middle 'ab' would eat the suffix 'b'
    expect(m('a*b*c', 'acb')).toBe(false);
    expect(m('a*aa*a', 'aaa')).toBe(false);
    expect(m('a*aa*a', 'aaaa')).toBe(true);
  });

  test('astral characters are atomic for a well-formed pattern', () => {
    expect(m('😀*', '😀x')).toBe(true);
    expect(m('*😀', 'x😀')).toBe(true);
    expect(m('a*😀*b', 'a😀😀b')).toBe(true);
    expect(m('e\u0301*', 'é')).toBe(false); // NFD vs NFC are different strings
  });
});

// ---------------------------------------------------------------------------------------------
// Properties against a regex reference.
// ---------------------------------------------------------------------------------------------

const FRAGMENTS = ['', 'a', 'b', 'ab', 'aa', ':', '/', '*', '\\', '?', '.', '$', '(', '[', '\n', 'é', '😀'];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 3 }).map((x) => x.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const partsArb = fc.array(text, { minLength: 1, maxLength: 5 });

function escapeGlob(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\*/g, '\\*');
}
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
function refMatch(parts: string[], v: string): boolean {
  return new RegExp(`^${parts.map(escapeRegex).join('[\\s\\S]*')}$`, 'u').test(v);
}
/** The canonical parts: empty middle parts are `**`, which collapses. */
function canonicalParts(parts: string[]): string[] {
  if (parts.length <= 2) return parts;
  return [parts[0], ...parts.slice(1, -1).filter((p) => p !== ''), parts[parts.length - 1]];
}

describe('glob properties', () => {
  test('parse(source(parts)) gives the canonical parts; source(parse(s)) is stable', () => {
    fc.assert(fc.property(partsArb, (parts) => {
      const source = parts.map(escapeGlob).join('*');
      const g = parseGlob(source);
      expect(g.parts).toEqual(canonicalParts(parts));
      expect(parseGlob(globSource(g)).parts).toEqual(g.parts);
      expect(globSource(parseGlob(globSource(g)))).toBe(globSource(g));
    }), { numRuns: 3000 });
  });

  test('matchGlob agrees with an anchored regex built from the escaped parts', () => {
    // Values built around the parts (so matches are common), plus random text.
    const case_ = partsArb.chain((parts) => fc.tuple(
      fc.constant(parts),
      fc.oneof(
        fc.array(text, { minLength: parts.length + 1, maxLength: parts.length + 1 }).map((fill) => parts.map((p, i) => (i === 0 ? p : fill[i] + p)).join('')),
        fc.array(text, { minLength: parts.length + 1, maxLength: parts.length + 1 }).map((fill) => parts.map((p, i) => fill[i] + p).join('') + fill[parts.length]),
        text,
        fc.constant(parts.join('')),
      ),
    ));
    let hits = 0;
    fc.assert(fc.property(case_, ([parts, value]) => {
      const got = matchGlob(parseGlob(parts.map(escapeGlob).join('*')), value);
      expect(got).toBe(refMatch(parts, value));
      if (got) hits++;
    }), { numRuns: 3000 });
    expect(hits).toBeGreaterThan(500);
  });
});
