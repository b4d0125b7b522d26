'use strict';
// The writer thread of a large `pipec compile` (src/cli/write-thread.ts starts ./write-worker.js
// beside its chunk; copied to dist/bundle/ by scripts/build-bundle.mjs): loads the writer's chunk
// through the bundle's loader, with the V8 code cache made at build time.
require('./load.js').load('write-worker-thread.js');
