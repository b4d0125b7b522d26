// Helpers for bench/run.mjs: timing whole processes, order statistics, peak memory, tables.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RSS_HOOK = fileURLToPath(new URL('./report-rss.mjs', import.meta.url));
const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command once and returns its wall-clock time and, where GNU time is installed, the CPU time
 * (user + system) it used, in milliseconds; throws when it fails. On a machine shared with other work
 * the wall time includes waiting for a core; the CPU time does not.
 */
export function timeOnce(cmd, args, { cwd, allowFail = false, before } = {}) {
  before?.();
  const cpuFile = existsSync(GNU_TIME) ? join(cwd ?? process.cwd(), `.cputime-${process.pid}`) : undefined;
  const [exe, argv] = cpuFile ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(exe, argv, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!allowFail && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(0, 5).join(' | ')}`);
  let cpuMs;
  if (cpuFile && existsSync(cpuFile)) {
    const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpuMs = (user + sys) * 1000;
    rmSync(cpuFile, { force: true });
  }
  return { ms, cpuMs, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Times several commands `reps` times each, interleaved so that a slow moment of the machine hits all
 * of them alike. Each result is the wall-time stats, plus `cpu` (median CPU ms) when it was measured.
 */
export function timeInterleaved(commands, reps, warmup = 2) {
  const samples = commands.map(() => ({ wall: [], cpu: [] }));
  for (let r = -warmup; r < reps; r++)
    commands.forEach((c, i) => {
      const { ms, cpuMs } = timeOnce(c.cmd, c.args, c);
      if (r < 0) return;
      samples[i].wall.push(ms);
      if (cpuMs !== undefined) samples[i].cpu.push(cpuMs);
    });
  return samples.map((s) => ({ ...stats(s.wall), ...(s.cpu.length === s.wall.length ? { cpu: stats(s.cpu).median } : {}) }));
}

/** Median, 90th percentile, minimum and count of a list of milliseconds. */
export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return { median: quantileMid(s), p90: at(0.9), min: s[0], n: s.length };
}

function quantileMid(s) {
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Peak resident memory (KiB) of a Node command: GNU time's "%M" when installed, otherwise a
 * preloaded hook that reports process.resourceUsage().maxRSS at exit.
 */
export function maxRssKiB(nodeArgs, { cwd, before } = {}) {
  before?.();
  if (existsSync(GNU_TIME)) {
    const r = spawnSync(GNU_TIME, ['-f', 'PIPEC_BENCH_MAXRSS=%M', process.execPath, ...nodeArgs], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const m = /PIPEC_BENCH_MAXRSS=(\d+)/.exec(r.stderr ?? '');
    if (r.status === 0 && m) return { kib: Number(m[1]), how: 'GNU time %M' };
  }
  const file = join(cwd, `.maxrss-${process.pid}`);
  rmSync(file, { force: true });
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, ...nodeArgs], { cwd, encoding: 'utf8', env: { ...process.env, PIPEC_BENCH_RSS_FILE: file } });
  if (r.status !== 0 || !existsSync(file)) throw new Error(`peak memory run failed: ${(r.stderr || '').trim().split('\n')[0]}`);
  const kib = Number(readFileSync(file, 'utf8'));
  rmSync(file, { force: true });
  return { kib, how: 'process.resourceUsage().maxRSS' };
}

/** Renders rows of cells as a Markdown table (readable as plain text too). */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const width = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(' | ')} |`;
  const rule = `| ${width.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
}

/** Milliseconds as text: "12.3 ms" below a second, "1.23 s" above. */
export function fmtMs(ms) {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 2 : 1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
