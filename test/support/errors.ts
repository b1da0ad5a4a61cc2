import { TrustConfigError } from '../../lib/model/errors';

/** Runs `f`, expects it to throw a TrustConfigError, and returns the error for assertions. */
export function thrownConfigError(f: () => unknown): TrustConfigError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Error('expected a TrustConfigError, but nothing was thrown');
  expect(err).toBeInstanceOf(TrustConfigError);
  return err as TrustConfigError;
}
