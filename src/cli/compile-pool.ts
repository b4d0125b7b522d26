import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { FileUnit } from '../compiler/compile.js';
import type { SourceFile } from '../compiler/source.js';
import type { EmitOptions, Target } from '../targets/index.js';
import { fromWire, mergeShares, taskRunner, type EmitSink, type Task, type UnitEmission, type WorkerInput, type WorkerMessage } from './compile-unit.js';
import { UsageError } from './exit-codes.js';
import type { OutputStage, Staged } from './output-stage.js';
import { StageWriter } from './write-thread.js';

/** The worker's entry: beside this module in dist/cli/ and in the bundle. */
const WORKER = new URL('./compile-worker.js', import.meta.url);

/**
 * Input one more thread is worth, in bytes of YAML (about 240 of the benchmark's pipelines). A worker
 * thread boots Node again, loads the compiler and warms it up (V8 optimises the hot functions once
 * more, per thread): measured at load 20 on 2 cores (BENCHMARKS.md, "Worker threads"), a worker cost
 * 0.45-0.5 s of CPU more for 100, 250 and 500 pipelines alike, while each pipeline is ~5 ms of one
 * thread's CPU; half of 240 pipelines' work moved to the second core is about that much.
 */
export const BYTES_PER_THREAD = 512 * 1024;

/** The most threads a compile uses, whatever --jobs says. */
export const MAX_JOBS = 64;

/** `--jobs`, of the commands that compile a workspace (compile, validate). */
export const JOBS_FLAGS = { jobs: { type: 'string', short: 'j' } } as const;

