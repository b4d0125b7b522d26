import { Parser } from 'yaml';
import { CODES, type Code } from './codes.js';
import { Diagnostics, type Diagnostic } from './diagnostics.js';
import type { SourceFile, Span } from './source.js';
import { didYouMean } from './suggest.js';

/** One `# pipec-ignore PC5002: reason` comment: the codes it silences on one line. */
interface Silencer {
  file: SourceFile;
  /** 1-based line whose findings it silences. */
  line: number;
  codes: Code[];
  span: Span;
  used: Set<Code>;
}

const MARK = 'pipec-ignore';
const FORM = /^#\s*pipec-ignore(?:\s+(PC\d{4}(?:\s*,\s*PC\d{4})*))?\s*(?::\s*(.*))?$/;

/**
 * Drops the findings silenced in the files (`# pipec-ignore CODE: reason`, for the line it ends
 * or, alone on its line, the next line with content) or for the run (`ignore`), and reports
 * silencers that silence nothing or cannot be read. Only warnings and notes can be silenced:
 * an error means the output would be wrong. Pure: returns a new list.
 */
export function applySilencers(list: readonly Diagnostic[], files: readonly SourceFile[], ignore: readonly string[]): Diagnostic[] {
  const extra = new Diagnostics();
  const silencers = files.flatMap((f) => findSilencers(f, extra));
  const runUsed = new Set<string>();
  const kept = list.filter((d) => {
    if (d.severity === 'error') return true;
    if (ignore.includes(d.code)) {
      runUsed.add(d.code);
      return false;
    }
    if (!d.span) return true;
    const line = d.span.file.position(d.span.start).line;
    const s = silencers.find((x) => x.file === d.span?.file && x.line === line && x.codes.includes(d.code));
    if (!s) return true;
    s.used.add(d.code);
    return false;
  });
  for (const s of silencers)
    for (const code of s.codes)
      if (!s.used.has(code))
        extra.add('PC0008', `'# pipec-ignore ${code}' silences nothing: line ${s.line} has no ${code} finding`, s.span, {
          suggestion: 'remove the comment, or move it onto the line the finding points at (or the line above it)',
        });
  for (const code of ignore)
    if (!runUsed.has(code)) extra.add('PC0008', `'--ignore ${code}' silences nothing: no ${code} finding in this run`, undefined, { suggestion: `remove '--ignore ${code}'` });
  return [...kept, ...extra.list];
}

/** Checks the codes of `--ignore`: registered, and not errors. Returns a problem to report as bad usage. */
export function ignoreProblem(code: string): string | undefined {
  if (!Object.hasOwn(CODES, code)) {
    const guess = didYouMean(code, Object.keys(CODES));
    return `--ignore: '${code}' is no pipec code${guess ? `; did you mean '${guess}'?` : ''}`;
  }
  if (CODES[code as Code].severity === 'error') return `--ignore: ${code} is an error, and errors cannot be ignored; fix what it reports`;
  return undefined;
}

/** The silencers of one file; comments that cannot be read are reported as PC0009. */
function findSilencers(file: SourceFile, diags: Diagnostics): Silencer[] {
  if (!file.text.includes(MARK)) return [];
  const out: Silencer[] = [];
  for (const c of comments(file.text)) {
    if (!c.source.includes(MARK)) continue;
    const span: Span = { file, start: c.offset, end: c.offset + c.source.length };
    const m = FORM.exec(c.source.trimEnd());
    if (!m || !m[1]) {
      diags.add('PC0009', `cannot read this pipec-ignore comment`, span, { suggestion: "write '# pipec-ignore PC5002: reason' (codes separated by commas)" });
      continue;
    }
    const codes: Code[] = [];
    for (const code of m[1].split(',').map((x) => x.trim())) {
      const problem = ignoreProblem(code);
      if (problem) diags.add('PC0009', problem.replace('--ignore: ', 'pipec-ignore: '), span);
      else codes.push(code as Code);
    }
    if (codes.length === 0) continue;
    const own = file.position(c.offset);
    const alone = file.line(own.line).slice(0, own.col - 1).trim() === '';
    out.push({ file, line: alone ? nextContentLine(file, own.line) : own.line, codes, span, used: new Set() });
  }
  return out;
}

/** The first line after `line` that is neither blank nor only a comment. */
function nextContentLine(file: SourceFile, line: number): number {
  const total = file.position(file.text.length).line;
  for (let n = line + 1; n <= total; n++) {
    const t = file.line(n).trim();
    if (t !== '' && !t.startsWith('#')) return n;
  }
  return line + 1;
}

/** Every YAML comment of a text with its offset, from the CST: a '#' inside a string or block scalar is no comment. */
function comments(text: string): { offset: number; source: string }[] {
  const found: { offset: number; source: string }[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 200 || typeof node !== 'object' || node === null) return;
    const t = node as { type?: string; offset?: number; source?: string };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
      found.push({ offset: t.offset, source: t.source });
      return;
    }
    for (const v of Object.values(node)) if (typeof v === 'object') visit(v, depth + 1);
  };
  for (const token of new Parser().parse(text)) visit(token, 0);
  return found.sort((a, b) => a.offset - b.offset);
}
