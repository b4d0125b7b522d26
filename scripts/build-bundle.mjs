// The last step of `npm run build`, after rolldown wrote the CommonJS chunks into dist/bundle/:
//   1. writes the files Node runs: pipec.js (the package's bin), compile-worker.js (a worker thread
//      of a large compile) and write-worker.js (its writer thread), the loader they share (load.js),
//      all from scripts/bundle/, and a
//      package.json that makes dist/bundle/*.js CommonJS in this "type": "module" package;
//   2. makes the V8 code cache of every chunk (`<chunk>.cache`): a fresh `node` (no NODE_OPTIONS, so
//      no flags that V8 would hold against the cache later) loads the bundle through load.js, runs
//      the workload below in-process (so the cache holds the functions those commands run, not only
//      each chunk's top level) and writes each chunk's cache;
//   3. checks them: another fresh `node` runs the same workload with those caches and fails the build
//      if V8 refused any (load.js would still work, uncached, but the build would have made nothing).
// Why a cache at all: see scripts/bundle/load.js. Usage: node scripts/build-bundle.mjs
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'bundle');
const OWN = ['load.js', 'pipec.js', 'compile-worker.js', 'write-worker.js'];

const fail = (message) => {
  console.error(`scripts/build-bundle.mjs: ${message}`);
  process.exit(1);
};

if (!existsSync(join(BUNDLE, 'bin.js'))) fail('dist/bundle/bin.js is missing: run rolldown first (npm run build)');
// Run again without rolldown (only the caches to remake), the files are this script's own.
const ours = (name) => name === 'package.json' || readFileSync(join(BUNDLE, name), 'utf8') === readFileSync(join(ROOT, 'scripts', 'bundle', name), 'utf8');
for (const name of [...OWN, 'package.json']) if (existsSync(join(BUNDLE, name)) && !ours(name)) fail(`rolldown wrote a chunk named ${name}, which is one of the launcher's files: rename the module or the entry`);

// load.js compiles the chunks with vm.Script, where import() needs an experimental Node feature.
for (const name of readdirSync(BUNDLE)) if (name.endsWith('.js') && /\bimport\(/.test(readFileSync(join(BUNDLE, name), 'utf8'))) fail(`dist/bundle/${name} has an import(), which load.js cannot run: rolldown.config.mjs should have made it a require()`);
for (const name of OWN) copyFileSync(join(ROOT, 'scripts', 'bundle', name), join(BUNDLE, name));
chmodSync(join(BUNDLE, 'pipec.js'), 0o755);
writeFileSync(join(BUNDLE, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

const env = { ...process.env };
delete env.NODE_OPTIONS;
for (const mode of ['make', 'check']) {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle', 'code-cache.cjs'), mode, BUNDLE], { cwd: ROOT, env, encoding: 'utf8' });
  if (r.status !== 0) fail(`making the V8 code cache (${mode}) failed:\n${r.stderr || r.stdout}`);
  if (mode === 'make') {
    const made = readdirSync(BUNDLE).filter((f) => f.endsWith('.cache')).length;
    console.log(`dist/bundle: launcher written, V8 code cache of ${made} chunks made`);
  }
}
