/**
 * Renders a review as Markdown (for pull requests) or JSON (schema: docs/review-schema.json).
 * Output is a pure function of the input: no timestamps, no absolute paths, stable order.
 */
import { Cloud, CiProvider, TrustMetadata, TrustRelationship } from './scan/extract';
import { findProviderSpec } from '../ci/registry';
import { failsGate, FindingClass, FINDINGS, Severity, severityOf } from './scan/findings';
import { describeIdentity, Finding } from './scan/scanner';

/** Bump the major version on breaking changes to the JSON shape (docs/review.md § Versioning). */
export const REVIEW_SCHEMA_VERSION = '1.1.0';
export const REVIEW_SCHEMA_ID = 'https://ci-oidc-trust.dev/schemas/review/v1.json';

export type ConditionReport =
  | { kind: 'iam'; operator: string; key: string; values: string[] }
  | { kind: 'cel'; field: 'attribute_condition'; expression: string }
  | { kind: 'attribute-mapping'; attribute: string; expression: string }
  | { kind: 'grant'; resource: string; role: string; member: string }
  | { kind: 'subject'; value: string }
  | { kind: 'claims-expression'; expression: string }
  | { kind: 'federated-principal'; value: string };

export interface TrustReport {
  id: string;
  cloud: Cloud;
  file: string;
  resource: string;
  resourceType: string;
  statement: number | null;
  principal: string;
  issuer: string | null;
  ciProvider: CiProvider;
  identity: string;
  audiences: string[];
  conditions: ConditionReport[];
  network: string[];
  findings: string[];
  metadata: TrustMetadata | null;
}

export interface FindingReport {
  id: string;
  /** The finding's class (docs/review.md#severity); `severity` is the level it gates at. */
  class: FindingClass;
  severity: Severity;
  cloud: Cloud;
  title: string;
  trust: string;
  file: string;
  resource: string;
  statement: number | null;
  message: string;
  fix: string;
  /** Named with `--skip`: reported, but neither counted nor gating. */
  skipped?: true;
}

export interface ReviewReport {
  $schema: string;
  schemaVersion: string;
  tool: { name: 'ci-oidc-trust'; command: 'review' };
  input: string;
  files: string[];
  summary: { files: number; trusts: number; errors: number; warnings: number; skipped?: number; failOn: Severity; result: 'pass' | 'fail' };
  trusts: TrustReport[];
  findings: FindingReport[];
}

function conditionsOf(t: TrustRelationship): ConditionReport[] {
  const out: ConditionReport[] = [];
  if (t.aws) {
    for (const f of t.aws.federated) out.push({ kind: 'federated-principal', value: f });
    for (const c of t.aws.conditions) out.push({ kind: 'iam', operator: c.operator, key: c.key, values: [...c.values] });
  }
  if (t.gcp) {
    if (t.gcp.attributeCondition !== undefined) out.push({ kind: 'cel', field: 'attribute_condition', expression: t.gcp.attributeCondition });
    for (const k of Object.keys(t.gcp.attributeMapping).sort()) out.push({ kind: 'attribute-mapping', attribute: k, expression: t.gcp.attributeMapping[k] });
    for (const g of t.gcp.grants) out.push({ kind: 'grant', resource: g.resource, role: g.role, member: g.member });
  }
  if (t.azure) {
    if (t.azure.kind === 'fic') out.push({ kind: 'subject', value: t.azure.subject ?? '' });
    else out.push({ kind: 'claims-expression', expression: t.azure.claimsMatchingExpression ?? '' });
    for (const r of t.azure.roleAssignments) out.push({ kind: 'grant', resource: r.resource, role: r.role, member: `${t.azure.identity} on ${r.scope}${r.condition ? ` if ${r.condition}` : ''}` });
  }
  return out;
}

/** How the review gates: `--fail-on` (default `error`) and `--skip` (finding ids that neither count nor gate). */
export interface GateOptions {
  readonly failOn?: Severity;
  readonly skip?: readonly string[];
  /** "Not analysable" gates and is reported as an error (the trust cannot be judged safe). */
  readonly strict?: boolean;
}

