import { MAX_NODES, UNSUPPORTED } from './yaml-data.js';
import { blockValue, NOT_SURE, plainKey, plainValue, readQuoted, type PlainValue } from './yaml-fast-scalar.js';
import { pointer, type Duplicate, type FastReader, type Unsupported, type YamlRead } from './yaml-read.js';

/*
 * A fast reader of the YAML that pipeline files are written in: block mappings and lists, plain and
 * quoted scalars on one line, literal and folded block scalars, flow lists and mappings, comments and
 * one leading `---`. It turns the text straight into what the yaml package's parseAllDocuments and
 * readYaml (yaml-data.ts) give: the same plain data (values, key order), the same numbers and
 * booleans kept as their written text, the same duplicate keys and refused keys (`<<`, `__proto__`),
 * several times faster and without building a Document. On anything else (anchors, aliases, tags,
 * directives, several documents, tabs, CR line breaks, multi-line plain or quoted scalars, explicit or
 * complex keys, odd indentation, anything the yaml package might call an error) it declines, and
 * parse.ts reads the text with the yaml package, which reports what there is to report.
 * test/yaml-fast.test.ts compares the two on every example, fixture and YAML text of the repository,
 * and on generated and mutated documents.
 */

// Characters the reader gives up on: tabs, CR, other C0/C1 controls, DEL, BOMs, Unicode line breaks.
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
const LONGEST_KEY = 1000;
// Deepest nesting of collections read here; deeper files go to yaml and parse.ts's checks (MAX_DEPTH 64).
const DEEPEST = 56;

/** Reads a pipeline file's text, or returns undefined when only the yaml package can say what it holds. */
export const readFast: FastReader = (text: string): YamlRead | undefined => {
  if (UNSAFE.test(text)) return undefined;
  try {
    const r = new Reader(text, false);
    const value = r.document();
    let kept = r.rootKept ? ROOT_KEPT : r.kept.length === 0 ? NONE : keptPointers(value, r.kept);
    let duplicates: Duplicate[] = [];
    if (r.duplicated) {
      // Rare: read again, noting where each key is and the path to each value, to say where the
      // first of each pair was written (and which kept texts a later duplicate replaced).
      const again = new Reader(text, true);
      again.document();
      duplicates = again.duplicates.sort((a, b) => a.at[0] - b.at[0]);
      kept = r.rootKept ? ROOT_KEPT : again.keptHere;
    }
    return { value, kept, duplicates, ...(r.unsupported ? { unsupported: r.unsupported } : {}) };
  } catch (e) {
    if (e === NOT_SURE || e instanceof RangeError) return undefined;
    throw e;
  }
};

const NONE: ReadonlySet<string> = new Set();
const ROOT_KEPT: ReadonlySet<string> = new Set(['']);

/** The pointers of the kept texts, from (container, key) pairs: one walk of the data, only when there are any. */
function keptPointers(root: unknown, pairs: Array<object | string | number>): Set<string> {
  const byContainer = new Map<object, Array<string | number>>();
  for (let i = 0; i < pairs.length; i += 2) {
    const c = pairs[i] as object;
    const keys = byContainer.get(c) ?? [];
    keys.push(pairs[i + 1] as string | number);
    byContainer.set(c, keys);
  }
  const out = new Set<string>();
  // `at`: the pointer of `v` (yaml-read.ts's `pointer` of its path), built one segment at a time.
  const walk = (v: unknown, at: string): void => {
    if (typeof v !== 'object' || v === null) return;
    const keys = byContainer.get(v);
    if (keys) for (const k of keys) out.add(at + pointer([k]));
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'object') walk(v[i], `${at}/${i}`);
    } else
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' && x !== null) walk(x, at + pointer([k]));
      }
  };
  walk(root, '');
  return out;
}

const SP = 32;
const NL = 10;
const HASH = 35;

/** True when the character at `i` ends a token as YAML's "empty" does: a space, a line break or the end. */
function emptyAt(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  return c === SP || c === NL || i >= t.length;
}

