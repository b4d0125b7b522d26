import { MAX_NODES } from './yaml-data.js';
import { DEEPEST, emptyAt, HASH, LONGEST_KEY, NL, SP, store } from './yaml-fast-cursor.js';
import { FlowCursor } from './yaml-fast-flow.js';
import { NOT_SURE, plainKey, plainValue, readBlockScalar, readQuoted } from './yaml-fast-scalar.js';
import { pointer, type Duplicate, type FastReader, type YamlRead } from './yaml-read.js';

/*
 * A fast reader of the YAML that pipeline files are written in: block mappings and lists, plain and
 * quoted scalars on one line, literal and folded block scalars, flow lists and mappings, comments and
 * one leading `---`. It turns the text straight into what the yaml package's parseAllDocuments and
 * readYaml (yaml-data.ts) give: the same plain data (values, key order), the same numbers and
 * booleans kept as their written text, the same duplicate keys and refused keys (`<<`, `__proto__`),
 * several times faster and without building a Document. On anything else (anchors, aliases, tags,
 * directives, several documents, tabs, lone CRs, multi-line plain or quoted scalars, explicit or
 * complex keys, odd indentation, anything the yaml package might call an error) it declines, and
 * parse.ts reads the text with the yaml package, which reports what there is to report.
 * test/yaml-fast.test.ts compares the two on every example, fixture and YAML text of the repository,
 * and on generated and mutated documents.
 */

// Characters the reader gives up on: tabs, CR (but in a CR LF line end), other C0/C1 controls, DEL, BOMs, Unicode line breaks.
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

/** Reads a pipeline file's text, or returns undefined when only the yaml package can say what it holds. */
export const readFast: FastReader = (text: string): YamlRead | undefined => {
  if (text.indexOf('\r') < 0) return readLines(text);
  // CR LF line ends (a file saved on Windows) read as LF ones, as the yaml package reads them; the
  // offsets of findings are then moved on by one for every line end before them. A lone CR is declined.
  if (/\r(?!\n)/.test(text)) return undefined;
  const read = readLines(text.replace(/\r\n/g, '\n'));
  if (!read || (read.duplicates.length === 0 && !read.unsupported)) return read;
  const breaks: number[] = [];
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) breaks.push(i - breaks.length);
  // `breaks` holds the offset in the LF text of each line end that was CR LF; an offset moves on by the number before it.
  const crlf = (at: number): number => {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((breaks[mid] as number) < at) lo = mid + 1;
      else hi = mid;
    }
    return at + lo;
  };
  return {
    ...read,
    duplicates: read.duplicates.map((d) => ({ key: d.key, at: [crlf(d.at[0]), crlf(d.at[1])], first: [crlf(d.first[0]), crlf(d.first[1])] })),
    ...(read.unsupported ? { unsupported: { message: read.unsupported.message, at: crlf(read.unsupported.at) } } : {}),
  };
};

/** readFast of a text whose line ends are LF. */
function readLines(text: string): YamlRead | undefined {
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
}

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

/** Block mappings and lists, and the document around them. */
class Reader extends FlowCursor {
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
    return this.plainToLineEnd(p, end);
  }

  /** A node on a line of its own, indented more than its collection (`k`); a block scalar header there is left to yaml. */
  private ownLine(k: number): unknown {
    const c = this.t.charCodeAt(this.p);
    if (c === 124 || c === 62) throw NOT_SURE;
    return this.nodeAt(k);
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
    return this.plainToLineEnd(i, end);
  }

  /** The plain scalar from `start` to `end` as the value that ends its line (noting a kept text). */
  private plainToLineEnd(start: number, end: number): unknown {
    this.p = end;
    plainValue(this.t.slice(start, this.trimEnd(start, end)), this.scalar);
    const value = this.scalar.value;
    const kept = this.scalar.kept;
    this.endLine();
    if (kept) this.keptNow = true;
    return value;
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
    this.p = readBlockScalar(this.t, this.p, parent, this.scalar);
    this.nextContent();
    return this.scalar.value as string;
  }
}
