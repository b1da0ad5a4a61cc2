/**
 * Builds a review's report and renders it as JSON (schema: docs/review-schema.json); the text
 * forms (Markdown, terminal) are in render-text.ts.
 * Output is a pure function of the input: no timestamps, no absolute paths, stable order.
 */
import { ReviewModel } from './attribution/attribute';
import { Unit, UnitCondition, UnitKind } from './attribution/types';
import { Cloud, CiProvider, cmp, TrustMetadata } from './scan/extract';
import { failsGate, FindingClass, FINDINGS, Severity, severityOf } from './scan/findings';
import { describeIdentity, Finding } from './scan/scanner';
import { MARKDOWN } from './style';

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

/** The finding catalogue as a Markdown table (used by docs/review.md). */
export function renderCatalogueTable(): string {
  return MARKDOWN.table(['Id', 'Class', 'Title', 'Source'], FINDINGS.map(d => [d.id, d.class, d.title, d.source])).join('\n');
}

export { renderMarkdown, renderTerminal } from './render-text';
