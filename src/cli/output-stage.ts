import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fsReason, makeDirs, notWritable, OutputError, removeDirs, shownPath } from './output-path.js';

/** One output file of a pipeline, its path relative to the pipeline's directory. */
export interface StagedFile {
  path: string;
  content: string;
}

/**
 * Where a run's files go, as plain data (a worker thread gets a copy): the output directory, and the
 * staging directory every file is written into first. `fresh`: the output directory did not exist,
 * so the staging directory is beside it and is renamed to it at the end; otherwise it is inside it
 * and each pipeline's directory is swapped into place.
 */
export interface StagePlan {
  outDir: string;
  cwd: string;
  root: string;
  staging: string;
  fresh: boolean;
}

/** What staging one pipeline did: the files it has (paths relative to its directory), and whether its directory already held exactly them. */
export interface Staged {
  paths: string[];
  unchanged: boolean;
}

/**
 * Writes one pipeline's files into the staging directory, from any thread. In an existing output
 * directory, a pipeline whose directory already holds exactly its files, byte for byte, is left
 * alone (swapping it would cost the removal of the old directory, the slowest step of writing).
 * Failures are OutputErrors naming the path being written.
 */
export function stagePipeline(plan: StagePlan, pipeline: string, list: readonly StagedFile[]): Staged {
  const paths = list.map((f) => f.path);
  if (!plan.fresh && holdsExactly(join(plan.root, pipeline), list)) return { paths, unchanged: true };
  const dir = join(plan.staging, pipeline);
  let current = join(plan.root, pipeline);
  try {
    mkdirSync(dir, { recursive: true });
    let dirs: Set<string> | undefined;
    for (const f of list) {
      const target = join(dir, f.path);
      if ((f.path.includes('..') || pipeline.includes('..')) && outside(relative(plan.staging, target))) throw new Error(`refusing to write outside the output directory: ${f.path}`);
      current = join(plan.root, pipeline, f.path);
      const parent = dirname(target);
      if (parent !== dir && !(dirs ??= new Set()).has(parent)) {
        mkdirSync(parent, { recursive: true });
        dirs.add(parent);
      }
      writeFileSync(target, f.content);
    }
  } catch (e) {
    throw writeError(e, plan.cwd, current);
  }
  return { paths, unchanged: false };
}

/**
 * A run's output, written through a staging directory so that every pipeline's files are written or
 * none: files are staged as they are made (by any thread, with `stagePipeline` and the plan), and
 * `finish` puts them in place at the end, or `abandon` removes them (a failed run writes nothing).
 * An interrupted run (Ctrl-C, SIGTERM) removes its staging directory before it exits.
 */
export class OutputStage {
  /** The first write failure, in the order the pipelines are put in place; thrown by finish. */
  private failure: string | undefined;
  private closed = false;
  /** Called before the staging directory is removed: a writer thread stops writing into it (write-thread.ts). */
  private readonly stoppers: Array<() => void> = [];
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.abandon();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  private constructor(
    readonly plan: StagePlan,
    private readonly made: string[],
  ) {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /**
   * Makes the staging directory for `outDir` (and the output directory's missing parents, removed
   * again by abandon). Throws an OutputError naming the path when it cannot be made.
   */
  static open(outDir: string, cwd: string): OutputStage {
    const root = resolve(cwd, outDir);
    const parent = dirname(root);
    const fresh = parent !== root && !existsSync(root);
    if (fresh) {
      const made = makeDirs(cwd, parent);
      const staging = join(parent, `.${basename(root)}.pipec-staging-${process.pid}`);
      try {
        mkdirSync(staging);
      } catch (e) {
        removeDirs(made);
        const code = (e as { code?: string }).code;
        const reason = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `'${shownPath(cwd, parent)}' is not writable` : fsReason(e);
        throw new OutputError(`cannot create directory '${shownPath(cwd, root)}': ${reason}`);
      }
      return new OutputStage({ outDir, cwd, root, staging, fresh }, made);
    }
    const made = makeDirs(cwd, root);
    const staging = join(root, `.pipec-staging-${process.pid}`);
    try {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging);
    } catch (e) {
      removeDirs(made);
      throw writeError(e, cwd, root);
    }
    return new OutputStage({ outDir, cwd, root, staging, fresh }, made);
  }

  /** Stages one pipeline on this thread (see stagePipeline); a failure is kept for finish, and nothing more is staged. */
  put(pipeline: string, list: readonly StagedFile[]): Staged | undefined {
    if (this.failure !== undefined) return undefined;
    try {
      return stagePipeline(this.plan, pipeline, list);
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      this.failure = e.message;
      return undefined;
    }
  }

