/**
 * The diff as a versioned JSON document (docs/diff-schema.json) and as Markdown for a pull-request
 * comment, the Markdown rendered from the document. Deterministic: sorted, no timestamps.
 */
import { Change, DiffResult, DiffSide, PrincipalDiff, widens } from './compare';
import { Witness } from '../attribution/constraints';
import { MARKDOWN, Style } from '../style';

export const DIFF_SCHEMA_ID = 'https://ci-oidc-trust.dev/schemas/diff/v1.json';
export const DIFF_SCHEMA_VERSION = '1.0.0';

export interface DiffChangeJson {
  certainty: 'witness' | 'undecided';
  via: string;
  witness: Witness | null;
  why: string | null;
  trusts: string[];
}

export interface DiffPrincipalJson {
  key: string;
  change: 'added' | 'removed' | 'changed';
  verdict: 'widened' | 'may-widen' | 'narrowed' | 'may-narrow' | 'widened-and-narrowed' | 'users-changed' | 'permissions-changed' | 'unusable';
  cloud: string;
  resourceType: string;
  resource: string;
  principal: string;
  base: { id: string; file: string } | null;
  head: { id: string; file: string } | null;
  permissions: string[];
  widened: DiffChangeJson | null;
  narrowed: DiffChangeJson | null;
  trustsAdded: string[];
  trustsRemoved: string[];
  permissionsAdded: string[];
  permissionsRemoved: string[];
}

export interface DiffDocument {
  $schema: string;
  schemaVersion: string;
  tool: { name: 'ci-oidc-trust'; command: 'diff' };
  base: { input: string; files: number; trusts: number; principals: number };
  head: { input: string; files: number; trusts: number; principals: number };
  summary: {
    result: 'widened' | 'not-widened';
    changed: number;
    added: number;
    removed: number;
    widened: number;
    mayWiden: number;
    narrowed: number;
    unchanged: number;
  };
  principals: DiffPrincipalJson[];
}

function changeJson(c: Change | undefined): DiffChangeJson | null {
  if (!c) return null;
  return { certainty: c.certainty, via: c.via, witness: c.witness ?? null, why: c.why ?? null, trusts: [...c.trusts] };
}

function verdictOf(p: PrincipalDiff): DiffPrincipalJson['verdict'] {
  const w = p.widened;
  const n = p.narrowed;
  if (w && n && w.certainty === 'witness' && n.certainty === 'witness') return 'widened-and-narrowed';
  if (w) return w.certainty === 'witness' ? 'widened' : 'may-widen';
  if (n) return n.certainty === 'witness' ? 'narrowed' : 'may-narrow';
  if (p.change !== 'changed') return 'unusable';
  return p.trustsAdded.length || p.trustsRemoved.length ? 'users-changed' : 'permissions-changed';
}

function sideJson(s: DiffSide) {
  return { input: s.input, files: s.files.length, trusts: s.model.units.length, principals: s.model.principals.length };
}

export function diffDocument(base: DiffSide, head: DiffSide, r: DiffResult): DiffDocument {
  const principals = r.changed.map((p): DiffPrincipalJson => ({
    key: p.key,
    change: p.change,
    verdict: verdictOf(p),
    cloud: p.cloud,
    resourceType: p.resourceType,
    resource: p.resource,
    principal: p.label,
    base: p.base ? { id: p.base.id, file: p.base.file } : null,
    head: p.head ? { id: p.head.id, file: p.head.file } : null,
    permissions: [...(p.head ?? p.base)!.permissions],
    widened: changeJson(p.widened),
    narrowed: changeJson(p.narrowed),
    trustsAdded: [...p.trustsAdded],
    trustsRemoved: [...p.trustsRemoved],
    permissionsAdded: [...p.permissionsAdded],
    permissionsRemoved: [...p.permissionsRemoved],
  }));
  const count = (f: (p: PrincipalDiff) => boolean) => r.changed.filter(f).length;
  return {
    $schema: DIFF_SCHEMA_ID,
    schemaVersion: DIFF_SCHEMA_VERSION,
    tool: { name: 'ci-oidc-trust', command: 'diff' },
    base: sideJson(base),
    head: sideJson(head),
    summary: {
      result: widens(r) ? 'widened' : 'not-widened',
      changed: r.changed.length,
      added: count(p => p.change === 'added'),
      removed: count(p => p.change === 'removed'),
      widened: count(p => p.widened?.certainty === 'witness'),
      mayWiden: count(p => p.widened?.certainty === 'undecided'),
      narrowed: count(p => p.narrowed !== undefined),
      unchanged: r.unchanged,
    },
    principals,
  };
}

