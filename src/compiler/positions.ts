import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit, type Alias, type Document, type Node } from 'yaml';
import type { SourceFile, Span } from './source.js';
import { pointer, type Path } from './yaml-read.js';

/*
 * Positions as data: a place in a file is a path into its document (a `Loc`), and the path becomes
 * offsets (and so line:col) only when something reads a span's `start` or `end`, which a diagnostic
 * does when it is made. Reading the YAML records nothing positional.
 */

/** Which range of the node at a path: its value as written (an alias's own text), its key, or the node an alias stands for. */
export type Part = 'value' | 'key' | 'node';

/** The yaml package's parse options, the same for reading (parse.ts) and for finding positions later. */
export const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, merge: false } as const;

/**
 * A place in a file as a path into its document; a Span whose offsets are found (once) when first read.
 * When the path is not in the document (a key that was not written), the place is `fallback`'s (the
 * mapping the key would be in), or the deepest node on the way.
 */
export class Loc implements Span {
  private range: [number, number] | undefined;

  constructor(
    readonly file: SourceFile,
    readonly path: Path,
    readonly part: Part = 'value',
    readonly fallback?: Span,
  ) {}

  get start(): number {
    return this.resolve()[0];
  }

  get end(): number {
    return this.resolve()[1];
  }

  /** The place of a key's value (or a list's item) under this one. */
  child(key: string | number): Loc {
    return new Loc(this.file, [...this.path, key], 'value', this);
  }

  /** The place of a key itself under this one. */
  key(key: string): Loc {
    return new Loc(this.file, [...this.path, key], 'key', this);
  }

  private resolve(): [number, number] {
    if (this.range) return this.range;
    const found = locate(this.file, this.path, this.part);
    this.range = found ?? (this.fallback ? [this.fallback.start, this.fallback.end] : deepest(this.file, this.path));
    return this.range;
  }
}

/** The root of a file's document. */
export function rootLoc(file: SourceFile): Loc {
  return new Loc(file, [], 'node');
}

/** True when the scalar at `path` was a number or boolean kept as its written text (see yaml-data.ts's `scalarValue`). */
export function isKept(file: SourceFile, path: Path): boolean {
  return file.kept !== undefined && file.kept.size > 0 && file.kept.has(pointer(path));
}

interface Located {
  doc: Document.Parsed;
  targets: Map<Alias, Node> | undefined;
}

/** The file's yaml Document (kept by parse, or parsed now: only files with a diagnostic get here after a fast read). */
function documentOf(file: SourceFile): Located {
  if (!file.located) {
    const doc = file.document ?? (parseAllDocuments(file.text, PARSE_OPTIONS) as Document.Parsed[])[0];
    file.located = { doc: doc as Document.Parsed, targets: undefined };
  }
  return file.located as Located;
}

function deref(at: Located, node: Node | null): Node | null {
  if (!isAlias(node)) return node;
  if (!at.targets) {
    const targets = new Map<Alias, Node>();
    const anchors = new Map<string, Node>();
    visit(at.doc, {
      Node: (_key, n) => {
        if (isAlias(n)) {
          const target = anchors.get(n.source);
          if (target) targets.set(n, target);
        } else if (n.anchor) anchors.set(n.anchor, n);
      },
    });
    at.targets = targets;
  }
  return at.targets.get(node) ?? null;
}

/** Offsets of the node at `path` (its key, its value as written, or the node it stands for); undefined when the path is not written. */
function locate(file: SourceFile, path: Path, part: Part): [number, number] | undefined {
  const at = documentOf(file);
  let node: Node | null = (at.doc?.contents as Node | null) ?? null;
  // Where the last segment's key is written: its key node, the mapping when the key has none, the item itself in a list.
  let keyAt: Node | null = null;
  for (const seg of path) {
    node = deref(at, node);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key as Node | null) === String(seg));
      if (!pair) return undefined;
      keyAt = (pair.key as Node | null) ?? node;
      // A key without a value is placed at its key.
      node = (pair.value as Node | null) ?? keyAt;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg] as Node | null;
      keyAt = node;
    } else return undefined;
  }
  const target = part === 'key' && path.length > 0 ? keyAt : part === 'node' ? deref(at, node) : node;
  return target?.range ? [target.range[0], target.range[1]] : undefined;
}

/** The deepest written node on a path (the document when none), for a place that was never written. */
function deepest(file: SourceFile, path: Path): [number, number] {
  for (let n = path.length - 1; n >= 0; n--) {
    const found = locate(file, path.slice(0, n), 'node');
    if (found) return found;
  }
  return [0, 0];
}

function keyOf(key: Node | null): string {
  if (!isScalar(key)) return '';
  const v = key.value;
  if ((typeof v === 'number' || typeof v === 'boolean') && key.type === 'PLAIN' && typeof key.source === 'string' && String(v) !== key.source) return key.source;
  return String(v);
}

// ---- Positions of objects (transitional: objects read from YAML are placed by their path) ----

interface Built {
  span: Span;
  /** Keys not listed are looked up here (by path) before falling back to `span`. */
  base?: Loc;
  keys: Map<string, { key: Span; value: Span }>;
}
type Place = Loc | Built;

