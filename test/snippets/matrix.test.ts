/**
 * Every snippet, for every CI provider × cloud × context in test/snippets/cases.ts, is
 * - valid: each YAML file parses strictly (eemeli/yaml), env files are KEY=value lines;
 * - safe: no command prints a credential or the token;
 * - complete: it names the principal and what the cloud needs (region, service account, tenant,
 *   subscription, cloud environment);
 * - verified: the token the configured job would carry (test/snippets/emulators.ts, from the
 *   vendors' token grammars) is admitted by the compiled trust, as lib/testing simulates it;
 * and the near misses (a pinned input dropped or changed in the snippet) give a token it denies.
 * Clouds that cannot express a trust refuse it with the provider's fix.
 */
import { Case, CASES } from './cases';
import { credentialLeaks, snippetFiles } from './files';
import { Cloud, compile, Compiled } from './harness';
import { TrustConfigError } from '../../lib/model/errors';

const CLOUDS: Cloud[] = ['aws', 'gcp', 'azure'];

describe.each(CASES.map((c) => [`${c.provider}: ${c.name}`, c] as [string, Case]))('%s', (_name, c) => {
  describe.each(CLOUDS)('%s', (cloud) => {
    const result = compile(cloud, c.trust(), c.options);
    const refusal = c.refused?.[cloud];
    if (refusal) {
      test('refused, with the provider\'s fix', () => {
        expect(result).toBeInstanceOf(TrustConfigError);
        expect((result as TrustConfigError).fix).toMatch(refusal[0]);
      });
      return;
    }
    test('compiles', () => {
      if (result instanceof TrustConfigError) throw result;
    });
    if (result instanceof TrustConfigError) return;
    const compiled = result as Compiled;
    const text = compiled.snippet;

    test('valid: every file parses', () => {
      const files = snippetFiles(text);
      expect(files.length).toBeGreaterThan(0);
    });

    test('safe: nothing prints a credential', () => {
      expect(credentialLeaks(text)).toEqual([]);
    });

    test('complete: the principal and what the cloud needs', () => {
      expect(text).toContain(compiled.expect.principal);
      for (const t of compiled.expect.texts) expect(text).toMatch(new RegExp(t));
      expect(text).not.toMatch(/us-east-1/); // never a hard-coded region
    });

    const unusable = c.unusable?.[cloud];
    if (unusable) {
      test('says why no job can be configured for this cloud, and no emulated token is admitted', () => {
        expect(snippetFiles(text).flatMap((f) => f.notes).join('\n')).toMatch(unusable[0]);
        for (const run of c.runs(text)) expect(compiled.admits(run.claims).allowed).toBe(false);
      });
      return;
    }

    test('verified: the configured job\'s token is admitted', () => {
      const runs = c.runs(text);
      expect(runs.length).toBeGreaterThan(0);
      for (const run of runs) {
        const r = compiled.admits(run.claims);
        if (!r.allowed) throw new Error(`${run.label}: denied: ${r.reasons.join('; ')}\nclaims: ${JSON.stringify(run.claims)}\n${text}`);
      }
    });

    for (const [miss, edit, only] of c.nearMisses ?? []) {
      if (only && !only.includes(cloud)) continue;
      test(`near miss denied: ${miss}`, () => {
        let edited: string;
        try {
          edited = edit(text);
        } catch (e) {
          // An edit that does not apply on this cloud's snippet (no such line) checks nothing here.
          if (/is not in the snippet/.test(String(e))) return;
          throw e;
        }
        // The edited input changes at least one run's token, and the trust denies that run.
        const runs = c.runs(edited);
        expect(runs.length).toBeGreaterThan(0);
        expect(runs.filter((run) => !compiled.admits(run.claims).allowed).map((r) => r.label)).not.toEqual([]);
      });
    }
  });
});
