// CPU by thread of one pipec run: the main thread, the worker threads (compile-pool.ts) and V8's
// platform threads (garbage collection helpers, TurboFan's concurrent compiles), read from
// /proc/PID/task/*/stat every few milliseconds while it runs (Linux only). Wall time and CPU in all
// are what GNU time says; the split is what this adds.
//
//   node bench/threads.mjs [--dir DIR] [--reps N] [--bin PATH] [--env K=V ...] -- compile --out OUT --quiet
//
// DIR: the working directory (default bench/.work/ws-1000-files, generated when missing). OUT is
// moved aside before each run (into bench/.work/trash-threads, removed at the end: removing 6,000
// files right before a run doubles its system time on ext4). Threads are told apart by when they
// were made: the main thread is the process's own; Node makes its platform's threads next (V8's pool
// of 4 and the delayed-task thread: the 5 lowest thread ids after the main one); a thread made later
// that used more than 30 ms of CPU is a worker (a compile worker or the writer thread).
//
// The last column is the least wall time the run could take on 2 idle cores: the main thread's CPU,
// a worker's, or half of all the CPU, whichever is most (the run waits for the main thread and the
// workers, and 2 cores do at most 2 seconds of CPU a second). On a busy machine wall time is mostly
// waiting for a core; this bound is what to compare.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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
const TRASH = join(ROOT, 'bench', '.work', 'trash-threads');

/** One run: [{ tid, cpu ms }] and the wall time. */
function once() {
  if (out && existsSync(out)) {
    mkdirSync(TRASH, { recursive: true });
    renameSync(out, join(TRASH, `${Date.now()}-${Math.random()}`));
  }
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
          seen.set(tid, { tid, cpu: (Number(f[11]) + Number(f[12])) * TICK_MS });
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
  // Node makes its platform's threads first, before any JavaScript runs: V8's worker pool (4 threads)
  // and the thread that runs its delayed tasks, so they have the lowest thread ids after the main one.
  // A thread made later that used more than 30 ms of CPU is a worker (a compile worker or the writer).
  const platformIds = new Set(threads.filter((t) => t.tid !== main).sort((a, b) => Number(a.tid) - Number(b.tid)).slice(0, 5).map((t) => t.tid));
  const late = (t) => t.tid !== main && !platformIds.has(t.tid) && t.cpu > 30;
  const workers = threads.filter(late);
  const platform = threads.filter((t) => t.tid !== main && !late(t));
  const sum = (list) => list.reduce((n, t) => n + t.cpu, 0);
  const all = sum(threads);
  const mainCpu = mainThread?.cpu ?? 0;
  rows.push({ wall, main: mainCpu, workers: workers.map((t) => t.cpu), platform: sum(platform), all, bound: Math.max(mainCpu, ...workers.map((t) => t.cpu), all / 2) });
}
rmSync(TRASH, { recursive: true, force: true });
console.log(`| run | wall | main thread | worker threads | V8 platform threads | all threads | bound on 2 idle cores |`);
console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
rows.forEach((r, i) => console.log(`| ${i + 1} | ${(r.wall / 1000).toFixed(2)} s | ${r.main} ms | ${r.workers.length ? r.workers.map((c) => `${c} ms`).join(' + ') : '-'} | ${r.platform} ms | ${r.all} ms | ${r.bound} ms |`));
