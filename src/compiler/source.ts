import { LineCounter } from 'yaml';

/** One input file: its name as the user gave it, its text, and a line index built on demand. */
export class SourceFile {
  private counter: LineCounter | undefined;
  private lines: string[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** The LineCounter the YAML parser fills; created lazily so unread files cost nothing. */
  get lineCounter(): LineCounter {
    if (!this.counter) this.counter = new LineCounter();
    return this.counter;
  }

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
