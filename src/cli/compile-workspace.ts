import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { acceptUnit, compileFileUnit, crossCheck, fitsWithout, mergeUnit, newMergeState, priorOf, type CompileResult, type FileUnit, type FoundPipeline } from '../compiler/compile.js';
import { Diagnostics, type Diagnostic } from '../compiler/diagnostics.js';
import { decodeSource } from '../compiler/parse.js';
import type { SourceFile } from '../compiler/source.js';
import { emitPipeline, emitUnit, fromWire, type UnitEmission, type WireUnit, type WorkerInput, type WorkerMessage } from './compile-unit.js';
import type { CliContext } from './context.js';
import { directoryProject } from './project.js';
import { readInputs } from './io.js';
import { inputPaths, readStdinInput, selectPipelines } from './pipeline-input.js';
import type { EmitOptions, OutputFile, Target } from '../targets/index.js';

/** What `compile` and `validate` get: the report, and each selected pipeline's files when nothing failed. */
export interface WorkspaceResult {
  /** Diagnostics, files and pipelines found, after `--pipeline` (its `pipelines` is empty: they are not kept). */
  result: CompileResult;
  /** The selected pipelines compiled, in order. */
  names: string[];
  /** Each selected pipeline's output files, when there is no error. */
  outputs: Map<string, OutputFile[]>;
}

/** The worker's entry: beside this module in dist/cli/ and in the bundle. */
const WORKER = new URL('./compile-worker.js', import.meta.url);

/**
 * Reads, compiles and emits every pipeline file: the work of `pipec compile` (and `validate`, which
 * keeps the diagnostics only). Each file is compiled and its pipelines emitted as soon as it is read,
 * and what is emitted is not kept, so memory holds the outputs, not every pipeline's model. A large
 * workspace is shared out to worker threads, file by file (each takes the next file when it is done
 * with one); the results are merged in file order, so output and diagnostics are byte for byte those
 * of one thread.
 */
export async function compileWorkspace(ctx: CliContext, positionals: readonly string[], flags: Record<string, unknown>, targets: readonly Target[], options: EmitOptions): Promise<WorkspaceResult> {
  const stdin = await readStdinInput(ctx, positionals, flags);
  const diags = new Diagnostics();
  const paths = inputPaths(ctx, positionals);
  if (paths.length === 0) {
    diags.add('PC0007', `no pipeline files found in ${ctx.cwd}: expected pipeline.yml or pipelines/*.yml`, undefined, {
      suggestion: 'run pipec where pipeline.yml is, or name the files to read (pipec validate path/to/pipeline.yml)',
    });
    return { result: selectPipelines({ pipelines: [], diagnostics: diags }, flags.pipeline as string[] | undefined), names: [], outputs: new Map() };
  }
  // Read on this thread, in order: what cannot be read is reported as one pass reports it.
  const readDiags = new Diagnostics();
  const inputs = paths.flatMap((p) => (p === '-' && stdin ? [stdin] : readInputs([p], ctx.cwd, readDiags)));
  diags.push(...readDiags.list);
  const decoded = inputs.map((input) => {
    const d = new Diagnostics();
    const file = decodeSource(input.bytes, input.path, d);
    return { file, diags: d.list };
  });

  // The project a file that names none is tagged with (the deploy commands in stack headers say it).
  const dirProject = directoryProject(ctx.cwd, paths);
  options = { ...options, ...(dirProject !== undefined ? { project: dirProject } : {}) };
  const files = decoded.flatMap((d) => (d.file ? [d.file] : []));
  const workers = workerCount(files, ctx.env);
  const units: Array<{ unit: FileUnit; emission?: UnitEmission } | undefined> = new Array(files.length);
  const state = newMergeState();
  if (workers > 0) {
    const wire = await compileInParallel(files, workers, targets, options, units);
    wire.forEach((w, i) => {
      if (w) units[i] = fromWire(w, files[i] as SourceFile);
    });
  }

  const found: FoundPipeline[] = [];
  const emitted = new Map<string, { outputs: OutputFile[]; diags: Diagnostic[] }>();
  /** Where each kept pipeline is: its file and its index there. */
  const kept: Array<{ name: string; file: SourceFile; index: number; named: boolean }> = [];
  let k = 0;
  for (const d of decoded) {
    diags.push(...d.diags);
    if (!d.file) continue;
    let made = units[k++];
    if (made && fitsWithout(made.unit, state)) acceptUnit(made.unit, state);
    else {
      // Made on one thread in order, as the checks across files need (a name used twice, another project, a file named twice).
      const unit = compileFileUnit(d.file, crossCheck(state), priorOf(d.file.path, state, diags));
      made = { unit, ...emissionOf(unit, targets, options) };
    }
    mergeUnit(made.unit, state, diags, { found });
    made.unit.pipelines.forEach((p, i) => {
      if (!p.kept) return;
      kept.push({ name: p.name, file: made.unit.file, index: i, named: p.project !== undefined });
      const e = made.emission?.get(i);
      if (e) emitted.set(p.name, e);
    });
  }

  const result = selectPipelines({ pipelines: [], diagnostics: diags, files, found }, flags.pipeline as string[] | undefined);
  const wanted = flags.pipeline ? new Set(flags.pipeline as string[]) : undefined;
  const chosen = kept.filter((p) => !wanted || wanted.has(p.name));
  const outputs = new Map<string, OutputFile[]>();
  // A later file named the project: a pipeline that names none belongs to it too, and was emitted before that was known.
  const named = state.project?.name;
  const late = named !== undefined && named !== options.project ? { ...options, project: named } : undefined;
  if (!result.diagnostics.hasErrors())
    for (const p of chosen) {
      // Not emitted yet when its file has errors in pipelines that --pipeline left out: compiled again for it.
      const e = late && !p.named ? emitOne(p.file, p.index, targets, late) : (emitted.get(p.name) ?? emitOne(p.file, p.index, targets, options));
      result.diagnostics.push(...e.diags);
      outputs.set(p.name, e.outputs);
    }
  return { result, names: chosen.map((p) => p.name), outputs };
}

