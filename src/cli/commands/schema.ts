import { pipelineJsonSchema } from '../../compiler/schema/json-schema.js';
import { parseArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { COMMON_FLAGS, COMMON_HELP } from '../pipeline-input.js';

export const HELP = `Usage: pipec schema [options]

Prints the JSON Schema (draft-07) of pipeline.yml, generated from the schemas pipec itself
checks with: every key with a description, the choices of every setting, the settings of each
provider. Editors use it for completion, hover help and checks as you type. The package ships
it as schema/pipeline.schema.json.

In a pipeline file, for the YAML language server (VS Code's YAML extension and others):
  # yaml-language-server: $schema=https://raw.githubusercontent.com/pipec/pipec/main/schema/pipeline.schema.json

Options:
${COMMON_HELP}`;

export const FLAGS = { ...COMMON_FLAGS } as const;

/** Renders the schema as pipec prints and ships it: two-space JSON with a final newline. */
export function schemaText(): string {
  return `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
}

/** `pipec schema`: the JSON Schema on stdout. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help) {
    ctx.stdout.write(HELP);
    return EXIT.OK;
  }
  if (positionals.length > 0) throw new UsageError(`schema takes no files (got '${positionals[0] as string}'); it prints the schema of every pipeline.yml`);
  ctx.stdout.write(schemaText());
  return EXIT.OK;
}
