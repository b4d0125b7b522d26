// Bundles the CLI that tsc wrote to dist/ into dist/bundle/, the `pipec` binary.
// Why: unbundled, a cold `pipec compile` resolves, reads and compiles ~200 modules (ours, zod's,
// yaml's), which costs more than the compile itself. One file per command path loads in a
// fraction of that (figures in BENCHMARKS.md). Only the compile path's dependencies (yaml, zod)
// are bundled; the AWS SDK and the other packages stay in node_modules and load when a command
// that needs them runs. Chunks sit directly in dist/bundle/, two levels below the package root
// like dist/targets/, so `new URL('../../templates/', import.meta.url)` finds the templates.
import { defineConfig } from 'rolldown';

const BUNDLED = ['yaml', 'zod'];

export default defineConfig({
  // compile-worker: the worker threads of a large compile (src/cli/compile-workspace.ts), beside the chunk that starts them.
  input: { pipec: 'dist/cli/bin.js', 'compile-worker': 'dist/cli/compile-worker.js' },
  platform: 'node',
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !BUNDLED.some((p) => id === p || id.startsWith(`${p}/`)),
  output: {
    dir: 'dist/bundle',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    cleanDir: true,
  },
});