export const JOBS_HELP = `  -j, --jobs N        threads to compile on (1: one thread); default: by the input's size, up to one
                      fewer than the cores, and a large compile on one thread writes its files on a
                      second (also PIPEC_JOBS=N). Output is the same whatever the number
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
 * input, up to one core fewer than there are. V8's own threads (TurboFan optimising the hot functions,
 * the garbage collector's helpers) keep about half a core busy through a large compile, and a worker
 * makes them work more (it optimises the same functions again): measured on 2 cores (BENCHMARKS.md,
 * "Worker threads"), two threads used ~20% more CPU in all than one, as much as the second core had
 * free, so a 2-core machine compiles on one thread unless --jobs says otherwise.
 */
export function threadCount(files: readonly SourceFile[], requested: number | undefined, cores = availableParallelism()): number {
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  return Math.max(1, Math.min(requested ?? Math.min(cores - 1, Math.floor(bytes / BYTES_PER_THREAD)), MAX_JOBS));
}

/**
 * Input from which a compile on one thread writes its files on a second one (write-thread.ts), when
 * there are two cores or more and `--jobs 1` did not ask for one thread: the writer costs ~60 ms of
 * CPU to start, on the other core. PIPEC_WRITER_BYTES sets it (the tests write through it with 1).
 */
export const WRITER_BYTES = 256 * 1024;

/**
 * Whether the files of a compile on `threads` compile threads are written by a writer thread: on one
 * compile thread, unless the user asked for exactly one (`requested`), with two cores or more, for
 * WRITER_BYTES of input or more. Measured on 2 cores (BENCHMARKS.md, "Writer thread"), the writes
 * are what one thread can hand off without warming up the compiler a second time.
 */
export function wantsWriter(files: readonly SourceFile[], threads: number, requested: number | undefined, env: Record<string, string | undefined>, cores = availableParallelism()): boolean {
  const least = Number(env.PIPEC_WRITER_BYTES) || WRITER_BYTES;
  return threads === 1 && requested !== 1 && cores >= 2 && inputBytes(files) >= least;
}

/** The size of a compile's input: its files' YAML, in UTF-16 code units (what the thresholds here count). */
export function inputBytes(files: readonly SourceFile[]): number {
  return files.reduce((n, f) => n + f.text.length, 0);
}

/**
 * A file larger than this is split into parts when there are several threads (each part a run of its
 * `pipelines:` entries). PIPEC_SPLIT_BYTES sets it (the tests split every file with 1).
 */
export const SPLIT_BYTES = 256 * 1024;

/**
 * The tasks, in file order: a file each, or, with several threads, a file larger than `split` bytes in
 * parts of about a quarter of that, at most four per thread (each thread parses such a file once, for
 * every part of it it takes).
 */
export function planTasks(files: readonly SourceFile[], threads: number, split = SPLIT_BYTES): Task[] {
  return files.flatMap((f, file) => {
    const parts = threads > 1 && f.text.length > split ? Math.min(4 * threads, Math.ceil(f.text.length / (split / 4))) : 1;
    return Array.from({ length: parts }, (_, part) => ({ file, part, parts }));
  });
}

/** What the pool made: each file's unit (undefined: to be made again by the merge), and how many pipelines staged files under each name. */
export interface PoolResult {
  units: Array<PoolUnit | undefined>;
  stagings: Map<string, number>;
}

/**
 * Compiles and emits every file on `threads` threads: this one and `threads - 1` workers, each taking
 * the next task not yet taken (a shared counter), so a slow start or a large file balances out. Every
 * thread stages the files of the pipelines it emits itself (`stage`), so only diagnostics, names and
 * what was staged come back; on one thread, `out.writer` hands the writes to a writer thread
 * (write-thread.ts). A file's unit is undefined where a worker's could not travel as data, a
 * failed worker did not finish it, or its parts did not merge (mergeShares): the merge makes it again.
 */
export async function compileFiles(
  files: readonly SourceFile[],
  threads: number,
  targets: readonly Target[],
  options: EmitOptions,
  out: { stage?: OutputStage; wanted?: ReadonlySet<string>; keep: boolean; writer?: boolean },
  split = SPLIT_BYTES,
): Promise<PoolResult> {
  const tasks = planTasks(files, threads, split);
  threads = Math.min(threads, tasks.length);
  const done: Array<PoolUnit | undefined> = new Array(tasks.length);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const workers = threads > 1 && existsSync(fileURLToPath(WORKER)) ? await startWorkers(threads - 1, files, tasks, counter, targets, options, out, done) : [];
  const stage = out.stage;
  // One compile thread may hand its writes to a writer thread (out.writer: see wantsWriter).
  const writer = stage && workers.length === 0 && out.writer ? await StageWriter.start(stage) : undefined;
  const put = writer ?? stage;
  const sink: EmitSink = { keep: out.keep, ...(out.wanted ? { wanted: out.wanted } : {}), ...(put ? { stage: (name, list) => put.put(name, list) } : {}) };
  const run = taskRunner((k) => files[k] as SourceFile, targets, options, sink);
  try {
    for (let i = Atomics.add(counter, 0, 1); i < tasks.length; i = Atomics.add(counter, 0, 1)) done[i] = run(tasks[i] as Task);
    await Promise.all(workers.map((w) => w.done));
  } catch (e) {
    writer?.stop();
    throw e;
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
  // What the writer could not stage (a write failed there or before) is not staged: as OutputStage.put's undefined on one thread.
  const unstaged: ReadonlySet<Staged> = writer ? await writer.finish() : new Set();
  if (unstaged.size > 0) for (const u of done) u?.emission?.forEach((e) => e.staged && unstaged.has(e.staged) && delete e.staged);
  const stagings = new Map<string, number>();
  for (const u of done)
    u?.emission?.forEach((e, i) => {
      const name = u.unit.pipelines[i]?.name;
      if (e.staged && name !== undefined) stagings.set(name, (stagings.get(name) ?? 0) + 1);
    });
  const units: Array<PoolUnit | undefined> = new Array(files.length);
  let t = 0;
  for (let k = 0; k < files.length; k++) {
    const parts = tasks[t]?.parts ?? 1;
    units[k] = parts === 1 ? done[t] : mergeShares(done.slice(t, t + parts));
    t += parts;
  }
  return { units, stagings };
}

/** Starts the workers (run from sources, as the tests do, there are none: one thread). */
async function startWorkers(
  count: number,
  files: readonly SourceFile[],
  tasks: Task[],
  counter: Int32Array,
  targets: readonly Target[],
  options: EmitOptions,
  out: { stage?: OutputStage; wanted?: ReadonlySet<string>; keep: boolean },
  done: Array<PoolUnit | undefined>,
): Promise<Array<{ worker: Worker; done: Promise<void> }>> {
  const { Worker } = await import('node:worker_threads');
  const input: WorkerInput = {
    files: files.map((f) => ({ path: f.path, text: f.text })),
    tasks,
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
    const finished = new Promise<void>((resolve) => {
      worker.on('message', (m: WorkerMessage) => {
        if ('done' in m) resolve();
        else if (m.unit) done[m.index] = fromWire(m.unit, files[(tasks[m.index] as Task).file] as SourceFile);
      });
      // A worker that fails leaves its tasks to the merge, which makes every unit still missing on this thread.
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
    });
    started.push({ worker, done: finished });
  }
  return started;
}
