/** Process exit codes, documented in the README. */
export const EXIT = {
  /** Success; with plan --detailed-exitcode: no changes. */
  OK: 0,
  /** Problems in the input (diagnostics with errors), or a failure talking to AWS. */
  PROBLEMS: 1,
  /** Bad usage: unknown command or flag, missing argument. */
  USAGE: 2,
} as const;

/** A usage mistake on the command line; main prints it with the command's help hint and exits 2. */
export class UsageError extends Error {}
