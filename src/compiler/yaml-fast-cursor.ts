import { pointer, type Duplicate, type Unsupported } from './yaml-read.js';
import { UNSUPPORTED } from './yaml-data.js';
import { NOT_SURE, type PlainValue } from './yaml-fast-scalar.js';

/*
 * The fast YAML reader's cursor (yaml-fast.ts): where it is in the text (position, the line's
 * indentation), moving over blank and comment lines and line ends, scanning plain scalars, and what
 * the reader notes on the way (kept texts, duplicate and refused keys, values counted).
 */

export const LONGEST_KEY = 1000;
// Deepest nesting of collections read here; deeper files go to yaml and parse.ts's checks (MAX_DEPTH 64).
export const DEEPEST = 56;

export const SP = 32;
export const NL = 10;
export const HASH = 35;

/** True when the character at `i` ends a token as YAML's "empty" does: a space, a line break or the end. */
export function emptyAt(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  return c === SP || c === NL || i >= t.length;
}

/** The reader's state and its moves over lines and plain scalars; FlowCursor and Reader build on it. */
export class Cursor {
  /** Position: after a node is read, the first character of the next line with content. */
  p = 0;
  /** Indentation of the line at `p`; -1 at the end of the text. */
  ind = -1;
  /** Start of the line at `p`. */
  ls = 0;
  depth = 0;
  /** Values made, counted as readYaml counts them against MAX_NODES. */
  count = 0;
  duplicated = false;
  rootKept = false;
  readonly kept: Array<object | string | number> = [];
  readonly duplicates: Duplicate[] = [];
  unsupported: Unsupported | undefined;
  protected readonly scalar: PlainValue = { value: undefined, kept: false };
  /** With `where`: the path to the value being read, and the pointers of the kept texts. */
  protected readonly path: Array<string | number> | undefined;
  readonly keptHere = new Set<string>();

  constructor(
    protected readonly t: string,
    protected readonly where: boolean,
  ) {
    this.path = where ? [] : undefined;
  }

  /** Moves to the next line with content (skipping blank and comment lines) from the start of a line. */
  protected nextContent(first = false): void {
    const t = this.t;
    const n = t.length;
    let p = this.p;
    for (;;) {
      let i = p;
      while (t.charCodeAt(i) === SP) i++;
      if (i >= n) {
        this.p = n;
        this.ind = -1;
        return;
      }
      const c = t.charCodeAt(i);
      if (c === NL || c === HASH) {
        const e = c === NL ? i : t.indexOf('\n', i);
        if (e < 0) {
          this.p = n;
          this.ind = -1;
          return;
        }
        p = e + 1;
        continue;
      }
      // A document marker at the start of a line ends the document (a leading `---` is read by document()).
      if (i === p && !first && (c === 45 || c === 46) && (t.startsWith('---', i) || t.startsWith('...', i)) && emptyAt(t, i + 3)) throw NOT_SURE;
      this.ls = p;
      this.ind = i - p;
      this.p = i;
      return;
    }
  }

  /** After a value: the rest of the line may hold spaces and a comment only; then moves to the next content. */
  protected endLine(): void {
    const t = this.t;
    let i = this.p;
    while (t.charCodeAt(i) === SP) i++;
    const c = t.charCodeAt(i);
    if (i >= t.length) {
      this.p = i;
      this.ind = -1;
      return;
    }
    if (c === NL || (c === HASH && i > this.p)) {
      const e = c === NL ? i : t.indexOf('\n', i);
      if (e < 0) {
        this.p = t.length;
        this.ind = -1;
        return;
      }
      this.p = e + 1;
      this.nextContent();
      return;
    }
    throw NOT_SURE;
  }

  /** Set when the value just read is a kept text; the collection holding it records and clears it. */
  protected keptNow = false;

  /** Scans a plain scalar in block context from `p`; returns where it stops (a `: `, ` #`, a line break or the end). */
  protected plain(p: number, flow: boolean): number {
    const t = this.t;
    const c = t.charCodeAt(p);
    // Indicators that cannot start a plain scalar, or that start something the reader leaves to yaml.
    if (NOT_PLAIN_START[c] === 1) throw NOT_SURE;
    if (c === 45 && (emptyAt(t, p + 1) || (flow && isFlowIndicator(t.charCodeAt(p + 1))))) throw NOT_SURE;
    const n = t.length;
    let i = p;
    for (; i < n; i++) {
      const d = t.charCodeAt(i);
      if (d === NL) break;
      if (d === 58) {
        const e = t.charCodeAt(i + 1);
        if (e === SP || e === NL || i + 1 >= n || (flow && isFlowIndicator(e))) break;
      } else if (d === SP) {
        if (t.charCodeAt(i + 1) === HASH) break;
      } else if (flow && isFlowIndicator(d)) break;
    }
    return i;
  }

  protected trimEnd(p: number, end: number): number {
    while (end > p && this.t.charCodeAt(end - 1) === SP) end--;
    return end;
  }

  /** Notes the first key pipec refuses (readYaml's `unsupported`): a plain `<<`, or `__proto__`. */
  protected checkKey(key: string, at: number, merge: boolean): void {
    if (this.unsupported) return;
    if (key === '__proto__') this.unsupported = { message: UNSUPPORTED.proto, at };
    else if (merge) this.unsupported = { message: UNSUPPORTED.merge, at };
  }

  protected duplicate(spans: Map<string, [number, number]> | undefined, key: string, ks: number, ke: number): void {
    this.duplicated = true;
    const first = spans?.get(key);
    if (first) this.duplicates.push({ key, at: [ks, ke], first });
  }

  protected keep(container: object, key: string | number): void {
    this.kept.push(container, key);
    if (this.path) this.keptHere.add(pointer([...this.path, key]));
    this.keptNow = false;
  }
}

// & * ! % @ ` ? : , [ ] { } # | > ' " (and the end of the text): no plain scalar the reader takes starts with them.
const NOT_PLAIN_START = new Uint8Array(128);
for (const ch of '&*!%@`?:,[]{}#|>\'"') NOT_PLAIN_START[ch.charCodeAt(0)] = 1;

/** Stores a key's value as readYaml does: '__proto__' (refused, but still read) as an own property. */
export function store(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export function isFlowIndicator(c: number): boolean {
  return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}
