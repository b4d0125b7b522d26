// A/B of two builds, interleaved (a busy moment hits both alike): wall, CPU (user + sys, GNU time)
// and max RSS of whole pipec processes, medians, beside the node floor measured in the same run.
//
//   node bench/ab.mjs --base OLD/dist/bundle/pipec.js [--new dist/bundle/pipec.js] [--reps 5] [--new-env K=V]
//
// Cases: cold `compile examples/minimal`, 1,000 pipelines (files) codepipeline and --target all, and
// 1,000 pipelines in one file (split into parts across threads). --only TEXT runs the cases whose name holds it.
// Prints Markdown for BENCHMARKS.md's History.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, stats, table } from './measure.mjs';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const envOf = (name) => Object.fromEntries(argv.flatMap((a, i) => (argv[i - 1] === name ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
const REPS = Number(opt('--reps', 5));
const only = opt('--only');
const builds = [
  { name: 'base', bin: resolve(opt('--base')), env: envOf('--base-env') },
  { name: 'new', bin: resolve(opt('--new', join(ROOT, 'dist', 'bundle', 'pipec.js'))), env: envOf('--new-env') },
];
const WORK = join(ROOT, 'bench', '.work');
const ws = join(WORK, 'ws-1000-files');
if (!existsSync(ws)) writeWorkspace(ws, 1000, 'files');
const single = join(WORK, 'ws-1000-single');
if (!existsSync(single)) writeWorkspace(single, 1000, 'single');
const TRASH = join(WORK, 'trash-ab');
mkdirSync(TRASH, { recursive: true });

function once(cmd, args, cwd, env, out) {
  if (out && existsSync(out)) renameSync(out, join(TRASH, `${Date.now()}-${Math.random()}`));
  const r = spawnSync('/usr/bin/time', ['-f', 'AB %e %U %S %M', cmd, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 300)}`);
  const [, wall, user, sys, rss] = /AB (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr);
  return { wall: wall * 1000, cpu: (Number(user) + Number(sys)) * 1000, rss: rss / 1024 };
}

const cases = [
  { name: 'cold `compile examples/minimal`', cwd: ROOT, args: (o) => ['compile', 'examples/minimal/pipeline.yml', '--out', o, '--quiet'], reps: REPS * 4 },
  { name: '1,000 pipelines (files), codepipeline', cwd: ws, args: (o) => ['compile', '--out', o, '--quiet'], reps: REPS },
  { name: '1,000 pipelines (files), --target all', cwd: ws, args: (o) => ['compile', '--target', 'all', '--out', o, '--quiet'], reps: Math.max(1, REPS - 2) },
  { name: '1,000 pipelines (one file), codepipeline', cwd: single, args: (o) => ['compile', '--out', o, '--quiet'], reps: Math.max(1, REPS - 2) },
].filter((c) => !only || c.name.includes(only));
const rows = [];
const load0 = loadavg().map((l) => l.toFixed(1)).join(' ');
for (const c of cases) {
  const s = { floor: [], base: [], new: [] };
  for (let r = 0; r < c.reps; r++) {
    s.floor.push(once(process.execPath, ['-e', ''], ROOT, {}));
    for (const b of builds) {
      const out = join(WORK, `ab-out-${b.name}`);
      s[b.name].push(once(process.execPath, [b.bin, ...c.args(out)], c.cwd, b.env, out));
    }
    console.error(`${c.name}: ${r + 1}/${c.reps}`);
  }
  const med = (list, k) => stats(list.map((x) => x[k])).median;
  const f = { wall: med(s.floor, 'wall'), cpu: med(s.floor, 'cpu') };
  for (const b of ['base', 'new'])
    rows.push([`${c.name}: ${b}`, c.reps, fmtMs(med(s[b], 'wall')), `${(med(s[b], 'wall') / f.wall).toFixed(2)}x`, fmtMs(med(s[b], 'cpu')), `${(med(s[b], 'cpu') / f.cpu).toFixed(2)}x`, `${med(s[b], 'rss').toFixed(0)} MiB`]);
  rows.push([`${c.name}: node -e "" (floor)`, c.reps, fmtMs(f.wall), '1.00x', fmtMs(f.cpu), '1.00x', `${med(s.floor, 'rss').toFixed(0)} MiB`]);
}
rmSync(TRASH, { recursive: true, force: true });
for (const b of builds) rmSync(join(WORK, `ab-out-${b.name}`), { recursive: true, force: true });
console.log(`Load average (1, 5, 15 min) at start: ${load0}; at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
console.log();
console.log(table(['case: build', 'runs', 'wall (median)', 'x floor', 'cpu (median)', 'x floor cpu', 'max RSS'], rows));
