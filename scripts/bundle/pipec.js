#!/usr/bin/env node
'use strict';
// The `pipec` binary (package.json's bin; copied to dist/bundle/ by scripts/build-bundle.mjs): loads
// the CLI's chunk through the bundle's loader, which uses the V8 code cache made at build time.
require('./load.js').load('bin.js').runBin();
