import { pipelineJsonSchema } from '../compiler/schema/json-schema.js';

/**
 * The JSON Schema as pipec ships it (schema/pipeline.schema.json, written by `npm run docs`) and
 * prints it: generated from the compiler's schemas, two-space JSON with a final newline.
 */
export function schemaText(): string {
  return `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
}
