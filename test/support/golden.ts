import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './cli.js';

/**
 * Golden files, one way for every kind (compile output, graphs, CLI scenarios, diagnostics,
 * plan renderings, ops output, generated docs and schema): a test computes the text in-process
 * from src/ and compares it with the file in the repository. `npm run snapshots:update` runs every
 * test file that uses this module with PIPEC_UPDATE_GOLDEN=1, which writes the files first;
 * review the diff before committing it. A test file that keeps goldens must use this module,
 * or the update command will not find it (scripts/update-snapshots.mjs).
 */

/** True when this run rewrites golden files (`npm run snapshots:update`). */
export const UPDATE = process.env.PIPEC_UPDATE_GOLDEN === '1';

/** How to refresh goldens, for failure messages. */
export const UPDATE_HINT = 'run `npm run snapshots:update` and review the diff';

/**
 * Holds `actual` against the golden file at `path` (absolute); under UPDATE writes it first.
 * `absent` says what an absent golden means: 'missing' fails (the default), 'empty' compares with
 * the empty string and, under UPDATE, removes the file instead of writing an empty one.
 */
export function expectGolden(path: string, actual: string, opts: { absent?: 'missing' | 'empty'; what?: string } = {}): void {
  const empty = opts.absent === 'empty';
  if (UPDATE) {
    if (empty && actual === '') rmSync(path, { force: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, actual);
    }
  }
  const name = relative(ROOT, path);
  if (!existsSync(path)) {
    if (empty) return expect(actual, `${opts.what ?? name} (no golden file means empty; ${UPDATE_HINT})`).toBe('');
    throw new Error(`missing golden file ${name}: ${UPDATE_HINT}`);
  }
  expect(actual, `${opts.what ?? name} differs from its golden file (${UPDATE_HINT})`).toBe(readFileSync(path, 'utf8'));
}

/**
 * Holds a set of produced files (relative path -> text) against the golden directory `dir`:
 * the same names and the same bytes. Under UPDATE the directory is replaced by them.
 */
export function expectGoldenTree(dir: string, produced: ReadonlyMap<string, string>, readTree: (dir: string) => Map<string, string>): void {
  if (UPDATE) {
    rmSync(dir, { recursive: true, force: true });
    for (const [path, content] of produced) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  }
  const expected = readTree(dir);
  const name = relative(ROOT, dir);
  expect([...produced.keys()], `files of ${name} (${UPDATE_HINT})`).toEqual([...expected.keys()]);
  for (const [path, content] of produced) expect(content, `${name}/${path} differs from its golden file (${UPDATE_HINT})`).toBe(expected.get(path));
}
