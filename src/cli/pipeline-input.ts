import { compile, type CompileResult } from '../compiler/compile.js';
import { Diagnostics, sortDiagnostics, type Diagnostic } from '../compiler/diagnostics.js';
import type { CliContext } from './context.js';
import { UsageError } from './exit-codes.js';
import { formatDiagnostics, type Format } from './format/index.js';
import { summaryLine } from './format/text.js';
import { discoverFiles, readInputs } from './io.js';
import { useColor } from './context.js';
import { VERSION } from '../version.js';

/** The files a command works on: those named, or pipeline.yml and pipelines/*.yml. */
export function inputPaths(ctx: CliContext, positionals: readonly string[]): string[] {
  if (positionals.length > 0) return [...positionals];
  const found = discoverFiles(ctx.cwd);
  if (found.length === 0) return [];
  return found;
}

/** Reads and compiles the inputs; reports "no input" as PC0007. */
export function compileInputs(ctx: CliContext, positionals: readonly string[]): CompileResult {
  const diags = new Diagnostics();
  const paths = inputPaths(ctx, positionals);
  if (paths.length === 0) {
    // About no file in particular: printed without a location rather than as '.'.
    diags.add('PC0007', `no pipeline files found in ${ctx.cwd}: expected pipeline.yml or pipelines/*.yml`, undefined, {
      suggestion: 'run pipec where pipeline.yml is, or name the files to read (pipec validate path/to/pipeline.yml)',
    });
    return { pipelines: [], diagnostics: diags };
  }
  return compile(readInputs(paths, ctx.cwd, diags), diags);
}

/** Prints diagnostics in the chosen format to the chosen stream; text gets a summary line. */
export function printDiagnostics(ctx: CliContext, list: readonly Diagnostic[], format: Format, color: boolean | undefined, stream: 'stdout' | 'stderr'): void {
  const out = ctx[stream];
  const sorted = sortDiagnostics(list);
  if (format === 'text') {
    if (sorted.length === 0) return;
    out.write(formatDiagnostics('text', sorted, { color: useColor(ctx, out, color), version: VERSION }));
    out.write(`${summaryLine(sorted)}\n`);
    return;
  }
  out.write(formatDiagnostics(format, sorted, { color: false, version: VERSION }));
}

export function requireFormat(value: unknown): Format {
  const v = (value as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(v)) throw new UsageError(`unknown format '${v}'`);
  return v as Format;
}
