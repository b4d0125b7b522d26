// The options every command takes, in a module of their own: commands that read no pipeline
// (schema, completion, init) take them without loading the compiler.

/** Options every command takes (also before the command: `pipec --no-color validate`). */
export const COMMON_FLAGS = {
  quiet: { type: 'bool', short: 'q' },
  color: { type: 'bool' },
  help: { type: 'bool', short: 'h' },
} as const;

/** The help lines of COMMON_FLAGS. */
export const COMMON_HELP = `  -q, --quiet         print only errors: no warnings, no success lines
      --color, --no-color
`;

