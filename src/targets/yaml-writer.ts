/**
 * A small deterministic YAML writer for the JSON-like trees the targets build. It is much faster
 * than building a `yaml` Document per file (this matters at 1,000 pipelines) and writes scalars so
 * that YAML 1.1 readers (CloudFormation, CodeBuild) and YAML 1.2 readers read back the same string.
 * The text is built by appending to one string (no array of lines, no key lists): the cloudformation
 * target writes about 37 KB of it per pipeline.
 */

/** A value with a comment written on the line before it (YAML only; JSON drops it). */
export class Commented {
  constructor(
    readonly value: unknown,
    readonly comment: string,
  ) {}
}

/** Wraps a value so the YAML output explains it (why a wildcard resource is needed, for example). */
export function commented<T>(value: T, comment: string): T {
  return new Commented(value, comment) as unknown as T;
}

/**
 * A value written the same wherever it appears (a constant parameter, a service's trust policy, the
 * tags every resource of a template carries): its YAML is made once per place and depth and reused,
 * not walked again. JSON writes the value (toJSON). Trees that other code reads (policy documents,
 * whose size is counted) do not hold one.
 */
export class Fixed {
  /** The text after `key:` and of a list item `- ...`, by depth. */
  private readonly afterKey: string[] = [];
  private readonly asItem: string[] = [];

  constructor(readonly value: unknown) {}

  toJSON(): unknown {
    return this.value;
  }

  /** The text after `key:` at `depth` (the key's). */
  textAfterKey(depth: number): string {
    return (this.afterKey[depth] ??= emitAfterKey('', this.value, depth));
  }

  /** The text of the value as a list item at `depth`. */
  textAsItem(depth: number): string {
    return (this.asItem[depth] ??= emitItem('', this.value, depth));
  }
}

/** Wraps a value that is written many times the same way (see {@link Fixed}). */
export function fixed<T>(value: T): T {
  return new Fixed(value) as unknown as T;
}

/**
 * The characters a plain scalar may hold besides single spaces: letters, digits and
 * `_./$@%=+()'"\`;&|<>*!?^~:#{}[],\-`; it starts with a letter, `_`, `.`, `/` or `$`. Anything else
 * (a tab, a control character, anything outside ASCII, a leading `-` or digit) is written quoted.
 */
const PLAIN_CHAR = asciiSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./$@%=+()'\"`;&|<>*!?^~:#{}[],\\-");
const PLAIN_FIRST = asciiSet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_./$');
// Words YAML 1.1 reads as booleans or null, and 1.2 special floats, in any case, that a plain scalar can start like
// (`~`, `-.inf`, `+.inf`, `=` and `<<` cannot start one): written plain they would not stay strings.
const RESERVED = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null', '.inf', '.nan']);

function asciiSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

const SPACE = 32;
const COLON = 58;
const HASH = 35;
const DOT = 46;

/**
 * Whether a string can be written as a plain scalar and read back as the same string: characters of
 * PLAIN_CHAR separated by single spaces, no `: `, ` #` or final `:` (a mapping or a comment), no `.`
 * and a digit at the start (a number), not a reserved word.
 */
function isPlain(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  const first = text.charCodeAt(0);
  if (first >= 128 || PLAIN_FIRST[first] === 0) return false;
  let prev = first;
  for (let i = 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE) {
      if (prev === SPACE || prev === COLON) return false;
    } else if (c >= 128 || PLAIN_CHAR[c] === 0 || (c === HASH && prev === SPACE)) return false;
    prev = c;
  }
  if (prev === SPACE || prev === COLON) return false;
  if (first === DOT && n > 1) {
    const second = text.charCodeAt(1);
    if (second >= 48 && second <= 57) return false;
  }
  return n > 5 || !RESERVED.has(text.toLowerCase());
}

/** One line of text as a YAML scalar: plain when that reads back as the same string, else double-quoted (JSON style). */
export function yamlScalar(text: string): string {
  return isPlain(text) ? text : JSON.stringify(text);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return yamlScalar(String(v));
}

/** A multi-line string as a literal block, when its text allows one. */
export function literalBlock(text: string, indent: string): string | undefined {
  if (!text.includes('\n') || /^[ \t\n]|[\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/.test(text)) return undefined;
  const body = text.replace(/\n+$/, '');
  const trailing = text.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = (trailing > 1 ? text.slice(0, -1) : body).split('\n');
  let out = `|${chomp}`;
  for (const l of lines) out += l.length ? `\n${indent}${l}` : '\n';
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Commented) && !(v instanceof Fixed);
}

/** Whether a mapping has a key (a key whose value is undefined counts, as it does for Object.keys). */
function hasKeys(map: Record<string, unknown>): boolean {
  for (const _ in map) return true;
  return false;
}

