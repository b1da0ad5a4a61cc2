/* eslint-disable @typescript-eslint/no-require-imports */
import { TrustConfigError } from '../../model/errors';

/** The CEL engine the GCP simulator runs the synthesized expressions in. */
export interface CelEngine {
  readonly parse: (expr: string) => any;
  readonly plan: (env: any, parsed: any) => (ctx: any) => any;
  readonly env: any;
  readonly isCelError: (v: unknown) => boolean;
}

let cached: CelEngine | undefined;

/**
 * Load `@bufbuild/cel` on first use: it is optional and not a jsii module (so not a peer
 * dependency), and only GcpTrustSimulator needs it. A real CEL engine, not our compiler's
 * reading of CEL (lib/gcp/cel.ts), so the simulator stays an independent oracle.
 */
export function celEngine(): CelEngine {
  if (cached) return cached;
  try {
    // eslint-disable-next-line import/no-extraneous-dependencies
    const cel = require('@bufbuild/cel');
    // eslint-disable-next-line import/no-extraneous-dependencies
    const ext = require('@bufbuild/cel/ext');
    cached = { parse: cel.parse, plan: cel.plan, env: cel.celEnv({ funcs: ext.strings }), isCelError: cel.isCelError };
  } catch (e) {
    // Node's message for a missing module carries the whole require stack: say only what failed.
    const err = e as NodeJS.ErrnoException;
    const why = err?.code === 'MODULE_NOT_FOUND' ? 'it is not installed (an optional dependency)' : String(err?.message ?? e).split('\n')[0];
    throw new TrustConfigError('GcpTrustSimulator', `cannot load @bufbuild/cel: ${why}`, 'install it: npm install --save-dev @bufbuild/cel@^0.6.1');
  }
  return cached!;
}
