// Compares two builds of pipec over seeded mutants of every example and fixture (errors and ok):
// `validate --format json --target all` on each mutant, exit status, stdout and stderr byte for byte.
// The mutants are test/support/mutate.ts's (deterministic: the same seed gives the same texts), written
// beside a copy of their example (so relative files such as templates and buildspecs still resolve).
//
//   node bench/mutants.mjs --base OLD/dist/bundle/pipec.js [--new dist/bundle/pipec.js] [--per 12] [--jobs 2]
//
// Exit status 0 when every mutant gives the same output; otherwise each difference is listed.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const base = opt('--base') && resolve(opt('--base'));
const next = resolve(opt('--new', join(ROOT, 'dist', 'bundle', 'pipec.js')));
const per = Number(opt('--per', '12'));
const jobs = Number(opt('--jobs', '2'));
if (!base) {
  console.error('usage: node bench/mutants.mjs --base OLD/dist/bundle/pipec.js [--new BIN] [--per N] [--jobs N]');
  process.exit(2);
}

// mutate.ts is TypeScript with no imports: rolldown (the build's bundler) turns it into a module.
const WORK = join(ROOT, 'bench', '.work', 'mutants');
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const bundled = spawnSync(join(ROOT, 'node_modules', '.bin', 'rolldown'), [join(ROOT, 'test', 'support', 'mutate.ts'), '--file', join(WORK, 'mutate.mjs'), '--format', 'esm'], { encoding: 'utf8' });
if (bundled.status !== 0) throw new Error(`rolldown could not bundle test/support/mutate.ts: ${bundled.stderr}`);
const { mutants } = await import(pathToFileURL(join(WORK, 'mutate.mjs')).href);

/** Every input: [directory to run in, file name there, text]. */
const inputs = [];
for (const e of readdirSync(join(ROOT, 'examples')).sort()) {
  const src = join(ROOT, 'examples', e);
  const files = existsSync(join(src, 'pipeline.yml')) ? ['pipeline.yml'] : existsSync(join(src, 'pipelines')) ? readdirSync(join(src, 'pipelines')).sort().map((f) => join('pipelines', f)) : [];
  if (files.length === 0) continue;
  const dir = join(WORK, 'examples', e);
  cpSync(src, dir, { recursive: true });
  for (const f of files) inputs.push([dir, f, readFileSync(join(src, f), 'utf8')]);
}
for (const kind of ['errors', 'ok']) {
  const dir = join(WORK, kind);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(join(ROOT, 'test', 'fixtures', kind)).filter((f) => /\.ya?ml$/.test(f)).sort()) inputs.push([dir, f, readFileSync(join(ROOT, 'test', 'fixtures', kind, f), 'utf8')]);
}
const cases = [];
inputs.forEach(([dir, file, text], i) => {
  mutants(text, 1000 + i, per).forEach((m, j) => {
    const name = `${file.replace(/[/.]/g, '_')}-m${j}.yml`;
    writeFileSync(join(dir, name), m.text);
    cases.push({ dir, name });
  });
});

function run(bin, c) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, 'validate', '--format', 'json', '--target', 'all', c.name], { cwd: c.dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => done(`${code}\n${out}\n--stderr--\n${err}`));
  });
}

let differences = 0;
let next_ = 0;
async function worker() {
  while (next_ < cases.length) {
    const c = cases[next_++];
    const [a, b] = [await run(base, c), await run(next, c)];
    if (a !== b) {
      differences++;
      const at = join(WORK, 'diff', `${differences}`);
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, 'base.txt'), a);
      writeFileSync(join(at, 'new.txt'), b);
      writeFileSync(join(at, 'case.txt'), `${join(c.dir, c.name)}\n`);
      console.log(`DIFFERENT: ${join(c.dir, c.name)} (bench/.work/mutants/diff/${differences})`);
    }
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
console.log(`${cases.length} mutants of ${inputs.length} files: ${differences === 0 ? 'all the same' : `${differences} different`}`);
process.exit(differences === 0 ? 0 : 1);
