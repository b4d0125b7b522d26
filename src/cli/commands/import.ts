import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Diagnostics } from '../../compiler/diagnostics.js';
import { MAX_FILE_BYTES } from '../../compiler/parse.js';
import type { CopilotImport } from '../../import/copilot.js';
import { importAll, type ImportedFile, type SourcePipeline } from '../../import/index.js';
import { readImportFile } from '../../import/read.js';
import { fetchLive } from '../../import/live.js';
import { parseCommandArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { awsSettings, concurrency, printFailures } from '../live-options.js';
import { printDiagnostics } from '../pipeline-input.js';
import { COMMON_FLAGS, COMMON_HELP } from '../common-flags.js';
import { didYouMean } from '../../compiler/suggest.js';
import { checkOutputDir, checkOutputFile, makeDirs, notWritable, OutputError, removeDirs, shownPath } from '../output-path.js';

export const HELP = `Usage: pipec import FILES... [options]
       pipec import --live NAME... | --live --all [options]

Turns existing pipelines into pipeline.yml: the shortest form (shared settings at the top,
source/build/tests/deploy sugar, typed provider settings) that compiles back to exactly the
same pipeline. Before writing, import compiles what it wrote and compares it with the source
under plan's normalisation; a pipeline that would differ is an error (nothing is written).

Inputs:
  FILES               create-pipeline inputs or get-pipeline outputs (JSON or YAML), pipeline
                      declarations, CloudFormation templates (every AWS::CodePipeline::Pipeline;
                      intrinsics resolved from parameter defaults where possible, others left as
                      FILL-IN placeholders), or AWS Copilot pipeline manifests (no round trip)
      --live NAME...  pipelines read from AWS (GetPipeline and their tags)
      --all           with --live: every pipeline in the region

Options:
  -o, --out PATH      a file (.yml/.yaml: all pipelines in it) or a directory (one
                      <name>.yml per pipeline); default: standard output
      --force         write pipelines that do not round-trip, with the differences as comments
      --region R      the pipelines' region (live); for files, the region of a cross-region pipeline
      --profile P     AWS profile for credentials and region (live)
      --endpoint-url URL
                      CodePipeline endpoint (live; default: AWS_ENDPOINT_URL_CODEPIPELINE, AWS_ENDPOINT_URL)
  -j, --concurrency N pipelines read at once (live; default 8)
      --pipeline NAME only the pipelines of these names among the inputs (repeatable, or comma-separated)
${COMMON_HELP}  -h, --help

Exit status: 0 imported, 1 problems (unreadable input, a pipeline that does not round-trip,
an AWS error), 2 bad usage.
`;

const FLAGS = {
  live: { type: 'bool' },
  all: { type: 'bool' },
  out: { type: 'string', short: 'o' },
  force: { type: 'bool' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  concurrency: { type: 'string', short: 'j' },
  pipeline: { type: 'list' },
  ...COMMON_FLAGS,
} as const;

/** `pipec import`: files or live pipelines to pipeline.yml, checked by a round trip before writing. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const live = flags.live === true;
  if (flags.all && !live) throw new UsageError("'--all' goes with '--live' (import every pipeline of the region)");
  if (live && flags.all && positionals.length > 0) throw new UsageError("'--live --all' imports every pipeline; name pipelines or use --all, not both");
  if (live && !flags.all && positionals.length === 0) throw new UsageError("'--live' needs pipeline names, or '--all'");
  if (!live && positionals.length === 0) throw new UsageError('name the files to import (or use --live NAME... / --live --all)');
  if (!live && (flags.profile || flags['endpoint-url'] || flags.concurrency)) throw new UsageError("'--profile', '--endpoint-url' and '--concurrency' are for '--live'");
  const out = flags.out as string | undefined;
  if (out !== undefined && out.trim() === '') throw new UsageError("'--out' needs a file or directory name");
  const split = out !== undefined && !/\.ya?ml$/i.test(out);
  // Checked before reading anything (or calling AWS): a file or directory in the way is one line, exit 1.
  if (out !== undefined) {
    if (split) checkOutputDir(ctx.cwd, '--out', out);
    else checkOutputFile(ctx.cwd, '--out', out);
  }
  const diags = new Diagnostics();
  const sources: SourcePipeline[] = [];
  const copilot: CopilotImport[] = [];
  if (live) {
    const settings = awsSettings(flags, ctx);
    const fetched = await fetchLive(settings, flags.all === true ? 'all' : positionals, concurrency(flags));
    if (!fetched.ok) {
      printFailures(ctx, fetched.failures);
      return EXIT.PROBLEMS;
    }
    sources.push(...fetched.pipelines);
  } else {
    const region = flags.region as string | undefined;
    for (const path of positionals) {
      const bytes = readInput(path, ctx, diags);
      if (!bytes) continue;
      const r = readImportFile(path, bytes, diags, region);
      sources.push(...r.pipelines);
      if (r.copilot) copilot.push(r.copilot);
    }
  }
  if (!diags.hasErrors()) select(flags.pipeline as string[] | undefined, sources, copilot);
  const files = diags.hasErrors() ? [] : importAll(sources, copilot, { force: flags.force === true, split, ...(out !== undefined && !split ? { fileName: out } : {}) }, diags);
  printDiagnostics(ctx, flags.quiet === true ? diags.list.filter((d) => d.severity === 'error') : diags.list, 'text', flags.color as boolean | undefined, 'stderr');
  if (diags.hasErrors()) return EXIT.PROBLEMS;
  if (out === undefined) {
    ctx.stdout.write(files.map((f) => f.content).join('---\n'));
    return EXIT.OK;
  }
  writeAll(ctx.cwd, resolve(ctx.cwd, out), files, split);
  if (flags.quiet !== true)
    ctx.stderr.write(`Imported ${sources.length + copilot.length} pipeline${sources.length + copilot.length === 1 ? '' : 's'} into ${split ? files.map((f) => join(out, f.path)).join(', ') : out}\n`);
  return EXIT.OK;
}

/** `--pipeline`: keeps only the named pipelines of the inputs (in place); a name none of them has is bad usage. */
function select(selection: readonly string[] | undefined, sources: SourcePipeline[], copilot: CopilotImport[]): void {
  if (!selection?.length) return;
  const nameOf = (s: SourcePipeline): string => String(s.declaration.name ?? '');
  const names = [...sources.map(nameOf), ...copilot.map((c) => c.name)];
  for (const n of selection)
    if (!names.includes(n)) {
      const guess = didYouMean(n, names);
      const some = names.length > 10 ? `${names.slice(0, 10).join(', ')}, ...` : names.join(', ');
      throw new UsageError(`--pipeline '${n}': the inputs have no pipeline of that name${guess ? `; did you mean '${guess}'?` : `; they have ${some || 'none'}`}`);
    }
  const keep = new Set(selection);
  sources.splice(0, sources.length, ...sources.filter((s) => keep.has(nameOf(s))));
  copilot.splice(0, copilot.length, ...copilot.filter((c) => keep.has(c.name)));
}

function readInput(path: string, ctx: CliContext, diags: Diagnostics): Uint8Array | undefined {
  const abs = resolve(ctx.cwd, path);
  try {
    const st = statSync(abs);
    if (st.isDirectory()) {
      diags.add('PC0006', `'${path}' is a directory; name the files to import`, undefined, { file: path });
      return undefined;
    }
    if (st.size > MAX_FILE_BYTES) {
      diags.add('PC0002', `file is ${(st.size / 1024 / 1024).toFixed(1)} MiB; pipec reads files of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB`, undefined, { file: path });
      return undefined;
    }
    return readFileSync(abs);
  } catch (e) {
    const code = (e as { code?: string }).code;
    diags.add('PC0001', `cannot read '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((e as Error).message)}`, undefined, { file: path });
    return undefined;
  }
}

/** Writes every file or none: each goes to a temporary name first, then all are renamed into place. */
function writeAll(cwd: string, target: string, files: readonly ImportedFile[], split: boolean): void {
  if (split && existsSync(target) && !statSync(target).isDirectory()) throw new OutputError(`--out: '${shownPath(cwd, target)}' is a file; name a directory, or a .yml file for one file`);
  if (!split && existsSync(target) && statSync(target).isDirectory()) throw new OutputError(`--out: '${shownPath(cwd, target)}' is a directory; name a .yml file, or a directory without the extension`);
  const paths = files.map((f) => (split ? join(target, f.path) : target));
  const temps = paths.map((p) => `${p}.pipec-${process.pid}.tmp`);
  const made: string[] = [];
  let current = target;
  try {
    files.forEach((f, i) => {
      current = paths[i] as string;
      made.push(...makeDirs(cwd, dirname(current)));
      writeFileSync(temps[i] as string, f.content);
    });
    paths.forEach((p, i) => {
      current = p;
      renameSync(temps[i] as string, p);
    });
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    removeDirs(made);
    if (e instanceof OutputError || typeof (e as { code?: unknown }).code !== 'string') throw e;
    throw new OutputError(`cannot write '${shownPath(cwd, current)}': ${notWritable(cwd, e, dirname(current))}`);
  } finally {
    for (const t of temps) rmSync(t, { force: true });
  }
}
