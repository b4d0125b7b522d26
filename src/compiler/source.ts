import type { Document } from 'yaml';

/** One input file: its name as the user gave it, its text, and a line index built on demand. */
export class SourceFile {
  private lines: string[] | undefined;
  /** The yaml package's Document of the text, when parse read it so (positions.ts parses it later otherwise). */
  document: Document.Parsed | undefined;
  /** Pointers of the scalars read as their written text (yaml-read.ts's `kept`). */
  kept: ReadonlySet<string> | undefined;
  /** What positions.ts keeps to find paths in the document (built on the first diagnostic). */
  located: unknown;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; col: number } {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] ?? 0) + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  line(n: number): string {
    if (!this.lines) this.lines = this.text.split(/\r?\n/);
    return this.lines[n - 1] ?? '';
  }

  private starts: number[] | undefined;
  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }
}

/** A range of characters in a source file. */
export interface Span {
  file: SourceFile;
  start: number;
  end: number;
}
