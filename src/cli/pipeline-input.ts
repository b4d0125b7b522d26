import { compile, type CompileResult } from '../compiler/compile.js';
import { Diagnostics, sortDiagnostics, type Diagnostic } from '../compiler/diagnostics.js';
import { applySilencers, ignoreProblem } from '../compiler/silence.js';
import { didYouMean } from '../compiler/suggest.js';
import type { CliContext } from './context.js';
import { UsageError } from './exit-codes.js';
import { formatDiagnostics, type Format } from './format/index.js';
import { summaryLine } from './format/text.js';
import { discoverFiles, readInputs } from './io.js';
import { useColor } from './context.js';
import { VERSION } from '../version.js';
import type { InputFile } from '../compiler/compile.js';

export { COMMON_FLAGS, COMMON_HELP } from './common-flags.js';

/** Options of the commands that read pipeline files: which pipelines, and the name of standard input. */
export const SELECT_FLAGS = {
  pipeline: { type: 'list' },
  'stdin-filename': { type: 'string' },
} as const;

/** Options of the commands that report diagnostics: what fails the run, what is silenced, links. */
export const REPORT_FLAGS = {
  strict: { type: 'bool' },
  'max-warnings': { type: 'string' },
  ignore: { type: 'list' },
  links: { type: 'bool' },
} as const;

export const SELECT_HELP = `      --pipeline NAME only these pipelines (repeatable, or comma-separated)
      --stdin-filename NAME
                      the name standard input ('-' as a file) is given in messages (default <stdin>)
`;

export const REPORT_HELP = `      --strict        fail (exit 1) on warnings too; the same as --max-warnings 0
      --max-warnings N
                      fail when there are more than N warnings
      --ignore CODE   silence a warning code for this run (repeatable); '# pipec-ignore CODE: reason'
                      in a file silences it on one line
      --links         print each code's documentation link ('see:') under it
`;

/** The files a command works on: those named, or pipeline.yml and pipelines/*.yml. */
export function inputPaths(ctx: CliContext, positionals: readonly string[]): string[] {
  if (positionals.length > 0) return [...positionals];
  const found = discoverFiles(ctx.cwd);
  if (found.length === 0) return [];
  return found;
}

/** Standard input, read whole, when '-' is among the files; its name from --stdin-filename. */
export async function readStdinInput(ctx: CliContext, positionals: readonly string[], flags: Record<string, unknown>): Promise<InputFile | undefined> {
  const dashes = positionals.filter((p) => p === '-').length;
  if (dashes === 0) {
    if (flags['stdin-filename'] !== undefined) throw new UsageError("--stdin-filename names standard input, which is read only when '-' is given as a file");
    return undefined;
  }
  if (dashes > 1) throw new UsageError("'-' (standard input) can be named only once");
  const name = (flags['stdin-filename'] as string | undefined) ?? '<stdin>';
  if (name === '') throw new UsageError("option '--stdin-filename' needs a name");
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin ?? process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return { path: name, bytes: Buffer.concat(chunks) };
}

/** Reads and compiles the inputs ('-' is `stdin`); reports "no input" as PC0007. */
export function compileInputs(ctx: CliContext, positionals: readonly string[], stdin?: InputFile): CompileResult {
  const diags = new Diagnostics();
  const paths = inputPaths(ctx, positionals);
  if (paths.length === 0) {
    // About no file in particular: printed without a location rather than as '.'.
    diags.add('PC0007', `no pipeline files found in ${ctx.cwd}: expected pipeline.yml or pipelines/*.yml`, undefined, {
      suggestion: 'run pipec where pipeline.yml is, or name the files to read (pipec validate path/to/pipeline.yml)',
    });
    return { pipelines: [], diagnostics: diags };
  }
  const inputs = paths.flatMap((p) => (p === '-' && stdin ? [stdin] : readInputs([p], ctx.cwd, diags)));
  return compile(inputs, diags);
}

/** Reads, compiles and selects (`--pipeline`): what every command that reads pipeline files starts with. */
export async function loadPipelines(ctx: CliContext, positionals: readonly string[], flags: Record<string, unknown>): Promise<CompileResult> {
  const stdin = await readStdinInput(ctx, positionals, flags);
  return selectPipelines(compileInputs(ctx, positionals, stdin), flags.pipeline as string[] | undefined);
}

/**
 * Keeps only the pipelines named by `--pipeline`, and the diagnostics that are not inside one
 * left out. A name that no file holds is bad usage (with the nearest name).
 */