export function renderDiffJson(d: DiffDocument): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const TITLE: Record<DiffPrincipalJson['verdict'], string> = {
  'widened': 'Widened',
  'may-widen': 'May widen',
  'widened-and-narrowed': 'Widened and narrowed',
  'narrowed': 'Narrowed',
  'may-narrow': 'May narrow',
  'users-changed': 'Users changed',
  'permissions-changed': 'Permissions changed',
  'unusable': 'No token can use it',
};

function changeLines(kind: 'widened' | 'narrowed', c: DiffChangeJson, st: Style): string[] {
  const [more, side, other] = kind === 'widened' ? ['HEAD', 'HEAD', 'BASE'] : ['BASE', 'BASE', 'HEAD'];
  const lines: string[] = [];
  if (c.certainty === 'witness') {
    lines.push(`- ${st.strong(`${kind === 'widened' ? 'Widened' : 'Narrowed'}:`)} ${more} admits this token through ${st.code(c.via)} and ${other} does not:`);
    lines.push('', ...st.block('json', JSON.stringify(c.witness, null, 2), '  '), '');
    if (c.trusts.length) lines.push(`  Trust relationships in ${side} that issue it:`, ...c.trusts.map(t => `  - ${st.message(t)}`));
  } else {
    lines.push(`- ${st.strong(kind === 'widened' ? 'May widen' : 'May narrow')} (counted as ${kind === 'widened' ? 'a widening' : 'a narrowing'}): through ${st.code(c.via)}, the diff could neither prove ${side}'s gate inside ${other}'s nor find a token that only ${side} admits: ${st.message(c.why ?? '')}.`);
  }
  return lines;
}

/** The diff as Markdown (a pull-request comment), or in another style (the terminal's, style.ts). */
export function renderDiffMarkdown(d: DiffDocument, st: Style = MARKDOWN): string {
  const { code, text, message } = st;
  const s = d.summary;
  const lines: string[] = [];
  const verdict = s.result === 'widened' ? 'widened' : s.changed ? 'not widened' : 'no change';
  lines.push(st.h2(`ci-oidc-trust diff: ${verdict}`), '');
  if (s.changed === 0) {
    lines.push(`No principal changed (${plural(s.unchanged, 'principal')} compared). BASE ${code(d.base.input)}, HEAD ${code(d.head.input)}.`);
    return `${lines.join('\n')}\n`;
  }
  const counts = [
    `${plural(s.widened, 'principal')} widened`,
    ...(s.mayWiden ? [`${s.mayWiden} may widen`] : []),
    `${s.added} added`, `${s.removed} removed`, `${s.narrowed} narrowed`, `${s.unchanged} unchanged`,
  ];
  lines.push(`${s.result === 'widened' ? `${st.strong(st.severity('error', 'Something becomes assumable by more than before.'))} ` : 'Nothing becomes assumable by more than before. '}${counts.join(', ')}. BASE ${code(d.base.input)}, HEAD ${code(d.head.input)}.`);
  for (const p of d.principals) {
    lines.push('', st.h3(`${TITLE[p.verdict]}${p.change === 'changed' ? '' : ` (${p.change})`}: ${text(p.principal)}`), '');
    lines.push(`- ${st.strong('Principal:')} ${code((p.head ?? p.base)!.id)} (${p.cloud}, ${p.resourceType})${p.base && p.head && p.base.id !== p.head.id ? `, was ${code(p.base.id)}` : ''}`);
    if (p.permissions.length) lines.push(`- ${st.strong('Can:')} ${p.permissions.map(text).join('; ')}`);
    if (p.widened) lines.push(...changeLines('widened', p.widened, st));
    if (p.narrowed) lines.push(...changeLines('narrowed', p.narrowed, st));
    if (p.trustsAdded.length) lines.push(`- ${st.strong('Trust relationships that can now use it:')}`, ...p.trustsAdded.map(t => `  - ${message(t)}`));
    if (p.trustsRemoved.length) lines.push(`- ${st.strong('Trust relationships that no longer can:')}`, ...p.trustsRemoved.map(t => `  - ${message(t)}`));
    if (p.permissionsAdded.length) lines.push(`- ${st.strong('Can now:')} ${p.permissionsAdded.map(text).join('; ')}`);
    if (p.permissionsRemoved.length) lines.push(`- ${st.strong('No longer can:')} ${p.permissionsRemoved.map(text).join('; ')}`);
    if (p.verdict === 'unusable') lines.push('- No token gets through its gate on this side.');
  }
  return `${lines.join('\n')}\n`;
}
