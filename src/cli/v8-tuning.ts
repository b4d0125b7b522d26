// V8 settings for a large compile, made when the compile knows its input's size.
//
// Why: a compile of many pipelines spends more time warming V8's JIT up than running the compiler
// (BENCHMARKS.md): TurboFan, on V8's background threads, optimises some 200 functions of the compiler,
// and by default it inlines callees of up to 920 bytes of bytecode into each, which makes each
// optimisation slow and large. A smaller budget optimises the same functions in less time and the
// optimised code is about as fast, so a compile of 1,000 pipelines uses less CPU in all.
//
// Why not at start-up: V8 holds a hash of its flags against every code cache, Node's own (its built-in
// modules) and the bundle's (dist/bundle/*.cache, made by the build with V8's defaults), and refuses one
// made under other flags. Set before the bundle loads, the flags would cost a cold compile of one file
// more than they save (node:v8 and the built-in modules loaded after the change compiled from their
// source, ~15 M instructions, ~10% of a cold compile above a bare `node`). Set here, every chunk of the
// compile is already loaded with its cache; only what loads afterwards (the writer thread's small
// chunks, node:worker_threads) is compiled from its source.
import { createRequire } from 'node:module';
import type { SourceFile } from '../compiler/source.js';
import { inputBytes, WRITER_BYTES } from './compile-pool.js';

/** Input (bytes of YAML) from which a compile sets LARGE_COMPILE_V8_FLAGS: the writer thread's default threshold. */
export const TUNE_BYTES = WRITER_BYTES;

/** The V8 flags of a large compile: TurboFan's inlining budget per optimised function (default 920). */
export const LARGE_COMPILE_V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200';

let tuned = false;

/**
 * Sets LARGE_COMPILE_V8_FLAGS for the rest of the process when `files` hold TUNE_BYTES of YAML or more
 * and the compile runs on this thread alone (a compile worker started after the change would load the
 * compiler without its code cache). PIPEC_V8_TUNING=0 leaves V8's defaults (for comparisons).
 */
export function tuneV8ForLargeCompile(files: readonly SourceFile[], threads: number, env: Record<string, string | undefined>): boolean {
  if (tuned || threads !== 1 || env.PIPEC_V8_TUNING === '0') return false;
  if (inputBytes(files) < TUNE_BYTES) return false;
  tuned = true;
  (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(LARGE_COMPILE_V8_FLAGS);
  return true;
}
