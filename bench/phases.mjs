// CPU time of each compiler phase over a generated workspace, in one process (the modules of dist/,
// which `npm run build` writes): read, decode, parse (yaml + positions), desugar, resolve, lower,
// rules, each target's emit. Rounds after the first show the warm figures.
//
//   node bench/phases.mjs [--count 1000] [--rounds 3] [--target all] [--rules] [--dist DIR]
//
// Output is Markdown, for BENCHMARKS.md. Phase times are thread CPU time (process.threadCpuUsage
// where Node has it, else process.cpuUsage), which a busy machine does not inflate much.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { table } from './measure.mjs';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const COUNT = Number(opt('--count', 1000));
const ROUNDS = Number(opt('--rounds', 3));
const TARGET = opt('--target', 'codepipeline');
/** --rules: one row per rule instead of one for all of them. */
const BY_RULE = argv.includes('--rules');

/** --dist DIR: the modules of another build (tsc's output), for an A/B of phases. */
const DIST = opt('--dist', join(ROOT, 'dist'));
const dist = (p) => import(pathToFileURL(join(DIST, p)).href);
const { decodeSource, parseSource } = await dist('compiler/parse.js');
const { desugarFile } = await dist('compiler/desugar.js');
const { resolveArtifacts } = await dist('compiler/artifact-defaults.js');
const { lowerPipeline } = await dist('compiler/lower/pipeline.js');
const { RULES } = await dist('compiler/rules/index.js');
const { Diagnostics } = await dist('compiler/diagnostics.js');
const { TARGETS, targetByName } = await dist('targets/index.js');

const dir = join(ROOT, 'bench', '.work', `ws-${COUNT}-files`);
if (!existsSync(dir)) writeWorkspace(dir, COUNT, 'files');
const files = readdirSync(join(dir, 'pipelines')).sort().map((f) => join(dir, 'pipelines', f));
const targets = TARGET === 'all' ? [...TARGETS] : [targetByName(TARGET)];

const cpu = () => {
  const u = process.threadCpuUsage ? process.threadCpuUsage() : process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const results = [];
for (let round = 0; round < ROUNDS; round++) {
  const t = new Map();
  let mark = cpu();
  const lap = (name) => {
    const now = cpu();
    t.set(name, (t.get(name) ?? 0) + now - mark);
    mark = now;
  };
  const diags = new Diagnostics();
  let n = 0;
  for (const path of files) {
    const bytes = readFileSync(path);
    lap('read');
    const file = decodeSource(bytes, path, diags);
    lap('decode');
    const parsed = parseSource(file, diags);
    lap('parse (yaml, checks, toData)');
    const pipelines = desugarFile(parsed, diags);
    lap('desugar (schema, macros)');
    for (const desugared of pipelines) {
      const { pipeline: ex, specs } = resolveArtifacts(desugared, diags);
      lap('resolve');
      const ir = lowerPipeline(ex, specs, diags);
      lap('lower');
      if (BY_RULE)
        for (const rule of RULES) {
          rule(ir, diags);
          lap(`rule ${rule.name}`);
        }
      else {
        for (const rule of RULES) rule(ir, diags);
        lap('rules');
      }
      for (const target of targets) {
        target.emit(ir, diags, { targets: targets.map((x) => x.name) });
        lap(`emit ${target.name}`);
      }
      n++;
    }
  }
  if (diags.hasErrors()) throw new Error(`the workspace has errors: ${diags.list[0].message}`);
  results.push(t);
  console.error(`round ${round + 1}: ${n} pipelines, ${[...t.values()].reduce((a, b) => a + b, 0).toFixed(0)} ms`);
}
const names = [...results[0].keys()];
const total = (r) => [...r.values()].reduce((a, b) => a + b, 0);
console.log(table(['phase (CPU ms)', 'first round', ...(ROUNDS > 1 ? [`later rounds (min of ${ROUNDS - 1})`] : [])], [
  ...names.map((k) => [k, results[0].get(k).toFixed(0), ...(ROUNDS > 1 ? [Math.min(...results.slice(1).map((r) => r.get(k))).toFixed(0)] : [])]),
  ['total', total(results[0]).toFixed(0), ...(ROUNDS > 1 ? [Math.min(...results.slice(1).map(total)).toFixed(0)] : [])],
]));
