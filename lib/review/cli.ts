/**
 * `ci-oidc-trust review <path> [--format markdown|json|sarif] [--strict] [--no-color]
 *   [--fail-on error|warning] [--skip <finding id>[,<finding id>…]]…`
 *
 * Exit codes: 0 no finding fails the gate (by default only errors do; with --strict, not-analysable
 * trusts too); 1 a finding fails it; 2 usage or input problem; 3 internal error.
 * Not exported from the package index.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs as parseNodeArgs } from 'util';
import { modelOf } from './attribution/attribute';
import { buildReport, renderJson, renderMarkdown, ReviewReport } from './render';
import { renderSarif } from './sarif';
import { discoverFiles, extractAll, formatOf, InputError, loadInputs } from './scan/extract';
import { isFindingId, NOT_ANALYSABLE_IDS, Severity } from './scan/findings';

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  /** True when stdout is a terminal: enables colour and the progress line. */
  readonly isTTY: boolean;
}

export const USAGE = 'Usage: ci-oidc-trust review <cdk.out | cdktf.out | directory | template | .tf | plan.json> [--format markdown|json|sarif] [--strict] [--no-color] [--fail-on error|warning] [--skip <finding id>,…]';

/** The findings that say a trust could not be read statically; `--strict` fails on them. */
const NOT_ANALYSABLE: readonly string[] = Object.values(NOT_ANALYSABLE_IDS);

const FORMATS = ['markdown', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

class UsageError extends Error {}

interface Args {
  path: string;
  format: Format;
  color: boolean;
  strict: boolean;
  help: boolean;
  failOn: Severity;
  skip: string[];
}

const failOnError = (v?: string) => new UsageError(`--fail-on must be 'error' or 'warning'${v === undefined ? '' : `, got '${v}'`}.`);
const skipError = () => new UsageError('--skip needs finding ids, e.g. --skip CIT-AWS-019,CIT-AWS-014.');
const formatError = (v?: string) => new UsageError(`--format must be 'markdown', 'json' or 'sarif'${v === undefined ? '' : `, got '${v}'`}.`);

function parseArgs(argv: string[]): Args {
  if (argv.length === 0) throw new UsageError('missing command.');
  const [cmd, ...rest] = argv;
  const none: Args = { path: '', format: 'markdown', color: true, strict: false, help: false, failOn: 'error', skip: [] };
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') return { ...none, help: true };
  if (cmd !== 'review') throw new UsageError(`unknown command '${cmd}'; the only command is 'review'.`);
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        'format': { type: 'string' },
        'strict': { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'no-colour': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
        'fail-on': { type: 'string' },
        'skip': { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /--format/.test(err.message)) throw formatError();
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /--fail-on/.test(err.message)) throw failOnError();
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /--skip/.test(err.message)) throw skipError();
    const opt = /'(-[^' ]+)/.exec(err.message)?.[1];
    throw new UsageError(`unknown argument '${opt ?? err.message}'.`);
  }
  const v = parsed.values;
  const args: Args = { ...none, color: !v['no-color'] && !v['no-colour'], strict: Boolean(v.strict), help: Boolean(v.help) };
  if (v.format !== undefined) {
    if (!FORMATS.includes(v.format as Format)) throw formatError(String(v.format));
    args.format = v.format as Format;
  }
  if (v['fail-on'] !== undefined) {
    if (v['fail-on'] !== 'error' && v['fail-on'] !== 'warning') throw failOnError(String(v['fail-on']));
    args.failOn = v['fail-on'];
  }
  for (const list of (v.skip as string[] | undefined) ?? []) {
    const ids = list.split(',').map((x) => x.trim()).filter((x) => x !== '');
    if (ids.length === 0) throw skipError();
    const unknown = ids.filter((x) => !isFindingId(x));
    if (unknown.length) throw new UsageError(`--skip: unknown finding id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (ids: docs/review.md#findings).`);
    args.skip.push(...ids);
  }
  if (args.help) return args;
  const positional = parsed.positionals;
  if (positional.length === 0) throw new UsageError('missing path to a cdk.out or cdktf.out directory, a Terraform or CloudFormation directory, or a template, .tf or plan file.');
  if (positional.length > 1) throw new UsageError(`expected one path, got ${positional.length}: ${positional.join(' ')}.`);
  args.path = positional[0];
  return args;
}

