import { readFileSync } from 'node:fs';
import { parseCommandArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { COMMON_FLAGS, COMMON_HELP } from '../common-flags.js';
import { shippedFile } from '../shipped.js';

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

/**
 * The schema's text: the package's own copy (schema/pipeline.schema.json, generated from the
 * compiler's schemas by `npm run docs`; a test holds it equal to what they generate now), so a cold
 * `pipec schema` does not load the compiler to build it again. Without that file, it is generated.
 */
async function shippedSchema(): Promise<string> {
  try {
    return readFileSync(shippedFile('schema/pipeline.schema.json'), 'utf8');
  } catch {
    return (await import('../schema-text.js')).schemaText();
  }
}

/** `pipec schema`: the JSON Schema on stdout. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  if (positionals.length > 0) throw new UsageError(`schema takes no files (got '${positionals[0] as string}'); it prints the schema of every pipeline.yml`);
  ctx.stdout.write(await shippedSchema());
  return EXIT.OK;
}
