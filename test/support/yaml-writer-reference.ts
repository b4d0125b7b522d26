/**
 * The YAML writer's emitter as it was before it passed its text down as a local string (one object
 * per document, a "prefix" string per line): test/yaml-writer.test.ts holds the current one to it on
 * generated trees. It shares yamlScalar, literalBlock and Commented with the writer, and writes a
 * Fixed value (which the writer writes once per depth) as its value, walked each time.
 */
import { Commented, Fixed, literalBlock, yamlScalar } from '../../src/targets/yaml-writer.js';

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return yamlScalar(String(v));
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Commented);
}

function hasKeys(map: Record<string, unknown>): boolean {
  for (const _ in map) return true;
  return false;
}

interface Out {
  text: string;
}

function emitValue(out: Out, v: unknown, indent: string, prefix: string): void {
  if (isMap(v)) {
    if (hasKeys(v)) {
      out.text += `${prefix}\n`;
      emitMap(out, v, `${indent}  `, false);
    } else out.text += `${prefix} {}\n`;
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) out.text += `${prefix} []\n`;
    else {
      out.text += `${prefix}\n`;
      for (const item of v) emitItem(out, item, indent);
    }
    return;
  }
  if (typeof v === 'string') {
    const b = literalBlock(v, `${indent}  `);
    out.text += `${prefix} ${b ?? yamlScalar(v)}\n`;
    return;
  }
  out.text += `${prefix} ${scalar(v)}\n`;
}

function comment(out: Out, text: string, indent: string): void {
  for (const line of text.split('\n')) out.text += line ? `${indent}# ${line}\n` : `${indent}#\n`;
}

function emitItem(out: Out, raw: unknown, indent: string): void {
  let item = raw;
  if (item instanceof Commented) {
    comment(out, item.comment, indent);
    item = item.value;
  }
  if (item instanceof Fixed) item = item.value;
  if (isMap(item) && hasKeys(item)) {
    emitMap(out, item, `${indent}  `, true);
    return;
  }
  if (Array.isArray(item) && item.length > 0) {
    out.text += `${indent}-\n`;
    const inner = `${indent}  `;
    for (const x of item) emitItem(out, x, inner);
    return;
  }
  emitValue(out, item, indent, `${indent}-`);
}

function emitMap(out: Out, map: Record<string, unknown>, indent: string, dash: boolean): void {
  let lead = dash ? `${indent.slice(2)}- ` : indent;
  for (const k in map) {
    let v = map[k];
    if (v === undefined) continue;
    if (v instanceof Commented) {
      comment(out, v.comment, indent);
      v = v.value;
    }
    if (v instanceof Fixed) v = v.value;
    const key = yamlScalar(k);
    if (Array.isArray(v) && v.length > 0) {
      out.text += `${lead}${key}:\n`;
      const inner = `${indent}  `;
      for (const item of v) emitItem(out, item, inner);
    } else emitValue(out, v, indent, `${lead}${key}:`);
    lead = indent;
  }
}

/** toYaml as it was. */
export function referenceToYaml(tree: Record<string, unknown>, header?: string): string {
  const out: Out = { text: '' };
  if (header) comment(out, header, '');
  emitMap(out, tree, '', false);
  return out.text || '\n';
}
