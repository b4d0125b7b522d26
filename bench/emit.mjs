// CPU time of the emit of one target (default cloudformation, buildspecs included) over a generated
// workspace, in one process: every pipeline's IR is made first, then emitted ROUNDS times (the first
// round shows the JIT's warm-up, the later ones the warm cost). Each file's text is flattened
// (Buffer.byteLength) as writing it would. `--dist DIR` times another build (tsc's output).
//
//   node bench/emit.mjs [--count 1000] [--rounds 5] [--target cloudformation] [--format yaml|json] [--dist DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const COUNT = Number(opt('--count', 1000));
const ROUNDS = Number(opt('--rounds', 5));
const TARGET = opt('--target', 'cloudformation');
const FORMAT = opt('--format', 'yaml');
const DIST = opt('--dist', join(ROOT, 'dist'));
const dist = (p) => import(pathToFileURL(join(DIST, p)).href);
const { decodeSource, parseSource } = await dist('compiler/parse.js');
const { desugarFile } = await dist('compiler/desugar.js');
const { resolveArtifacts } = await dist('compiler/artifact-defaults.js');
const { lowerPipeline } = await dist('compiler/lower/pipeline.js');
const { RULES } = await dist('compiler/rules/index.js');
const { Diagnostics } = await dist('compiler/diagnostics.js');
const { TARGETS, targetByName } = await dist('targets/index.js');
const { pipelineInputOf } = await dist('targets/codepipeline.js');

const dir = join(ROOT, 'bench', '.work', `ws-${COUNT}-files`);
if (!existsSync(dir)) writeWorkspace(dir, COUNT, 'files');
const files = readdirSync(join(dir, 'pipelines')).sort().map((f) => join(dir, 'pipelines', f));
const targets = TARGET === 'all' ? [...TARGETS] : [targetByName(TARGET)];
const diags = new Diagnostics();
const irs = [];
for (const path of files) {
  const parsed = parseSource(decodeSource(readFileSync(path), path, diags), diags);
  for (const d of desugarFile(parsed, diags)) {
    const { pipeline, specs } = resolveArtifacts(d, diags);
    const ir = lowerPipeline(pipeline, specs, diags);
    for (const rule of RULES) rule(ir, diags);
    irs.push(ir);
  }
}
const cpu = () => {
  const u = process.threadCpuUsage ? process.threadCpuUsage() : process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const names = targets.map((t) => t.name);
const times = [];
for (let round = 0; round < ROUNDS; round++) {
  // a fresh (shallow) copy of each IR per round: emit caches per IR object (buildspecs, the declaration)
  const batch = irs.map((ir) => ({ ...ir }));
  // the rules made each declaration before emit in a compile: so here
  for (const ir of batch) pipelineInputOf(ir);
  const d = new Diagnostics();
  const start = cpu();
  let bytes = 0;
  for (const ir of batch)
    for (const t of targets) for (const f of t.emit(ir, d, { targets: names, cfnFormat: FORMAT })) bytes += Buffer.byteLength(f.content);
  const ms = cpu() - start;
  times.push(ms);
  console.log(`round ${round + 1}: ${irs.length} pipelines, ${ms.toFixed(0)} ms CPU, ${(bytes / 1e6).toFixed(1)} MB`);
}
const warm = times.slice(1).sort((a, b) => a - b);
if (times.length > 0) console.log(`first ${times[0].toFixed(0)} ms, warm median ${warm.length ? warm[warm.length >> 1].toFixed(0) : '-'} ms, warm min ${warm.length ? warm[0].toFixed(0) : '-'} ms`);
