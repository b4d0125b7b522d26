'use strict';
// Run by scripts/build-bundle.mjs in a fresh `node`: node code-cache.cjs make|check BUNDLE_DIR
//   make:  loads the bundle without caches, runs the workload in-process, writes <chunk>.cache for
//          every chunk it loaded (V8's code cache, made after the run, so it holds the functions run);
//   check: runs the workload again with those caches and exits 1 if V8 refused any.
// The workload is what users run cold most: compiling one example (every target), validating a
// file with errors, graph and schema. Nothing in it talks to AWS. Output goes to a temporary directory.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [mode, bundle] = process.argv.slice(2);
if ((mode !== 'make' && mode !== 'check') || !bundle) {
  console.error('usage: node code-cache.cjs make|check BUNDLE_DIR');
  process.exit(2);
}
if (mode === 'make') for (const f of fs.readdirSync(bundle)) if (f.endsWith('.cache')) fs.rmSync(path.join(bundle, f));

const root = path.join(bundle, '..', '..');
const loader = require(path.join(bundle, 'load.js'));
const { main } = loader.load('bin.js');

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pipec-code-cache-'));
const sink = { write: () => true, isTTY: false };
const ctx = { cwd: root, env: { PATH: process.env.PATH ?? '' }, stdout: sink, stderr: sink, stdinIsTTY: false };
const workload = [
  [['compile', 'examples/minimal/pipeline.yml', '--out', path.join(scratch, 'minimal'), '--quiet'], 0],
  [['compile', 'examples/minimal/pipeline.yml', '--target', 'all', '--out', path.join(scratch, 'all'), '--quiet'], 0],
  [['validate', 'test/fixtures/errors/artifact-counts.yml'], 1],
  [['graph', 'examples/minimal/pipeline.yml'], 0],
  [['schema'], 0],
];

(async () => {
  try {
    for (const [args, expected] of workload) {
      const code = await main(args, ctx);
      if (code !== expected) throw new Error(`pipec ${args.join(' ')} exited ${code}, expected ${expected}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const { caches, rejected } = loader.codeCaches();
  if (mode === 'make') for (const { name, data } of caches) fs.writeFileSync(path.join(bundle, `${name}.cache`), data);
  else if (rejected.length > 0) throw new Error(`V8 refused the code cache of ${rejected.join(', ')}`);
  else {
    const missing = caches.filter(({ name }) => !fs.existsSync(path.join(bundle, `${name}.cache`))).map((c) => c.name);
    if (missing.length > 0) throw new Error(`no code cache for ${missing.join(', ')}`);
  }
})().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
