import { diffModels, DiffSide, widens } from '../diff/compare';
import { diffDocument, renderDiffJson, renderDiffMarkdown } from '../diff/document';
import { buildReport } from '../render';
import { MARKDOWN, terminalStyle } from '../style';
import { choice, CliIo, Command, Parsed, UsageError } from './command';
import { loadPath } from './load';

const FORMATS = ['markdown', 'json'] as const;

async function side(target: string, io: CliIo): Promise<DiffSide> {
  const input = await loadPath(target, io);
  // The review's own sentence for each trust relationship ("Who").
  const report = buildReport(target, input.files, input.model);
  return { input: target, files: input.files, model: input.model, identity: new Map(report.trusts.map(t => [t.id, t.identity])) };
}

export const DIFF: Command = {
  name: 'diff',
  summary: 'what changes in who can use each principal between two synths or plans',
  usage: 'ci-oidc-trust diff <BASE> <HEAD> [--format markdown|json]',
  help: [
    'Compares two inputs the review reads (cdk.out, cdktf.out, a directory, a template, .tf or plan',
    'JSON) principal by principal (AWS role, GCP grant, Azure role assignment) and reports the',
    'principals added, removed, widened (HEAD admits a token BASE does not: shown, with the token)',
    'and narrowed. Where the diff can neither prove HEAD inside BASE nor find such a token it says',
    '"may widen" and counts it as a widening. Principals are matched by cloud, resource type and',
    'logical id or Terraform address (then file name, then path): docs/review.md#diff.',
    '',
    'Options:',
    '  --format markdown|json  Markdown for a pull-request comment (the default) or the versioned',
    '                          JSON document (docs/diff-schema.json)',
    '',
    'Exit codes: 0 nothing becomes assumable by more than before (narrowed or unchanged); 1 something',
    'does (a widening, a "may widen", or a new principal some token can use); 2 usage or input',
    'problem; 3 internal error.',
  ].join('\n'),
  options: {
    format: { type: 'string' },
  },
  async run(parsed: Parsed, io: CliIo): Promise<number> {
    const format = choice(parsed, 'format', FORMATS, 'markdown');
    if (parsed.positionals.length !== 2) {
      throw new UsageError(`expected two paths, BASE and HEAD, got ${parsed.positionals.length}${parsed.positionals.length ? `: ${parsed.positionals.join(' ')}` : ''}.`);
    }
    const [basePath, headPath] = parsed.positionals;
    const base = await side(basePath, io);
    const head = await side(headPath, io);
    const result = diffModels(base, head);
    const doc = diffDocument(base, head, result);
    // A terminal gets the diff rendered for reading; a pipe, a file or a PR comment gets Markdown.
    io.stdout.write(format === 'json' ? renderDiffJson(doc) : renderDiffMarkdown(doc, io.isTTY ? terminalStyle(io.color !== false) : MARKDOWN));
    return widens(result) ? 1 : 0;
  },
};
