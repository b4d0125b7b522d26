import { parseAllDocuments, type Document } from 'yaml';
import { PARSE_OPTIONS } from '../../src/compiler/positions.js';
import { readYaml } from '../../src/compiler/yaml-data.js';
import type { YamlRead } from '../../src/compiler/yaml-read.js';

/**
 * What the yaml package's path of parse.ts reads from a text (parseAllDocuments + readYaml), or
 * 'error' when that path reports anything else first: a syntax error or warning (tags), more than one
 * document, too many values. The fast reader (yaml-fast.ts) must answer exactly this, or decline.
 */
export function reference(text: string): YamlRead | 'error' {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs) || docs.length !== 1) return 'error';
  const doc = docs[0] as Document.Parsed;
  if (doc.errors.length > 0 || doc.warnings.length > 0) return 'error';
  try {
    return readYaml(doc);
  } catch {
    return 'error';
  }
}
