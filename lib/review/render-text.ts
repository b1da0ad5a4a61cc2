/**
 * The review as text, line by line, in a style: Markdown for pull requests, files and pipes, or the
 * terminal style (style.ts). Output is a pure function of the report: no timestamps, no absolute
 * paths, stable order.
 */
import type { ConditionReport, ReviewReport, TrustReport, UseReport } from './render';
import { findProviderSpec } from '../ci/registry';
import { uniqSorted } from '../model/text';
import type { Cloud, CiProvider } from './scan/extract';
import { FindingClass, FINDINGS } from './scan/findings';
import { MARKDOWN, Style, terminalStyle } from './style';

const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };
const CLASS_LABEL: Record<FindingClass, string> = { 'error': 'error', 'warning': 'warning', 'broken': 'broken', 'not-analysable': 'not analysable' };

function providerLabel(provider: CiProvider): string {
  return findProviderSpec(provider)?.reviewLabel ?? 'unknown CI provider';
}

/** The review as Markdown (pull-request comments, job summaries, files, pipes). */
export function renderMarkdown(report: ReviewReport): string {
  return renderText(report, MARKDOWN);
}

/** The review for a terminal: the same lines without Markdown syntax; `color` adds ANSI styles. */
export function renderTerminal(report: ReviewReport, opts: { color: boolean }): string {
  return renderText(report, terminalStyle(opts.color));
}

function renderText(report: ReviewReport, st: Style): string {
  const lines: string[] = [];
  const s = report.summary;
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  lines.push(st.h1('ci-oidc-trust review'), '');
  if (s.trusts === 0) {
    lines.push(`no trust relationships found in ${plural(s.files, 'file')}.`, '');
    return lines.join('\n');
  }
  const verdict = s.result === 'fail' ? st.severity('error', 'FAIL') : st.severity('pass', 'PASS');
  const gate = s.failOn === 'warning' ? ' (failing on warnings)' : '';
  const skippedText = s.skipped ? `, ${s.skipped} skipped` : '';
  const declared = s.declaredWarnings ? ` (${s.declaredWarnings} declared by ci-oidc-trust)` : '';
  lines.push(`${st.strong(verdict)}${gate}: ${plural(s.trusts, 'trust relationship')} in ${plural(s.files, 'file')}; ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${declared}${skippedText}.`, '');

  report.trusts.forEach((t, i) => {
    lines.push(st.h2(`${i + 1}. ${st.code(t.file)} › ${st.code(t.resource)}${titleSuffix(t, st)}`), '');
    lines.push(`- ${st.strong(`Cloud principal (${CLOUD_LABEL[t.cloud]}):`)} ${st.text(t.principal)}`);
    lines.push(`- ${st.strong('Issuer:')} ${t.issuer ? st.code(t.issuer) : 'unresolved'} (${providerLabel(t.ciProvider)})`);
    lines.push(`- ${st.strong('Who:')} ${st.message(t.identity)}`);
    if (t.audiences.length) lines.push(`- ${st.strong('Audiences:')} ${t.audiences.map(st.code).join(', ')}`);
    lines.push('', st.strong('Can use'), '');
    if (t.canUse.length === 0) lines.push('- nothing in this review');
    for (const u of t.canUse) lines.push(useLine(u, st));
    lines.push('', st.strong('Conditions'), '');
    if (t.conditions.length === 0) lines.push('- none');
    for (const c of t.conditions) lines.push(`- ${conditionLine(c, st)}`);
    lines.push('', st.strong('Network restrictions'), '');
    if (t.network.length === 0) lines.push('- none');
    for (const n of t.network) lines.push(`- ${st.code(n)}`);
    if (t.notes.length) {
      lines.push('', st.strong('Notes'), '');
      for (const n of t.notes) lines.push(`- ${st.message(n)}`);
    }
    if (t.metadata) {
      lines.push('', st.strong('Declared by ci-oidc-trust'), '');
      lines.push(`- ${st.text(t.metadata.description)}`);
      for (const w of t.metadata.warnings) lines.push(`- ${st.severity('warning', 'warning')} ${st.code(w.id)}: ${st.text(w.message)}`);
      for (const w of t.metadata.widenings) lines.push(`- widening: ${st.text(w)}`);
      if (t.metadata.ciSnippet) lines.push('', ...st.snippet('CI snippet', 'yaml', t.metadata.ciSnippet.replace(/\s+$/, '')));
    }
    lines.push('', st.strong('Findings'), '');
    const fs = report.findings.filter(f => f.trust === t.id);
    if (fs.length === 0) lines.push('- none');
    for (const f of fs) {
      const label = f.skipped ? `skipped ${CLASS_LABEL[f.class]}` : st.severity(f.severity, CLASS_LABEL[f.class]);
      lines.push(`- ${st.strong(label)} ${st.code(f.id)} ${st.message(f.title)}: ${st.message(f.message)}`);
    }
    lines.push('');
  });

  if (report.principals.length) {
    const number = new Map(report.trusts.map((t, i) => [t.id, i + 1]));
    const rows = report.principals.map((p) => {
      const used = p.usedBy.map(u => `${u.certainty === 'possibly' ? 'possibly ' : ''}${number.get(u.trust)}`).join(', ') || 'no trust relationship in this review';
      return [`${st.text(p.principal)} (${st.code(p.resource)})`, p.permissions.map(st.text).join('; ') || '-', used];
    });
    lines.push(st.h2('Who can use what'), '', ...st.table(['Principal', 'Permissions', 'Used by'], rows), '');
  }

  const used = uniqSorted(report.findings.map(f => f.id));
  if (used.length) {
    const rows = FINDINGS.filter(x => used.includes(x.id)).map((d) => [d.id, d.class, st.prose(d.title), st.prose(d.fix)]);
    lines.push(st.h2('Finding reference'), '', ...st.table(['Id', 'Class', 'Title', 'Fix'], rows), '');
  }
  return lines.join('\n');
}