export function selectPipelines(result: CompileResult, names: readonly string[] | undefined): CompileResult {
  if (!names || names.length === 0) return result;
  const found = result.found ?? [];
  const known = [...new Set(found.map((p) => p.name))];
  // With files that could not be read, the name may be in one of them: that is reported, not the name.
  if (!result.diagnostics.hasErrors() || found.length > 0)
    for (const name of names)
      if (!known.includes(name)) {
        const guess = didYouMean(name, known);
        throw new UsageError(`--pipeline: no pipeline is named '${name}'${known.length ? ` (pipelines: ${known.join(', ')})` : ''}${guess ? `; did you mean '${guess}'?` : ''}`);
      }
  const wanted = new Set(names);
  const left = found.filter((p) => !wanted.has(p.name));
  const inside = (d: Diagnostic): boolean =>
    d.span !== undefined && left.some((p) => p.span.file === d.span?.file && p.span.start <= d.span.start && d.span.end <= p.span.end);
  const diagnostics = new Diagnostics();
  diagnostics.list.push(...result.diagnostics.list.filter((d) => !inside(d)));
  return {
    ...result,
    pipelines: result.pipelines.filter((p) => wanted.has(p.ir.name)),
    diagnostics,
    found: found.filter((p) => wanted.has(p.name)),
  };
}

/** The --ignore codes, checked (usage errors for unknown codes and errors). */
export function ignoredCodes(flags: Record<string, unknown>): string[] {
  const codes = [...new Set(((flags.ignore as string[] | undefined) ?? []).map((c) => c.trim().toUpperCase()))];
  for (const code of codes) {
    const problem = ignoreProblem(code);
    if (problem) throw new UsageError(problem);
  }
  return codes;
}

/** --max-warnings N (or --strict: 0), checked; undefined when warnings do not fail the run. */
export function maxWarnings(flags: Record<string, unknown>): number | undefined {
  const raw = flags['max-warnings'] as string | undefined;
  if (raw === undefined) return flags.strict === true ? 0 : undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new UsageError(`option '--max-warnings' takes a whole number of 0 or more, not '${raw}'`);
  if (flags.strict === true && n !== 0) throw new UsageError('--strict means --max-warnings 0; give one of them');
  return n;
}

export interface Report {
  /** The diagnostics after silencing, sorted. */
  list: Diagnostic[];
  errors: number;
  warnings: number;
  /** Errors, or more warnings than --strict / --max-warnings allow. */
  failed: boolean;
}

/**
 * Silences what `# pipec-ignore` and `--ignore` say, prints the rest in the chosen format and
 * tells whether the run failed: on errors, or on more warnings than --strict/--max-warnings allow.
 * `--quiet` leaves warnings and notes out of text output (they still count).
 */
export function report(ctx: CliContext, result: CompileResult, flags: Record<string, unknown>, format: Format, stream: 'stdout' | 'stderr'): Report {
  const ignore = ignoredCodes(flags);
  const limit = maxWarnings(flags);
  const list = sortDiagnostics(applySilencers(result.diagnostics.list, result.files ?? [], ignore));
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.filter((d) => d.severity === 'warning').length;
  const quiet = flags.quiet === true && format === 'text';
  printDiagnostics(ctx, quiet ? list.filter((d) => d.severity === 'error') : list, format, flags.color as boolean | undefined, stream, flags.links === true);
  const tooMany = limit !== undefined && warnings > limit;
  if (tooMany && errors === 0)
    ctx.stderr.write(`pipec: ${warnings} warning${warnings === 1 ? '' : 's'}, more than ${flags.strict === true ? '--strict' : `--max-warnings ${limit}`} allows${quiet ? ' (not shown: --quiet)' : ''}\n`);
  return { list, errors, warnings, failed: errors > 0 || tooMany };
}

/** Prints diagnostics in the chosen format to the chosen stream; text gets a summary line. */
export function printDiagnostics(ctx: CliContext, list: readonly Diagnostic[], format: Format, color: boolean | undefined, stream: 'stdout' | 'stderr', links = false): void {
  const out = ctx[stream];
  const sorted = sortDiagnostics(list);
  if (format === 'text') {
    if (sorted.length === 0) return;
    out.write(formatDiagnostics('text', sorted, { color: useColor(ctx, out, color), version: VERSION, links }));
    out.write(`${summaryLine(sorted)}\n`);
    return;
  }
  out.write(formatDiagnostics(format, sorted, { color: false, version: VERSION, links }));
}

export function requireFormat(value: unknown): Format {
  const v = (value as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(v)) throw new UsageError(`unknown format '${v}'`);
  return v as Format;
}
