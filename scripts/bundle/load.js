'use strict';
// The loader of pipec's bundle (copied to dist/bundle/load.js by scripts/build-bundle.mjs).
//
// Why: a cold `pipec compile` of one pipeline used to spend a quarter of its time above a bare
// `node` in V8 compiling the bundle's JavaScript. Node 20 has no compile cache of its own
// (module.enableCompileCache is Node 22), so this does what v8-compile-cache does: each chunk of
// dist/bundle/ (CommonJS, written by rolldown) is compiled by `vm.Script` with the V8 code cache the
// build made for it (`<chunk>.cache`, from a run of the examples, so it holds the functions a compile
// runs, not only the top level). V8 checks a cache against its own version, its flags and the source
// length and rejects one that does not fit (`cachedDataRejected`: another Node than the one that
// built it); the chunk is then compiled from its source as it would have been without a cache.
// A missing cache file is the same. Nothing here writes a file: the cache is made at build time only.
//
// Chunks require each other as './name.js' (loaded here, once each), every other module (node:*,
// the AWS SDK, handlebars) through Node's own require from this directory. The chunks hold no
// `import()` (rolldown.config.mjs turns it into require; scripts/build-bundle.mjs checks): a script
// compiled by vm.Script can only import() through an experimental Node feature that prints a warning.

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const nodeRequire = createRequire(path.join(__dirname, 'load.js'));
/** Chunks loaded so far, by file name: their module objects. */
const modules = new Map();
/** The compiled scripts, for `codeCaches` (the build's cache maker). */
const scripts = new Map();
/** Chunks whose cache V8 refused, for `codeCaches`' report. */
const rejected = [];

/** The require a chunk sees: its sibling chunks from here, everything else from Node. */
function chunkRequire(id) {
  return id.startsWith('./') ? load(id.slice(2)) : nodeRequire(id);
}
chunkRequire.resolve = nodeRequire.resolve;
chunkRequire.cache = nodeRequire.cache;

/** The exports of the chunk `name` (a file of this directory), loading it on first use. */
function load(name) {
  const known = modules.get(name);
  if (known) return known.exports;
  const filename = path.join(__dirname, name);
  const module = { id: filename, filename, exports: {}, loaded: false };
  modules.set(name, module);
  const source = fs.readFileSync(filename, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${filename}.cache`);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(wrap(source), { filename, cachedData });
  if (cachedData !== undefined && script.cachedDataRejected) rejected.push(name);
  scripts.set(name, script);
  script.runInThisContext().call(module.exports, module.exports, chunkRequire, module, filename, __dirname);
  module.loaded = true;
  return module.exports;
}

/**
 * For the build's cache maker (scripts/build-bundle.mjs): the V8 code cache of every chunk loaded
 * so far, made now, so that it holds the functions that have run, and the chunks whose shipped cache
 * V8 refused.
 */
function codeCaches() {
  return { caches: [...scripts].map(([name, script]) => ({ name, data: script.createCachedData() })), rejected: [...rejected] };
}

module.exports = { load, codeCaches };