/** Assembles the report (the JSON document; Markdown is rendered from it). */
export function buildReport(input: string, files: string[], trusts: TrustRelationship[], findings: Finding[], gate: GateOptions = {}): ReviewReport {
  const failOn = gate.failOn ?? 'error';
  const skip = new Set(gate.skip ?? []);
  const strict = { strict: gate.strict === true };
  const severity = (f: Finding) => severityOf(f.class, strict);
  const counted = findings.filter(f => !skip.has(f.id));
  const errors = counted.filter(f => severity(f) === 'error').length;
  const skipped = findings.length - counted.length;
  const fail = counted.some(f => failsGate(f.class, failOn, strict));
  return {
    $schema: REVIEW_SCHEMA_ID,
    schemaVersion: REVIEW_SCHEMA_VERSION,
    tool: { name: 'ci-oidc-trust', command: 'review' },
    input,
    files: [...files].sort(),
    summary: { files: files.length, trusts: trusts.length, errors, warnings: counted.length - errors, ...(skipped ? { skipped } : {}), failOn, result: fail ? 'fail' : 'pass' },
    trusts: trusts.map(t => ({
      id: t.id,
      cloud: t.cloud,
      file: t.file,
      resource: t.resource,
      resourceType: t.resourceType,
      statement: t.statement ?? null,
      principal: t.principal,
      issuer: t.issuer ?? null,
      ciProvider: t.ciProvider,
      identity: describeIdentity(t),
      audiences: [...t.audiences],
      conditions: conditionsOf(t),
      network: [...t.network],
      findings: [...new Set(findings.filter(f => f.trust === t.id).map(f => f.id))].sort(),
      metadata: t.metadata ?? null,
    })),
    findings: findings.map(f => ({
      id: f.id,
      class: f.class,
      severity: severity(f),
      cloud: f.cloud,
      title: f.title,
      trust: f.trust,
      file: f.file,
      resource: f.resource,
      statement: f.statement ?? null,
      message: f.message,
      fix: f.fix,
      ...(skip.has(f.id) ? { skipped: true as const } : {}),
    })),
  };
}

export function renderJson(report: ReviewReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface MarkdownOptions {
  /** Wrap severities in ANSI colours (terminal only). */
  readonly color?: boolean;
}

const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };
const CLASS_LABEL: Record<FindingClass, string> = { 'error': 'error', 'warning': 'warning', 'broken': 'broken', 'not-analysable': 'not analysable' };

function providerLabel(provider: CiProvider): string {
  return findProviderSpec(provider)?.reviewLabel ?? 'unknown CI provider';
}

/** An inline code span that survives backticks in the value. */
export function code(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map(r => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || s === '' ? ' ' : '';
  return `${fence}${pad}${s.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/** Markdown text outside code spans: neutralize characters that would start markup. */
function text(s: string): string {
  return s.replace(/([\\*_[\]<>|])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** Messages carry their own code spans (`…`); keep them, escape the rest. */
function message(s: string): string {
  return s.split(/(`[^`]*`)/).map((part, i) => (i % 2 === 1 ? part : text(part))).join('');
}

