import { shownLine, type Diagnostic } from '../../compiler/diagnostics.js';
import { codeUrl } from './links.js';
import { diagnosticLocation, formatLocation, locate } from './location.js';

export interface TextOptions {
  color: boolean;
  /** A `see:` line with the code's documentation link under each diagnostic. */
  links?: boolean;
}

const MAX_FRAME_LINE = 240;

/** Compiler-style text: `file:line:col: error[PC3008]: message`, a code frame with a caret, notes and help. */
export function formatText(diags: readonly Diagnostic[], opts: TextOptions): string {
  const c = colors(opts.color);
  const out: string[] = [];
  for (const d of diags) {
    const loc = formatLocation(diagnosticLocation(d));
    const sev = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info');
    out.push(`${loc ? c.bold(loc) + ': ' : ''}${sev}${c.dim(`[${d.code}]`)}: ${c.bold(d.message)}`);
    if (d.span) out.push(...frame((n) => shownLine(d, n), d.span, c));
    for (const n of d.notes) {
      const nl = formatLocation(locate(n.span));
      out.push(`  ${c.blue('note')}: ${n.message}${nl ? ` (${nl})` : ''}`);
      if (n.span) out.push(...frame(n.span.file.line.bind(n.span.file), n.span, c));
    }
    if (d.suggestion) out.push(`  ${c.green('help')}: ${d.suggestion}`);
    if (opts.links) out.push(`  ${c.blue('see')}: ${codeUrl(d.code)}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

function frame(lineOf: (n: number) => string, span: NonNullable<Diagnostic['span']>, c: ReturnType<typeof colors>): string[] {
  const start = span.file.position(span.start);
  const end = span.file.position(Math.max(span.start, span.end));
  const text = lineOf(start.line);
  if (text.length > MAX_FRAME_LINE) return [];
  const width = String(start.line).length;
  const pad = ' '.repeat(width);
  const caretLen = end.line === start.line ? Math.max(1, end.col - start.col) : Math.max(1, text.length - start.col + 1);
  const lead = text.slice(0, start.col - 1).replace(/[^\t]/g, ' ');
  return [`${pad} ${c.dim('|')}`, `${c.dim(String(start.line))} ${c.dim('|')} ${text}`, `${pad} ${c.dim('|')} ${lead}${c.red('^'.repeat(caretLen))}`];
}

/** `2 errors, 1 warning` for the end of a run. */
export function summaryLine(diags: readonly Diagnostic[]): string {
  const e = diags.filter((d) => d.severity === 'error').length;
  const w = diags.filter((d) => d.severity === 'warning').length;
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

function colors(on: boolean) {
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: wrap('31;1'), yellow: wrap('33;1'), blue: wrap('36;1'), green: wrap('32;1'), bold: wrap('1'), dim: wrap('2') };
}