class Reader {
  /** Position: after a node is read, the first character of the next line with content. */
  p = 0;
  /** Indentation of the line at `p`; -1 at the end of the text. */
  ind = -1;
  /** Start of the line at `p`. */
  ls = 0;
  depth = 0;
  /** Values made, counted as toData counts them against MAX_NODES. */
  count = 0;
  duplicated = false;
  rootKept = false;
  readonly kept: Array<object | string | number> = [];
  readonly duplicates: Duplicate[] = [];
  unsupported: Unsupported | undefined;
  private readonly scalar: PlainValue = { value: undefined, kept: false };
  /** With `where`: the path to the value being read, and the pointers of the kept texts. */
  private readonly path: Array<string | number> | undefined;
  readonly keptHere = new Set<string>();

  constructor(
    private readonly t: string,
    private readonly where: boolean,
  ) {
    this.path = where ? [] : undefined;
  }

  document(): unknown {
    const t = this.t;
    this.nextContent(true);
    if (this.ind === 0 && t.startsWith('---', this.p) && emptyAt(t, this.p + 3)) {
      this.p += 3;
      this.endLine();
    }
    if (this.ind < 0 || (t.startsWith('...', this.p) && emptyAt(t, this.p + 3))) throw NOT_SURE;
    this.count++;
    const c = t.charCodeAt(this.p);
    if (c === 124 || c === 62) throw NOT_SURE;
    const value = this.nodeAt(-1);
    // A whole document that is one kept text (`1.0`): its pointer is the root's, ''.
    if (this.keptNow) this.rootKept = true;
    // An empty (null) document is reported by parse at the document's start, which only yaml knows.
    if (this.ind !== -1 || this.count >= MAX_NODES || value === null) throw NOT_SURE;
    return value;
  }

