/**
 * The tables of docs/snippets.md, computed from the snippet matrix (test/snippets/cases.ts): for
 * each CI provider × cloud, whether the snippets are verified, or why there is none.
 */
import { CASES } from './cases';
import { Cloud, compile } from './harness';
import { TrustConfigError } from '../../lib/model/errors';

const CLOUDS: [Cloud, string][] = [['aws', 'AWS'], ['gcp', 'GCP'], ['azure', 'Azure']];

type Outcome = { kind: 'verified' } | { kind: 'refused' | 'none'; why: string };

function outcome(c: (typeof CASES)[number], cloud: Cloud): Outcome {
  const refused = c.refused?.[cloud];
  if (refused) return { kind: 'refused', why: refused[1] };
  const unusable = c.unusable?.[cloud];
  if (unusable) return { kind: 'none', why: unusable[1] };
  const r = compile(cloud, c.trust(), c.options);
  if (r instanceof TrustConfigError) throw new Error(`${c.provider}: ${c.name} on ${cloud}: unexpected refusal: ${r.message}`);
  return { kind: 'verified' };
}

const cell = (o: Outcome) => (o.kind === 'verified' ? 'verified' : o.kind === 'refused' ? `refused at synth: ${o.why}` : `no working snippet: ${o.why}`);

/** The Markdown between the docs markers. */
export function snippetTables(): string {
  const rows = CASES.map((c) => ({ c, o: CLOUDS.map(([cloud]) => outcome(c, cloud)) }));
  const providers = [...new Set(CASES.map((c) => c.provider))];
  const summary = providers.map((p) => {
    const mine = rows.filter((r) => r.c.provider === p);
    const cells = CLOUDS.map((_cl, i) => {
      const verified = mine.filter((r) => r.o[i].kind === 'verified').length;
      const why = [...new Set(mine.map((r) => r.o[i]).filter((o) => o.kind !== 'verified').map((o) => (o as { why: string }).why))];
      if (verified === 0) return `none: ${why.join('; ')}`;
      const head = `verified in ${verified === mine.length ? 'all' : verified} of ${mine.length} contexts`;
      return why.length ? `${head}; none where ${why.join('; ')}` : head;
    });
    return `| ${p} | ${cells.join(' | ')} |`;
  });
  const detail = rows.map(({ c, o }) => `| ${c.provider} | ${c.name} | ${o.map(cell).join(' | ')} |`);
  return [
    '<!-- generated from test/snippets/cases.ts: UPDATE_SNIPPET_DOCS=1 npx jest test/snippets/docs.test.ts -->',
    '',
    '| CI provider | AWS | GCP | Azure |',
    '|---|---|---|---|',
    ...summary,
    '',
    'Per context (each row is a case of the matrix):',
    '',
    '| CI provider | Context | AWS | GCP | Azure |',
    '|---|---|---|---|---|',
    ...detail,
  ].join('\n');
}
