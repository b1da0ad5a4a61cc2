/** The shared text helpers: the short ids are the first hex digits of SHA-256, on every Node. */
import { createHash } from 'crypto';
import fc from 'fast-check';
import { shortHash } from '../../lib/model/text';

test('shortHash is the first hex digits of the SHA-256 of the UTF-8 text (fingerprints and resource names depend on it)', () => {
  expect(shortHash('')).toBe('e3b0c442');
  expect(shortHash('abc', 16)).toBe('ba7816bf8f01cfea');
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 64 }), (s, n) => {
    expect(shortHash(s, n)).toBe(createHash('sha256').update(s).digest('hex').slice(0, n));
  }), { numRuns: 500 });
});
