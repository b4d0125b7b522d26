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
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Commented);
}

/** Whether a mapping has a key (a key whose value is undefined counts, as it does for Object.keys). */
function hasKeys(map: Record<string, unknown>): boolean {
  for (const _ in map) return true;
  return false;
}

/** The text written so far; each line ends in a newline. */
interface Out {
  text: string;
}

/** A value after `prefix` ("key:" or "-", with its indentation), on that line or, for a mapping, on the lines after it. */
function emitValue(out: Out, v: unknown, indent: string, prefix: string): void {
  if (isMap(v)) {
    if (hasKeys(v)) {
      out.text += `${prefix}\n`;
      emitMap(out, v, `${indent}  `, false);
    } else out.text += `${prefix} {}\n`;
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) out.text += `${prefix} []\n`;
    else {
      out.text += `${prefix}\n`;
      for (const item of v) emitItem(out, item, indent);
    }
    return;
  }
  if (typeof v === 'string') {
    const b = literalBlock(v, `${indent}  `);
    out.text += `${prefix} ${b ?? yamlScalar(v)}\n`;
    return;
  }
  out.text += `${prefix} ${scalar(v)}\n`;
}

function comment(out: Out, text: string, indent: string): void {
  for (const line of text.split('\n')) out.text += line ? `${indent}# ${line}\n` : `${indent}#\n`;
}

function emitItem(out: Out, raw: unknown, indent: string): void {
  let item = raw;
  if (item instanceof Commented) {
    comment(out, item.comment, indent);
    item = item.value;
  }
  if (isMap(item) && hasKeys(item)) {
    // "- firstKey: ..." with the other keys aligned under it
    emitMap(out, item, `${indent}  `, true);
    return;
  }
  if (Array.isArray(item) && item.length > 0) {
    out.text += `${indent}-\n`;
    const inner = `${indent}  `;
    for (const x of item) emitItem(out, x, inner);
    return;
  }
  emitValue(out, item, indent, `${indent}-`);
}

/** Writes a mapping's keys at `indent`; as a list item (`dash`), its first key goes on the "- " line. */
function emitMap(out: Out, map: Record<string, unknown>, indent: string, dash: boolean): void {
  let lead = dash ? `${indent.slice(2)}- ` : indent;
  for (const k in map) {
    let v = map[k];
    if (v === undefined) continue;
    if (v instanceof Commented) {
      comment(out, v.comment, indent);
      v = v.value;
    }
    const key = yamlScalar(k);
    if (Array.isArray(v) && v.length > 0) {
      out.text += `${lead}${key}:\n`;
      const inner = `${indent}  `;
      for (const item of v) emitItem(out, item, inner);
    } else emitValue(out, v, indent, `${lead}${key}:`);
    lead = indent;
  }
}

/** A mapping as a YAML document, with an optional header comment; keys keep their insertion order. */
export function toYaml(tree: Record<string, unknown>, header?: string): string {
  const out: Out = { text: '' };
  if (header) comment(out, header, '');
  emitMap(out, tree, '', false);
  return out.text || '\n';
}

/** The same tree as JSON (two-space indented, or with `indent` 0 on one line); comments are dropped. */
export function toJson(tree: unknown, indent = 2): string {
  return JSON.stringify(tree, (_k, v: unknown) => (v instanceof Commented ? v.value : v), indent || undefined) + '\n';
}
