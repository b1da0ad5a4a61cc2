import { Command } from './command';
import { DIFF } from './diff';
import { REVIEW } from './review';

/** Every command of `ci-oidc-trust`, in the order `--help` lists them. Add a command: one file, one line. */
export const COMMANDS: readonly Command[] = [
  REVIEW,
  DIFF,
];

export { CliIo, Command, UsageError } from './command';