const META = new WeakMap<object, Place>();

/** Records, for each mapping and list of data read from a file, its place (its path). */
export function recordPositions(value: unknown, at: Loc): void {
  if (typeof value !== 'object' || value === null) return;
  META.set(value, at);
  if (Array.isArray(value)) value.forEach((v, i) => recordPositions(v, at.child(i)));
  else for (const k of Object.keys(value)) recordPositions((value as Record<string, unknown>)[k], at.child(k));
}

/** Keys (or list positions) of a mapping or list read from a file whose number or boolean was kept as its written text. */
export function keptAt(value: object): { has(k: string | number): boolean } | undefined {
  const place = META.get(value);
  if (!(place instanceof Loc) || !place.file.kept || place.file.kept.size === 0) return undefined;
  return { has: (k) => isKept(place.file, [...place.path, k]) };
}

/** Where a mapping or list came from. */
export function spanOf(value: unknown): Span | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const place = META.get(value);
  if (!place) return undefined;
  return place instanceof Loc ? (place.part === 'node' ? place : new Loc(place.file, place.path, 'node', place.fallback)) : place.span;
}

/** Where a key of a mapping is written. */
export function keySpan(obj: unknown, key: string): Span | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const place = META.get(obj);
  if (!place) return undefined;
  if (place instanceof Loc) return new Loc(place.file, [...place.path, key], 'key', spanOf(obj));
  return place.keys.get(key)?.key ?? (place.base ? new Loc(place.base.file, [...place.base.path, key], 'key', place.span) : place.span);
}

/** Where the value of a mapping's key is written (the mapping itself when the key is absent). */
export function valueSpan(obj: unknown, key: string | number): Span | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const place = META.get(obj);
  if (!place) return undefined;
  if (place instanceof Loc) return new Loc(place.file, [...place.path, key], 'value', spanOf(obj));
  if (typeof key === 'number') return place.base ? new Loc(place.base.file, [...place.base.path, key], 'value', place.span) : place.span;
  return place.keys.get(key)?.value ?? (place.base ? new Loc(place.base.file, [...place.base.path, key], 'value', place.span) : place.span);
}

/** Gives a generated mapping or list the position of the text that caused it. */
export function setSpan<T extends object>(value: T, span: Span | undefined): T {
  if (span && !META.has(value)) META.set(value, { span, keys: new Map() });
  return value;
}

/** The span of the value at a path (zod issue paths), or of the deepest mapping on the way. */
export function spanAtPath(root: unknown, path: readonly PropertyKey[], which: 'key' | 'value' = 'value'): Span | undefined {
  let cur: unknown = root;
  let best = spanOf(root);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof cur !== 'object' || cur === null || (typeof seg !== 'string' && typeof seg !== 'number')) break;
    const last = i === path.length - 1;
    const has = Array.isArray(cur) ? typeof seg === 'number' && seg < cur.length : Object.prototype.hasOwnProperty.call(cur, seg);
    if (!has) return best;
    best = last && which === 'key' && typeof seg === 'string' ? keySpan(cur, seg) : valueSpan(cur, seg);
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return best;
}

/** Copies where `key` of `from` was written onto `to`, so a rebuilt mapping still points at the text. */
export function copyKeySpan(to: object, from: unknown, key: string, as: string = key): void {
  if (typeof from !== 'object' || from === null) return;
  const src = META.get(from);
  if (!src) return;
  let pair: { key: Span; value: Span } | undefined;
  if (src instanceof Loc) {
    if (!Object.prototype.hasOwnProperty.call(from, key)) return;
    pair = { key: keySpan(from, key) as Span, value: valueSpan(from, key) as Span };
  } else {
    pair = src.keys.get(key);
    if (!pair && src.base && Object.prototype.hasOwnProperty.call(from, key)) pair = { key: keySpan(from, key) as Span, value: valueSpan(from, key) as Span };
  }
  if (!pair) return;
  let meta = META.get(to);
  if (meta instanceof Loc) {
    meta = { span: spanOf(to) as Span, base: meta, keys: new Map() };
    META.set(to, meta);
  }
  if (!meta) {
    meta = { span: spanOf(from) ?? pair.key, keys: new Map() };
    META.set(to, meta);
  }
  meta.keys.set(as, pair);
}

/** Gives a rebuilt copy of a mapping or list every position of the original: its own, its keys' and its items'. */
export function copySpans(to: object, from: unknown): void {
  if (typeof from !== 'object' || from === null) return;
  const src = META.get(from);
  if (!src) return;
  const own = META.get(to);
  if (own) {
    if (own instanceof Loc) return;
    for (const k of Object.keys(from)) if (!own.keys.has(k) && (src instanceof Loc || src.keys.has(k) || src.base)) {
      const pair = src instanceof Loc || !src.keys.has(k) ? { key: keySpan(from, k) as Span, value: valueSpan(from, k) as Span } : src.keys.get(k);
      if (pair) own.keys.set(k, pair);
    }
    return;
  }
  if (src instanceof Loc) META.set(to, { span: spanOf(from) as Span, base: src, keys: new Map() });
  else META.set(to, { span: src.span, ...(src.base ? { base: src.base } : {}), keys: new Map(src.keys) });
}
