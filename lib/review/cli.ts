/**
 * `ci-oidc-trust <command> [options]`: the dispatcher. The commands live in lib/review/commands
 * (one file each, listed in commands/index.ts); `ci-oidc-trust --help` lists them and
 * `ci-oidc-trust <command> --help` prints a command's own help.
 *
 * Exit codes, for every command: 2 usage or input problem; 3 internal error; 0 and 1 as the
 * command says (review: 1 when a finding fails the gate). Not exported from the package index.
 */
import { COMMANDS, CliIo, Command, UsageError } from './commands';
import { parseCommandArgs } from './commands/command';
import { InputError } from './scan/extract';

export { CliIo } from './commands';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: ci-oidc-trust <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ci-oidc-trust <command> --help` for a command\'s options and exit codes.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const err = (s: string) => io.stderr.write(`ci-oidc-trust: ${s}\n`);
  const [name, ...rest] = argv;
  if (name === undefined) {
    err(`missing command.\n${overview()}`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const about = COMMANDS.find((c) => c.name === rest[0]);
    io.stdout.write(about ? helpOf(about) : overview());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err(`unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}.\n${overview()}`);
    return 2;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.help) {
      io.stdout.write(helpOf(command));
      return 0;
    }
    return await command.run(parsed, io);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\nUsage: ${command.usage}\nRun \`ci-oidc-trust ${command.name} --help\` for details.`);
      return 2;
    }
    if (e instanceof InputError) {
      err(e.message);
      return 2;
    }
    // A closed pipe (`… | head`) is not an error: the reader has what it wanted.
    if ((e as NodeJS.ErrnoException)?.code === 'EPIPE') return 0;
    err(`internal error: ${(e as Error)?.message ?? String(e)}. Please report this with the input that caused it.`);
    return 3;
  }
}

function helpOf(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.help}\n`;
}
