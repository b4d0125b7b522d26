// CPU by thread of one pipec run: the main thread, the worker threads (compile-pool.ts) and V8's
// platform threads (garbage collection helpers, TurboFan's concurrent compiles), read from
// /proc/PID/task/*/stat every few milliseconds while it runs (Linux only). Wall time and CPU in all
// are what GNU time says; the split is what this adds.
//
//   node bench/threads.mjs [--dir DIR] [--reps N] [--bin PATH] [--env K=V ...] -- compile --out OUT --quiet
//
// DIR: the working directory (default bench/.work/ws-1000-files, generated when missing). OUT is
// removed before each run. Threads are told apart by when they started: the main thread is the
// process's own; V8's platform threads (a pool, 4 by default) start together at the same clock tick;
// any other thread that used more than 100 ms of CPU is a worker.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const command = dash < 0 ? ['compile', '--out', join(ROOT, 'bench', '.work', 'threads-out'), '--quiet'] : argv.slice(dash + 1);
const opt = (name, dflt) => {
  const i = own.indexOf(name);
  return i < 0 ? dflt : own[i + 1];
};
const env = Object.fromEntries(own.flatMap((a, i) => (own[i - 1] === '--env' ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
const dir = resolve(opt('--dir', join(ROOT, 'bench', '.work', 'ws-1000-files')));
if (!existsSync(dir)) writeWorkspace(dir, 1000, 'files');
const bin = resolve(opt('--bin', join(ROOT, 'dist', 'bundle', 'pipec.js')));
const reps = Number(opt('--reps', 1));
const outIndex = command.indexOf('--out');
const out = outIndex >= 0 ? resolve(dir, command[outIndex + 1]) : undefined;
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** One run: [{ tid, start (clock tick it started at), cpu ms }] and the wall time. */
function once() {
  if (out) rmSync(out, { recursive: true, force: true });
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...command], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
    const seen = new Map();
    const poll = () => {
      let tids;
      try {
        tids = readdirSync(`/proc/${child.pid}/task`);
      } catch {
        return;
      }
      for (const tid of tids)
        try {
          const s = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
          const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
          seen.set(tid, { tid, start: Number(f[19]), cpu: (Number(f[11]) + Number(f[12])) * TICK_MS });
        } catch {}
    };
    const timer = setInterval(poll, 3);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) console.error(`exit ${code}`);
      done({ threads: [...seen.values()], wall: performance.now() - t0, main: String(child.pid) });
    });
  });
}

const rows = [];
for (let r = 0; r < reps; r++) {
  const { threads, wall, main } = await once();
  const mainThread = threads.find((t) => t.tid === main);
  const together = new Map();
  for (const t of threads) together.set(t.start, (together.get(t.start) ?? 0) + 1);
  const late = (t) => t.tid !== main && (together.get(t.start) ?? 0) < 3 && t.cpu > 100;
  const workers = threads.filter(late);
  const platform = threads.filter((t) => t.tid !== main && !late(t));
  const sum = (list) => list.reduce((n, t) => n + t.cpu, 0);
  rows.push({ wall, main: mainThread?.cpu ?? 0, workers: workers.map((t) => t.cpu), platform: sum(platform), all: sum(threads) });
}
console.log(`| run | wall | main thread | worker threads | V8 platform threads | all threads |`);
console.log(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
rows.forEach((r, i) => console.log(`| ${i + 1} | ${(r.wall / 1000).toFixed(2)} s | ${r.main} ms | ${r.workers.length ? r.workers.map((c) => `${c} ms`).join(' + ') : '-'} | ${r.platform} ms | ${r.all} ms |`));
