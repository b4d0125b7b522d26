import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Alias, type Document, type Node } from 'yaml';
import type { SourceFile, Span } from './source.js';
import { aliasTargets, keyText } from './yaml-data.js';
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
  /** The path, once made: a place made under another (`child`, `key`) makes it only when it is asked for. */
  private written: Path | undefined;
  private below: Span | undefined;
  /** The place this one is under and its key or index there (for a place made by `child` or `key`). */
  private up: Loc | undefined;
  private seg: string | number;

  constructor(
    readonly file: SourceFile,
    path: Path,
    readonly part: Part = 'value',
    fallback?: Span,
  ) {
    this.range = undefined;
    this.written = path;
    this.below = fallback;
    this.up = undefined;
    this.seg = 0;
  }

  /**
   * The place at `seg` under `parent`: the path is the parent's and `seg`, the fallback the parent's
   * whole value; both are made when first read, as a clean compile reads neither (one object a place).
   */
  private static under(parent: Loc, seg: string | number, part: Part): Loc {
    const l = new Loc(parent.file, NO_PATH, part);
    l.written = undefined;
    l.up = parent;
    l.seg = seg;
    return l;
  }

  /** The path into the document. */
  get path(): Path {
    if (this.written === undefined) this.written = [...(this.up as Loc).path, this.seg];
    return this.written;
  }

  /** Where the place is when its path was not written (the mapping a key would be in). */
  get fallback(): Span | undefined {
    if (this.up !== undefined && this.below === undefined) this.below = this.up.node();
    return this.below;
  }

  get start(): number {
    return this.resolve()[0];
  }

  get end(): number {
    return this.resolve()[1];
  }

  /** Whether the offsets were found already. */
  get resolved(): boolean {
    return this.range !== undefined;
  }

  /** The place of a key's value (or a list's item) under this one. */
  child(key: string | number): Loc {
    return Loc.under(this, key, 'value');
  }

  /** The place of a key itself under this one. */
  key(key: string): Loc {
    return Loc.under(this, key, 'key');
  }

  /** The whole value: an alias's target rather than the alias. */
  node(): Loc {
    if (this.part === 'node') return this;
    return this.up !== undefined ? Loc.under(this.up, this.seg, 'node') : new Loc(this.file, this.path, 'node', this.fallback);
  }

  asKey(): Loc {
    return this.up !== undefined ? Loc.under(this.up, this.seg, 'key') : new Loc(this.file, this.path, 'key', this.fallback);
  }

  private resolve(): [number, number] {
    if (this.range) return this.range;
    const found = locate(this.file, this.path, this.part);
    const fallback = this.fallback;
    this.range = found ?? (fallback ? [fallback.start, fallback.end] : deepest(this.file, this.path));
    return this.range;
  }
}

const NO_PATH: Path = [];

/** The root of a file's document. */
export function rootLoc(file: SourceFile): Loc {
  return new Loc(file, [], 'node');
}

/** True when the scalar at a place read from a file was a number or boolean kept as its written text. */
export function isKeptAt(at: Place): boolean {
  // (The path is made only for a file that kept a text.)
  return at instanceof Loc && at.part === 'value' && at.file.kept !== undefined && at.file.kept.size > 0 && isKept(at.file, at.path);
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
  at.targets ??= aliasTargets(at.doc);
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
      const pair = node.items.find((p) => (isScalar(p.key) ? keyText(p.key) : '') === String(seg));
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

/** The place of the value at `path` under a place. */
export function descend(at: Place, path: readonly PropertyKey[]): Place {
  let cur = at;
  for (const seg of path) if (typeof seg === 'string' || typeof seg === 'number') cur = cur.child(seg);
  return cur;
}

/** The place of a value at `path` in a place (zod's issue paths), as `which` of its last key; the deepest written on the way otherwise. */
export function placeAt(at: Place, path: readonly PropertyKey[], which: 'key' | 'value' = 'value'): Span {
  if (path.length === 0) return at.node();
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
export function madeAt(at: Span): Place {
  return new Built(at);
}

/** A built mapping with more keys: `more` over `to`'s own. */
export function addKeys(to: Place, more: Iterable<[string, Place]>): Built {
  const keys = new Map(to instanceof Built ? to.keys : []);
  for (const [k, v] of more) keys.set(k, v);
  return to instanceof Built ? new Built(to.at, keys, to.base, to.keyAt) : new Built(to.node(), keys, to, to.asKey());
}
