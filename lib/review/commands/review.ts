import * as fs from 'fs';
import * as path from 'path';
import { buildReport, renderJson, renderMarkdown, ReviewReport } from '../render';
import { renderSarif } from '../sarif';
import { isFindingId, NOT_ANALYSABLE_IDS, Severity } from '../scan/findings';
import { choice, CliIo, Command, Parsed, UsageError } from './command';
import { loadPath } from './load';

/** The findings that say a trust could not be read statically; `--strict` fails on them. */
const NOT_ANALYSABLE: readonly string[] = Object.values(NOT_ANALYSABLE_IDS);

const FORMATS = ['markdown', 'json', 'sarif'] as const;

function skipped(parsed: Parsed): string[] {
  const out: string[] = [];
  for (const list of (parsed.values.skip as string[] | undefined) ?? []) {
    const ids = list.split(',').map((x) => x.trim()).filter((x) => x !== '');
    if (ids.length === 0) throw new UsageError('--skip needs finding ids, e.g. --skip CIT-AWS-019,CIT-AWS-014.');
    const unknown = ids.filter((x) => !isFindingId(x));
    if (unknown.length) throw new UsageError(`--skip: unknown finding id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (ids: docs/review.md#findings).`);
    out.push(...ids);
  }
  return out;
}

function notAnalysableNote(report: ReviewReport, strict: boolean): string | undefined {
  const trusts = new Set(report.findings.filter(f => NOT_ANALYSABLE.includes(f.id)).map(f => f.trust));
  if (trusts.size === 0) return undefined;
  const n = `${trusts.size} trust relationship${trusts.size === 1 ? ' is' : 's are'} not analysable (${NOT_ANALYSABLE.join(', ')}): what they admit could not be read statically, so the other rules could not check them`;
  return strict ? `--strict: ${n}; the review fails.` : `${n}. Review them by hand, or run with --strict to fail on them.`;
}

function packageVersion(): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

export const REVIEW: Command = {
  name: 'review',
  summary: 'every CI OIDC trust relationship under a path, who can use what, and findings',
  usage: 'ci-oidc-trust review <cdk.out | cdktf.out | directory | template | .tf | plan.json> [--format markdown|json|sarif] [--strict] [--no-color] [--fail-on error|warning] [--skip <finding id>,…]',
  help: [
    'Reports every CI OIDC trust relationship in CloudFormation (JSON, YAML), Terraform JSON, HCL (.tf)',
    'and `terraform show -json` plans and states, and flags insecure ones (finding ids: docs/review.md).',
    '',
    'Options:',
    '  --format markdown|json|sarif  Markdown (the default; rendered for reading on a terminal), the',
    '                                versioned JSON document (docs/review-schema.json) or SARIF 2.1.0',
    '  --strict                      fail on trusts that are not analysable',
    '  --fail-on error|warning       the lowest severity that fails (default error)',
    '  --skip ID[,ID…]               report the named findings without counting them (repeatable)',
    '  --no-color                    no colour on a terminal',
    '',
    'Exit codes: 0 no finding fails the gate; 1 a finding fails it (an error: someone outside the',
    'tenant can get credentials; with --strict also a trust that is not analysable; with --fail-on',
    'warning also a warning, broken or not-analysable finding); 2 usage or input problem; 3 internal error.',
  ].join('\n'),
  options: {
    'format': { type: 'string' },
    'strict': { type: 'boolean' },
    'no-color': { type: 'boolean' },
    'no-colour': { type: 'boolean' },
    'fail-on': { type: 'string' },
    'skip': { type: 'string', multiple: true },
  },
  async run(parsed: Parsed, io: CliIo): Promise<number> {
    const format = choice(parsed, 'format', FORMATS, 'markdown');
    const failOn: Severity = choice(parsed, 'fail-on', ['error', 'warning'] as const, 'error');
    const skip = skipped(parsed);
    const strict = Boolean(parsed.values.strict);
    const color = !parsed.values['no-color'] && !parsed.values['no-colour'];
    const target = onePath(parsed.positionals);
    const err = (s: string) => io.stderr.write(`ci-oidc-trust: ${s}\n`);

    const input = await loadPath(target, io);
    const report = buildReport(target, input.files, input.model, { failOn, skip, strict });
    const note = notAnalysableNote(report, strict);
    if (format === 'json') {
      io.stdout.write(renderJson(report));
      if (input.trusts.length === 0) err(`no trust relationships found in ${input.files.length} file${input.files.length === 1 ? '' : 's'}.`);
      if (note) err(note);
    } else if (format === 'sarif') {
      // Code scanning wants paths from the repository root: the input's path as given, plus the file.
      const base = fs.statSync(target).isDirectory() ? target : path.dirname(target);
      const uriOf = (f: string) => path.posix.normalize(`${base.split(path.sep).join('/')}/${f}`);
      io.stdout.write(renderSarif(report, { uriOf, trusts: input.trusts, version: packageVersion() }));
      if (note) err(note);
    } else {
      io.stdout.write(renderMarkdown(report, { color: io.isTTY && color }));
      if (note) io.stdout.write(`\n**Not analysable**: ${note}\n`);
    }
    return report.summary.result === 'fail' ? 1 : 0;
  },
};

function onePath(positionals: string[]): string {
  if (positionals.length === 0) throw new UsageError('missing path to a cdk.out or cdktf.out directory, a Terraform or CloudFormation directory, or a template, .tf or plan file.');
  if (positionals.length > 1) throw new UsageError(`expected one path, got ${positionals.length}: ${positionals.join(' ')}.`);
  return positionals[0];
}
