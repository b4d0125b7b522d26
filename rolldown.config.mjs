// Bundles the CLI that tsc wrote to dist/ into dist/bundle/, the `pipec` binary.
// Why: unbundled, a cold `pipec compile` resolves, reads and compiles ~200 modules (ours, zod's,
// yaml's), which costs more than the compile itself. One file per command path loads in a
// fraction of that (figures in BENCHMARKS.md). Only the compile path's dependencies (yaml, zod)
// are bundled; the AWS SDK and the other packages stay in node_modules and load when a command
// that needs them runs. Chunks sit directly in dist/bundle/, two levels below the package root
// like dist/targets/, so `new URL('../../templates/', import.meta.url)` finds the templates.
//
// The chunks are CommonJS: dist/bundle/load.js (scripts/bundle/) compiles each through vm.Script
// with the V8 code cache the build makes for it, which Node 20 can do for scripts but not for ES
// modules; CommonJS also starts faster than Node's ES module loader. scripts/build-bundle.mjs then
// writes the files Node runs (pipec.js, the package's bin; compile-worker.js, the worker threads of
// a large compile; write-worker.js, its writer thread), which load the entries below, and the caches.
import { defineConfig } from 'rolldown';

const BUNDLED = ['yaml', 'zod'];

export default defineConfig({
  input: { bin: 'dist/cli/bin.js', 'compile-worker-thread': 'dist/cli/compile-worker.js', 'write-worker-thread': 'dist/cli/write-worker.js' },
  platform: 'node',
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !BUNDLED.some((p) => id === p || id.startsWith(`${p}/`)),
  output: {
    dir: 'dist/bundle',
    format: 'cjs',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    cleanDir: true,
    // ASCII only: V8 keeps a source with one non-ASCII character as a two-byte string, twice the
    // bytes to decode, hold and scan. Doc comments are for the sources, not the bundle; the
    // `// dist/...` lines that say which module code came from stay (bench/profile.mjs reads them).
    charset: 'ascii',
    // `import('@aws-sdk/...')` becomes require(): a chunk compiled by vm.Script can only import()
    // through an experimental Node feature that prints a warning. The SDK ships CommonJS too.
    dynamicImportInCjs: false,
    comments: { legal: true, annotation: false, jsdoc: false },
  },
});
