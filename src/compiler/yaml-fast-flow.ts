import { Cursor, DEEPEST, emptyAt, HASH, LONGEST_KEY, NL, SP, store } from './yaml-fast-cursor.js';
import { NOT_SURE, plainKey, plainValue, readQuoted } from './yaml-fast-scalar.js';

/*
 * Flow collections for the fast YAML reader (yaml-fast.ts): `[a, b]` and `{a: 1}`, nested, on one
 * line or several (each line indented more than the block collection holding them), with comments.
 * Declined: empty entries, trailing commas, `[a: 1]` pairs, keys without a value, multi-line scalars.
 */

/** The cursor with flow collections; Reader adds block collections. */
export class FlowCursor extends Cursor {
  /** A flow list at `p`, inside a block collection indented `k` (its lines must be indented more). */
  protected flowSeq(k: number): unknown[] {
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
  protected flowMap(k: number): Record<string, unknown> {
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
