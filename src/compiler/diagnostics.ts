import type { Span } from './source.js';
import { CODES, type Code } from './codes.js';

export type Severity = 'error' | 'warning' | 'info';

/** A secondary place that explains a diagnostic ("first defined here"). */
export interface Note {
  message: string;
  span?: Span;
}

/** The one shape every problem pipec reports takes, from file errors to target checks. */
export interface Diagnostic {
  code: Code;
  rule: string;
  severity: Severity;
  message: string;
  span?: Span;
  /** A file named without a position (unreadable file, directory). */
  file?: string;
  notes: Note[];
  suggestion?: string;
  /** The text at `span` is a secret: shown source lines mask it (`pipec validate` in CI logs must not print it). */
  redact?: boolean;
}

/** Line `n` of a diagnostic's file as a frame or snippet shows it: a redacted span's characters are `*`. */
export function shownLine(d: Pick<Diagnostic, 'span' | 'redact'>, n: number): string {
  const span = d.span;
  if (!span) return '';
  const text = span.file.line(n);
  if (!d.redact) return text;
  const lineStart = span.file.position(span.start).line === n ? span.file.position(span.start).col - 1 : 0;
  const lineEnd = span.file.position(span.end).line === n ? span.file.position(span.end).col - 1 : span.file.position(span.end).line > n ? text.length : 0;
  if (lineEnd <= lineStart) return text;
  return text.slice(0, lineStart) + '*'.repeat(lineEnd - lineStart) + text.slice(lineEnd);
}

/** Collects diagnostics across phases; phases keep going after a problem. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Map<string, Diagnostic>();

  /**
   * Records a diagnostic under a registered code; severity and rule name come from the registry.
   * The same problem at the same place is kept once: text that a macro repeats (a deploy that five
   * environments inherit) is still one mistake in pipeline.yml.
   */
  add(code: Code, message: string, span?: Span, extra: { notes?: Note[]; suggestion?: string; file?: string; redact?: boolean } = {}): Diagnostic {
    const key = span ? dedupKey(code, message, span) : undefined;
    const same = key !== undefined ? this.seen.get(key) : undefined;
    if (same) return same;
    const entry = CODES[code];
    const d: Diagnostic = {
      code,
      rule: entry.rule,
      severity: entry.severity,
      message,
      notes: extra.notes ?? [],
      ...(span ? { span } : {}),
      ...(extra.file !== undefined ? { file: extra.file } : {}),
      ...(extra.suggestion !== undefined ? { suggestion: extra.suggestion } : {}),
      ...(extra.redact ? { redact: true } : {}),
    };
    this.list.push(d);
    if (key !== undefined) this.seen.set(key, d);
    return d;
  }

  /**
   * Adds diagnostics made elsewhere (by a phase that had a Diagnostics of its own, or another thread),
   * in order, as `add` would have: one that is already here, at the same place, is kept once.
   */
  push(...list: readonly Diagnostic[]): void {
    for (const d of list) {
      const key = d.span ? dedupKey(d.code, d.message, d.span) : undefined;
      if (key !== undefined) {
        if (this.seen.has(key)) continue;
        this.seen.set(key, d);
      }
      this.list.push(d);
    }
  }

  /** Errors among list[0..counted): each diagnostic is looked at once, however often the count is asked (readSpec asks twice per action). */
  private counted = 0;
  private errors = 0;

  get errorCount(): number {
    // `list` only grows (add, push, and callers that push onto it directly), so counting on from where it was is exact.
    if (this.counted > this.list.length) {
      this.counted = 0;
      this.errors = 0;
    }
    for (; this.counted < this.list.length; this.counted++) if ((this.list[this.counted] as Diagnostic).severity === 'error') this.errors++;
    return this.errors;
  }

  hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/** Orders diagnostics by file, then position, then code, so output is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => {
    const fa = a.span?.file.path ?? a.file ?? '';
    const fb = b.span?.file.path ?? b.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const sa = a.span?.start ?? -1;
    const sb = b.span?.start ?? -1;
    if (sa !== sb) return sa - sb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

function dedupKey(code: Code, message: string, span: Span): string {
  return `${code}\u0000${span.file.path}\u0000${span.start}\u0000${span.end}\u0000${message}`;
}
