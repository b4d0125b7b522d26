import { pipelineJsonSchema } from '../compiler/schema/json-schema.js';
import { addExamples } from './schema-examples.js';
import { shippedFile } from './shipped.js';

/**
 * The JSON Schema as pipec ships it (schema/pipeline.schema.json, written by `npm run docs`) and
 * prints it: generated from the compiler's schemas, with an example on every key (from the key
 * table, else the files of examples/, see schema-examples.ts; so a changed example changes the
 * schema, and `npm run docs` refreshes it), two-space JSON with a final newline.
 */
export function schemaText(): string {
  const schema = pipelineJsonSchema();
  addExamples(schema, shippedFile(''));
  return `${JSON.stringify(schema, null, 2)}\n`;
}
