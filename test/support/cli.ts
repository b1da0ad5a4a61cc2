import { Readable } from 'stream';
import { main } from '../../lib/review/cli';

/** Runs the CLI in-process and collects what it writes. */
export async function runCli(argv: string[], opts: { isTTY?: boolean; color?: boolean; stdin?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => { stdout += s; } },
    stderr: { write: (s: string) => { stderr += s; } },
    isTTY: opts.isTTY ?? false,
    ...(opts.color !== undefined ? { color: opts.color } : {}),
    ...(opts.stdin !== undefined ? { stdin: Readable.from([Buffer.from(opts.stdin)]) } : {}),
  });
  return { code, stdout, stderr };
}
