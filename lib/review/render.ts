/**
 * Renders a review as Markdown (for pull requests) or JSON (schema: docs/review-schema.json).
 * Output is a pure function of the input: no timestamps, no absolute paths, stable order.
 */
import { ReviewModel } from './attribution/attribute';
import { Unit, UnitCondition, UnitKind } from './attribution/types';
import { Cloud, CiProvider, cmp, TrustMetadata } from './scan/extract';
import { findProviderSpec } from '../ci/registry';
import { failsGate, FindingClass, FINDINGS, Severity, severityOf } from './scan/findings';
import { describeIdentity, Finding } from './scan/scanner';

/** Bump the major version on breaking changes to the JSON shape (docs/review.md § Versioning). */
export const REVIEW_SCHEMA_VERSION = '2.0.0';
export const REVIEW_SCHEMA_ID = 'https://ci-oidc-trust.dev/schemas/review/v2.json';

export type ConditionReport = UnitCondition;

/** A principal some token of a trust relationship gets through. */
export interface UseReport {
  /** A `principals[].id`. */
  id: string;
  cloud: Cloud;
  /** The principal in words. */
  principal: string;
  permissions: string[];
  /** `admitted`: a token of the trust passes the principal's gate; `possibly`: not decided (`why`). */
  certainty: 'admitted' | 'possibly';
  /** The gate: `statement N`, `member … through provider …`, `credential …`. */
  via: string;
  /** The principal is on the resource (role, pool, identity) the trust relationship is on. */
  own: boolean;
  why?: string;
}

export interface TrustReport {
  id: string;
  cloud: Cloud;
  kind: UnitKind;
  file: string;
  resource: string;
  resourceType: string;
  statement: number | null;
  principal: string;
  issuer: string | null;
  ciProvider: CiProvider;
  identity: string;
  audiences: string[];
  canUse: UseReport[];
  conditions: ConditionReport[];
  network: string[];
  notes: string[];
  findings: string[];
  metadata: TrustMetadata | null;
}

export interface PrincipalReport {
  id: string;
  cloud: Cloud;
  file: string;
  resource: string;
  resourceType: string;
  principal: string;
  permissions: string[];
  /** Who can use it: the trust relationships (`trusts[].id`) some token of which gets through. */
  usedBy: { trust: string; certainty: 'admitted' | 'possibly'; via: string }[];
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
  summary: { files: number; trusts: number; principals: number; errors: number; warnings: number; declaredWarnings: number; skipped?: number; failOn: Severity; result: 'pass' | 'fail' };
  trusts: TrustReport[];
  principals: PrincipalReport[];
  findings: FindingReport[];
}

/** How the review gates: `--fail-on` (default `error`) and `--skip` (finding ids that neither count nor gate). */
export interface GateOptions {
  readonly failOn?: Severity;
  readonly skip?: readonly string[];
  /** "Not analysable" gates and is reported as an error (the trust cannot be judged safe). */
  readonly strict?: boolean;
}

/** The sentence for "Who": the declared one, else each part's (one per alternative). */
function identityOf(u: Unit): string {
  if (u.metadata?.description) return u.metadata.description;
  return [...new Set(u.parts.map(describeIdentity))].join('; or ');
}

/**
 * Assembles the report (the JSON document; Markdown is rendered from it). Warnings count the
 * warning findings and the warnings the trusts declare (shown under "Declared by ci-oidc-trust");
 * only findings gate.
 */
