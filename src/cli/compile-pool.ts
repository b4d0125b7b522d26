import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { FileUnit } from '../compiler/compile.js';
import type { SourceFile } from '../compiler/source.js';
import type { EmitOptions, Target } from '../targets/index.js';
import { compileTask, fromWire, type EmitSink, type UnitEmission, type WorkerInput, type WorkerMessage } from './compile-unit.js';
import { UsageError } from './exit-codes.js';
import type { OutputStage } from './output-stage.js';

/** The worker's entry: beside this module in dist/cli/ and in the bundle. */
const WORKER = new URL('./compile-worker.js', import.meta.url);

/**
 * Input one more thread is worth, in bytes of YAML. A worker thread loads the compiler and warms it up
 * again (about 0.2 s of CPU, ~40 MiB), so it pays only for work well above that; measured on 2 cores
 * (BENCHMARKS.md, "Worker threads"): 100 generated pipelines (~210 KB) gain nothing, 400 (~850 KB) do.
 */
export const BYTES_PER_THREAD = 512 * 1024;

/** The most threads a compile uses, whatever --jobs says. */
export const MAX_JOBS = 64;

/** `--jobs`, of the commands that compile a workspace (compile, validate). */
export const JOBS_FLAGS = { jobs: { type: 'string', short: 'j' } } as const;

export const JOBS_HELP = `  -j, --jobs N        threads to compile on (1: one thread); default: by the input's size, up to one
                      per core (also PIPEC_JOBS=N). Output is the same whatever the number
`;

/** A unit made by the pool: on this thread or a worker; undefined when a worker could not send it (made again by the merge). */
export interface PoolUnit {
  unit: FileUnit;
  emission?: UnitEmission;
  writeFailure?: string;
}

/**
 * `--jobs N` (or PIPEC_JOBS, or the older PIPEC_WORKERS=N, meaning N workers besides the main thread):
 * how many threads the user asked for, or undefined to choose by size. Bad values are usage errors.
 */
export function requestedJobs(flags: Record<string, unknown>, env: Record<string, string | undefined>): number | undefined {
  const check = (raw: string, what: string): number => {
    const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_JOBS) throw new UsageError(`${what} takes a whole number from 1 to ${MAX_JOBS}, not '${raw}'`);
    return n;
  };
  if (typeof flags.jobs === 'string') return check(flags.jobs, "option '--jobs'");
  if (env.PIPEC_JOBS !== undefined && env.PIPEC_JOBS !== '') return check(env.PIPEC_JOBS, 'PIPEC_JOBS');
  const workers = env.PIPEC_WORKERS;
  if (workers !== undefined && /^\d+$/.test(workers)) return Math.min(Number(workers) + 1, MAX_JOBS);
  return undefined;
}

/**
 * How many threads compile these files: what the user asked for, else one per BYTES_PER_THREAD of
 * input up to the cores there are; never more than there are files.
 */
export function threadCount(files: readonly SourceFile[], requested: number | undefined, cores = availableParallelism()): number {
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  const wanted = requested ?? Math.min(cores, Math.max(1, Math.floor(bytes / BYTES_PER_THREAD)));
  return Math.max(1, Math.min(wanted, files.length, MAX_JOBS));
}

/**
 * Compiles and emits every file on `threads` threads: this one and `threads - 1` workers, each taking
 * the next file not yet taken (a shared counter), so a slow start or a large file balances out. Every
 * thread stages the files of the pipelines it emits itself (`stage`), so only diagnostics, names and
 * what was staged come back. Units by file index; a worker's unit that could not travel as data, or
 * that a failed worker did not finish, is left undefined for the merge to make again.
 */
export async function compileFiles(
  files: readonly SourceFile[],
  threads: number,
  targets: readonly Target[],
  options: EmitOptions,
  out: { stage?: OutputStage; wanted?: ReadonlySet<string>; keep: boolean },
): Promise<Array<PoolUnit | undefined>> {
  const units: Array<PoolUnit | undefined> = new Array(files.length);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workers = threads > 1 && existsSync(fileURLToPath(WORKER)) ? await startWorkers(threads - 1, files, counter, targets, options, out, units) : [];
  const stage = out.stage;
  const sink: EmitSink = { keep: out.keep, ...(out.wanted ? { wanted: out.wanted } : {}), ...(stage ? { stage: (name, list) => stage.put(name, list) } : {}) };
  try {
    for (let i = Atomics.add(counter, 0, 1); i < files.length; i = Atomics.add(counter, 0, 1)) units[i] = compileTask(files[i] as SourceFile, targets, options, sink);
    await Promise.all(workers.map((w) => w.done));
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
  return units;
}

/** Starts the workers (run from sources, as the tests do, there are none: one thread). */
async function startWorkers(
  count: number,
  files: readonly SourceFile[],
  counter: Int32Array,
  targets: readonly Target[],
  options: EmitOptions,
  out: { stage?: OutputStage; wanted?: ReadonlySet<string>; keep: boolean },
  units: Array<PoolUnit | undefined>,
): Promise<Array<{ worker: Worker; done: Promise<void> }>> {
  const { Worker } = await import('node:worker_threads');
  const input: WorkerInput = {
    files: files.map((f) => ({ path: f.path, text: f.text })),
    counter,
    targets: targets.map((t) => t.name),
    options,
    keep: out.keep,
    ...(out.stage ? { stage: out.stage.plan } : {}),
    ...(out.wanted ? { wanted: [...out.wanted] } : {}),
  };
  const started: Array<{ worker: Worker; done: Promise<void> }> = [];
  for (let w = 0; w < count; w++) {
    const worker = new Worker(WORKER, { workerData: input, stdout: false, stderr: false });
    const done = new Promise<void>((resolve) => {
      worker.on('message', (m: WorkerMessage) => {
        if ('done' in m) resolve();
        else if (m.unit) units[m.index] = fromWire(m.unit, files[m.index] as SourceFile);
      });
      // A worker that fails leaves its files to the merge, which makes every unit still missing on this thread.
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
    });
    started.push({ worker, done });
  }
  return started;
}

