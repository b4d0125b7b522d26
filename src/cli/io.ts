import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { InputFile } from '../compiler/compile.js';
import type { Diagnostics } from '../compiler/diagnostics.js';
import { MAX_FILE_BYTES } from '../compiler/parse.js';

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
