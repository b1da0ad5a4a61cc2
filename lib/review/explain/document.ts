/**
 * What `ci-oidc-trust explain` prints: one versioned JSON document (docs/explain-schema.json) and
 * its Markdown rendering. The claims are printed as given; the raw JWT never is.
 */
import { ExplainedPrincipal, ExplainNetwork } from './judge';
import { TokenForm, TokenProblem } from './token';
import type { SimulationFailure } from '../../testing';
import { MARKDOWN, Style } from '../style';

/** The schema version of the JSON document; a breaking change bumps the major (docs/review.md#explain). */
export const EXPLAIN_SCHEMA_VERSION = '1.0.0';

export const SIGNATURE_NOTE = 'The token\'s signature is NOT checked: the claims are judged as given (decoded, not verified).';

export interface ExplainFailure extends SimulationFailure {
  /** The failure in words, for people. */
  readonly explanation: string;
}

export const EXPLAIN_SCHEMA_ID = 'https://ci-oidc-trust.dev/schemas/explain/v1.json';

export interface ExplainDocument {
  readonly $schema: string;
  readonly schemaVersion: string;
  readonly tool: { readonly name: 'ci-oidc-trust'; readonly command: 'explain' };
  readonly path: string;
  readonly token: {
    readonly source: string;
    readonly form: TokenForm;
    readonly signatureChecked: false;
    readonly note: string;
    readonly claims: Record<string, unknown>;
    readonly problems: TokenProblem[];
  };
  readonly request: ExplainNetwork;
  readonly summary: { principals: number; allowed: number; denied: number; otherIssuer: number; notSimulated: number };
  readonly principals: (Omit<ExplainedPrincipal, 'failures'> & { failures: ExplainFailure[] })[];
}

export function explainDocument(args: {
  path: string;
  source: string;
  form: TokenForm;
  claims: Record<string, unknown>;
  problems: TokenProblem[];
  network: ExplainNetwork;
  principals: ExplainedPrincipal[];
}): ExplainDocument {
  const count = (v: ExplainedPrincipal['verdict']) => args.principals.filter((p) => p.verdict === v).length;
  const request: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.network)) if (v !== undefined) request[k] = v;
  return {
    $schema: EXPLAIN_SCHEMA_ID,
    schemaVersion: EXPLAIN_SCHEMA_VERSION,
    tool: { name: 'ci-oidc-trust', command: 'explain' },
    path: args.path,
    token: { source: args.source, form: args.form, signatureChecked: false, note: SIGNATURE_NOTE, claims: args.claims, problems: args.problems },
    request,
    summary: { principals: args.principals.length, allowed: count('allowed'), denied: count('denied'), otherIssuer: count('other-issuer'), notSimulated: count('not-simulated') },
    principals: args.principals.map((p) => ({ ...p, failures: p.failures.map((f) => ({ ...f, explanation: explainFailure(f) })) })),
  };
}

