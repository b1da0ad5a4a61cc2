/**
 * How a review's text is written: Markdown (a pipe, a file, a pull-request comment) or a terminal
 * (headings, colour by severity, no Markdown escapes). The renderer (render-text.ts) says *what*
 * goes on each line once; a style says how it looks, so the two outputs cannot drift apart.
 */
import type { Severity } from './scan/findings';

export interface Style {
  h1(s: string): string;
  h2(s: string): string;
  h3(s: string): string;
  /** A bold label, such as `Who:` or a sub-heading. */
  strong(s: string): string;
  /** A literal value (a claim, an ARN, an id). */
  code(s: string): string;
  /** Plain text from the artifact or a message: never read as markup. */
  text(s: string): string;
  /** A message that carries its own `code spans`. */
  message(s: string): string;
  /** Our own Markdown prose (the finding catalogue's titles and fixes), already written for Markdown. */
  prose(s: string): string;
  /** A severity or verdict word. */
  severity(sev: Severity | 'pass', s: string): string;
  /** A table: Markdown rows, or one aligned entry per row on a terminal. */
  table(head: string[], rows: string[][]): string[];
  /** A collapsible block of code (the CI snippet). */
  snippet(summary: string, lang: string, body: string): string[];
  /** A block of code (a token's claims), indented by `indent`. */
  block(lang: string, body: string, indent?: string): string[];
}

/** Control characters from an artifact or a token are shown escaped (`\x1b`): a terminal, or a pipe into one, must never receive them. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r?\n/g, ' ').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** An inline code span that survives backticks in the value. */
export function markdownCode(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map(r => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || s === '' ? ' ' : '';
  return `${fence}${pad}${printable(s)}${pad}${fence}`;
}

/** Markdown text outside code spans: neutralize characters that would start markup (a stray backtick opens a span). */
function markdownText(s: string): string {
  return printable(s).replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Messages carry their own code spans (`…`); keep them, style the rest as text. */
function splitSpans(s: string, text: (x: string) => string, code: (x: string) => string): string {
  return s.split(/(`[^`]*`)/).map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1)) : text(part))).join('');
}

export const MARKDOWN: Style = {
  h1: (s) => `# ${s}`,
  h2: (s) => `## ${s}`,
  h3: (s) => `### ${s}`,
  strong: (s) => `**${s}**`,
  code: markdownCode,
  text: markdownText,
  // Keep the message's own spans byte for byte (a span with a backtick inside stays as written).
  message: (s) => s.split(/(`[^`]*`)/).map((part, i) => (i % 2 === 1 ? part : markdownText(part))).join(''),
  prose: (s) => s,
  severity: (_sev, s) => s,
  table: (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)],
  snippet: (summary, lang, body) => {
    const fence = '`'.repeat(Math.max(3, ...(body.match(/`+/g) ?? []).map(r => r.length + 1)));
    return [`<details><summary>${summary}</summary>`, '', `${fence}${lang}`, body, fence, '', '</details>'];
  },
  block: (lang, body, indent = '') => {
    const fence = '`'.repeat(Math.max(3, ...(body.match(/`+/g) ?? []).map(r => r.length + 1)));
    return [`${fence}${lang}`, ...body.split('\n').map(printable), fence].map((l) => `${indent}${l}`);
  },
};

const SGR = { bold: '1', underline: '4', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

/** The terminal style: no Markdown syntax; with `color`, ANSI bold, underline and colours by severity. */
export function terminalStyle(color: boolean): Style {
  const sgr = (codes: string[], s: string) => (color ? `\x1b[${codes.join(';')}m${s}\x1b[0m` : s);
  const code = (s: string) => sgr([SGR.cyan], printable(s));
  const text = printable;
  return {
    h1: (s) => sgr([SGR.bold, SGR.underline], s),
    h2: (s) => sgr([SGR.bold], s),
    h3: (s) => sgr([SGR.bold], s),
    strong: (s) => sgr([SGR.bold], s),
    code,
    text,
    message: (s) => splitSpans(s, text, code),
    prose: (s) => splitSpans(s, text, code),
    severity: (sev, s) => sgr(sev === 'error' ? [SGR.bold, SGR.red] : sev === 'warning' ? [SGR.yellow] : [SGR.bold, SGR.green], s),
    table: (head, rows) => rows.map((r) => `  ${r.map((c, i) => (i === 0 ? c : `${sgr([SGR.dim], `${head[i]}:`)} ${c}`)).join('  ')}`),
    snippet: (summary, _lang, body) => [sgr([SGR.dim], `${summary}:`), ...body.split('\n').map((l) => `    ${printable(l)}`)],
    block: (_lang, body, indent = '') => body.split('\n').map((l) => `${indent}    ${printable(l)}`),
  };
}
