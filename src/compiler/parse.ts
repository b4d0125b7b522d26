import { parseAllDocuments, type Document, type YAMLError } from 'yaml';
import { Diagnostics } from './diagnostics.js';
import { PARSE_OPTIONS } from './positions.js';
import { SourceFile } from './source.js';
import { AliasLimitError, MAX_DEPTH, MAX_NODES, readYaml } from './yaml-data.js';
import { syntaxProblems, type SyntaxProblem } from './yaml-errors.js';
import { readFast } from './yaml-fast.js';
import type { FastReader, YamlRead } from './yaml-read.js';

export { MAX_DEPTH } from './yaml-data.js';

/** Largest input file pipec reads; real pipeline files are a few kilobytes. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;


/** A parsed input file: its plain data (places in it are paths, positions.ts). */
export interface ParsedFile {
  file: SourceFile;
  value: unknown;
}

/** Checks raw bytes and decodes them as UTF-8 text; reports why a file cannot be a pipeline file. */
export function decodeSource(bytes: Uint8Array, path: string, diags: Diagnostics): SourceFile | undefined {
  if (bytes.length > MAX_FILE_BYTES) {
    diags.add('PC0002', `file is ${formatBytes(bytes.length)}; pipec reads files of at most ${formatBytes(MAX_FILE_BYTES)}`, undefined, {
      file: path,
      suggestion: 'split the pipelines into several files under pipelines/',
    });
    return undefined;
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    // Pointed at: the text before the NUL byte, so the position is a line and column like any other.
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, nul));
    diags.add('PC0004', `file holds binary data (a NUL byte at offset ${nul}); a pipeline file is YAML text`, { file: new SourceFile(path, prefix), start: prefix.length, end: prefix.length });
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, at));
    const file = new SourceFile(path, prefix);
    diags.add('PC0003', `file is not valid UTF-8 (bad byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')})`, { file, start: prefix.length, end: prefix.length }, {
      suggestion: 'save the file as UTF-8',
    });
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return new SourceFile(path, text);
}

/**
 * Parses one file's YAML, guarding against hostile input; returns undefined when nothing usable remains.
 * `fast` is tried before the yaml package (yaml-read.ts's FastReader): it reads what it is certain of
 * (yaml-fast.ts: the YAML pipeline files are written in) and declines the rest; undefined: yaml only.
 */
export function parseSource(file: SourceFile, diags: Diagnostics, fast: FastReader | undefined = readFast): ParsedFile | undefined {
  if (onlyBlankOrComments(file.text)) {
    diags.add('PC0005', 'file is empty; it should describe a pipeline (at least `name:` and `stages:`, or `pipelines:`)', { file, start: 0, end: 0 });
    return undefined;
  }
  const deep = scanNesting(file.text);
  if (deep !== undefined) {
    diags.add('PC1003', `nesting is deeper than ${MAX_DEPTH} levels`, { file, start: deep, end: deep + 1 });
    return undefined;
  }
  const read = fast?.(file.text) ?? readWithYaml(file, diags);
  if (!read) return undefined;
  file.kept = read.kept;
  if (!reportRead(file, read, diags)) return undefined;
  const value = read.value;
  if (value === null || value === undefined) {
    const at = file.document?.contents?.range?.[0] ?? 0;
    diags.add('PC0005', 'file holds no pipeline (the YAML document is empty)', { file, start: at, end: at });
    return undefined;
  }
  return { file, value };
}

