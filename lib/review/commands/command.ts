import { parseArgs, ParseArgsConfig } from 'util';

/*
 * What a CLI command is: a name, its usage and help, its options (node's util.parseArgs
 * configuration) and a function that runs it. One file per command under lib/review/commands;
 * commands/index.ts lists them. The dispatcher (lib/review/cli.ts) parses, prints help and usage
 * errors and maps exceptions to exit codes, so commands only do their work.
 */

/** Where a command writes. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  /** True when stdout is a terminal: the review is rendered for reading, with the progress line. */
  readonly isTTY: boolean;
  /** False when the environment asks for no colour (NO_COLOR, https://no-color.org). */
  readonly color?: boolean;
  /** Standard input, for a command argument of `-` (explain's TOKEN). */
  readonly stdin?: NodeJS.ReadableStream;
}

/** Wrong arguments: exit 2 with the message and the command's usage. */
export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** What util.parseArgs returned for a command's options. */
export interface Parsed {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

export interface Command {
  readonly name: string;
  /** One line for the command list of `ci-oidc-trust --help`. */
  readonly summary: string;
  /** `Usage: ci-oidc-trust <name> …`. */
  readonly usage: string;
  /** The rest of `ci-oidc-trust <name> --help`: what it does, its options, its exit codes. */
  readonly help: string;
  /** The command's own options; --help/-h is added for every command. */
  readonly options: Options;
  /** Run with parsed arguments; resolves to the exit code. Throw UsageError or InputError for exit 2. */
  run(args: Parsed, io: CliIo): Promise<number>;
}

/** Parse a command's arguments strictly; an unknown option or a missing value is a UsageError. */
export function parseCommandArgs(command: Command, argv: string[]): Parsed & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    });
    const { help, ...rest } = values as Record<string, any>;
    return { values: rest, positionals, help: Boolean(help) };
  } catch (e) {
    const err = e as { code?: string; message: string };
    const opt = /'(-[^' ]+)/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && opt) throw new UsageError(`${opt.split(' ')[0]} needs a value.`);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(err.message);
    throw new UsageError(`unknown argument '${opt ?? err.message}'.`);
  }
}

/** A string option's value, checked against the allowed ones. */
export function choice<T extends string>(parsed: Parsed, name: string, allowed: readonly T[], fallback: T): T {
  const v = parsed.values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    const list = allowed.map((a) => `'${a}'`);
    const said = list.length > 2 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list.join(' or ');
    throw new UsageError(`--${name} must be ${said}, got '${String(v)}'.`);
  }
  return v as T;
}
