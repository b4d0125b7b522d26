import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './support/cli.js';
import { fileTree } from './support/file-tree.js';
// @ts-expect-error: a plain .mjs module of the benchmark, without types
import { writeWorkspace } from '../bench/workspace.mjs';
import { LARGE_COMPILE_V8_FLAGS, TUNE_BYTES, tuneV8ForLargeCompile } from '../src/cli/v8-tuning.js';
import type { SourceFile } from '../src/compiler/source.js';

/** A source file of `bytes` characters (only its text's length counts here). */
const fileOf = (bytes: number): SourceFile => ({ path: 'pipeline.yml', text: 'x'.repeat(bytes) }) as unknown as SourceFile;

/**
 * src/cli/v8-tuning.ts: a compile sets V8's flags for a large input on one thread only, once, and
 * never for a small one (a cold compile keeps V8's defaults, so every code cache still fits).
 */
describe('V8 flags of a large compile', () => {
  it('names a flag this V8 knows (setFlagsFromString ignores one it does not)', () => {
    expect(LARGE_COMPILE_V8_FLAGS).toMatch(/^--[a-z-]+=\d+$/);
    const name = LARGE_COMPILE_V8_FLAGS.slice(2).split('=')[0] as string;
    expect(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })).toContain(`--${name} (`);
  });

  it('leaves a small compile, a compile on several threads and PIPEC_V8_TUNING=0 alone', () => {
    expect(tuneV8ForLargeCompile([fileOf(TUNE_BYTES - 1)], 1, {})).toBe(false);
    expect(tuneV8ForLargeCompile([fileOf(TUNE_BYTES / 2), fileOf(TUNE_BYTES / 2 - 1)], 1, {})).toBe(false);
    expect(tuneV8ForLargeCompile([fileOf(TUNE_BYTES)], 2, {})).toBe(false);
    expect(tuneV8ForLargeCompile([fileOf(TUNE_BYTES)], 1, { PIPEC_V8_TUNING: '0' })).toBe(false);
  });

  it('sets the flags for a large compile on one thread, once per process', () => {
    expect(tuneV8ForLargeCompile([fileOf(TUNE_BYTES / 2), fileOf(TUNE_BYTES / 2)], 1, {})).toBe(true);
    expect(tuneV8ForLargeCompile([fileOf(TUNE_BYTES)], 1, {})).toBe(false);
  });
});

describe('a large compile under the flags', { timeout: 300_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'pipec-v8-tuning-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** `compile --target all` of the workspace on one thread into `out`, with `env` added. */
  const compile = (ws: string, out: string, env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [BIN, 'compile', '--target', 'all', '--out', out, '-j', '1'], { cwd: ws, encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status, stdout: r.stdout.replaceAll(out, 'OUT'), stderr: r.stderr.replaceAll(out, 'OUT'), files: fileTree(out) };
  };

  it('writes the same bytes as with V8 defaults (PIPEC_V8_TUNING=0)', () => {
    // 150 generated pipelines are about 330 KB of YAML, past TUNE_BYTES, so the default run sets the flags.
    const ws = join(scratch, 'ws');
    writeWorkspace(ws, 150, 'files');
    const tuned = compile(ws, join(scratch, 'tuned'), {});
    const plain = compile(ws, join(scratch, 'plain'), { PIPEC_V8_TUNING: '0' });
    expect(tuned.status).toBe(0);
    expect(Object.keys(tuned.files).length).toBeGreaterThan(150);
    expect(tuned.stdout).toBe(plain.stdout);
    expect(tuned.stderr).toBe(plain.stderr);
    expect(Object.keys(tuned.files).sort()).toEqual(Object.keys(plain.files).sort());
    for (const [k, v] of Object.entries(tuned.files)) expect(plain.files[k], k).toBe(v);
  });
});
