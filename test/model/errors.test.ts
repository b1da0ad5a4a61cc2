import * as fc from 'fast-check';
import { GitHubActions, TrustErrors } from '../../lib';
import { TrustConfigError } from '../../lib/model/errors';

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

const repo = { owner: 'acme', repository: 'web', ownerId: '1', repositoryId: '2' };

describe('TrustErrors', () => {
  test('recognizes what a builder throws for bad input and reads its parts', () => {
    const e = caught(() => GitHubActions.repository(repo).toTrust());
    expect(TrustErrors.isTrustConfigError(e)).toBe(true);
    expect(TrustErrors.detailsOf(e)).toEqual({
      where: 'GitHubActions(acme/web)',
      problem: 'no branch, tag, environment or pull request is pinned',
      fix: expect.stringMatching(/^call onBranch\(\)/),
      ruleId: 'CIT-M011',
      message: (e as Error).message,
    });
  });

  test('an error without a rule id has no ruleId field', () => {
    const d = TrustErrors.detailsOf(new TrustConfigError('Here.field', 'it is wrong', 'change it'));
    expect(d).toEqual({ where: 'Here.field', problem: 'it is wrong', fix: 'change it', message: 'Here.field: it is wrong. Fix: change it' });
    expect(Object.keys(d!)).not.toContain('ruleId');
  });

  test('anything else is not a TrustConfigError', () => {
    const lookalike = { name: 'TrustConfigError', where: 'w', problem: 'p', fix: 'f', message: 'w: p. Fix: f' };
    for (const x of [new Error('w: p. Fix: f'), new TypeError('x'), lookalike, 'w: p. Fix: f', null, undefined, 0, {}]) {
      expect(TrustErrors.isTrustConfigError(x)).toBe(false);
      expect(TrustErrors.detailsOf(x)).toBeUndefined();
    }
  });

  test('recognizes an error from another copy of the package (where instanceof fails)', () => {
    let Other: typeof TrustConfigError | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      Other = require('../../lib/model/errors').TrustConfigError;
    });
    const e = new Other!('w', 'p', 'f', 'CIT-M001');
    expect(e).not.toBeInstanceOf(TrustConfigError);
    expect(TrustErrors.isTrustConfigError(e)).toBe(true);
    expect(TrustErrors.detailsOf(e)?.ruleId).toBe('CIT-M001');
  });

  test('parseMessage reads the parts back from the message (what other jsii languages get)', () => {
    const e = caught(() => GitHubActions.repository(repo).toTrust()) as TrustConfigError;
    expect(TrustErrors.parseMessage(e.message)).toEqual(TrustErrors.detailsOf(e));
    expect(TrustErrors.parseMessage('w: p. Fix: f')).toEqual({ where: 'w', problem: 'p', fix: 'f', message: 'w: p. Fix: f' });
    for (const other of ['', 'plain text', 'w: no fix given', 'Fix: f', 'w: p Fix: f']) expect(TrustErrors.parseMessage(other)).toBeUndefined();
  });

  test('parseMessage inverts the message for any where without ": " and problem/fix without ". Fix: "', () => {
    const text = fc.string({ minLength: 1, maxLength: 30 });
    const where = text.filter((s) => !s.includes(': ') && !s.includes('\n') && !s.endsWith(':'));
    const free = text.filter((s) => !s.includes('. Fix: ') && !/ \[[A-Z][A-Z0-9]*-[A-Z0-9-]+\]$/.test(s));
    const rule = fc.option(fc.constantFrom('CIT-M001', 'CIT-AWS-014', 'CIT-GCP-003'), { nil: undefined });
    fc.assert(fc.property(where, free, free, rule, (w, p, f, r) => {
      const e = new TrustConfigError(w, p, f, r);
      expect(TrustErrors.parseMessage(e.message)).toEqual(TrustErrors.detailsOf(e));
    }));
  });
});
