import type { YAMLError } from 'yaml';
import type { SourceFile } from './source.js';

/** A YAML syntax error as pipec reports it: in the author's words, at the line that needs the fix. */
export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
  suggestion?: string;
  /** Keys the message compares the bad line with ("'commands' is here"). */
  notes: Array<{ message: string; start: number; end: number }>;
}

interface Line {
  /** 0-based line index. */
  index: number;
  /** Offset of the line's first character. */
  offset: number;
  text: string;
  /** 0-based column of the content after indentation and any `- ` markers. */
  col: number;
  /** The mapping key the line starts with, if it does. */
  key?: string;
}

const KEY = /^([^\s#:'"{}[\],&*!|>%@`][^:#]*?|"[^"]*"|'[^']*'):(\s|$)/;

/** The lines of the text, each with where its content starts and the key it begins with. */
function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let offset = 0;
  text.split('\n').forEach((raw, index) => {
    const text = raw.replace(/\r$/, '');
    const m = /^[ \t]*(?:-[ \t]+)*/.exec(text);
    const col = m ? m[0].length : 0;
    const key = KEY.exec(text.slice(col))?.[1]?.trim();
    out.push({ index, offset, text, col, ...(key ? { key } : {}) });
    offset += raw.length + 1;
  });
  return out;
}

const isContent = (l: Line): boolean => l.text.trim() !== '' && !l.text.trim().startsWith('#');

/** The keys written before `line` that it may belong with: the line above, then each less indented key above that. */
function keysAbove(lines: readonly Line[], line: Line): Line[] {
  const out: Line[] = [];
  let limit = Infinity;
  for (let i = line.index - 1; i >= 0; i--) {
    const l = lines[i] as Line;
    if (!isContent(l) || l.col >= limit) continue;
    limit = l.col;
    if (l.key) out.push(l);
    if (l.col === 0) break;
  }
  return out;
}

/** A key line that lines up with none of the keys it could belong to: say which keys, and where. */
function misaligned(lines: readonly Line[], line: Line): SyntaxProblem | undefined {
  if (!line.key) return undefined;
  const above = keysAbove(lines, line);
  if (above.some((l) => l.col === line.col)) return undefined;
  const deeper = [...above].filter((l) => l.col > line.col).pop();
  const shallower = above.find((l) => l.col < line.col);
  const near = [deeper, shallower].filter((l): l is Line => l !== undefined);
  if (near.length === 0) return undefined;
  const where = (l: Line): string => `'${l.key}' (line ${l.index + 1}, column ${l.col + 1})`;
  const start = line.offset + line.col;
  return {
    start,
    end: start + (line.key as string).length,
    message:
      near.length === 1
        ? `'${line.key}' is indented to column ${line.col + 1}, so it lines up with no key above it: ${where(near[0] as Line)} is the nearest`
        : `'${line.key}' is indented to column ${line.col + 1}, between ${where(near[0] as Line)} and ${where(near[1] as Line)}, and lines up with neither`,
    suggestion:
      near.length === 1
        ? `indent '${line.key}' like '${(near[0] as Line).key}' (${(near[0] as Line).col === 0 ? 'not at all' : `${(near[0] as Line).col} spaces`})`
        : `indent '${line.key}' like the key it belongs with`,
    notes: near.map((l) => ({ message: `'${l.key}' is here`, start: l.offset + l.col, end: l.offset + l.col + (l.key as string).length })),
  };
}

/** A line `word value` or a lone `word` followed by nested lines: the `:` after the key is missing. */
function missingColon(line: Line): SyntaxProblem | undefined {
  const rest = line.text.slice(line.col);
  const m = /^([A-Za-z_][\w.@-]*)(?:([ \t]+)(\S.*))?$/.exec(rest);
  if (!m || line.key) return undefined;
  const key = m[1] as string;
  const start = line.offset + line.col;
  return {
    start,
    end: start + key.length,
    message: `missing ':' after '${key}'`,
    suggestion: m[3] !== undefined ? `write '${key}: ${(m[3] as string).length > 30 ? `${(m[3] as string).slice(0, 30)}...` : m[3]}'` : `write '${key}:'`,
    notes: [],
  };
}

/** The first content line after `line`, when it is indented more. */
function nestedAfter(lines: readonly Line[], line: Line): Line | undefined {
  for (let i = line.index + 1; i < lines.length; i++) {
    const l = lines[i] as Line;
    if (!isContent(l)) continue;
    return l.col > line.col ? l : undefined;
  }
  return undefined;
}

/** What one of the yaml package's errors means in an author's terms; undefined when pipec has nothing better to say. */
function explain(lines: readonly Line[], lineAt: (offset: number) => Line, err: YAMLError): SyntaxProblem | undefined {
  const line = lineAt(err.pos[0]);
  const atContent = err.pos[0] <= line.offset + line.col;
  switch (err.code) {
    case 'TAB_AS_INDENT': {
      const tab = line.text.indexOf('\t');
      return { start: line.offset + tab, end: line.offset + tab + 1, message: 'a tab indents this line; YAML indents with spaces only', suggestion: 'replace the tab with spaces', notes: [] };
    }
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY': {
      if (atContent) return missingColon(line) ?? misaligned(lines, line);
      // The error sits at the value of `key: value`; the cause is the more indented key on the next line.
      const next = nestedAfter(lines, line);
      return next ? (misaligned(lines, next) ?? missingColon(next)) : undefined;
    }
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return atContent || err.pos[0] === line.offset ? (misaligned(lines, line) ?? missingColon(line)) : undefined;
    default:
      return undefined;
  }
}