/** One failed check in words: what was compared, what the token (or request) has, what is allowed. */
export function explainFailure(f: SimulationFailure): string {
  const at = f.element !== undefined ? `${f.element}: ` : '';
  if (f.falseTerms?.length) return `${at}${f.check} is ${f.actual ?? 'not true'}; not true: ${f.falseTerms.join('; ')}`;
  if (f.actual === undefined || f.expected === undefined) return `${at}${f.message}`;
  if (f.check === 'member') return `member: the exchanged identity has ${f.actual}, the grant's member is ${f.expected}`;
  if (f.expected === 'true') return `${at}${f.check} is ${f.actual}`;
  const who = f.claim !== undefined || ['iss', 'sub', 'aud'].includes(f.check) ? 'token' : 'request';
  const has = f.actual.startsWith('absent') ? `${who}: ${f.actual}` : `${who} has ${f.actual}`;
  const allowed = /^(one|none) of \[/.test(f.expected) ? `${f.expected.startsWith('one') ? 'allowed' : 'must not be'} ${valuesOf(f.expected.slice(f.expected.indexOf('[')))}`
    : f.expected.startsWith('one of ') ? `allowed ${f.expected.slice('one of '.length)}`
      : f.expected.startsWith('none of ') ? `must not be ${f.expected.slice('none of '.length)}`
        : f.expected.startsWith('contains ') ? `must contain ${f.expected.slice('contains '.length)}`
          : `expected ${f.expected}`;
  const note = /case-insensitively/.test(f.message) ? ' (the same but for case: matching is case-sensitive)' : '';
  return `${at}${f.check}: ${has}, ${allowed}${note}`;
}

/** A JSON list of values as `"a", "b"`; the text as is when it is not one. */
function valuesOf(list: string): string {
  try {
    const v = JSON.parse(list);
    if (Array.isArray(v)) return v.map((x) => JSON.stringify(x)).join(', ');
  } catch {
    // not a JSON list: shown as written
  }
  return list;
}

const VERDICT_WORDS: Record<ExplainedPrincipal['verdict'], string> = {
  'allowed': 'Allowed',
  'denied': 'Denied (closest first)',
  'other-issuer': 'Other issuer',
  'not-simulated': 'Not simulated',
};

/** The explanation as Markdown, or in another style (the terminal's, style.ts). */
export function renderExplainMarkdown(doc: ExplainDocument, st: Style = MARKDOWN): string {
  const out: string[] = [st.h1('ci-oidc-trust explain'), ''];
  const form = doc.token.form === 'jwt' ? 'a JWT (payload decoded)' : 'a JSON object of claims';
  out.push(`Token: ${form}, from ${st.code(doc.token.source)}. ${st.strong(st.severity('warning', doc.token.note))}`, '');
  out.push(...st.block('json', JSON.stringify(doc.token.claims, null, 2)), '');
  if (doc.token.problems.length) {
    out.push(`${st.strong('Token problems')}:`, '');
    for (const p of doc.token.problems) out.push(`- ${st.message(p.message)}`);
    out.push('');
  }
  const req = Object.entries(doc.request).map(([k, v]) => `${k} ${st.code(String(v))}`);
  out.push(`Request: ${req.length ? req.join(', ') : 'no network origin given (AWS: the public STS endpoint, no source IP)'}.`, '');
  const s = doc.summary;
  out.push(`${s.principals} principal${s.principals === 1 ? '' : 's'} under ${st.code(doc.path)}: ${s.allowed} allowed, ${s.denied} denied, ${s.otherIssuer} of another issuer, ${s.notSimulated} not simulated.`);
  for (const verdict of ['allowed', 'denied', 'other-issuer', 'not-simulated'] as const) {
    const ps = doc.principals.filter((p) => p.verdict === verdict);
    if (ps.length === 0) continue;
    out.push('', st.h2(VERDICT_WORDS[verdict]), '');
    for (const p of ps) {
      const head = `${st.strong(st.text(p.label))} (${st.code(p.id)})`;
      if (verdict === 'allowed') {
        out.push(`- ${head}: ${st.severity('pass', 'allowed')} by ${p.via.map(st.text).join(' and ')}`);
      } else if (verdict === 'other-issuer') {
        out.push(`- ${head}: trusts ${p.issuers.length ? p.issuers.map(st.code).join(', ') : 'another issuer'}, not ${st.code(String(doc.token.claims.iss))}`);
      } else if (verdict === 'not-simulated') {
        out.push(`- ${head}: ${p.notes.map(st.text).join('; ')}`);
      } else {
        out.push(`- ${head}: ${st.severity('error', 'denied')}, ${p.failures.length} failed check${p.failures.length === 1 ? '' : 's'}:`);
        for (const f of p.failures) out.push(`  - ${st.text(f.explanation)}`);
      }
      if (verdict !== 'not-simulated') for (const n of p.notes) out.push(`  - note: ${st.text(n)}`);
    }
  }
  out.push('');
  return out.join('\n');
}

