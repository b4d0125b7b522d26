import type { Span } from './source.js';

/*
 * Positions of plain data read from YAML: where each mapping, list, key and value was written.
 * `toData` (yaml-data.ts) records them as it converts a document; the phases after it ask here.
 */

export interface Meta {
  span: Span;
  keys: Map<string, { key: Span; value: Span }>;
  items: Span[];
  /** Keys (or list positions) whose value is a number or boolean kept as its written text (see `scalarValue`). */
  kept?: Set<string | number>;
}

const META = new WeakMap<object, Meta>();

/** Records where a mapping or list converted from YAML was written (toData's only way in). */
export function recordPositions(value: object, meta: Meta): void {
  META.set(value, meta);
}

/** Keys (or list positions) of a mapping or list whose number or boolean was kept as its written text. */
export function keptAt(value: object): Set<string | number> | undefined {
  return META.get(value)?.kept;
}

/** Where a mapping or list came from. */
export function spanOf(value: unknown): Span | undefined {
  return typeof value === 'object' && value !== null ? META.get(value)?.span : undefined;
}

/** Where a key of a mapping is written. */
export function keySpan(obj: unknown, key: string): Span | undefined {
  return typeof obj === 'object' && obj !== null ? (META.get(obj)?.keys.get(key)?.key ?? spanOf(obj)) : undefined;
}

/** Where the value of a mapping's key is written (the mapping itself when the key is absent). */
export function valueSpan(obj: unknown, key: string | number): Span | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const meta = META.get(obj);
  if (!meta) return undefined;
  if (typeof key === 'number') return meta.items[key] ?? meta.span;
  return meta.keys.get(key)?.value ?? meta.span;
}

/** Gives a generated mapping or list the position of the text that caused it. */
export function setSpan<T extends object>(value: T, span: Span | undefined): T {
  if (span && !META.has(value)) META.set(value, { span, keys: new Map(), items: [] });
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
  const src = META.get(from)?.keys.get(key);
  if (!src) return;
  let meta = META.get(to);
  if (!meta) {
    meta = { span: META.get(from)?.span ?? src.key, keys: new Map(), items: [] };
    META.set(to, meta);
  }
  meta.keys.set(as, src);
}

/** Gives a rebuilt copy of a mapping or list every position of the original: its own, its keys' and its items'. */
export function copySpans(to: object, from: unknown): void {
  if (typeof from !== 'object' || from === null) return;
  const meta = META.get(from);
  if (!meta) return;
  const own = META.get(to);
  if (own) {
    for (const [k, v] of meta.keys) if (!own.keys.has(k)) own.keys.set(k, v);
    return;
  }
  META.set(to, { span: meta.span, keys: new Map(meta.keys), items: [...meta.items] });
}