export function buildReport(input: string, files: string[], model: ReviewModel, gate: GateOptions = {}): ReviewReport {
  const { units, principals, attributions, findings } = model;
  const failOn = gate.failOn ?? 'error';
  const skip = new Set(gate.skip ?? []);
  const strict = { strict: gate.strict === true };
  const severity = (f: Finding) => severityOf(f.class, strict);
  const counted = findings.filter(f => !skip.has(f.id));
  const errors = counted.filter(f => severity(f) === 'error').length;
  const skipped = findings.length - counted.length;
  const fail = counted.some(f => failsGate(f.class, failOn, strict));
  const declaredWarnings = units.reduce((n, u) => n + (u.metadata?.warnings.length ?? 0), 0);
  const byId = new Map(principals.map(p => [p.id, p]));
  const homeOf = new Map(units.map(u => [u.id, u.homeKey]));
  return {
    $schema: REVIEW_SCHEMA_ID,
    schemaVersion: REVIEW_SCHEMA_VERSION,
    tool: { name: 'ci-oidc-trust', command: 'review' },
    input,
    files: [...files].sort(),
    summary: {
      files: files.length,
      trusts: units.length,
      principals: principals.length,
      errors,
      warnings: counted.length - errors + declaredWarnings,
      declaredWarnings,
      ...(skipped ? { skipped } : {}),
      failOn,
      result: fail ? 'fail' : 'pass',
    },
    trusts: units.map(u => ({
      id: u.id,
      cloud: u.cloud,
      kind: u.kind,
      file: u.file,
      resource: u.resource,
      resourceType: u.resourceType,
      statement: u.statement ?? null,
      principal: u.home,
      issuer: u.issuer ?? null,
      ciProvider: u.ciProvider,
      identity: identityOf(u),
      audiences: [...u.audiences],
      canUse: attributions.filter(a => a.unit === u.id).map(a => {
        const p = byId.get(a.principal)!;
        return {
          id: p.id,
          cloud: p.cloud,
          principal: p.label,
          permissions: [...p.permissions],
          certainty: a.certainty,
          via: a.via,
          own: p.homeKey === u.homeKey && (u.ownGate?.(a.via) ?? true),
          ...(a.why ? { why: a.why } : {}),
        };
      }).sort((a, b) => Number(b.own) - Number(a.own) || cmp(a.id, b.id)),
      conditions: u.conditions,
      network: [...u.network],
      notes: [...u.notes],
      findings: [...new Set(findings.filter(f => f.trust === u.id).map(f => f.id))].sort(),
      metadata: u.metadata ?? null,
    })),
    principals: principals.map(p => ({
      id: p.id,
      cloud: p.cloud,
      file: p.file,
      resource: p.resource,
      resourceType: p.resourceType,
      principal: p.label,
      permissions: [...p.permissions],
      usedBy: attributions.filter(a => a.principal === p.id).map(a => ({ trust: a.unit, certainty: a.certainty, via: a.via }))
        .sort((a, b) => Number(homeOf.get(b.trust) === p.homeKey) - Number(homeOf.get(a.trust) === p.homeKey) || cmp(a.trust, b.trust)),
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

/** What the section title adds after the resource: the declared trust, the statement, the alternative. */
function titleSuffix(t: TrustReport): string {
  if (t.kind === 'declared' && t.metadata) return ` › trust ${code(t.metadata.id)}`;
  if (t.statement !== null) return ` statement ${t.statement}`;
  const alt = /#alternative-(\d+)$/.exec(t.id);
  return alt ? ` alternative ${alt[1]}` : '';
}

function useLine(u: UseReport): string {
  const perms = u.permissions.length ? ` — ${u.permissions.map(text).join('; ')}` : '';
  const how = u.own ? '' : ` (through ${message(u.via)})`;
  if (u.certainty === 'possibly') return `- possibly ${text(u.principal)}${perms}${how}: ${message(u.why ?? 'not decided')}`;
  return `- ${text(u.principal)}${perms}${how}`;
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
  const declared = s.declaredWarnings ? ` (${s.declaredWarnings} declared by ci-oidc-trust)` : '';
  lines.push(`**${verdict}**${gate}: ${s.trusts} trust relationship${s.trusts === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'}; ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${declared}${skippedText}.`, '');

  report.trusts.forEach((t, i) => {
    lines.push(`## ${i + 1}. ${code(t.file)} › ${code(t.resource)}${titleSuffix(t)}`, '');
    lines.push(`- **Cloud principal (${CLOUD_LABEL[t.cloud]}):** ${text(t.principal)}`);
    lines.push(`- **Issuer:** ${t.issuer ? code(t.issuer) : 'unresolved'} (${providerLabel(t.ciProvider)})`);
    lines.push(`- **Who:** ${message(t.identity)}`);
    if (t.audiences.length) lines.push(`- **Audiences:** ${t.audiences.map(code).join(', ')}`);
    lines.push('', '**Can use**', '');
    if (t.canUse.length === 0) lines.push('- nothing in this review');
    for (const u of t.canUse) lines.push(useLine(u));
    lines.push('', '**Conditions**', '');
    if (t.conditions.length === 0) lines.push('- none');
    for (const c of t.conditions) lines.push(`- ${conditionLine(c)}`);
    lines.push('', '**Network restrictions**', '');
    if (t.network.length === 0) lines.push('- none');
    for (const n of t.network) lines.push(`- ${code(n)}`);
    if (t.notes.length) {
      lines.push('', '**Notes**', '');
      for (const n of t.notes) lines.push(`- ${message(n)}`);
    }
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

  if (report.principals.length) {
    const number = new Map(report.trusts.map((t, i) => [t.id, i + 1]));
    lines.push('## Who can use what', '', '| Principal | Permissions | Used by |', '|---|---|---|');
    for (const p of report.principals) {
      const used = p.usedBy.map(u => `${u.certainty === 'possibly' ? 'possibly ' : ''}${number.get(u.trust)}`).join(', ') || 'no trust relationship in this review';
      lines.push(`| ${cell(text(p.principal))} (${code(p.resource)}) | ${cell(p.permissions.map(text).join('; ')) || '-'} | ${used} |`);
    }
    lines.push('');
  }

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
  const alt = 'alternative' in c && c.alternative !== undefined ? `(alternative ${c.alternative}) ` : '';
  switch (c.kind) {
    case 'iam': return `${alt}${code(c.operator)} ${code(c.key)} ${c.values.length === 1 ? '=' : 'any of'} ${c.values.map(code).join(', ') || '(no values)'}`;
    case 'cel': return `${alt}${c.field}: ${code(c.expression)}`;
    case 'attribute-mapping': return `mapping ${code(c.attribute)} = ${code(c.expression)}`;
    case 'subject': return `${alt}subject = ${code(c.value)} (${code(c.resource)})`;
    case 'claims-expression': return `${alt}claimsMatchingExpression: ${code(c.expression)} (${code(c.resource)})`;
    case 'federated-principal': return `${alt}Federated principal ${code(c.value)}`;
  }
}

/** The finding catalogue as a Markdown table (used by docs/review.md). */
export function renderCatalogueTable(): string {
  const rows = FINDINGS.map(d => `| ${d.id} | ${d.class} | ${cell(d.title)} | ${cell(d.source)} |`);
  return ['| Id | Class | Title | Source |', '|---|---|---|---|', ...rows].join('\n');
}
