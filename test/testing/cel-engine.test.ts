/**
 * @bufbuild/cel is optional: without it the GCP simulator (and `explain` on GCP principals) says so
 * in one line with the fix, not with Node's require stack (found running explain from the packed
 * tarball in a fresh CDKTF app).
 */
test('a missing @bufbuild/cel is one clear line with the fix', () => {
  jest.isolateModules(() => {
    jest.doMock('@bufbuild/cel', () => {
      const e = new Error("Cannot find module '@bufbuild/cel'\nRequire stack:\n- /app/node_modules/ci-oidc-trust/lib/testing/gcp/cel-engine.js") as NodeJS.ErrnoException;
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { celEngine } = require('../../lib/testing/gcp/cel-engine');
    expect(() => celEngine()).toThrow('GcpTrustSimulator: cannot load @bufbuild/cel: it is not installed (an optional dependency). Fix: install it: npm install --save-dev @bufbuild/cel@^0.6.1');
    try {
      celEngine();
    } catch (e) {
      expect((e as Error).message).not.toContain('Require stack');
    }
  });
});
