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
export class Loc implements Place {
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
    return new Loc(this.file, [...this.path, key], 'value', this.node());
  }

  /** The place of a key itself under this one. */
  key(key: string): Loc {
    return new Loc(this.file, [...this.path, key], 'key', this.node());
  }

  /** The whole value: an alias's target rather than the alias. */
  node(): Loc {
    return this.part === 'node' ? this : new Loc(this.file, this.path, 'node', this.fallback);
  }

  asKey(): Loc {
    return new Loc(this.file, this.path, 'key', this.fallback);
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

/**
 * Where a value was written, as a Span that also answers for the values inside it: a `Loc` (a path
 * into the document) for data as read, a `Built` for a mapping a macro built, which records where
 * the YAML that caused each of its keys was written.
 */
export interface Place extends Span {
  /** The place of a key's value or a list's item (this value's own place when it was not written). */
  child(key: string | number): Place;
  /** Where a key is written (this value's own place when it was not written). */
  key(key: string): Span;
  /** Where the whole value is: an alias's target rather than the alias. */
  node(): Span;
  /** This place as the place of its key (what `key` of its parent gives). */
  asKey(): Span;
}

/** The place of a value at `path` in a place (zod's issue paths), as `which` of its last key; the deepest written on the way otherwise. */
export function placeAt(at: Place, path: readonly PropertyKey[], which: 'key' | 'value' = 'value'): Span {
  let cur: Place = at;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof seg !== 'string' && typeof seg !== 'number') break;
    if (i === path.length - 1 && which === 'key' && typeof seg === 'string') return cur.key(seg);
    cur = cur.child(seg);
  }
  return cur;
}

/**
 * A mapping a macro built: its own place (the YAML that caused it), where each key it lists came from,
 * and for other keys `base` (a mapping it copies), else its own place.
 */
export class Built implements Place {
  constructor(
    readonly at: Span,
    readonly keys: ReadonlyMap<string, Place> = new Map(),
    readonly base?: Place,
    readonly keyAt?: Span,
  ) {}

  get file(): SourceFile {
    return this.at.file;
  }

  get start(): number {
    return this.at.start;
  }

  get end(): number {
    return this.at.end;
  }

  child(key: string | number): Place {
    return this.keys.get(String(key)) ?? this.base?.child(key) ?? this;
  }

  key(key: string): Span {
    return this.keys.get(key)?.asKey() ?? this.base?.key(key) ?? this.at;
  }

  node(): Span {
    return this.at;
  }

  asKey(): Span {
    return this.keyAt ?? this.at;
  }
}

/** A place for a value a macro made from the text at `at`: everything in it points there. */
export function madeAt(at: Span | Place): Place {
  return isPlace(at) ? new Built(at.node(), new Map(), undefined, at.asKey()) : new Built(at);
}

/** A mapping built at `at` whose keys `keys` come from `from` (renamed as `as` gives). */
export function withKeys(at: Span | Place, from: Place, keys: Iterable<string>, as: (k: string) => string = (k) => k): Built {
  const map = new Map<string, Place>();
  for (const k of keys) map.set(as(k), from.child(k));
  return new Built(isPlace(at) ? at.node() : at, map);
}

/** A built mapping with more keys: `more` over `to`'s own. */
export function addKeys(to: Place, more: Iterable<[string, Place]>): Built {
  const keys = new Map(to instanceof Built ? to.keys : []);
  for (const [k, v] of more) keys.set(k, v);
  return to instanceof Built ? new Built(to.at, keys, to.base, to.keyAt) : new Built(to.node(), keys, to, to.asKey());
}

export function isPlace(span: Span | undefined): span is Place {
  return span instanceof Loc || span instanceof Built;
}

// ---- Positions of objects (transitional: being replaced by places passed beside the values) ----

const META = new WeakMap<object, Place>();

/** Records, for each mapping and list of data read from a file, its place (its path). */
export function recordPositions(value: unknown, at: Loc): void {
  if (typeof value !== 'object' || value === null) return;
  META.set(value, at);
  if (Array.isArray(value)) value.forEach((v, i) => recordPositions(v, at.child(i)));
  else for (const k of Object.keys(value)) recordPositions((value as Record<string, unknown>)[k], at.child(k));
}

/** The place recorded for a mapping or list. */
export function placeOf(value: unknown): Place | undefined {
  return typeof value === 'object' && value !== null ? META.get(value) : undefined;
}

/** Keys (or list positions) of a mapping or list read from a file whose number or boolean was kept as its written text. */
export function keptAt(value: object): { has(k: string | number): boolean } | undefined {
  const place = META.get(value);
  if (!(place instanceof Loc) || !place.file.kept || place.file.kept.size === 0) return undefined;
  return { has: (k) => isKept(place.file, [...place.path, k]) };
}

/** Where a mapping or list came from. */
export function spanOf(value: unknown): Span | undefined {
  return placeOf(value)?.node();
}

/** Where a key of a mapping is written. */
export function keySpan(obj: unknown, key: string): Span | undefined {
  return placeOf(obj)?.key(key);
}

/** Where the value of a mapping's key is written (the mapping itself when the key is absent). */
export function valueSpan(obj: unknown, key: string | number): Span | undefined {
  return placeOf(obj)?.child(key);
}

/** Gives a generated mapping or list the position of the text that caused it. */
export function setSpan<T extends object>(value: T, span: Span | undefined): T {
  if (span && !META.has(value)) META.set(value, new Built(span));
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
  const src = placeOf(from);
  if (!src || !Object.prototype.hasOwnProperty.call(from, key)) return;
  if (src instanceof Built && !src.keys.has(key) && !src.base) return;
  const own = META.get(to) ?? new Built(src.node());
  META.set(to, addKeys(own, [[as, src.child(key)]]));
}

/** Gives a rebuilt copy of a mapping or list every position of the original: its own, its keys' and its items'. */
export function copySpans(to: object, from: unknown): void {
  const src = placeOf(from);
  if (!src) return;
  const own = META.get(to);
  if (!own) META.set(to, src instanceof Loc ? new Built(src.node(), new Map(), src) : src);
  else if (own instanceof Built && !own.base) META.set(to, new Built(own.at, own.keys, src, own.keyAt));
}