function notAnalysableNote(report: ReviewReport, strict: boolean): string | undefined {
  const trusts = new Set(report.findings.filter(f => NOT_ANALYSABLE.includes(f.id)).map(f => f.trust));
  if (trusts.size === 0) return undefined;
  const n = `${trusts.size} trust relationship${trusts.size === 1 ? ' is' : 's are'} not analysable (${NOT_ANALYSABLE.join(', ')}): what they admit could not be read statically, so the other rules could not check them`;
  return strict ? `--strict: ${n}; the review fails.` : `${n}. Review them by hand, or run with --strict to fail on them.`;
}

function packageVersion(): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const err = (s: string) => io.stderr.write(`ci-oidc-trust: ${s}\n`);
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    io.stdout.write(`${USAGE}\n\nReports every CI OIDC trust relationship in CloudFormation (JSON, YAML), Terraform JSON, HCL (.tf)\nand \`terraform show -json\` plans and states, and flags insecure ones (finding ids: docs/review.md).\nExit 1 when a finding fails the gate: an error (someone outside the tenant can get credentials), with\n--strict also a trust that is not analysable, and with --fail-on warning also a warning, broken or\nnot-analysable finding. --skip reports the named findings without counting them.\n`);
    return 0;
  }
  try {
    const { root, files } = discoverFiles(args.path);
    if (files.length === 0) {
      throw new InputError(`${args.path}: no CloudFormation templates (*.template.json, *.yaml, cdk.out manifest), Terraform (*.tf, *.tf.json) or plan JSON found. Run \`cdk synth\`, \`cdktf synth\` or \`terraform show -json\` first.`);
    }
    if (io.isTTY) io.stderr.write(`Scanning ${files.length} file${files.length === 1 ? '' : 's'} under ${args.path}…\n`);
    const loaded = await loadInputs(root, files);
    // A file named explicitly must be a template; inside directories, other JSON is skipped.
    if (files.length === 1 && files[0] === args.path.split(/[\\/]/).pop() && formatOf(loaded[0]) === undefined) {
      throw new InputError(`${args.path}: readable, but neither a CloudFormation template (no "Resources"), Terraform (no "resource"/"data") nor \`terraform show -json\` output.`);
    }
    const trusts = extractAll(loaded);
    const report = buildReport(args.path, files, modelOf(trusts, loaded), { failOn: args.failOn, skip: args.skip, strict: args.strict });
    const note = notAnalysableNote(report, args.strict);
    if (args.format === 'json') {
      io.stdout.write(renderJson(report));
      if (trusts.length === 0) err(`no trust relationships found in ${files.length} file${files.length === 1 ? '' : 's'}.`);
      if (note) err(note);
    } else if (args.format === 'sarif') {
      // Code scanning wants paths from the repository root: the input's path as given, plus the file.
      const base = fs.statSync(args.path).isDirectory() ? args.path : path.dirname(args.path);
      const uriOf = (f: string) => path.posix.normalize(`${base.split(path.sep).join('/')}/${f}`);
      io.stdout.write(renderSarif(report, { uriOf, trusts, version: packageVersion() }));
      if (note) err(note);
    } else {
      io.stdout.write(renderMarkdown(report, { color: io.isTTY && args.color }));
      if (note) io.stdout.write(`\n**Not analysable**: ${note}\n`);
    }
    return report.summary.result === 'fail' ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      err(e.message);
      return 2;
    }
    err(`internal error: ${(e as Error)?.message ?? String(e)}. Please report this with the input that caused it.`);
    return 3;
  }
}