export function renderMarkdown(report: ReviewReport, opts: MarkdownOptions = {}): string {
  const paint = (sev: Severity, s: string) => (opts.color ? `${sev === 'error' ? '\x1b[31m' : '\x1b[33m'}${s}\x1b[0m` : s);
  const lines: string[] = [];
  const s = report.summary;
  lines.push('# ci-oidc-trust review', '');
  if (s.trusts === 0) {
    lines.push(`no trust relationships found in ${s.files} file${s.files === 1 ? '' : 's'}.`, '');
    return lines.join('\n');
  }
  const verdict = s.result === 'fail' ? paint('error', 'FAIL') : 'PASS';
  const gate = s.failOn === 'warning' ? ' (failing on warnings)' : '';
  const skippedText = s.skipped ? `, ${s.skipped} skipped` : '';
  lines.push(`**${verdict}**${gate}: ${s.trusts} trust relationship${s.trusts === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'}; ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${skippedText}.`, '');

  report.trusts.forEach((t, i) => {
    const stmt = t.statement === null ? '' : ` statement ${t.statement}`;
    lines.push(`## ${i + 1}. ${code(t.file)} › ${code(t.resource)}${stmt}`, '');
    lines.push(`- **Cloud principal (${CLOUD_LABEL[t.cloud]}):** ${text(t.principal)}`);
    lines.push(`- **Issuer:** ${t.issuer ? code(t.issuer) : 'unresolved'} (${providerLabel(t.ciProvider)})`);
    lines.push(`- **Who:** ${message(t.identity)}`);
    if (t.audiences.length) lines.push(`- **Audiences:** ${t.audiences.map(code).join(', ')}`);
    lines.push('', '**Conditions**', '');
    if (t.conditions.length === 0) lines.push('- none');
    for (const c of t.conditions) lines.push(`- ${conditionLine(c)}`);
    lines.push('', '**Network restrictions**', '');
    if (t.network.length === 0) lines.push('- none');
    for (const n of t.network) lines.push(`- ${code(n)}`);
    if (t.metadata) {
      lines.push('', '**Declared by ci-oidc-trust**', '');
      lines.push(`- ${text(t.metadata.description)}`);
      for (const w of t.metadata.warnings) lines.push(`- warning ${code(w.id)}: ${text(w.message)}`);
      for (const w of t.metadata.widenings) lines.push(`- widening: ${text(w)}`);
      if (t.metadata.ciSnippet) {
        const fence = '`'.repeat(Math.max(3, ...(t.metadata.ciSnippet.match(/`+/g) ?? []).map(r => r.length + 1)));
        lines.push('', '<details><summary>CI snippet</summary>', '', `${fence}yaml`, t.metadata.ciSnippet.replace(/\s+$/, ''), fence, '', '</details>');
      }
    }
    lines.push('', '**Findings**', '');
    const fs = report.findings.filter(f => f.trust === t.id);
    if (fs.length === 0) lines.push('- none');
    for (const f of fs) {
      const label = f.skipped ? `skipped ${CLASS_LABEL[f.class]}` : paint(f.severity, CLASS_LABEL[f.class]);
      lines.push(`- **${label}** ${code(f.id)} ${message(f.title)}: ${message(f.message)}`);
    }
    lines.push('');
  });

  const used = [...new Set(report.findings.map(f => f.id))].sort();
  if (used.length) {
    lines.push('## Finding reference', '', '| Id | Class | Title | Fix |', '|---|---|---|---|');
    for (const d of FINDINGS.filter(x => used.includes(x.id))) {
      lines.push(`| ${d.id} | ${d.class} | ${cell(d.title)} | ${cell(d.fix)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function conditionLine(c: ConditionReport): string {
  switch (c.kind) {
    case 'iam': return `${code(c.operator)} ${code(c.key)} ${c.values.length === 1 ? '=' : 'any of'} ${c.values.map(code).join(', ') || '(no values)'}`;
    case 'cel': return `${c.field}: ${code(c.expression)}`;
    case 'attribute-mapping': return `mapping ${code(c.attribute)} = ${code(c.expression)}`;
    case 'grant': return `grant ${code(c.role)} to ${code(c.member)} (${code(c.resource)})`;
    case 'subject': return `subject = ${code(c.value)}`;
    case 'claims-expression': return `claimsMatchingExpression: ${code(c.expression)}`;
    case 'federated-principal': return `Federated principal ${code(c.value)}`;
  }
}

/** The finding catalogue as a Markdown table (used by docs/review.md). */
export function renderCatalogueTable(): string {
  const rows = FINDINGS.map(d => `| ${d.id} | ${d.class} | ${cell(d.title)} | ${cell(d.source)} |`);
  return ['| Id | Class | Title | Source |', '|---|---|---|---|', ...rows].join('\n');
}
