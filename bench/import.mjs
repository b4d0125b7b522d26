// Benchmark of `pipec import` (`node bench/import.mjs [--quick]`, run by bench/run.mjs): N
// create-pipeline input files, made by cycling through the import test corpus
// (test/fixtures/import/corpus: connections, ECR, Jenkins, CodeDeployToECS, change sets,
// cross-region stores, approvals, Lambda, V2 conditions ...) and the pipelines the release
// fixtures compile to (test/fixtures/import/releases: environments, waves, blue/green) with each
// pipeline renamed, are
// imported, each round-tripped by the command itself: into one directory (one <name>.yml per
// pipeline) and into one file (shared settings lifted to the top). Prints a Markdown table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, table, timeInterleaved } from './measure.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', '.work', 'import');
const BIN = join(ROOT, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin.pipec);
const QUICK = process.argv.includes('--quick');
const SIZES = [
  { count: 100, reps: QUICK ? 1 : 5 },
  { count: 1000, reps: QUICK ? 1 : 3 },
];

const CORPUS = join(ROOT, 'test', 'fixtures', 'import', 'corpus');
const RELEASES = join(ROOT, 'test', 'fixtures', 'import', 'releases');
const corpusShapes = readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(CORPUS, f), 'utf8')));

/** The pipelines the release fixtures (environments, waves, blue/green) compile to. */
function releaseShapes() {
  const out = join(WORK, 'releases');
  rmSync(out, { recursive: true, force: true });
  const shapes = [];
  for (const f of readdirSync(RELEASES).filter((x) => x.endsWith('.yml')).sort()) {
    const dir = join(out, f);
    execFileSync(process.execPath, [BIN, 'compile', join(RELEASES, f), '--out', dir], { stdio: 'ignore' });
    for (const p of readdirSync(dir).sort()) shapes.push(JSON.parse(readFileSync(join(dir, p, 'codepipeline.json'), 'utf8')));
  }
  rmSync(out, { recursive: true, force: true });
  return shapes;
}
const releases = releaseShapes();
const shapes = [...corpusShapes, ...releases];

/** `count` create-pipeline inputs under `dir`/in, deterministic; returns their paths relative to `dir`. */
function writeInputs(dir, count) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'in'), { recursive: true });
  const paths = [];
  for (let i = 0; i < count; i++) {
    const input = structuredClone(shapes[i % shapes.length]);
    const decl = input.pipeline ?? input;
    decl.name = `${decl.name}-${String(i).padStart(4, '0')}`;
    const path = join('in', `${decl.name}.json`);
    writeFileSync(join(dir, path), JSON.stringify(input, null, 2));
    paths.push(path);
  }
  return paths;
}

const rows = [];
for (const { count, reps } of SIZES) {
  const ws = join(WORK, `ws-${count}`);
  const inputs = writeInputs(ws, count);
  const clean = () => {
    rmSync(join(ws, 'imported'), { recursive: true, force: true });
    rmSync(join(ws, 'imported.yml'), { force: true });
  };
  const [dir, single] = timeInterleaved(
    [
      { cmd: process.execPath, args: [BIN, 'import', ...inputs, '--out', 'imported'], cwd: ws, before: clean },
      { cmd: process.execPath, args: [BIN, 'import', ...inputs, '--out', 'imported.yml'], cwd: ws, before: clean },
    ],
    reps,
    1,
  );
  const cell = (s) => `${fmtMs(s.median)}${s.cpu !== undefined ? ` (CPU ${fmtMs(s.cpu)})` : ''}`;
  rows.push([String(count), cell(dir), `${(dir.median / count).toFixed(2)} ms`, cell(single), `${(single.median / count).toFixed(2)} ms`]);
  rmSync(ws, { recursive: true, force: true });
}
console.log('## import');
console.log();
console.log(`\`pipec import\` of create-pipeline input files cycling through ${shapes.length} shapes: the ${corpusShapes.length} of the import test corpus and the ${releases.length} pipelines the release fixtures compile to (environments, waves, blue/green, recognised on import), each pipeline round-tripped (compiled and compared) before anything is written. Median wall time of ${QUICK ? 'a quick run' : 'several runs'}.`);
console.log();
console.log(table(['pipelines', 'into a directory', 'per pipeline', 'into one file', 'per pipeline'], rows));