/** What the section title adds after the resource: the declared trust, the statement, the alternative. */
function titleSuffix(t: TrustReport, st: Style): string {
  if (t.kind === 'declared' && t.metadata) return ` › trust ${st.code(t.metadata.id)}`;
  if (t.statement !== null) return ` statement ${t.statement}`;
  const alt = /#alternative-(\d+)$/.exec(t.id);
  return alt ? ` alternative ${alt[1]}` : '';
}

function useLine(u: UseReport, st: Style): string {
  const perms = u.permissions.length ? ` — ${u.permissions.map(st.text).join('; ')}` : '';
  const how = u.own ? '' : ` (through ${st.message(u.via)})`;
  if (u.certainty === 'possibly') return `- possibly ${st.text(u.principal)}${perms}${how}: ${st.message(u.why ?? 'not decided')}`;
  return `- ${st.text(u.principal)}${perms}${how}`;
}

function conditionLine(c: ConditionReport, st: Style): string {
  const alt = 'alternative' in c && c.alternative !== undefined ? `(alternative ${c.alternative}) ` : '';
  const code = st.code;
  switch (c.kind) {
    case 'iam': return `${alt}${code(c.operator)} ${code(c.key)} ${c.values.length === 1 ? '=' : 'any of'} ${c.values.map(code).join(', ') || '(no values)'}`;
    case 'cel': return `${alt}${c.field}: ${code(c.expression)}`;
    case 'attribute-mapping': return `mapping ${code(c.attribute)} = ${code(c.expression)}`;
    case 'subject': return `${alt}subject = ${code(c.value)} (${code(c.resource)})`;
    case 'claims-expression': return `${alt}claimsMatchingExpression: ${code(c.expression)} (${code(c.resource)})`;
    case 'federated-principal': return `${alt}Federated principal ${code(c.value)}`;
  }
}
