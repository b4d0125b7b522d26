/**
 * The YAML that `pipec import` writes: what a person would type. Small mappings and lists go on one
 * line in flow style (`{ s3: site, extract: true }`), longer ones in block style; comments are kept
 * on the line before the key they are about. Deterministic: keys keep their insertion order.
 */
import { literalBlock, yamlScalar } from '../targets/yaml-writer.js';

/** A value with comment lines written before it. */
export class Noted {
  constructor(
    readonly value: unknown,
    readonly notes: readonly string[],
  ) {}
}

/** Wraps a value so the line(s) before it carry comments (nothing when `notes` is empty). */
export function noted<T>(value: T, notes: readonly string[]): T {
  return (notes.length === 0 ? value : new Noted(value instanceof Noted ? value.value : value, [...(value instanceof Noted ? value.notes : []), ...notes])) as T;
}

const WIDTH = 110;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Noted);
}

function hasNotes(v: unknown): boolean {
  if (v instanceof Noted) return true;
  if (Array.isArray(v)) return v.some(hasNotes);
  if (isMap(v)) return Object.values(v).some(hasNotes);
  return false;
}

/** A scalar as YAML reads it back: plain where that is safe (in flow context too), else JSON-quoted. */
function scalar(v: unknown, flow: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  const text = String(v);
  const s = yamlScalar(text);
  if (flow && !s.startsWith('"') && /[,[\]{}]/.test(s)) return JSON.stringify(text);
  return s;
}

function flowText(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    const items = v.map(flowText);
    return items.some((x) => x === undefined) ? undefined : `[${items.join(', ')}]`;
  }
  if (isMap(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) return '{}';
    const parts: string[] = [];
    for (const k of keys) {
      const inner = flowText(v[k]);
      if (inner === undefined) return undefined;
      parts.push(`${scalar(k, true)}: ${inner}`);
    }
    return `{ ${parts.join(', ')} }`;
  }
  if (typeof v === 'string' && v.includes('\n')) return undefined;
  if (v instanceof Noted) return undefined;
  return scalar(v, true);
}

/** The flow form when it fits on the line after `prefix`. */
function inline(v: unknown, prefix: string, forceBlock: boolean): string | undefined {
  if (hasNotes(v)) return undefined;
  if (!Array.isArray(v) && !isMap(v)) return flowText(v);
  if (forceBlock && ((Array.isArray(v) && v.length > 0) || (isMap(v) && Object.keys(v).length > 0))) return undefined;
  const text = flowText(v);
  return text !== undefined && prefix.length + 1 + text.length <= WIDTH ? text : undefined;
}

function comments(out: string[], notes: readonly string[], indent: string): void {
  for (const n of notes) for (const line of n.split('\n')) out.push(`${indent}#${line ? ' ' + line : ''}`);
}

/** Keys whose values are always written in block style (the skeleton of a pipeline file). */
const BLOCK_KEYS = new Set(['pipelines', 'stages', 'actions', 'steps', 'parallel', 'sources', 'tests', 'triggers', 'variables', 'environments']);

function emitValue(out: string[], v: unknown, indent: string, prefix: string, key: string | undefined): void {
  const flow = inline(v, prefix, key !== undefined && BLOCK_KEYS.has(key));
  if (flow !== undefined) {
    if (typeof v === 'string' && v.includes('\n')) out.push(`${prefix} ${literalBlock(v, indent + '  ') ?? JSON.stringify(v)}`);
    else out.push(`${prefix} ${flow}`);
    return;
  }
  if (typeof v === 'string') {
    out.push(`${prefix} ${literalBlock(v, indent + '  ') ?? JSON.stringify(v)}`);
    return;
  }
  if (Array.isArray(v)) {
    out.push(prefix);
    for (const item of v) emitItem(out, item, indent);
    return;
  }
  out.push(prefix);
  emitMap(out, v as Record<string, unknown>, indent + '  ');
}

function emitItem(out: string[], raw: unknown, indent: string): void {
  let item = raw;
  if (item instanceof Noted) {
    comments(out, item.notes, indent);
    item = item.value;
  }
  if (isMap(item) && Object.keys(item).length > 0) {
    const flow = inline(item, `${indent}-`, false);
    if (flow !== undefined && Object.keys(item).length <= 2) {
      out.push(`${indent}- ${flow}`);
      return;
    }
    emitMap(out, item, indent + '  ', true);
    return;
  }
  emitValue(out, item, indent, `${indent}-`, undefined);
}

function emitMap(out: string[], map: Record<string, unknown>, indent: string, dash = false): void {
  let lead = dash ? `${indent.slice(2)}- ` : indent;
  for (const [k, raw] of Object.entries(map)) {
    if (raw === undefined) continue;
    let v: unknown = raw;
    if (v instanceof Noted) {
      if (lead !== indent) {
        // a comment cannot sit between "- " and the first key: put it above the item
        out.push(`${lead.trimEnd()}`);
        lead = indent;
      }
      comments(out, v.notes, indent);
      v = v.value;
    }
    emitValue(out, v, indent, `${lead}${scalar(k, false)}:`, k);
    lead = indent;
  }
}

/** A pipeline file's text: a header comment, then the mapping in the order its keys were added. */
export function writeYaml(tree: Record<string, unknown>, header: readonly string[] = []): string {
  const out: string[] = [];
  comments(out, header, '');
  emitMap(out, tree, '');
  return out.join('\n') + '\n';
}