/** Reports a read's duplicate keys, else the construct it refuses; false when there was either. */
function reportRead(file: SourceFile, read: YamlRead, diags: Diagnostics): boolean {
  const { duplicates, unsupported } = read;
  duplicates.slice(0, MAX_REPORTED_DUPLICATES).forEach(({ key, at, first }) => {
    diags.add('PC1004', `duplicate key '${key.length > 80 ? key.slice(0, 80) + '...' : key}': a mapping may hold each key once`, { file, start: at[0], end: at[1] }, {
      notes: [{ message: 'first written here', span: { file, start: first[0], end: first[1] } }],
      suggestion: 'remove one of the two, or merge their values',
    });
  });
  if (duplicates.length > MAX_REPORTED_DUPLICATES) {
    const more = duplicates[MAX_REPORTED_DUPLICATES] as { at: [number, number] };
    diags.add('PC1004', `${duplicates.length - MAX_REPORTED_DUPLICATES} more duplicate keys not shown`, { file, start: more.at[0], end: more.at[1] });
  }
  if (duplicates.length > 0) return false;
  if (unsupported) {
    diags.add('PC1006', unsupported.message, { file, start: unsupported.at, end: unsupported.at + 1 });
    return false;
  }
  return true;
}

/**
 * Reads a file with the yaml package: its syntax errors, warnings (tags) and documents are reported
 * here; undefined when one was. The Document is kept on the file, where positions are found later.
 */
function readWithYaml(file: SourceFile, diags: Diagnostics): YamlRead | undefined {
  let docs: Document.Parsed[];
  try {
    // Duplicate keys are found by readYaml: the yaml package's own check compares each key with
    // every earlier one, and 20,000 keys in one mapping took half a minute.
    const parsed = parseAllDocuments(file.text, PARSE_OPTIONS);
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    if (e instanceof RangeError) {
      diags.add('PC1003', `nesting is too deep to read`, { file, start: 0, end: 0 });
      return undefined;
    }
    throw e;
  }
  if (docs.length === 0) {
    diags.add('PC0005', 'file holds no YAML document', { file, start: 0, end: 0 });
    return undefined;
  }
  const doc = docs[0] as Document.Parsed;
  file.document = doc;
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    const at = second.range[0];
    diags.add('PC1005', 'file holds more than one YAML document', { file, start: at, end: at }, {
      suggestion: 'put several pipelines in one document under `pipelines:`, or in separate files',
    });
  }
  let syntaxErrors = 0;
  // The yaml package places errors at the end of the text one character past it.
  const within = (pos: [number, number]): [number, number] => [Math.min(pos[0], file.text.length), Math.min(pos[1], file.text.length)];
  const deepErrors = doc.errors.filter((err) => /call stack/i.test(err.message));
  for (const err of deepErrors) {
    // The yaml package turns its own stack overflow into a syntax error; it means the nesting is too deep.
    const [start, end] = within(err.pos);
    diags.add('PC1003', 'nesting is too deep to read', { file, start, end });
    syntaxErrors++;
  }
  if (deepErrors.length === 0) {
    const generic = (err: YAMLError): SyntaxProblem => {
      const [start, end] = within(err.pos);
      return { start, end, message: yamlMessage(err.message), notes: [] };
    };
    for (const p of syntaxProblems(file, doc.errors, generic)) {
      diags.add('PC1001', p.message, { file, start: p.start, end: p.end }, {
        ...(p.suggestion ? { suggestion: p.suggestion } : {}),
        notes: p.notes.map((n) => ({ message: n.message, span: { file, start: n.start, end: n.end } })),
      });
      syntaxErrors++;
    }
  }
  for (const warn of doc.warnings) {
    syntaxErrors++;
    const [start, end] = within(warn.pos);
    if (warn.code === 'TAG_RESOLVE_FAILED') {
      const tag = /tag: (\S+)/.exec(warn.message)?.[1];
      diags.add('PC1006', `tag${tag ? ` '${tag}'` : ''} is not supported: pipeline.yml holds plain YAML values (CloudFormation's !Ref, !Sub and the like do not apply)`, { file, start, end }, {
        suggestion: 'remove the tag',
      });
    } else diags.add('PC1006', yamlMessage(warn.message), { file, start, end });
  }
  try {
    const read = readYaml(doc);
    if (syntaxErrors > 0) {
      // Duplicate keys are still worth knowing beside syntax errors; nothing else of the data is.
      reportRead(file, { ...read, unsupported: undefined }, diags);
      return undefined;
    }
    return read;
  } catch (e) {
    if (e instanceof AliasLimitError || e instanceof RangeError) {
      // What else is wrong comes first, as when the document is read without expanding its aliases.
      let unexpanded: YamlRead | undefined;
      try {
        unexpanded = readYaml(doc, false);
      } catch {
        unexpanded = undefined;
      }
      if (unexpanded && (syntaxErrors > 0 || !reportRead(file, unexpanded, diags))) return undefined;
      if (syntaxErrors > 0) return undefined;
    }
    if (e instanceof AliasLimitError && !e.aliases) {
      diags.add('PC0002', `file holds more than ${MAX_NODES.toLocaleString('en-US')} YAML values; pipec reads pipeline files of at most that many`, undefined, {
        file: file.path,
        suggestion: 'split the pipelines into several files under pipelines/',
      });
      return undefined;
    }
    if (e instanceof AliasLimitError) {
      const [start, end] = e.at ?? [0, 0];
      diags.add('PC1002', `aliases expand to more than ${MAX_NODES.toLocaleString('en-US')} values (a YAML "billion laughs" document)`, { file, start, end }, {
        suggestion: 'write the values out, or use fewer nested aliases',
      });
      return undefined;
    }
    if (e instanceof RangeError) {
      diags.add('PC1003', 'nesting is too deep to read', { file, start: 0, end: 0 });
      return undefined;
    }
    throw e;
  }
}