  /** A write failure met elsewhere (a worker thread); the first one reported is the one finish throws. */
  fail(message: string): void {
    this.failure ??= message;
  }

  /** Removes what was staged for a pipeline (to stage it again, or because it is not written after all). */
  drop(pipeline: string): void {
    rmSync(join(this.plan.staging, pipeline), { recursive: true, force: true });
  }

  /**
   * Puts the staged pipelines in place, in this order, and returns the paths of their files (as the
   * user named the output directory). Anything else in the staging directory is not written.
   */
  finish(order: ReadonlyMap<string, Staged>): string[] {
    const { outDir, cwd, root, staging } = this.plan;
    if (this.failure !== undefined) {
      this.abandon();
      throw new OutputError(this.failure);
    }
    const written: string[] = [];
    for (const [pipeline, s] of order) for (const p of s.paths) written.push(join(outDir, pipeline, p));
    let swapped = false;
    let current = root;
    try {
      if (this.plan.fresh) {
        for (const name of readdirSync(staging)) if (!order.has(name)) rmSync(join(staging, name), { recursive: true, force: true });
        renameSync(staging, root);
      } else
        for (const [pipeline, s] of order) {
          if (s.unchanged) continue;
          const dest = join(root, pipeline);
          current = dest;
          const old = `${dest}.pipec-old-${process.pid}`;
          if (existsSync(dest)) renameSync(dest, old);
          try {
            renameSync(join(staging, pipeline), dest);
          } catch (e) {
            if (existsSync(old)) renameSync(old, dest);
            throw e;
          }
          swapped = true;
          rmSync(old, { recursive: true, force: true });
        }
    } catch (e) {
      this.abandon(swapped);
      throw writeError(e, cwd, current);
    }
    this.close();
    if (!this.plan.fresh) rmSync(staging, { recursive: true, force: true });
    return written;
  }

  /** Registers what must stop writing into the staging directory before abandon removes it. */
  onAbandon(stop: () => void): void {
    this.stoppers.push(stop);
  }

  /** Removes the staging directory, and the directories open made unless some pipeline is already in place. */
  abandon(swapped = false): void {
    for (const stop of this.stoppers.splice(0)) stop();
    rmSync(this.plan.staging, { recursive: true, force: true });
    if (!swapped) removeDirs(this.made);
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/**
 * Writes every pipeline's files or none (see OutputStage): the whole write of `pipec compile` when the
 * files are at hand. Returns the paths written; failures are OutputErrors naming the user's path,
 * and directories made for a failed run are removed again.
 */
export function writeOutputs(outDir: string, files: ReadonlyMap<string, readonly StagedFile[]>, cwd = process.cwd()): string[] {
  const stage = OutputStage.open(outDir, cwd);
  const order = new Map<string, Staged>();
  try {
    for (const [pipeline, list] of files) {
      const s = stage.put(pipeline, list);
      if (!s) break;
      order.set(pipeline, s);
    }
  } catch (e) {
    stage.abandon();
    throw e;
  }
  return stage.finish(order);
}

/** An fs error is about the user's path (an OutputError naming it); anything else is a bug and stays as it is. */
/** Whether a path relative to the staging directory leaves it: `..` or `../x` (`..x` is a name inside it). */
function outside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

function writeError(e: unknown, cwd: string, current: string): unknown {
  if (e instanceof OutputError) return e;
  if (typeof (e as { code?: unknown }).code === 'string') return new OutputError(`cannot write '${shownPath(cwd, current)}': ${notWritable(cwd, e, dirname(current))}`);
  return e;
}

/** True when `dir` holds these files with these contents and nothing else. */
function holdsExactly(dir: string, files: readonly StagedFile[]): boolean {
  const present = filesUnder(dir);
  if (!present || present.length !== files.length) return false;
  const wanted = new Set(files.map((f) => f.path));
  if (!present.every((p) => wanted.has(p))) return false;
  return files.every((f) => readFileSync(join(dir, f.path)).equals(Buffer.from(f.content)));
}

/** Paths (with '/') of the files under `dir`; undefined when it cannot be read or holds anything but files and non-empty directories. */
function filesUnder(dir: string, prefix = ''): string[] | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  if (entries.length === 0 && prefix) return undefined;
  const out: string[] = [];
  for (const e of entries) {
    if (e.isFile()) out.push(prefix + e.name);
    else if (e.isDirectory()) {
      const inner = filesUnder(join(dir, e.name), `${prefix}${e.name}/`);
      if (!inner) return undefined;
      out.push(...inner);
    } else return undefined;
  }
  return out;
}
