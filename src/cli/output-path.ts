import { mkdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * A problem with a path pipec was asked to write (`--out`): main prints its message as one line and exits 1.
 * Every output path problem of every command ends here, in words, naming the path the user gave.
 */
export class OutputError extends Error {}

/** Words for the errno codes file writes meet; undefined for anything else. */
const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'a directory that is not empty is in the way',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'it is busy',
  EXDEV: 'it is on another file system',
  EINVAL: 'the file system does not accept this name',
};

/** The reason an fs call failed, in words (the errno code only for codes pipec does not know). */
export function fsReason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return WORDS[code] ?? `error ${code}`;
  return e instanceof Error ? e.message : String(e);
}

type Kind = 'file' | 'dir' | 'other' | 'missing' | 'unreachable';

function kindOf(path: string): Kind {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch (e) {
    // ENOTDIR: a file stands somewhere above; the walk up finds and names it.
    const code = (e as { code?: string }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreachable';
  }
}

/** `abs` as the user would write it: relative to cwd when inside it, else absolute. */
export function shownPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : abs;
}

/** The nearest ancestor of `abs` (itself excluded) that exists, and what it is. */
function nearestExisting(abs: string): { path: string; kind: Kind } {
  let p = dirname(abs);
  for (;;) {
    const kind = kindOf(p);
    if (kind !== 'missing' || dirname(p) === p) return { path: p, kind };
    p = dirname(p);
  }
}

/** Checks the shape of an output path before any work: nothing that is not a directory stands where a directory must be. */
function checkAncestors(cwd: string, flag: string, given: string, abs: string): void {
  const above = nearestExisting(abs);
  if (above.kind === 'file' || above.kind === 'other')
    throw new OutputError(`${flag}: '${shownPath(cwd, above.path)}' is a file, so '${given}' cannot be created under it`);
  if (above.kind === 'unreachable') throw new OutputError(`${flag}: cannot reach '${shownPath(cwd, above.path)}': ${fsReason(statError(above.path))}`);
}

function statError(path: string): unknown {
  try {
    statSync(path);
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Checks `--out DIR` before compiling: a directory, or a path where one can be made. Returns the absolute path. */
export function checkOutputDir(cwd: string, flag: string, given: string): string {
  const abs = resolve(cwd, given);
  const kind = kindOf(abs);
  if (kind === 'file' || kind === 'other') throw new OutputError(`${flag}: '${given}' is a file; name a directory to write into`);
  if (kind === 'unreachable') throw new OutputError(`${flag}: cannot reach '${given}': ${fsReason(statError(abs))}`);
  if (kind === 'missing') checkAncestors(cwd, flag, given, abs);
  return abs;
}

/** Checks `--out FILE` before any work: not a directory, and its directory exists or can be made. Returns the absolute path. */
export function checkOutputFile(cwd: string, flag: string, given: string): string {
  const abs = resolve(cwd, given);
  const kind = kindOf(abs);
  if (kind === 'dir') throw new OutputError(`${flag}: '${given}' is a directory; name the file to write`);
  if (kind === 'unreachable') throw new OutputError(`${flag}: cannot reach '${given}': ${fsReason(statError(abs))}`);
  if (kind === 'missing') checkAncestors(cwd, flag, given, abs);
  return abs;
}

/**
 * Makes `abs` and its missing ancestors one level at a time and returns those it made, outermost first.
 * Node's `mkdirSync(..., { recursive: true })` loops forever where a file system refuses a directory
 * under an existing one with ENOENT (/proc); this never does. On failure it removes what it made.
 */
export function makeDirs(cwd: string, abs: string): string[] {
  const missing: string[] = [];
  for (let p = abs; kindOf(p) === 'missing' && dirname(p) !== p; p = dirname(p)) missing.unshift(p);
  const made: string[] = [];
  for (const dir of missing) {
    try {
      mkdirSync(dir);
      made.push(dir);
    } catch (e) {
      removeDirs(made);
      const code = (e as { code?: string }).code;
      // The parent exists (made or found): the file system refused (EACCES, EPERM, EROFS; ENOENT in /proc).
      const reason = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' ? `'${shownPath(cwd, dirname(dir))}' is not writable` : fsReason(e);
      throw new OutputError(`cannot create directory '${shownPath(cwd, dir)}': ${reason}`);
    }
  }
  return made;
}

/** Removes empty directories made by makeDirs, innermost first; best effort. */
export function removeDirs(made: readonly string[]): void {
  for (const dir of [...made].reverse())
    try {
      rmdirSync(dir);
    } catch {
      // Not empty or gone: leave it.
    }
}

/** Writes one file whole or not at all (temporary file, then rename); never leaves the temporary file behind. */
export function writeFileAtomically(cwd: string, abs: string, content: string): void {
  const made = makeDirs(cwd, dirname(abs));
  const tmp = join(dirname(abs), `.${abs.slice(dirname(abs).length + 1)}.pipec-${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    removeDirs(made);
    throw new OutputError(`cannot write '${shownPath(cwd, abs)}': ${notWritable(cwd, e, dirname(abs))}`);
  }
}

/** The reason for a failed write, saying which directory refused it when permissions are the cause. */
export function notWritable(cwd: string, e: unknown, dir: string): string {
  const code = (e as { code?: string }).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `'${shownPath(cwd, dir)}' is not writable` : fsReason(e);
}
