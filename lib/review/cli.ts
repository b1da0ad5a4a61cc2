/**
 * `ci-oidc-trust review <cdk.out | cdktf.out | template.json> [--format markdown|json] [--no-color]
 *   [--fail-on error|warning] [--skip <finding id>[,<finding id>…]]…`
 *
 * Exit codes: 0 no finding fails the gate (by default only errors do); 1 a finding fails it;
 * 2 usage or input problem; 3 internal error. Not exported from the package index.
 */
import { reviewModel } from './attribution/attribute';
import { buildReport, renderJson, renderMarkdown } from './render';
import { detectFormat, discoverFiles, InputError, loadFiles } from './scan/extract';
import { isFindingId, Severity } from './scan/findings';

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  /** True when stdout is a terminal: enables colour and the progress line. */
  readonly isTTY: boolean;
}

export const USAGE = 'Usage: ci-oidc-trust review <cdk.out | cdktf.out | template.json> [--format markdown|json] [--no-color] [--fail-on error|warning] [--skip <finding id>,…]';

class UsageError extends Error {}

interface Args {
  path: string;
  format: 'markdown' | 'json';
  color: boolean;
  help: boolean;
  failOn: Severity;
  skip: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { path: '', format: 'markdown', color: true, help: false, failOn: 'error', skip: [] };
  const rest = [...argv];
  if (rest.length === 0) throw new UsageError('missing command.');
  const cmd = rest.shift()!;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') return { ...args, help: true };
  if (cmd !== 'review') throw new UsageError(`unknown command '${cmd}'; the only command is 'review'.`);
  const positional: string[] = [];
  while (rest.length) {
    const a = rest.shift()!;
    if (a === '--help' || a === '-h') {args.help = true;} else if (a === '--no-color' || a === '--no-colour') {args.color = false;} else if (a === '--format' || a.startsWith('--format=')) {
      const v = a === '--format' ? rest.shift() : a.slice('--format='.length);
      if (v !== 'markdown' && v !== 'json') throw new UsageError(`--format must be 'markdown' or 'json'${v === undefined ? '' : `, got '${v}'`}.`);
      args.format = v;
    } else if (a === '--fail-on' || a.startsWith('--fail-on=')) {
      const v = a === '--fail-on' ? rest.shift() : a.slice('--fail-on='.length);
      if (v !== 'error' && v !== 'warning') throw new UsageError(`--fail-on must be 'error' or 'warning'${v === undefined ? '' : `, got '${v}'`}.`);
      args.failOn = v;
    } else if (a === '--skip' || a.startsWith('--skip=')) {
      const v = a === '--skip' ? rest.shift() : a.slice('--skip='.length);
      const ids = (v ?? '').split(',').map(x => x.trim()).filter(x => x !== '');
      if (ids.length === 0) throw new UsageError('--skip needs finding ids, e.g. --skip CIT-AWS-019,CIT-AWS-014.');
      const unknown = ids.filter(x => !isFindingId(x));
      if (unknown.length) throw new UsageError(`--skip: unknown finding id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (ids: docs/review.md#findings).`);
      args.skip.push(...ids);
    } else if (a.startsWith('-') && a !== '-') {throw new UsageError(`unknown argument '${a}'.`);} else {positional.push(a);}
  }
  if (args.help) return args;
  if (positional.length === 0) throw new UsageError('missing path to a cdk.out or cdktf.out directory or a template file.');
  if (positional.length > 1) throw new UsageError(`expected one path, got ${positional.length}: ${positional.join(' ')}.`);
  args.path = positional[0];
  return args;
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
    io.stdout.write(`${USAGE}\n\nReports every CI OIDC trust relationship in synthesized CloudFormation or Terraform JSON and\nflags insecure ones (finding ids and classes: docs/review.md). Exit 1 when a finding fails the gate:\nan error (someone outside the tenant can get credentials), or with --fail-on warning also a\nwarning, broken or not-analysable finding. --skip reports the named findings without counting them.\n`);
    return 0;
  }
  try {
    const { root, files } = discoverFiles(args.path);
    if (files.length === 0) {
      throw new InputError(`${args.path}: no CloudFormation templates (*.template.json, cdk.out manifest) or Terraform JSON (*.tf.json) found. Run \`cdk synth\` or \`cdktf synth\` first.`);
    }
    if (io.isTTY) io.stderr.write(`Scanning ${files.length} file${files.length === 1 ? '' : 's'} under ${args.path}…\n`);
    const loaded = loadFiles(root, files);
    // A file named explicitly must be a template; inside directories, other JSON is skipped.
    if (files.length === 1 && files[0] === args.path.split(/[\\/]/).pop() && detectFormat(loaded[0].json) === undefined) {
      throw new InputError(`${args.path}: valid JSON but neither a CloudFormation template (no "Resources") nor Terraform JSON (no "resource"/"data").`);
    }
    const report = buildReport(args.path, files, reviewModel(loaded), { failOn: args.failOn, skip: args.skip });
    if (args.format === 'json') {
      io.stdout.write(renderJson(report));
      if (report.trusts.length === 0) err(`no trust relationships found in ${files.length} file${files.length === 1 ? '' : 's'}.`);
    } else {
      io.stdout.write(renderMarkdown(report, { color: io.isTTY && args.color }));
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
