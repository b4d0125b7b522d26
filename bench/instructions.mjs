// Instructions executed by whole pipec processes of two builds and by the node floor, counted by
// valgrind's callgrind: a figure that a busy machine does not change, where CPU times vary by 20% with
// the load. The 1,000-pipeline case runs node with --single-threaded: V8 then compiles and collects on
// the main thread, at fixed points of the run; with its helper threads, when optimised code arrives
// depends on when they get a core, and that run varied by 9% from one run to the next. (The cold
// case keeps V8's defaults: a flag makes V8 refuse the bundle's code cache, which is most of a cold
// start; it repeats within 1.5%.) It counts work, not time: memory, cache misses and the
// kernel's part are left out, so it ranks changes of the same kind (less JavaScript run) and does not
// replace bench/ab.mjs. Under valgrind a process runs ~50x slower: a cold compile ~25 s, 1,000
// pipelines several minutes. The two builds' runs go side by side (two processes).
//
//   node bench/instructions.mjs --base OLD/dist/bundle/pipec.js [--new dist/bundle/pipec.js] [--only TEXT] [--reps 1]
//
// Cases: cold `compile examples/minimal`, 1,000 pipelines (files) codepipeline. Needs valgrind on PATH.
// Prints Markdown for BENCHMARKS.md's History.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './measure.mjs';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
if (!opt('--base')) {
  console.error('usage: node bench/instructions.mjs --base OLD/dist/bundle/pipec.js [--new BIN] [--only TEXT] [--reps N]');
  process.exit(2);
}
if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('bench/instructions.mjs: valgrind is not installed (apt-get install valgrind)');
  process.exit(2);
}
const REPS = Number(opt('--reps', 1));
const only = opt('--only');
const builds = { base: resolve(opt('--base')), new: resolve(opt('--new', join(ROOT, 'dist', 'bundle', 'pipec.js'))) };
const ws = join(ROOT, 'bench', '.work', 'ws-1000-files');
if (!existsSync(ws)) writeWorkspace(ws, 1000, 'files');
const scratch = mkdtempSync(join(tmpdir(), 'pipec-instructions-'));

/** The instructions one process executes ("I refs" of callgrind's summary). */
function count(args, cwd, flags = []) {
  return new Promise((done, fail) => {
    const p = spawn('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...flags, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      const m = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || !m) fail(new Error(`${args.join(' ')}: exit ${code}: ${err.slice(-300)}`));
      else done(Number(m[1].replaceAll(',', '')));
    });
  });
}

const cases = [
  { name: 'cold `compile examples/minimal`', cwd: ROOT, args: (o) => ['compile', 'examples/minimal/pipeline.yml', '--out', o, '--quiet'] },
  { name: '1,000 pipelines (files), codepipeline', cwd: ws, args: (o) => ['compile', '--out', o, '--quiet'], flags: ['--single-threaded'] },
].filter((c) => !only || c.name.includes(only));

const G = (n) => `${(n / 1e9).toFixed(3)} G`;
const rows = [];
try {
  const floor = await count(['-e', ''], ROOT);
  rows.push(['node -e "" (floor)', G(floor), '', '']);
  for (const c of cases) {
    const got = { base: [], new: [] };
    for (let r = 0; r < REPS; r++) {
      const [b, n] = await Promise.all(['base', 'new'].map((k) => count([builds[k], ...c.args(join(scratch, `${k}-${r}-${rows.length}`))], c.cwd, c.flags)));
      got.base.push(b);
      got.new.push(n);
      console.error(`${c.name}: ${r + 1}/${REPS}`);
    }
    const min = (l) => Math.min(...l);
    const [b, n] = [min(got.base), min(got.new)];
    rows.push([`${c.name}: base`, G(b), G(b - floor), '']);
    rows.push([`${c.name}: new`, G(n), G(n - floor), `${(((n - b) / (b - floor)) * 100).toFixed(1)}%`]);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(table(['case: build', 'instructions (min)', 'above the floor', 'change above the floor'], rows));