// The text is appended to a local string passed down and returned (a rope V8 flattens once, when the
// file is written): no object per document, no intermediate "prefix" strings per line.

/** Indentation of each depth (two spaces a level), and the same with the list dash in its last two columns. */
const PADS: string[] = [''];
const DASHES: string[] = ['- '];
function pad(depth: number): string {
  while (PADS.length <= depth) PADS.push(`${PADS[PADS.length - 1]}  `);
  return PADS[depth] as string;
}
function dash(depth: number): string {
  while (DASHES.length <= depth) DASHES.push(`${pad(DASHES.length)}- `);
  return DASHES[depth] as string;
}

/** `key:` for each mapping key seen (the templates use a few hundred keys, each many times); bounded. */
const KEYS = new Map<string, string>();
function keyText(k: string): string {
  let t = KEYS.get(k);
  if (t === undefined) {
    t = `${yamlScalar(k)}:`;
    if (KEYS.size < 4096) KEYS.set(k, t);
  }
  return t;
}

function comment(s: string, text: string, indent: string): string {
  if (!text.includes('\n')) return text ? `${s}${indent}# ${text}\n` : `${s}${indent}#\n`;
  for (const line of text.split('\n')) s += line ? `${indent}# ${line}\n` : `${indent}#\n`;
  return s;
}

/** A value after `key:` or `-` (already written) of depth `depth`: on that line, or for a collection on the lines after it. */
function emitValue(s: string, v: unknown, depth: number): string {
  if (typeof v === 'string') {
    if (v.includes('\n')) {
      const b = literalBlock(v, pad(depth + 1));
      if (b !== undefined) return `${s} ${b}\n`;
    }
    return `${s} ${yamlScalar(v)}\n`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return `${s} []\n`;
    s += '\n';
    for (let i = 0; i < v.length; i++) s = emitItem(s, v[i], depth);
    return s;
  }
  if (isMap(v)) return hasKeys(v) ? emitMap(`${s}\n`, v, depth + 1, false) : `${s} {}\n`;
  return `${s} ${scalar(v)}\n`;
}

/** A list item at depth `depth` ("- " in that depth's indentation). */
function emitItem(s: string, raw: unknown, depth: number): string {
  if (raw instanceof Fixed) return s + raw.textAsItem(depth);
  let item = raw;
  if (item instanceof Commented) {
    s = comment(s, item.comment, pad(depth));
    item = item.value;
    if (item instanceof Fixed) return s + item.textAsItem(depth);
  }
  if (Array.isArray(item)) {
    if (item.length > 0) {
      s += `${pad(depth)}-\n`;
      for (let i = 0; i < item.length; i++) s = emitItem(s, item[i], depth + 1);
      return s;
    }
  } else if (isMap(item) && hasKeys(item)) {
    // "- firstKey: ..." with the other keys aligned under it
    return emitMap(s, item, depth + 1, true);
  }
  return emitValue(`${s}${pad(depth)}-`, item, depth);
}

/** Writes a mapping's keys at depth `depth`; as a list item (`asItem`), its first key goes on the "- " line. */
function emitMap(s: string, map: Record<string, unknown>, depth: number, asItem: boolean): string {
  const indent = pad(depth);
  let lead = asItem ? dash(depth - 1) : indent;
  for (const k in map) {
    let v = map[k];
    if (v === undefined) continue;
    if (v instanceof Commented) {
      s = comment(s, v.comment, indent);
      v = v.value;
    }
    s = emitAfterKey(`${s}${lead}${keyText(k)}`, v, depth);
    lead = indent;
  }
  return s;
}

/** The value of a key of depth `depth` after its `key:`: a list's items on the lines after it, one level deeper. */
function emitAfterKey(s: string, v: unknown, depth: number): string {
  if (Array.isArray(v)) {
    if (v.length > 0) {
      s += '\n';
      for (let i = 0; i < v.length; i++) s = emitItem(s, v[i], depth + 1);
      return s;
    }
  } else if (v instanceof Fixed) return s + v.textAfterKey(depth);
  return emitValue(s, v, depth);
}

/** A mapping as a YAML document, with an optional header comment; keys keep their insertion order. */
export function toYaml(tree: Record<string, unknown>, header?: string): string {
  const s = emitMap(header ? comment('', header, '') : '', tree, 0, false);
  return s || '\n';
}

/** The same tree as JSON (two-space indented, or with `indent` 0 on one line); comments are dropped. */
export function toJson(tree: unknown, indent = 2): string {
  return JSON.stringify(tree, (_k, v: unknown) => unwrap(v), indent || undefined) + '\n';
}

/** What JSON writes for a value: a comment dropped; a Fixed's value (JSON calls toJSON before the replacer, so only under a comment). */
function unwrap(v: unknown): unknown {
  const inner = v instanceof Commented ? v.value : v;
  return inner instanceof Fixed ? inner.value : inner;
}
