// Where the time goes: runs one pipec command under `node --cpu-prof` and prints a table of the
// CPU profile's self time grouped by source module (the bundle's `// dist/...` and
// `// node_modules/...` markers say which module each line came from), plus garbage collection,
// and the top functions.
//
//   node bench/profile.mjs [--dir DIR] [--top N] [--bin PATH] -- compile --out /tmp/o --quiet
//   node bench/profile.mjs --file some.cpuprofile        (summarise an existing profile)
//
// DIR is the working directory of the command (default: bench/.work/ws-1000-files, generated when
// missing). Output is Markdown, for BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './measure.mjs';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const command = dash < 0 ? ['compile', '--out', join(tmpdir(), `pipec-prof-out-${process.pid}`), '--quiet'] : argv.slice(dash + 1);
const opt = (name, dflt) => {
  const i = own.indexOf(name);
  return i < 0 ? dflt : own[i + 1];
};
const TOP = Number(opt('--top', 25));

let profileFile = opt('--file');
if (!profileFile) {
  const dir = opt('--dir', join(ROOT, 'bench', '.work', 'ws-1000-files'));
  if (!existsSync(dir)) writeWorkspace(dir, 1000, 'files');
  const bin = opt('--bin', join(ROOT, 'dist', 'bundle', 'pipec.js'));
  const profDir = mkdtempSync(join(tmpdir(), 'pipec-prof-'));
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '250', bin, ...command], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  for (const a of command) if (a.includes('pipec-prof-out-')) rmSync(a, { recursive: true, force: true });
  if (r.status !== 0) {
    console.error(`pipec exited ${r.status}: ${r.stderr}`);
    process.exit(1);
  }
  profileFile = join(profDir, readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')));
}

const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
const { nodes, samples, timeDeltas } = profile;
const byId = new Map(nodes.map((n) => [n.id, n]));
const selfUs = new Map();
for (let i = 0; i < samples.length; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, timeDeltas[i] ?? 0));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Module markers of each bundle file: sorted [line, module]. */
const markers = new Map();
function moduleOf(url, line) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node internals';
  // The bundle's chunks are scripts compiled by dist/bundle/load.js: their url is a file path.
  if (!url.startsWith('file://') && !url.startsWith('/')) return url;
  const path = url.startsWith('/') ? url : fileURLToPath(url);
  if (!markers.has(path)) {
    const list = [];
    try {
      readFileSync(path, 'utf8').split('\n').forEach((l, i) => {
        const m = /^\/\/ ((?:dist|src|node_modules)\/\S+)$/.exec(l);
        if (m) list.push([i, m[1]]);
      });
    } catch {}
    markers.set(path, list);
  }
  const list = markers.get(path);
  let found;
  for (const [l, m] of list) {
    if (l > line) break;
    found = m;
  }
  const name = found ?? path.replace(ROOT, '');
  return name.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts').replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1 (package)');
}

const byModule = new Map();
const byFn = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  const cf = n.callFrame;
  let mod;
  if (cf.functionName === '(garbage collector)') mod = '(garbage collector)';
  else if (cf.functionName === '(program)' || cf.functionName === '(idle)' || cf.functionName === '(root)') mod = `${cf.functionName}`;
  else mod = moduleOf(cf.url, cf.lineNumber);
  byModule.set(mod, (byModule.get(mod) ?? 0) + us);
  const fn = `${cf.functionName || '(anonymous)'} ${mod.startsWith('(') ? '' : `(${mod}:${cf.lineNumber + 1})`}`.trim();
  byFn.set(fn, (byFn.get(fn) ?? 0) + us);
}
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
const pct = (us) => `${((100 * us) / total).toFixed(1)}%`;
const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
console.log(`Profile of \`pipec ${command.join(' ').replace(/\S*pipec-prof-out-\d+/, 'OUT')}\`: ${ms(total)} sampled.`);
console.log();
console.log(table(['module (self time)', 'ms', 'share'], sorted(byModule).slice(0, TOP).map(([k, v]) => [k, ms(v), pct(v)])));
console.log();
console.log(table(['function (self time)', 'ms', 'share'], sorted(byFn).slice(0, TOP).map(([k, v]) => [k, ms(v), pct(v)])));

// Inclusive time of pipec's own functions (src/...): each sample counts once for every distinct
// function on its stack, so a phase's row holds its callees, the yaml and zod packages included.
const parent = new Map();
for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const fnKey = new Map();
const keyOf = (id) => {
  if (!fnKey.has(id)) {
    const cf = byId.get(id).callFrame;
    const mod = cf.url ? moduleOf(cf.url, cf.lineNumber) : '';
    fnKey.set(id, mod.startsWith('src/') ? `${cf.functionName || '(anonymous)'} (${mod}:${cf.lineNumber + 1})` : undefined);
  }
  return fnKey.get(id);
};
const inclusive = new Map();
for (let i = 0; i < samples.length; i++) {
  const seen = new Set();
  for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
    const k = keyOf(id);
    if (k && !seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + Math.max(0, timeDeltas[i] ?? 0));
    }
  }
}
console.log();
console.log(table(['pipec function (inclusive time)', 'ms', 'share'], sorted(inclusive).slice(0, TOP).map(([k, v]) => [k, ms(v), pct(v)])));
