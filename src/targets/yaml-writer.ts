/**
 * A small deterministic YAML writer for the JSON-like trees the targets build. It is much faster
 * than building a `yaml` Document per file (this matters at 1,000 pipelines) and writes scalars so
 * that YAML 1.1 readers (CloudFormation, CodeBuild) and YAML 1.2 readers read back the same string.
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

// Words YAML 1.1 reads as booleans or null, and 1.2 special floats: written plain they would not stay strings.
const RESERVED = /^(y|n|yes|no|true|false|on|off|null|~|\.inf|-\.inf|\+\.inf|\.nan|=|<<)$/i;
// Plain scalars made only of these characters, starting with a letter, _, ., / or $, can be nothing but strings.
const PLAIN = /^[A-Za-z_./$][\w./$@%=+()'"`;&|<>*!?^~:#{}[\],\\-]*(?: [\w./$@%=+()'"`;&|<>*!?^~:#{}[\],\\-]+)*$/;

/** One line of text as a YAML scalar: plain when that reads back as the same string, else double-quoted (JSON style). */
export function yamlScalar(text: string): string {
  if (PLAIN.test(text) && !RESERVED.test(text) && !/: |:$| #|^\.\d/.test(text)) return text;
  return JSON.stringify(text);
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
  return `|${chomp}\n${lines.map((l) => (l.length ? indent + l : '')).join('\n')}`;
}

function isEmptyCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Commented);
}

function emitValue(out: string[], v: unknown, indent: string, prefix: string): void {
  // prefix is what precedes the value on its first line: "key:" or "-" (list item)
  if (Array.isArray(v) && v.length > 0) {
    out.push(prefix);
    for (const item of v) emitItem(out, item, indent);
    return;
  }
  if (isMap(v) && Object.keys(v).length > 0) {
    out.push(prefix);
    emitMap(out, v, indent + '  ');
    return;
  }
  if (isEmptyCollection(v)) {
    out.push(`${prefix} ${Array.isArray(v) ? '[]' : '{}'}`);
    return;
  }
  if (typeof v === 'string') {
    const b = literalBlock(v, indent + '  ');
    if (b) {
      out.push(`${prefix} ${b}`);
      return;
    }
  }
  out.push(`${prefix} ${scalar(v)}`);
}

function comment(out: string[], text: string, indent: string): void {
  for (const line of text.split('\n')) out.push(`${indent}#${line ? ' ' + line : ''}`);
}

function emitItem(out: string[], raw: unknown, indent: string): void {
  let item = raw;
  if (item instanceof Commented) {
    comment(out, item.comment, indent);
    item = item.value;
  }
  if (isMap(item) && Object.keys(item).length > 0) {
    // "- firstKey: ..." with the other keys aligned under it
    emitMap(out, item, indent + '  ', true);
    return;
  }
  if (Array.isArray(item) && item.length > 0) {
    out.push(`${indent}-`);
    for (const x of item) emitItem(out, x, indent + '  ');
    return;
  }
  emitValue(out, item, indent, `${indent}-`);
}

/** Writes a mapping's keys at `indent`; as a list item (`dash`), its first key goes on the "- " line. */
function emitMap(out: string[], map: Record<string, unknown>, indent: string, dash = false): void {
  let lead = dash ? `${indent.slice(2)}- ` : indent;
  for (const [k, raw] of Object.entries(map)) {
    if (raw === undefined) continue;
    let v: unknown = raw;
    if (v instanceof Commented) {
      comment(out, v.comment, indent);
      v = v.value;
    }
    const key = yamlScalar(k);
    if (Array.isArray(v) && v.length > 0) {
      out.push(`${lead}${key}:`);
      for (const item of v) emitItem(out, item, indent + '  ');
    } else emitValue(out, v, indent, `${lead}${key}:`);
    lead = indent;
  }
}

/** A mapping as a YAML document, with an optional header comment; keys keep their insertion order. */
export function toYaml(tree: Record<string, unknown>, header?: string): string {
  const out: string[] = [];
  if (header) comment(out, header, '');
  emitMap(out, tree, '');
  return out.join('\n') + '\n';
}

/** The same tree as JSON (two-space indented, or with `indent` 0 on one line); comments are dropped. */
export function toJson(tree: unknown, indent = 2): string {
  return JSON.stringify(tree, (_k, v: unknown) => (v instanceof Commented ? v.value : v), indent || undefined) + '\n';
}