/** Pipeline `index` of a file, compiled again and emitted. */
function emitOne(file: SourceFile, index: number, targets: readonly Target[], options: EmitOptions): { outputs: OutputFile[]; diags: Diagnostic[] } {
  const compiled = compileFileUnit(file).pipelines[index]?.compiled;
  if (!compiled) throw new Error(`internal error: pipeline ${index} of ${file.path} did not compile again`);
  return emitPipeline(compiled.ir, targets, options);
}

/** A unit's emission when it has no error (else nothing would be written); its pipelines are dropped after. */
function emissionOf(unit: FileUnit, targets: readonly Target[], options: EmitOptions): { emission?: UnitEmission } {
  const emission = emitUnit(unit, targets, options);
  for (const p of unit.pipelines) delete p.compiled;
  return emission ? { emission } : {};
}

/**
 * How many worker threads to start besides this one: none unless PIPEC_WORKERS=N asks for N
 * (at most one per file after the first). Workers are opt-in because on the 2-core machine
 * pipec is measured on they did not pay: 1,000 pipelines (bench/workspace.mjs, 2.4 MiB), three
 * interleaved runs at load ~1-2, one thread 4.9-5.8 s wall, 6.4-7.4 s CPU, 152-182 MiB against
 * one worker 4.9-5.9 s wall, 8.6-10.3 s CPU, 274-283 MiB (each worker loads and warms the
 * compiler again and its results are copied back). Measured again after the fast YAML reader and
 * the rules' changes (bench/ab.mjs, 3 interleaved runs, load 10-12): one thread 7.8 s CPU, 241 MiB
 * against one worker 9.9 s CPU, 289 MiB, and no wall time gained.
 */
export function workerCount(files: readonly SourceFile[], env: Record<string, string | undefined>): number {
  const forced = env.PIPEC_WORKERS;
  if (forced === undefined || !/^\d+$/.test(forced)) return 0;
  return Math.min(Number(forced), Math.max(0, files.length - 1), 64);
}

/**
 * Compiles the files on this thread and `count` workers at once: each takes the next file not yet
 * taken (a shared counter), so a slow start or a large file balances out. This thread's units go
 * into `local`; the workers' come back as data, by file index.
 */
async function compileInParallel(
  files: readonly SourceFile[],
  count: number,
  targets: readonly Target[],
  options: EmitOptions,
  local: Array<{ unit: FileUnit; emission?: UnitEmission } | undefined>,
): Promise<Array<WireUnit | undefined>> {
  const wire: Array<WireUnit | undefined> = new Array(files.length);
  if (!existsSync(fileURLToPath(WORKER))) return wire; // run from sources (tests): one thread
  const { Worker } = await import('node:worker_threads');
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const input: WorkerInput = {
    files: files.map((f) => ({ path: f.path, text: f.text })),
    counter,
    targets: targets.map((t) => t.name),
    options,
  };
  const started: Worker[] = [];
  const done: Array<Promise<void>> = [];
  for (let w = 0; w < count; w++) {
    const worker = new Worker(WORKER, { workerData: input, stdout: false, stderr: false });
    started.push(worker);
    done.push(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (m: WorkerMessage) => {
          if ('done' in m) resolve();
          else wire[m.index] = m.unit;
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`compile worker exited with ${code}`))));
      }),
    );
  }
  try {
    for (let i = Atomics.add(counter, 0, 1); i < files.length; i = Atomics.add(counter, 0, 1)) {
      const unit = compileFileUnit(files[i] as SourceFile);
      local[i] = { unit, ...emissionOf(unit, targets, options) };
    }
    await Promise.all(done);
  } finally {
    for (const w of started) void w.terminate();
  }
  return wire;
}
