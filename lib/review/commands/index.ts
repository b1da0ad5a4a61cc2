import { Command } from './command';
import { DIFF } from './diff';
import { EXPLAIN } from './explain';
import { REVIEW } from './review';

/** Every command of `ci-oidc-trust`, in the order `--help` lists them. Add a command: one file, one line. */
export const COMMANDS: readonly Command[] = [
  REVIEW,
  DIFF,
  EXPLAIN,
];

export { CliIo, Command, UsageError } from './command';
