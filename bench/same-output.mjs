// Checks that two builds of pipec write the same bytes: every file of `compile --target all`, and
// the exit status, stdout and stderr of `compile` and `validate --format json` and `--format text`,
// over the generated benchmark workspaces, every example and the error fixtures compiled together
// (one run of many files, which is where the worker threads start) and one by one.
//
//   node bench/same-output.mjs --base OLD/dist/bundle/pipec.js [--new dist/bundle/pipec.js] [--quick]
//
// Keep a copy of the old build before changing anything, e.g.
//   mkdir -p bench/.work/base/dist && cp -r dist/bundle bench/.work/base/dist/ && ln -s ../../../templates bench/.work/base/templates
// Extra environment for one side: --base-env K=V / --new-env K=V (e.g. PIPEC_WORKERS=0 against 2).
// Exit status 0 when everything is the same; otherwise each difference is listed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const envOf = (name) => Object.fromEntries(argv.flatMap((a, i) => (argv[i - 1] === name ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
const QUICK = argv.includes('--quick');
const sides = [
  { name: 'base', bin: opt('--base') && resolve(opt('--base')), env: envOf('--base-env') },
  { name: 'new', bin: resolve(opt('--new', join(ROOT, 'dist', 'bundle', 'pipec.js'))), env: envOf('--new-env') },
];
if (!sides[0].bin) {
  console.error('usage: node bench/same-output.mjs --base OLD/dist/bundle/pipec.js [--new BIN] [--base-env K=V] [--new-env K=V] [--quick]');
  process.exit(2);
}
const WORK = join(ROOT, 'bench', '.work', 'same-output');
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

const workspaces = [];
for (const [count, layout] of QUICK ? [[10, 'files']] : [[1000, 'files'], [100, 'single'], [5000, 'files']]) {
  const dir = join(ROOT, 'bench', '.work', `ws-${count}-${layout}`);
  if (!existsSync(dir)) writeWorkspace(dir, count, layout);
  workspaces.push({ label: `workspace ${count} ${layout}`, cwd: dir, files: [] });
}
const examples = readdirSync(join(ROOT, 'examples')).filter((e) => existsSync(join(ROOT, 'examples', e, 'pipeline.yml')) || existsSync(join(ROOT, 'examples', e, 'pipelines')));
for (const e of examples) workspaces.push({ label: `example ${e}`, cwd: join(ROOT, 'examples', e), files: [] });
const fixtures = (kind) => readdirSync(join(ROOT, 'test', 'fixtures', kind)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join('test', 'fixtures', kind, f));
workspaces.push({ label: 'error fixtures together', cwd: ROOT, files: fixtures('errors') });
workspaces.push({ label: 'ok fixtures together', cwd: ROOT, files: fixtures('ok') });
if (!QUICK) for (const f of fixtures('errors')) workspaces.push({ label: f, cwd: ROOT, files: [f] });

let differences = 0;
const differ = (what) => {
  differences++;
  console.log(`DIFFERENT: ${what}`);
};
for (const ws of workspaces) {
  const runs = [
    ['compile', '--target', 'all', '--out', 'OUT'],
    ['compile', '--out', 'OUT', '--format', 'json'],
    ['validate', '--format', 'json', '--target', 'all'],
    ['validate', '--no-color'],
  ];
  for (const args of runs) {
    const results = sides.map((side) => {
      const out = join(WORK, side.name);
      rmSync(out, { recursive: true, force: true });
      const r = spawnSync(process.execPath, [side.bin, ...args.map((a) => (a === 'OUT' ? out : a)), ...ws.files], {
        cwd: ws.cwd,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ...side.env },
      });
      return { status: r.status, stdout: r.stdout.replaceAll(out, 'OUT'), stderr: r.stderr.replaceAll(out, 'OUT'), tree: tree(out) };
    });
    const [a, b] = results;
    const what = `${ws.label}: pipec ${args.join(' ')}`;
    if (a.status !== b.status) differ(`${what}: exit ${a.status} vs ${b.status}`);
    if (a.stdout !== b.stdout) differ(`${what}: stdout differs (${a.stdout.length} vs ${b.stdout.length} chars)`);
    if (a.stderr !== b.stderr) differ(`${what}: stderr differs:\n${a.stderr.slice(0, 400)}\n---\n${b.stderr.slice(0, 400)}`);
    const keys = new Set([...a.tree.keys(), ...b.tree.keys()]);
    let fileDiffs = 0;
    for (const k of keys) if (!a.tree.get(k)?.equals(b.tree.get(k) ?? Buffer.alloc(0)) || !b.tree.has(k)) fileDiffs++;
    if (fileDiffs) differ(`${what}: ${fileDiffs} of ${keys.size} output files differ`);
    console.error(`${what}: ${a.tree.size} files, exit ${a.status}`);
  }
}
rmSync(WORK, { recursive: true, force: true });
console.log(differences === 0 ? `same output: ${workspaces.length} inputs x 4 commands` : `${differences} differences`);
process.exit(differences === 0 ? 0 : 1);

/** Every file under `dir`, by relative path. */
function tree(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
  return out;
}
