import type { Document } from 'yaml';
import type { Diagnostics } from '../compiler/diagnostics.js';
import type { SourceFile } from '../compiler/source.js';
import { isObject, type JsonObject } from '../live/json.js';

/** pipeline.yml written from a Copilot manifest (no round trip: Copilot made the pipeline itself). */
export interface CopilotImport {
  text: string;
  name: string;
  origin: string;
}

/** True for an AWS Copilot pipeline manifest (`source: { provider, properties }`). */
export function isCopilotManifest(obj: JsonObject): boolean {
  return isObject(obj.source) && typeof obj.source.provider === 'string' && typeof obj.name === 'string';
}

export function fromCopilot(doc: Document, file: SourceFile, diags: Diagnostics): CopilotImport {
  void doc;
  void diags;
  return { text: '', name: file.path, origin: file.path };
}