/** Tab-indented lines the parser did not report, outside block scalars (where a tab may be text). */
function otherTabs(lines: readonly Line[], errors: readonly YAMLError[], lineAt: (offset: number) => Line): Array<{ e: YAMLError; problem: SyntaxProblem }> {
  const reported = new Set(errors.filter((e) => e.code === 'TAB_AS_INDENT').map((e) => lineAt(e.pos[0]).index));
  const out: Array<{ e: YAMLError; problem: SyntaxProblem }> = [];
  let blockIndent = -1;
  for (const line of lines) {
    const indent = /^[ \t]*/.exec(line.text)?.[0] ?? '';
    if (blockIndent >= 0 && (line.text.trim() === '' || indent.length > blockIndent)) continue;
    blockIndent = /(?:^|[:\-]\s)[|>][-+0-9]*\s*(#.*)?$/.test(line.text) ? indent.length : -1;
    if (!indent.includes('\t') || reported.has(line.index) || line.text.trim() === '') continue;
    const at = line.offset + indent.indexOf('\t');
    const e = { code: 'TAB_AS_INDENT', pos: [at, at + 1], message: 'tab' } as unknown as YAMLError;
    out.push({ e, problem: { start: at, end: at + 1, message: 'a tab indents this line; YAML indents with spaces only', suggestion: 'replace the tab with spaces', notes: [] } });
  }
  return out;
}

/**
 * Turns the yaml package's syntax errors into problems an author can act on: a missing ':' says so, a
 * mis-indented key is reported at its own line with the keys it fails to line up with, a tab is one error.
 * One mistake makes the parser stumble several times on the lines around it; those follow-on errors are
 * dropped, as is a second error on a line already reported. `generic` words the errors left as they are.
 */
export function syntaxProblems(file: SourceFile, errors: readonly YAMLError[], generic: (e: YAMLError) => SyntaxProblem): SyntaxProblem[] {
  const lines = linesOf(file.text);
  const lineAt = (offset: number): Line => lines[file.position(Math.min(offset, file.text.length)).line - 1] ?? (lines[lines.length - 1] as Line);
  const explained = errors.map((e) => ({ e, problem: explain(lines, lineAt, e) }));
  // After the first tab the parser reads the rest as one broken structure and reports no further tab;
  // each tab-indented line is still its own mistake.
  if (errors.some((e) => e.code === 'TAB_AS_INDENT')) explained.push(...otherTabs(lines, errors, lineAt));
  const isTab = (x: { e: YAMLError }): boolean => x.e.code === 'TAB_AS_INDENT';
  // Lines that a clear explanation covers, with the line before and after: the parser's follow-on errors land
  // there. Around a tab, even other explanations are follow-ons: one tab is one error.
  const covered = new Set<number>();
  const nearTab = new Set<number>();
  for (const x of explained)
    if (x.problem)
      for (const d of [-1, 0, 1]) {
        covered.add(lineAt(x.problem.start).index + d);
        if (isTab(x)) nearTab.add(lineAt(x.problem.start).index + d);
      }
  const out: SyntaxProblem[] = [];
  const reportedLines = new Set<number>();
  const rank = (x: { e: YAMLError; problem?: SyntaxProblem }): number => (isTab(x) ? 0 : x.problem ? 1 : 2);
  const ordered = [...explained].sort((a, b) => rank(a) - rank(b) || a.e.pos[0] - b.e.pos[0]);
  for (const x of ordered) {
    const { e, problem } = x;
    if (problem && !isTab(x) && nearTab.has(lineAt(problem.start).index)) continue;
    const p = problem ?? (covered.has(lineAt(e.pos[0]).index) ? undefined : generic(e));
    if (!p) continue;
    const at = lineAt(p.start).index;
    if (reportedLines.has(at)) continue;
    reportedLines.add(at);
    out.push(p);
  }
  return out.sort((a, b) => a.start - b.start);
}
