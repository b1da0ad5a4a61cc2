/**
 * The README's rule and limit tables and docs/limits.md's per-cloud tables, generated from the data
 * (lib/model/rules.ts, lib/model/limits.ts, lib/<cloud>/limits.ts). `npx projen docs:tables` writes
 * them between `<!-- NAME:start -->` and `<!-- NAME:end -->`; test/docs/tables.test.ts fails when a
 * committed table differs from the data.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AWS_LIMITS } from '../lib/aws/limits';
import { AZURE_LIMITS } from '../lib/azure/limits';
import { GCP_LIMITS } from '../lib/gcp/limits';
import { formatLimit, LimitSpec, MODEL_LIMITS } from '../lib/model/limits';
import { RULES, RULE_IDS } from '../lib/model/rules';

const ROOT = path.join(__dirname, '..');

/** The limits of one scope, in declaration order. */
export const LIMIT_SCOPES: Record<'model' | 'aws' | 'gcp' | 'azure', { title: string; limits: Record<string, LimitSpec> }> = {
  aws: { title: 'AWS', limits: AWS_LIMITS },
  gcp: { title: 'GCP', limits: GCP_LIMITS },
  azure: { title: 'Azure', limits: AZURE_LIMITS },
  model: { title: 'Model', limits: MODEL_LIMITS },
};

/** Link text for each source URL (a new source needs a title here, or generation fails). */
const SOURCE_TITLES: Record<string, string> = {
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html': 'IAM quotas',
  'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html': 'CreateRole',
  'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html': 'CreateOpenIDConnectProvider',
  'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers': 'WIF provider resource',
  'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools': 'WIF pool resource',
  'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create': 'pools.create',
  'https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-considerations': 'FIC considerations',
  'https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules#microsoftmanagedidentity': 'resource name rules',
};

/** A source as a Markdown link, relative to the document it appears in. */
function sourceLink(source: string, from: string): string {
  if (source.startsWith('https://')) {
    const title = SOURCE_TITLES[source];
    if (!title) throw new Error(`no link title for ${source}: add it to SOURCE_TITLES in scripts/gen-docs-tables.ts`);
    return `[${title}](${source})`;
  }
  // A repository document, e.g. docs/limits.md#model.
  const [file, anchor] = source.split('#');
  const rel = path.relative(path.dirname(from), file) || path.basename(file);
  return `[this library](${rel === path.basename(from) ? '' : rel}${anchor ? `#${anchor}` : ''})`;
}

/** Markdown table cell text (pipes escaped). */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

const ANCHOR_LABELS: Record<string, string> = {
  'bad-input-matrix': 'bad-input matrix',
  'hcp-terraform': 'HCP Terraform',
  'azure-devops': 'Azure DevOps',
};

/** `docs/security.md#f1, #f7` in a rationale, as links (relative to `from`). */
function failureModes(rationale: string, from: string): string {
  const links: string[] = [];
  for (const m of rationale.matchAll(/(docs\/[\w-]+\.md)((?:#[\w-]+(?:, )?)+)/g)) {
    const rel = path.relative(path.dirname(from), m[1]);
    for (const a of m[2].split(/,\s*/).map((x) => x.replace(/^#/, '')).filter(Boolean)) {
      links.push(`[${/^f\d+$/.test(a) ? a.toUpperCase() : ANCHOR_LABELS[a] ?? a.replace(/-/g, ' ')}](${rel}#${a})`);
    }
  }
  return links.join(', ') || '—';
}

/** The model rules: id, level, rule, the widening that permits it, the fix, the failure modes. */
export function renderRulesTable(from = 'README.md'): string {
  const rows = RULE_IDS.map((id) => {
    const r = RULES[id];
    return `| ${r.id} | ${r.level === 'ERROR' ? 'error' : 'warning'} | ${cell(r.title)} | ${r.widening ? `\`${r.widening}\`` : '—'} | ${cell(r.fix)} | ${failureModes(r.rationale, from)} |`;
  });
  return ['| Rule | Level | What | Widening | Fix | Why |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** Every limit of every scope in one table (README). */
export function renderAllLimitsTable(from = 'README.md'): string {
  const rows = (['aws', 'gcp', 'azure', 'model'] as const).flatMap((scope) =>
    Object.values(LIMIT_SCOPES[scope].limits).map((l) => `| ${LIMIT_SCOPES[scope].title} | ${cell(l.what)} | ${cell(formatLimit(l))} | ${cell(l.checkedBy)} | ${sourceLink(l.source, from)} |`));
  return ['| Scope | Limit | Value | Checked by | Source |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** One scope's limits with their notes (docs/limits.md). */
export function renderLimitsTable(scope: keyof typeof LIMIT_SCOPES, from = 'docs/limits.md'): string {
  const rows = Object.values(LIMIT_SCOPES[scope].limits).map((l) =>
    `| ${cell(l.what)} | ${cell(formatLimit(l))} | ${cell(l.checkedBy)} | ${cell(l.note ?? '')} | ${sourceLink(l.source, from)} |`);
  return ['| Limit | Value | Checked by | Note | Source |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Every generated block: file, marker name, content. */
export const BLOCKS: ReadonlyArray<{ file: string; name: string; render: () => string }> = [
  { file: 'README.md', name: 'rules', render: () => renderRulesTable('README.md') },
  { file: 'README.md', name: 'limits', render: () => renderAllLimitsTable('README.md') },
  ...(['aws', 'gcp', 'azure', 'model'] as const).map((scope) => ({ file: 'docs/limits.md', name: `limits-${scope}`, render: () => renderLimitsTable(scope, 'docs/limits.md') })),
];

const NOTE = '<!-- generated by `npx projen docs:tables` from the data; edit the data, not this table -->';

/** The text between a block's markers, as committed (undefined when the markers are missing). */
export function committedBlock(text: string, name: string): string | undefined {
  const m = new RegExp(`<!-- ${name}:start -->\\n${escapeRe(NOTE)}\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text);
  return m?.[1];
}

/** `text` with the block replaced by `content`; throws when the markers are missing. */
export function replaceBlock(text: string, name: string, content: string): string {
  const re = new RegExp(`<!-- ${name}:start -->\\n[\\s\\S]*?<!-- ${name}:end -->`);
  if (!re.test(text)) throw new Error(`markers <!-- ${name}:start --> … <!-- ${name}:end --> not found`);
  return text.replace(re, () => `<!-- ${name}:start -->\n${NOTE}\n${content}\n<!-- ${name}:end -->`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Write every block; returns the files that changed. */
export function writeAll(root = ROOT): string[] {
  const changed: string[] = [];
  for (const file of [...new Set(BLOCKS.map((b) => b.file))]) {
    const p = path.join(root, file);
    const before = fs.readFileSync(p, 'utf8');
    let after = before;
    for (const b of BLOCKS.filter((x) => x.file === file)) after = replaceBlock(after, b.name, b.render());
    if (after !== before) {
      fs.writeFileSync(p, after);
      changed.push(file);
    }
  }
  return changed;
}

if (require.main === module) {
  const changed = writeAll();
  console.log(changed.length ? `updated ${changed.join(', ')}` : 'docs tables up to date');
}
