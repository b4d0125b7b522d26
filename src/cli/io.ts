import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { InputFile } from '../compiler/compile.js';
import type { Diagnostics } from '../compiler/diagnostics.js';
import { MAX_FILE_BYTES } from '../compiler/parse.js';
import { makeDirs, notWritable, OutputError, removeDirs, shownPath } from './output-path.js';

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
 * Writes every pipeline's files or none: all files go to a staging directory inside the output directory
 * first, then each pipeline's directory is swapped into place, so an interrupted or failed run leaves no
 * half-written output. A pipeline whose directory already holds exactly its files, byte for byte, is left
 * untouched: swapping it would cost the removal of the old directory, the slowest step here (seconds for
 * 1,000 pipelines). A pipeline with no files (no inline build for `--target buildspec`) gets an empty directory.
 * Failures are OutputErrors naming the user's path; directories made for a failed run are removed again.
 */
export function writeOutputs(outDir: string, files: ReadonlyMap<string, ReadonlyArray<{ path: string; content: string }>>, cwd = process.cwd()): string[] {
  const root = resolve(cwd, outDir);
  const made = makeDirs(cwd, root);
  // A directory this run made is empty: nothing in it to compare with or to move aside (a syscall or
  // three fewer per pipeline, which is most of the writer's time for 1,000 pipelines).
  const fresh = made.includes(root);
  const staging = join(root, `.pipec-staging-${process.pid}`);
  const written: string[] = [];
  const unchanged = new Set<string>();
  let swapped = false;
  let current = root;
  try {
    if (!fresh) rmSync(staging, { recursive: true, force: true });
    for (const [pipeline, list] of files) {
      if (!fresh && holdsExactly(join(root, pipeline), list)) {
        unchanged.add(pipeline);
        for (const f of list) written.push(join(outDir, pipeline, f.path));
        continue;
      }
      current = join(root, pipeline);
      const dir = join(staging, pipeline);
      mkdirSync(dir, { recursive: true });
      const dirs = new Set([dir]);
      for (const f of list) {
        const target = join(dir, f.path);
        if (relative(staging, target).startsWith('..')) throw new Error(`refusing to write outside the output directory: ${f.path}`);
        current = join(root, pipeline, f.path);
        const parent = dirname(target);
        if (!dirs.has(parent)) {
          mkdirSync(parent, { recursive: true });
          dirs.add(parent);
        }
        writeFileSync(target, f.content);
        written.push(join(outDir, pipeline, f.path));
      }
    }
    for (const pipeline of files.keys()) {
      if (unchanged.has(pipeline)) continue;
      const dest = join(root, pipeline);
      current = dest;
      const old = `${dest}.pipec-old-${process.pid}`;
      if (!fresh && existsSync(dest)) renameSync(dest, old);
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
    // An fs error is about the user's path; anything else is a bug and stays as it is.
    if (typeof (e as { code?: unknown }).code === 'string') throw new OutputError(`cannot write '${shownPath(cwd, current)}': ${notWritable(cwd, e, dirname(current))}`);
    throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return written;
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
