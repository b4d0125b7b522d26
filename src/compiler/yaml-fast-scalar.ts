/*
 * Scalars for the fast YAML reader (yaml-fast.ts): the value of a plain scalar as the yaml package's
 * core schema resolves it (with readYaml's rule, scalarValue in yaml-data.ts, for numbers and booleans whose text would not survive),
 * quoted scalars on one line, and literal/folded block scalars. Each reader returns NOT_SURE where
 * the yaml package might read the text differently or report an error; the caller then gives up.
 */

/** Thrown (and caught by readFast) wherever the fast reader cannot be certain of the yaml package's answer. */
export const NOT_SURE: { readonly notSure: true } = Object.freeze({ notSure: true as const });

/** A plain scalar's data and whether it is a number/boolean kept as its text (yaml-data.ts scalarValue). */
export interface PlainValue {
  value: unknown;
  kept: boolean;
}

const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The number the core schema reads from a plain scalar's text (its tags tried in the schema's order), or undefined. */
function coreNumber(s: string): number | undefined {
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return undefined;
}

/**
 * A plain scalar's data, as readYaml gives it: null for `~`/`null`, true/false for `true`/`false`, a
 * number when its text is what String() writes back, and otherwise the text (kept: true when the core
 * schema would have read a number or boolean, e.g. `3.10`, `0x1F`, `True`).
 */
export function plainValue(s: string, out: PlainValue): void {
  out.kept = false;
  const c = s.charCodeAt(0);
  // Only texts starting with a digit, sign, dot, n/N, t/T, f/F or ~ can be anything but a string.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    const n = coreNumber(s);
    if (n !== undefined) {
      if (String(n) === s) out.value = n;
      else {
        out.value = s;
        out.kept = true;
      }
      return;
    }
  } else if (c === 126 || c === 110 || c === 78) {
    if (s === '~' || s === 'null' || s === 'Null' || s === 'NULL') {
      out.value = null;
      return;
    }
  } else if (c === 116 || c === 84 || c === 102 || c === 70) {
    if (s === 'true' || s === 'false') {
      out.value = s === 'true';
      return;
    }
    if (s === 'True' || s === 'TRUE' || s === 'False' || s === 'FALSE') {
      out.value = s;
      out.kept = true;
      return;
    }
  }
  out.value = s;
}

/** A mapping key's property name (yaml-data.ts keyText): String() of its data, or its text when kept. */
export function plainKey(s: string, out: PlainValue): string {
  plainValue(s, out);
  return typeof out.value === 'string' ? out.value : String(out.value);
}

/** Where a quoted scalar starting at `p` ends (just past its closing quote); its value in `out.value`. NOT_SURE across lines. */
export function readQuoted(t: string, p: number, out: PlainValue): number {
  out.kept = false;
  return t.charCodeAt(p) === 39 ? readSingle(t, p, out) : readDouble(t, p, out);
}

function readSingle(t: string, p: number, out: PlainValue): number {
  let value = '';
  let from = p + 1;
  // Once per scalar: looking for the line's end at every '' would be quadratic on a long line.
  const nl = t.indexOf('\n', from);
  for (;;) {
    const q = t.indexOf("'", from);
    if (q < 0 || (nl >= 0 && nl < q)) throw NOT_SURE;
    if (t.charCodeAt(q + 1) === 39) {
      value += t.slice(from, q + 1);
      from = q + 2;
      continue;
    }
    out.value = value + t.slice(from, q);
    return q + 1;
  }
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

function readDouble(t: string, p: number, out: PlainValue): number {
  let value = '';
  let from = p + 1;
  for (let i = from; ; i++) {
    const c = t.charCodeAt(i);
    if (c === 34) {
      out.value = value + t.slice(from, i);
      return i + 1;
    }
    if (c === 10 || Number.isNaN(c)) throw NOT_SURE;
    if (c !== 92) continue;
    value += t.slice(from, i);
    const e = t[i + 1] ?? '';
    const simple = ESCAPES[e];
    if (simple !== undefined && Object.hasOwn(ESCAPES, e)) {
      value += simple;
      i++;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = t.substr(i + 2, len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw NOT_SURE;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw NOT_SURE;
      value += String.fromCodePoint(code);
      i += 1 + len;
    } else throw NOT_SURE;
    from = i + 1;
  }
}

/**
 * Reads a literal (`|`) or folded (`>`) block scalar whose header is at `p`, in a collection indented
 * `parent` (-1 at the root): its value goes to `out.value`; returns the start of the first line after it.
 * Declined: keep chomping (`+`), indentation indicators, an empty body, blank lines with more spaces
 * than the content's indentation (the yaml package's rules for those are subtle).
 */
export function readBlockScalar(t: string, p: number, parent: number, out: PlainValue): number {
  const folded = t.charCodeAt(p) === 62;
  let i = p + 1;
  let strip = false;
  if (t.charCodeAt(i) === 45) {
    strip = true;
    i++;
  }
  const afterHeader = i;
  while (t.charCodeAt(i) === 32) i++;
  if (t.charCodeAt(i) === 35 && i > afterHeader) i = t.indexOf('\n', i);
  // A header with more (`+`, an indentation digit) or nothing after it is left to yaml.
  if (i < 0 || t.charCodeAt(i) !== 10) throw NOT_SURE;
  const n = t.length;
  const lines: number[] = [];
  let indent = -1;
  let lastContent = 0;
  let widestBlank = 0;
  let ls = i + 1;
  while (ls < n) {
    let j = ls;
    while (t.charCodeAt(j) === 32) j++;
    const c = t.charCodeAt(j);
    const blank = j >= n || c === 10;
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
  out.value = blockValue(t, lines, indent, folded, strip);
  out.kept = false;
  return Math.min(ls, n);
}

/**
 * The value of a block scalar's body: `lines` are [start, end) offsets of its lines from the first
 * line after the header to the last line with content; `indent` is the content's indentation.
 * The yaml package's resolveBlockScalar, for bodies without more-indented blank lines.
 */
function blockValue(t: string, lines: number[], indent: number, folded: boolean, strip: boolean): string {
  let value = '';
  let sep = '';
  let prevMore = false;
  let started = false;
  for (let i = 0; i < lines.length; i += 2) {
    const start = lines[i] as number;
    const end = lines[i + 1] as number;
    const blank = end - start <= indent;
    if (!started) {
      // Blank lines before the first content line are kept as they are.
      if (blank) {
        value += '\n';
        continue;
      }
      started = true;
    }
    const content = blank ? '' : t.slice(start + indent, end);
    if (!folded) {
      value += sep + content;
      sep = '\n';
    } else if (content.charCodeAt(0) === 32) {
      // More-indented lines of a folded scalar keep their line breaks.
      if (sep === ' ') sep = '\n';
      else if (!prevMore && sep === '\n') sep = '\n\n';
      value += sep + content;
      sep = '\n';
      prevMore = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMore = false;
    }
  }
  return strip ? value : value + '\n';
}
