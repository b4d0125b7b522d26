import { describe, expect, it } from 'vitest';
import { LARGE_COMPILE_V8_FLAGS, TUNE_BYTES, tuneV8ForLargeCompile } from '../src/cli/v8-tuning.js';
import type { SourceFile } from '../src/compiler/source.js';

/** A source file of `bytes` characters (only its text's length counts here). */
const fileOf = (bytes: number): SourceFile => ({ path: 'pipeline.yml', text: 'x'.repeat(bytes) }) as unknown as SourceFile;

/**
 * src/cli/v8-tuning.ts: a compile sets V8's flags for a large input on one thread only, once, and
 * never for a small one (a cold compile keeps V8's defaults, so every code cache still fits).
 */
describe('V8 flags of a large compile', () => {
  it('names a flag V8 knows', () => {
    expect(LARGE_COMPILE_V8_FLAGS).toMatch(/^--[a-z-]+=\d+$/);
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
