/**
 * The review as SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), for
 * GitHub code scanning and other SARIF consumers: one rule per catalogue entry (help text with the
 * rationale, fix and sources; a link where the source has a public URL), one result per finding
 * with the file and, where the input format has positions, the region of the resource; fingerprints
 * from what the finding is (rule, file, resource, statement, message), never from line numbers, so
 * an alert survives edits elsewhere in the file. Deterministic, like the other renderers.
 */
import { createHash } from 'crypto';
import { ReviewReport } from './render';
import { Region, TrustRelationship } from './scan/extract';
import { FINDINGS, FindingDefinition } from './scan/findings';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The partialFingerprints key; bump the suffix if what goes into the fingerprint changes. */
export const FINGERPRINT_KEY = 'ciOidcTrustFinding/v1';

export interface SarifOptions {
  /** The URI of a scanned file (relative to the repository root for code scanning). */
  readonly uriOf?: (file: string) => string;
  /** The extracted trusts, for the regions of their resources. */
  readonly trusts?: readonly TrustRelationship[];
  /** The tool version written into the log. */
  readonly version?: string;
}

const TOOL_URI = 'https://www.npmjs.com/package/ci-oidc-trust';

/** `https://…` URLs named in a finding's sources. */
function urls(source: string): string[] {
  return source.split('; ').map(s => /https:\/\/\S+$/.exec(s)?.[0]).filter((u): u is string => u !== undefined);
}

function rule(d: FindingDefinition) {
  const sources = d.source.split('; ');
  const links = sources.map(s => {
    const u = /https:\/\/\S+$/.exec(s)?.[0];
    if (u) return `- [${s.slice(0, s.length - u.length).trim() || u}](${u})`;
    return `- \`${s}\` (in the ci-oidc-trust repository)`;
  });
  const help = `${d.rationale}\n\nFix: ${d.fix}\n\nSources: ${d.source}`;
  const helpUri = urls(d.source)[0];
  return {
    id: d.id,
    name: d.id.replace(/-/g, ''),
    shortDescription: { text: d.title },
    fullDescription: { text: d.rationale },
    help: { text: help, markdown: `**${d.title}** (${d.severity})\n\n${d.rationale}\n\n**Fix:** ${d.fix}\n\n**Sources**\n\n${links.join('\n')}` },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: d.severity },
    properties: {
      'tags': ['security', 'oidc', d.cloud],
      'precision': 'high',
      // GitHub code scanning ranks security alerts by this (0.0–10.0).
      'security-severity': d.severity === 'error' ? '8.0' : '5.0',
    },
  };
}

function sarifRegion(r: Region) {
  return {
    startLine: r.startLine,
    startColumn: r.startColumn,
    ...(r.endLine !== undefined ? { endLine: r.endLine } : {}),
    ...(r.endColumn !== undefined ? { endColumn: r.endColumn } : {}),
  };
}

export function fingerprint(parts: { id: string; file: string; resource: string; statement: number | null; message: string }): string {
  return createHash('sha256').update([parts.id, parts.file, parts.resource, String(parts.statement ?? ''), parts.message].join('\u0000')).digest('hex').slice(0, 32);
}

/** The SARIF log of a review (a JSON-serializable object). */
export function buildSarif(report: ReviewReport, opts: SarifOptions = {}) {
  const uriOf = opts.uriOf ?? ((f: string) => f);
  const regions = new Map((opts.trusts ?? []).filter(t => t.region).map(t => [t.id, t.region!]));
  const index = new Map(FINDINGS.map((d, i) => [d.id, i]));
  const results = report.findings.map(f => {
    const region = regions.get(f.trust);
    return {
      ruleId: f.id,
      ruleIndex: index.get(f.id as FindingDefinition['id'])!,
      // A skipped finding stays visible, below the gate (docs/review.md, gate flags).
      level: f.skipped ? 'note' : f.severity,
      message: { text: `${f.title}: ${f.message} Fix: ${f.fix}` },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: uriOf(f.file) },
          ...(region ? { region: sarifRegion(region) } : {}),
        },
        logicalLocations: [{ fullyQualifiedName: f.statement === null ? f.resource : `${f.resource}#${f.statement}`, kind: 'resource' }],
      }],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f) },
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'ci-oidc-trust',
          informationUri: TOOL_URI,
          ...(opts.version ? { semanticVersion: opts.version, version: opts.version } : {}),
          rules: FINDINGS.map(rule),
        },
      },
      artifacts: report.files.map(f => ({ location: { uri: uriOf(f) } })),
      results,
      columnKind: 'utf16CodeUnits',
      properties: { summary: report.summary },
    }],
  };
}

export function renderSarif(report: ReviewReport, opts: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(report, opts), null, 2)}\n`;
}
