'use strict';
// A worker thread of a large `pipec compile`/`validate` (src/cli/compile-workspace.ts starts
// ./compile-worker.js beside its chunk; copied to dist/bundle/ by scripts/build-bundle.mjs): loads
// the worker's chunk through the bundle's loader, with the V8 code cache made at build time.
require('./load.js').load('compile-worker-thread.js');