  /** Moves to the next line with content (skipping blank and comment lines) from the start of a line. */
  private nextContent(first = false): void {
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
  private endLine(): void {
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

  /** A node that starts at `p` (a new line, or after `- `), inside a collection indented `parent`. */
  private nodeAt(parent: number): unknown {
    const t = this.t;
    const p = this.p;
    const col = p - this.ls;
    const c = t.charCodeAt(p);
    if (c === 45 && emptyAt(t, p + 1)) return this.seq(col);
    if (c === 34 || c === 39) {
      const end = readQuoted(t, p, this.scalar);
      const value = this.scalar.value;
      let i = end;
      while (t.charCodeAt(i) === SP) i++;
      if (t.charCodeAt(i) === 58 && emptyAt(t, i + 1)) {
        if (i - p > LONGEST_KEY) throw NOT_SURE;
        this.p = i + 1;
        return this.map(col, value as string, p, end, false);
      }
      this.p = end;
      this.endLine();
      return value;
    }
    if (c === 91 || c === 123) {
      const value = c === 91 ? this.flowSeq(parent) : this.flowMap(parent);
      this.endLine();
      return value;
    }
    if (c === 124 || c === 62) return this.blockScalar(parent);
    const end = this.plain(p, false);
    if (t.charCodeAt(end) === 58 && emptyAt(t, end + 1)) {
      if (end - p > LONGEST_KEY) throw NOT_SURE;
      const key = t.slice(p, this.trimEnd(p, end));
      this.p = end + 1;
      return this.map(col, plainKey(key, this.scalar), p, p + key.length, key === '<<');
    }
    this.p = end;
    plainValue(t.slice(p, this.trimEnd(p, end)), this.scalar);
    const value = this.scalar.value;
    const kept = this.scalar.kept;
    this.endLine();
    if (kept) this.keptNow = true;
    return value;
  }

  /** Set when the value just read is a kept text; the collection holding it records and clears it. */
  private keptNow = false;

  /** Scans a plain scalar in block context from `p`; returns where it stops (a `: `, ` #`, a line break or the end). */
  private plain(p: number, flow: boolean): number {
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

  private trimEnd(p: number, end: number): number {
    while (end > p && this.t.charCodeAt(end - 1) === SP) end--;
    return end;
  }

  /** A block mapping indented `k` whose first key (read, at [ks, ke)) ends just before `p`. */
  private map(k: number, first: string, ks: number, ke: number, merge: boolean): Record<string, unknown> {
    if (++this.depth > DEEPEST) throw NOT_SURE;
    const t = this.t;
    const out: Record<string, unknown> = {};
    const spans = this.where ? new Map<string, [number, number]>() : undefined;
    let key = first;
    for (;;) {
      this.checkKey(key, ks, merge);
      if (Object.prototype.hasOwnProperty.call(out, key)) this.duplicate(spans, key, ks, ke);
      else spans?.set(key, [ks, ke]);
      this.path?.push(key);
      const value = this.mapValue(k);
      this.path?.pop();
      store(out, key, value);
      if (this.keptNow) this.keep(out, key);
      if (this.ind !== k) {
        if (this.ind > k) throw NOT_SURE;
        this.depth--;
        return out;
      }
      // The next key, at the same indentation.
      const p = this.p;
      const c = t.charCodeAt(p);
      if (c === 34 || c === 39) {
        const end = readQuoted(t, p, this.scalar);
        let i = end;
        while (t.charCodeAt(i) === SP) i++;
        if (t.charCodeAt(i) !== 58 || !emptyAt(t, i + 1) || i - p > LONGEST_KEY) throw NOT_SURE;
        key = this.scalar.value as string;
        ks = p;
        ke = end;
        merge = false;
        this.p = i + 1;
      } else {
        if (c === 45 && emptyAt(t, p + 1)) throw NOT_SURE;
        const end = this.plain(p, false);
        if (t.charCodeAt(end) !== 58 || !emptyAt(t, end + 1) || end - p > LONGEST_KEY) throw NOT_SURE;
        const text = t.slice(p, this.trimEnd(p, end));
        key = plainKey(text, this.scalar);
        ks = p;
        ke = p + text.length;
        merge = text === '<<';
        this.p = end + 1;
      }
    }
  }

  /** Notes the first key pipec refuses (readYaml's `unsupported`): a plain `<<`, or `__proto__`. */
  private checkKey(key: string, at: number, merge: boolean): void {
    if (this.unsupported) return;
    if (key === '__proto__') this.unsupported = { message: UNSUPPORTED.proto, at };
    else if (merge) this.unsupported = { message: UNSUPPORTED.merge, at };
  }

  private duplicate(spans: Map<string, [number, number]> | undefined, key: string, ks: number, ke: number): void {
    this.duplicated = true;
    const first = spans?.get(key);
    if (first) this.duplicates.push({ key, at: [ks, ke], first });
  }

  private keep(container: object, key: string | number): void {
    this.kept.push(container, key);
    if (this.path) this.keptHere.add(pointer([...this.path, key]));
    this.keptNow = false;
  }

  /** The value after a key's `:` in a mapping indented `k`. */
  private mapValue(k: number): unknown {
    const t = this.t;
    let i = this.p;
    while (t.charCodeAt(i) === SP) i++;
    this.count++;
    const c = t.charCodeAt(i);
    if (i >= t.length || c === NL || c === HASH) {
      this.endLine();
      if (this.ind > k) return this.ownLine(k);
      if (this.ind === k && t.charCodeAt(this.p) === 45 && emptyAt(t, this.p + 1)) return this.seq(k);
      return null;
    }
    this.p = i;
    // On the key's own line: a scalar or a flow collection; `a: b: c` and `a: - b` are errors.
    if (c === 45 && emptyAt(t, i + 1)) throw NOT_SURE;
    if (c === 34 || c === 39) {
      this.p = readQuoted(t, i, this.scalar);
      const value = this.scalar.value;
      this.endLine();
      return value;
    }
    if (c === 91 || c === 123 || c === 124 || c === 62) return this.nodeAt(k);
    const end = this.plain(i, false);
    if (t.charCodeAt(end) === 58) throw NOT_SURE;
    this.p = end;
    plainValue(t.slice(i, this.trimEnd(i, end)), this.scalar);
    const value = this.scalar.value;
    const kept = this.scalar.kept;
    this.endLine();
    if (kept) this.keptNow = true;
    return value;
  }

  /** A node on a line of its own, indented more than its collection (`k`); a block scalar header there is left to yaml. */
  private ownLine(k: number): unknown {
    const c = this.t.charCodeAt(this.p);
    if (c === 124 || c === 62) throw NOT_SURE;
    return this.nodeAt(k);
  }

  /** A block list whose dashes are at column `d`; `p` is at the first dash. */
  private seq(d: number): unknown[] {
    if (++this.depth > DEEPEST) throw NOT_SURE;
    const t = this.t;
    const out: unknown[] = [];
    for (;;) {
      let i = this.p + 1;
      while (t.charCodeAt(i) === SP) i++;
      this.count++;
      const c = t.charCodeAt(i);
      let value: unknown;
      this.path?.push(out.length);
      if (i >= t.length || c === NL || c === HASH) {
        this.p++;
        this.endLine();
        value = this.ind > d ? this.ownLine(d) : null;
      } else {
        this.p = i;
        value = this.nodeAt(d);
      }
      this.path?.pop();
      if (this.keptNow) this.keep(out, out.length);
      out.push(value);
      if (this.ind !== d || t.charCodeAt(this.p) !== 45 || !emptyAt(t, this.p + 1)) {
        if (this.ind > d) throw NOT_SURE;
        this.depth--;
        return out;
      }
    }
  }

  /** A literal (`|`) or folded (`>`) block scalar in a collection indented `parent`; `p` is at the header. */
  private blockScalar(parent: number): string {
    const t = this.t;
    const folded = t.charCodeAt(this.p) === 62;
    let i = this.p + 1;
    let strip = false;
    if (t.charCodeAt(i) === 45) {
      strip = true;
      i++;
    }
    const afterHeader = i;
    while (t.charCodeAt(i) === SP) i++;
    if (t.charCodeAt(i) === HASH && i > afterHeader) i = t.indexOf('\n', i);
    // A header with more (`+`, an indentation digit) or nothing after it is left to yaml.
    if (i < 0 || t.charCodeAt(i) !== NL) throw NOT_SURE;
    const n = t.length;
    const lines: number[] = [];
    let indent = -1;
    let lastContent = 0;
    let widestBlank = 0;
    let ls = i + 1;
    while (ls < n) {
      let j = ls;
      while (t.charCodeAt(j) === SP) j++;
      const c = t.charCodeAt(j);
      const blank = j >= n || c === NL;
      if (!blank) {
        if (indent < 0) {
          if (j - ls <= parent) break;
          indent = j - ls;
        } else if (j - ls < indent) break;
      }
      let e = blank ? j : t.indexOf('\n', j);
      if (e < 0) e = n;
      lines.push(ls, e);
      if (!blank) lastContent = lines.length;
      else if (j - ls > widestBlank) widestBlank = j - ls;
      ls = e + 1;
    }
    // An empty body, or blank lines holding more spaces than the content's indentation, are left to yaml.
    if (indent < 0) throw NOT_SURE;
    if (widestBlank > indent) throw NOT_SURE;
    lines.length = lastContent;
    const value = blockValue(t, lines, indent, folded, strip);
    this.p = Math.min(ls, n);
    this.nextContent();
    return value;
  }

  /** A flow list at `p`, inside a block collection indented `k` (its lines must be indented more). */
  private flowSeq(k: number): unknown[] {
    const out: unknown[] = [];
    if (this.flowOpen(k, 93)) return out;
    do {
      this.count++;
      this.path?.push(out.length);
      const value = this.flowValue(k);
      this.path?.pop();
      if (this.keptNow) this.keep(out, out.length);
      out.push(value);
    } while (!this.flowNext(k, 93));
    return out;
  }

  /** Enters a flow collection at `p` (`[` or `{`); true when it is empty, and then left (after `close`). */
  private flowOpen(k: number, close: number): boolean {
    if (++this.depth > DEEPEST) throw NOT_SURE;
    this.p++;
    this.flowSpace(k);
    if (this.t.charCodeAt(this.p) !== close) return false;
    this.p++;
    this.depth--;
    return true;
  }

  /** After an entry of a flow collection: false at a `,` before another entry, true at `close` (then left). */
  private flowNext(k: number, close: number): boolean {
    this.flowSpace(k);
    const c = this.t.charCodeAt(this.p++);
    if (c === close) {
      this.depth--;
      return true;
    }
    if (c !== 44) throw NOT_SURE;
    this.flowSpace(k);
    // A trailing comma (`[a, ]`) is left to yaml.
    if (this.t.charCodeAt(this.p) === close) throw NOT_SURE;
    return false;
  }

  /** A flow mapping at `p`, inside a block collection indented `k`. */
  private flowMap(k: number): Record<string, unknown> {
    const t = this.t;
    const out: Record<string, unknown> = {};
    if (this.flowOpen(k, 125)) return out;
    const spans = this.where ? new Map<string, [number, number]>() : undefined;
    do {
      const p = this.p;
      const c = t.charCodeAt(p);
      let key: string;
      let ke: number;
      if (c === 34 || c === 39) {
        ke = readQuoted(t, p, this.scalar);
        key = this.scalar.value as string;
        let i = ke;
        while (t.charCodeAt(i) === SP) i++;
        if (t.charCodeAt(i) !== 58) throw NOT_SURE;
        this.p = i + 1;
      } else {
        if (c === 91 || c === 123) throw NOT_SURE;
        const end = this.plain(p, true);
        if (t.charCodeAt(end) !== 58 || t.charCodeAt(end + 1) !== SP) throw NOT_SURE;
        const text = t.slice(p, this.trimEnd(p, end));
        key = plainKey(text, this.scalar);
        ke = p + text.length;
        this.checkKey(key, p, text === '<<');
        this.p = end + 1;
      }
      if (ke - p > LONGEST_KEY) throw NOT_SURE;
      if (c === 34 || c === 39) this.checkKey(key, p, false);
      if (Object.prototype.hasOwnProperty.call(out, key)) this.duplicate(spans, key, p, ke);
      else spans?.set(key, [p, ke]);
      while (t.charCodeAt(this.p) === SP) this.p++;
      const v = t.charCodeAt(this.p);
      if (v === NL || v === 44 || v === 125 || v === HASH || this.p >= t.length) throw NOT_SURE;
      this.count++;
      this.path?.push(key);
      const value = this.flowValue(k);
      this.path?.pop();
      store(out, key, value);
      if (this.keptNow) this.keep(out, key);
    } while (!this.flowNext(k, 125));
    return out;
  }

  /** A value inside a flow collection: a scalar on one line or a nested flow collection. */
  private flowValue(k: number): unknown {
    const t = this.t;
    const p = this.p;
    const c = t.charCodeAt(p);
    if (c === 91) return this.flowSeq(k);
    if (c === 123) return this.flowMap(k);
    if (c === 34 || c === 39) {
      this.p = readQuoted(t, p, this.scalar);
      const e = t.charCodeAt(this.p);
      if (e === 58) throw NOT_SURE;
      return this.scalar.value;
    }
    const end = this.plain(p, true);
    if (end === p) throw NOT_SURE;
    this.p = end;
    plainValue(t.slice(p, this.trimEnd(p, end)), this.scalar);
    if (this.scalar.kept) this.keptNow = true;
    return this.scalar.value;
  }

  /** Skips spaces, line breaks and comments inside a flow collection; every line must be indented more than `k`. */
  private flowSpace(k: number): void {
    const t = this.t;
    const n = t.length;
    let i = this.p;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === SP) i++;
      else if (c === HASH && (t.charCodeAt(i - 1) === SP || t.charCodeAt(i - 1) === NL)) {
        const e = t.indexOf('\n', i);
        if (e < 0) throw NOT_SURE;
        i = e;
      } else if (c === NL) {
        let j = i + 1;
        while (t.charCodeAt(j) === SP) j++;
        const d = t.charCodeAt(j);
        if (j >= n) throw NOT_SURE;
        if (d !== NL && d !== HASH) {
          if (j - i - 1 <= k) throw NOT_SURE;
          if (j === i + 1 && (d === 45 || d === 46) && (t.startsWith('---', j) || t.startsWith('...', j)) && emptyAt(t, j + 3)) throw NOT_SURE;
          this.ls = i + 1;
        }
        i = j;
      } else break;
    }
    this.p = i;
  }
}

// & * ! % @ ` ? : , [ ] { } # | > ' " (and the end of the text): no plain scalar the reader takes starts with them.
const NOT_PLAIN_START = new Uint8Array(128);
for (const ch of '&*!%@`?:,[]{}#|>\'"') NOT_PLAIN_START[ch.charCodeAt(0)] = 1;

/** Stores a key's value as readYaml does: '__proto__' (refused, but still read) as an own property. */
function store(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function isFlowIndicator(c: number): boolean {
  return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}