/** Finds, without parsing, the offset where flow brackets or indentation nest past MAX_DEPTH. */
function scanNesting(text: string): number | undefined {
  let flow = 0;
  let quote = '';
  let lineStart = true;
  let indent = 0;
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      dashes = 0;
      if (quote === "'" || quote === '"') continue;
      quote = '';
      continue;
    }
    if (quote) {
      if (quote === '#') continue;
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        indent++;
        if (indent > MAX_DEPTH * 8) return i;
        continue;
      }
      // `- - -` nests lists and `? ? ?` nests explicit keys, without any indentation.
      if ((c === '-' || c === '?') && (text[i + 1] === ' ' || text[i + 1] === '\n')) {
        dashes++;
        if (dashes + indent / 2 > MAX_DEPTH * 2) return i;
        i++;
        continue;
      }
      lineStart = false;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) quote = '#';
    else if (c === '[' || c === '{') {
      flow++;
      if (flow > MAX_DEPTH) return i;
    } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
  }
  return undefined;
}

const NL = 10;
const CR = 13;
const SP = 32;
const HASH = 35;

/** Whether a UTF-16 code unit is one that `/\s/` matches (and `trimStart` removes): JavaScript's white space and line terminators. */
function isSpace(c: number): boolean {
  if (c < 128) return c === SP || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const MAX_REPORTED_DUPLICATES = 100;

/**
 * True when every line is blank or a comment (a line whose first character after white space is `#`).
 * A scan of character codes, not one regex over the whole text (the pattern /^(\s*(#.*)?\r?\n?)*$/
 * backtracks exponentially and took minutes on a 200-line file), and no array of lines: it stops at
 * the first line that holds anything else, the first line of any pipeline file.
 */
export function onlyBlankOrComments(text: string): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    // A line's leading white space (CR and LF end lines: `\r\n?|\n`).
    while (i < n && c !== NL && c !== CR && isSpace(c)) c = text.charCodeAt(++i);
    if (i < n && c !== NL && c !== CR) {
      if (c !== HASH) return false;
      while (i < n && c !== NL && c !== CR) c = text.charCodeAt(++i);
    }
    i++;
  }
  return true;
}

/** The yaml package's messages end with a line:col and a code frame of their own; keep the first line only. */
function yamlMessage(message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return Math.max(0, bytes.length - 1);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
