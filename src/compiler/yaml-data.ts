import { isAlias, isMap, isScalar, isSeq, visit, type Alias, type Document, type Node, type Scalar } from 'yaml';
import { keptAt, recordPositions, type Meta } from './positions.js';
import type { SourceFile, Span } from './source.js';

/** Most values one file may expand to (aliases included), against alias bombs. */
export const MAX_NODES = 1_000_000;

/**
 * Thrown when a document expands to more than MAX_NODES values; `aliases` tells whether aliases
 * did it, and `at` is the range of the alias (written in the document itself) that was being expanded.
 */
export class AliasLimitError extends Error {
  constructor(
    readonly aliases: boolean,
    readonly at?: [number, number],
  ) {
    super('too many values');
  }
}

/**
 * Where each alias points: the last node before it that carries its anchor, as YAML defines it.
 * Found in one walk; the yaml package's own `Alias.resolve` walks the whole document for every
 * alias, which lets a few hundred kilobytes of aliases take minutes.
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, Node> {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * Throws AliasLimitError, at the alias that crosses the limit, when the document would expand to more
 * than MAX_NODES values. Counted in one walk in document order, each anchored node's size computed once:
 * finding out by expanding took five seconds for the billion-laughs fixture, and longer for its variants.
 */
function checkExpansion(doc: Document.Parsed, targets: Map<Alias, Node>): void {
  const size = new Map<Node, number>();
  let total = 0;
  // Post-order over the document, in document order; an alias counts as its target's whole size.
  const stack: Array<{ node: Node; open: boolean }> = doc.contents ? [{ node: doc.contents as Node, open: false }] : [];
  while (stack.length > 0) {
    const top = stack.pop() as { node: Node; open: boolean };
    const { node } = top;
    if (isAlias(node)) {
      const target = targets.get(node);
      // A target not measured yet is an ancestor of its own alias: the expansion never ends.
      const n = target === undefined ? 1 : (size.get(target) ?? Infinity);
      size.set(node, n);
      total += n;
      if (total > MAX_NODES) throw new AliasLimitError(true, node.range ? [node.range[0], node.range[1]] : undefined);
      continue;
    }
    const children: Node[] = [];
    if (isMap(node)) for (const pair of node.items) if (pair.value) children.push(pair.value as Node);
    if (isSeq(node)) for (const item of node.items) if (item) children.push(item as Node);
    if (!top.open) {
      total++;
      stack.push({ node, open: true });
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as Node, open: false });
      continue;
    }
    let n = 1;
    for (const c of children) n += size.get(c) ?? 1;
    size.set(node, Math.min(n, MAX_NODES + 1));
  }
}

/**
 * Turns a YAML document into plain data, remembering where each mapping, list, key and value
 * came from so that any later phase can point at the text. Keys are own properties only.
 */
export function toData(doc: Document.Parsed, file: SourceFile): unknown {
  let budget = MAX_NODES;
  let targets: Map<Alias, Node> | undefined;
  let outerAlias: Alias | undefined;
  const span = (node: Node | null | undefined, fallback: Span): Span =>
    node?.range ? { file, start: node.range[0], end: node.range[1] } : fallback;

  const convert = (node: Node | null, fallback: Span): unknown => {
    if (--budget < 0) throw new AliasLimitError(targets !== undefined, outerAlias?.range ? [outerAlias.range[0], outerAlias.range[1]] : undefined);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      if (!targets) {
        targets = aliasTargets(doc);
        checkExpansion(doc, targets);
      }
      const outermost = outerAlias === undefined;
      if (outermost) outerAlias = node;
      try {
        return convert(targets.get(node) ?? null, span(node, fallback));
      } finally {
        if (outermost) outerAlias = undefined;
      }
    }
    if (isScalar(node)) return scalarValue(node);
    const here = span(node, fallback);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const meta: Meta = { span: here, keys: new Map(), items: [] };
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const k = isScalar(keyNode) ? keyText(keyNode) : '';
        const keySpan = span(keyNode, here);
        const valueNode = pair.value as Node | null;
        const valueSpan = valueNode ? span(valueNode, keySpan) : keySpan;
        const value = convert(valueNode, valueSpan);
        if (isScalar(valueNode) && typeof value === 'string' && value !== valueNode.value) (meta.kept ??= new Set()).add(k);
        // Only '__proto__' needs defineProperty to stay an own key; a plain store is several times faster.
        if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
        else out[k] = value;
        meta.keys.set(k, { key: keySpan, value: valueSpan });
      }
      recordPositions(out, meta);
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const meta: Meta = { span: here, keys: new Map(), items: [] };
      for (const item of node.items) {
        const itemSpan = span(item as Node, here);
        meta.items.push(itemSpan);
        const value = convert(item as Node, itemSpan);
        if (isScalar(item) && typeof value === 'string' && value !== item.value) (meta.kept ??= new Set()).add(out.length);
        out.push(value);
      }
      recordPositions(out, meta);
      return out;
    }
    return null;
  };
  return convert(doc.contents, { file, start: 0, end: 0 });
}

/**
 * A plain scalar's value, except that a number or boolean whose text would not survive being
 * written back (`2.0`, `3.10`, `0x1F`, `1e3`, `True`) stays the text written: a text setting then
 * keeps exactly what the file says ('python: 3.10' is "3.10", not "3.1"), and the schemas of
 * number and boolean settings read such text as the number or boolean it is (see `yamlNumber`).
 */
export function scalarValue(node: Scalar): unknown {
  const v = node.value;
  if ((typeof v === 'number' || typeof v === 'boolean') && node.type === 'PLAIN' && typeof node.source === 'string' && String(v) !== node.source) return node.source;
  return v;
}

/** A mapping key as the property name it becomes: its text as written when the value would change it. */
export function keyText(node: Scalar): string {
  return String(scalarValue(node));
}

const YAML_INT = /^[-+]?[0-9]+$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** The number a plain YAML 1.2 (core schema) scalar's text stands for, or undefined when it is no number. */
export function yamlNumber(text: string): number | undefined {
  if (YAML_INT.test(text) || YAML_FLOAT.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return undefined;
}

/** The boolean a plain YAML 1.2 (core schema) scalar's text stands for (`true`, `True`, `TRUE` ...), or undefined. */
export function yamlBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  return undefined;
}

/**
 * JSON text of a value as the file wrote it, keys sorted: a number or boolean that the parser kept
 * as text (`0.50`, `1e3`, `True`) is written as the JSON number or boolean it is, as written where
 * JSON allows (`0.50`), so JSON-valued settings keep both the type and the digits.
 */
export function writtenJson(value: unknown): string {
  const write = (v: unknown, kept: boolean): string => {
    if (kept && typeof v === 'string') {
      const b = yamlBoolean(v);
      if (b !== undefined) return String(b);
      if (/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(v)) return v;
      const n = yamlNumber(v);
      if (n !== undefined && Number.isFinite(n)) return JSON.stringify(n);
      return JSON.stringify(v);
    }
    if (Array.isArray(v)) {
      const keptItems = keptAt(v);
      return `[${v.map((x, i) => write(x, keptItems?.has(i) ?? false)).join(',')}]`;
    }
    if (v !== null && typeof v === 'object') {
      const keptKeys = keptAt(v);
      const keys = Object.keys(v).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k], keptKeys?.has(k) ?? false)}`).join(',')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return write(value, false);
}


/** A mapping of plain data (not a list, a scalar or nothing). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
