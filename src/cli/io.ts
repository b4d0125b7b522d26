import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { InputFile } from '../compiler/compile.js';
import type { Diagnostics } from '../compiler/diagnostics.js';
import { MAX_FILE_BYTES } from '../compiler/parse.js';
import { fsReason, makeDirs, notWritable, OutputError, removeDirs, shownPath } from './output-path.js';

/** With no files named: ./pipeline.yml and ./pipelines/*.yml (and .yaml), in name order. */
export function discoverFiles(cwd: string): string[] {
  const found: string[] = [];
  for (const name of ['pipeline.yml', 'pipeline.yaml']) if (existsSync(join(cwd, name)) && statSync(join(cwd, name)).isFile()) found.push(name);
  const dir = join(cwd, 'pipelines');
  if (existsSync(dir) && statSync(dir).isDirectory())
    for (const entry of readdirSync(dir).sort()) if (/\.ya?ml$/.test(entry)) found.push(join('pipelines', entry));
  return found;
}

/** Reads input files, reporting unreadable ones, directories and oversized files without reading them whole. */
export function readInputs(paths: readonly string[], cwd: string, diags: Diagnostics): InputFile[] {
  const out: InputFile[] = [];
  for (const path of paths) {
    const abs = resolve(cwd, path);
    let size: number;
    try {
      const st = statSync(abs);
      if (st.isDirectory()) {
        diags.add('PC0006', `'${path}' is a directory; name a pipeline file (such as ${join(path, 'pipeline.yml')})`, undefined, { file: path });
        continue;
      }
      size = st.size;
    } catch (e) {
      diags.add('PC0001', `cannot read '${path}': ${reason(e)}`, undefined, { file: path });
      continue;
    }
    if (size > MAX_FILE_BYTES) {
      diags.add('PC0002', `file is ${(size / 1024 / 1024).toFixed(1)} MiB; pipec reads files of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB`, undefined, {
        file: path,
        suggestion: 'split the pipelines into several files under pipelines/',
      });
      continue;
    }
    try {
      out.push({ path, bytes: readFileSync(abs) });
    } catch (e) {
      diags.add('PC0001', `cannot read '${path}': ${reason(e)}`, undefined, { file: path });
    }
  }
  return out;
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Writes every pipeline's files or none: all files go to a staging directory first, so an interrupted or
 * failed run leaves no half-written output. When the output directory does not exist yet, the staging
 * directory is made beside it and renamed to it at the end (one rename for every pipeline). Otherwise
 * the staging directory is inside it and each pipeline's directory is swapped into place; a pipeline
 * whose directory already holds exactly its files, byte for byte, is left untouched: swapping it would
 * cost the removal of the old directory, the slowest step here (seconds for 1,000 pipelines). A pipeline
 * with no files (no inline build for `--target buildspec`) gets an empty directory. Failures are
 * OutputErrors naming the user's path; directories made for a failed run are removed again.
 */
export function writeOutputs(outDir: string, files: ReadonlyMap<string, ReadonlyArray<{ path: string; content: string }>>, cwd = process.cwd()): string[] {
  const root = resolve(cwd, outDir);
  const parent = dirname(root);
  if (parent !== root && !existsSync(root)) return writeFresh(outDir, root, files, cwd);
  const made = makeDirs(cwd, root);
  const staging = join(root, `.pipec-staging-${process.pid}`);
  const written: string[] = [];
  const unchanged = new Set<string>();
  let swapped = false;
  let current = root;
  try {
    rmSync(staging, { recursive: true, force: true });
    for (const [pipeline, list] of files) {
      if (holdsExactly(join(root, pipeline), list)) {
        unchanged.add(pipeline);
        for (const f of list) written.push(join(outDir, pipeline, f.path));
        continue;
      }
      current = join(root, pipeline);
      stagePipeline(staging, pipeline, list, (path) => {
        current = join(root, pipeline, path);
        written.push(join(outDir, pipeline, path));
      });
    }
    for (const pipeline of files.keys()) {
      if (unchanged.has(pipeline)) continue;
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
    rmSync(staging, { recursive: true, force: true });
    if (!swapped) removeDirs(made);
    throw writeError(e, cwd, current);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return written;
}

/**
 * writeOutputs into a directory that does not exist yet: every file is written into a staging
 * directory beside it, which is then renamed to it. Nothing is compared or moved aside, and one rename
 * puts every pipeline in place (a mkdir and a file write per pipeline is all the rest).
 */
function writeFresh(outDir: string, root: string, files: ReadonlyMap<string, ReadonlyArray<{ path: string; content: string }>>, cwd: string): string[] {
  const made = makeDirs(cwd, dirname(root));
  const staging = join(dirname(root), `.${basename(root)}.pipec-staging-${process.pid}`);
  const written: string[] = [];
  let current = root;
  try {
    try {
      mkdirSync(staging);
    } catch (e) {
      const code = (e as { code?: string }).code;
      const reason = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `'${shownPath(cwd, dirname(root))}' is not writable` : fsReason(e);
      throw new OutputError(`cannot create directory '${shownPath(cwd, root)}': ${reason}`);
    }
    for (const [pipeline, list] of files) {
      current = join(root, pipeline);
      stagePipeline(staging, pipeline, list, (path) => {
        current = join(root, pipeline, path);
        written.push(join(outDir, pipeline, path));
      });
    }
    current = root;
    renameSync(staging, root);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    removeDirs(made);
    throw writeError(e, cwd, current);
  }
  return written;
}

/** Writes one pipeline's files under `staging/pipeline`; `writing` is told each file's path before it is written. */
function stagePipeline(staging: string, pipeline: string, list: ReadonlyArray<{ path: string; content: string }>, writing: (path: string) => void): void {
  const dir = join(staging, pipeline);
  mkdirSync(dir, { recursive: true });
  let dirs: Set<string> | undefined;
  for (const f of list) {
    const target = join(dir, f.path);
    if ((f.path.includes('..') || pipeline.includes('..')) && relative(staging, target).startsWith('..')) throw new Error(`refusing to write outside the output directory: ${f.path}`);
    writing(f.path);
    const parent = dirname(target);
    if (parent !== dir && !(dirs ??= new Set()).has(parent)) {
      mkdirSync(parent, { recursive: true });
      dirs.add(parent);
    }
    writeFileSync(target, f.content);
  }
}

/** An fs error is about the user's path (an OutputError naming it); anything else is a bug and stays as it is. */
function writeError(e: unknown, cwd: string, current: string): unknown {
  if (e instanceof OutputError) return e;
  if (typeof (e as { code?: unknown }).code === 'string') return new OutputError(`cannot write '${shownPath(cwd, current)}': ${notWritable(cwd, e, dirname(current))}`);
  return e;
}

/** True when `dir` holds these files with these contents and nothing else. */
function holdsExactly(dir: string, files: ReadonlyArray<{ path: string; content: string }>): boolean {
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
