import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Span } from '../../compiler/source.js';

export interface Location {
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** Turns a span into 1-based line:col, only when a diagnostic is printed. */
export function locate(span: Span | undefined, file?: string): Location | undefined {
  if (!span) return file !== undefined ? { file } : undefined;
  const start = span.file.position(span.start);
  const end = span.file.position(Math.max(span.start, span.end));
  return { file: span.file.path, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}

export function diagnosticLocation(d: Diagnostic): Location | undefined {
  return locate(d.span, d.file);
}

/** `file:line:col` (or just the file). */
export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  return loc.line !== undefined ? `${loc.file}:${loc.line}:${loc.column}` : loc.file;
}
