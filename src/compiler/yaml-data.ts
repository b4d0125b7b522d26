import { isAlias, isMap, isScalar, isSeq, visit, type Alias, type Document, type Node, type Scalar } from 'yaml';
import { pointer, type Duplicate, type Unsupported, type YamlRead } from './yaml-read.js';

/** Deepest nesting of mappings and lists accepted; pipeline.yml needs fewer than 15 levels. */
export const MAX_DEPTH = 64;

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
export function aliasTargets(doc: Document.Parsed): Map<Alias, Node> {
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

/** What `readYaml` reports of a construct pipec refuses (yaml-read.ts's `Unsupported`), by kind. */
export const UNSUPPORTED = {
  key: 'mapping keys must be plain strings, not lists or mappings',
  proto: "'__proto__' cannot be a key: no setting, variable, tag or name in pipeline.yml may be called that",
  merge: "merge keys ('<<: *anchor') are not supported; write the keys out, or alias the whole mapping ('build: *anchor')",
  deep: `nesting is deeper than ${MAX_DEPTH} levels`,
} as const;

/**
 * Reads a YAML document (the yaml package's) into plain data in one walk, finding on the way the keys
 * written twice, the first construct pipec refuses and the numbers kept as their text (yaml-read.ts).
 * Aliases are expanded (each expansion a copy, at most MAX_NODES values in all: AliasLimitError);
 * with `expandAliases` false they read as null, which finds the duplicates of a document too large to expand.
 * Keys are own properties only. Records no position: a value's place is its path (positions.ts).
 */
export function readYaml(doc: Document.Parsed, expandAliases = true): YamlRead {
  let budget = MAX_NODES;
  let targets: Map<Alias, Node> | undefined;
  let outerAlias: Alias | undefined;
  const kept = new Set<string>();
  const duplicates: Duplicate[] = [];
  let unsupported: Unsupported | undefined;
  const path: Array<string | number> = [];
  const refuse = (message: string, node: Node | null | undefined): void => {
    unsupported ??= { message, at: node?.range?.[0] ?? 0 };
  };

  // `written`: the node is read where it is written (not in an alias's expansion), so its findings count.
  const convert = (node: Node | null, depth: number, written: boolean): unknown => {
    if (--budget < 0) throw new AliasLimitError(targets !== undefined, outerAlias?.range ? [outerAlias.range[0], outerAlias.range[1]] : undefined);
    if (node === null || node === undefined) return null;
    if (written && depth > MAX_DEPTH) refuse(UNSUPPORTED.deep, node);
    if (isAlias(node)) {
      if (!expandAliases) return null;
      if (!targets) {
        targets = aliasTargets(doc);
        checkExpansion(doc, targets);
      }
      const outermost = outerAlias === undefined;
      if (outermost) outerAlias = node;
      try {
        return convert(targets.get(node) ?? null, depth, false);
      } finally {
        if (outermost) outerAlias = undefined;
      }
    }
    if (isScalar(node)) {
      const value = scalarValue(node);
      if (typeof value === 'string' && value !== node.value) kept.add(pointer(path));
      return value;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seen = written ? new Map<string, [number, number]>() : undefined;
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const k = isScalar(keyNode) ? keyText(keyNode) : '';
        if (written) {
          if (keyNode && !isScalar(keyNode)) refuse(UNSUPPORTED.key, keyNode);
          else if (isScalar(keyNode)) {
            // Assigned as a property name, '__proto__' would replace an object's prototype instead of adding a key.
            if (keyNode.value === '__proto__') refuse(UNSUPPORTED.proto, keyNode);
            else if (keyNode.value === '<<' && keyNode.type === 'PLAIN') refuse(UNSUPPORTED.merge, keyNode);
            if (keyNode.range && seen) {
              // Keys become property names, so `1` and '1' are the same key.
              const at: [number, number] = [keyNode.range[0], keyNode.range[1]];
              const first = seen.get(k);
              if (first) duplicates.push({ key: k, at, first });
              else seen.set(k, at);
            }
          }
        }
        path.push(k);
        const value = convert(pair.value as Node | null, depth + 1, written);
        path.pop();
        // Only '__proto__' needs defineProperty to stay an own key; a plain store is several times faster.
        if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
        else out[k] = value;
      }
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      for (const item of node.items) {
        path.push(out.length);
        out.push(convert(item as Node, depth + 1, written));
        path.pop();
      }
      return out;
    }
    return null;
  };
  const value = convert(doc.contents, 1, true);
  duplicates.sort((a, b) => a.at[0] - b.at[0]);
  return { value, kept, duplicates, ...(unsupported ? { unsupported } : {}) };
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

/** A mapping of plain data (not a list, a scalar or nothing). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
