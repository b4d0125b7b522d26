// pipec's benchmark (`npm run bench`; `npm run bench -- --write` also rewrites BENCHMARKS.md).
//
// Every figure is a whole process, timed from spawn to exit, as a user or CI sees it:
//   1. cold start: `pipec compile` and `pipec graph` of one example and `pipec schema` against the
//      floor of a bare `node -e ""`, measured interleaved in the same run;
//   2. generated workspaces of 100 / 1,000 / 5,000 pipelines of 10 stages (bench/workspace.mjs),
//      as pipelines/*.yml files and as one pipeline.yml, with the cost per pipeline;
//   3. peak memory of the 1,000-pipeline compile;
//   4. every target (`--target all`) against codepipeline alone, when more than one target exists;
//   5. plan/apply, the environments macro, import and plan --stack, when bench/plan-apply.mjs, bench/promotion.mjs,
//      bench/import.mjs and bench/stack-plan.mjs
//      exist: each is run as `node bench/<script> [--quick]` from the repository root and its stdout
//      (Markdown) is included as it is.
// Options: --write (rewrite BENCHMARKS.md), --quick (fewer repetitions, for trying the script),
// --only cold (just section 1; with --write it replaces only that section of BENCHMARKS.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, maxRssKiB, table, timeInterleaved } from './measure.mjs';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', '.work');
/** What `npx pipec` runs: the package's bin. */
const BIN = join(ROOT, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin.pipec);
const TRASH = join(WORK, 'trash');
const EXAMPLE = 'examples/minimal/pipeline.yml';
const NODE = process.execPath;

const argv = process.argv.slice(2);
const WRITE = argv.includes('--write');
const QUICK = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const ONLY = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
const unknown = argv.filter((a, i) => !['--write', '--quick', '--only'].includes(a) && !(onlyAt >= 0 && i === onlyAt + 1));
if (unknown.length > 0 || (onlyAt >= 0 && ONLY !== 'cold')) {
  console.error(`bench/run.mjs: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : "--only takes 'cold'"}; options: --write, --quick, --only cold`);
  process.exit(2);
}
if (!existsSync(BIN)) {
  console.error(`bench/run.mjs: ${relative(ROOT, BIN)} is missing; run \`npm run bench\` (it builds first)`);
  process.exit(2);
}

const COLD_REPS = QUICK ? 8 : 40;
const SIZES = [
  { count: 100, reps: QUICK ? 2 : 9 },
  { count: 1000, reps: QUICK ? 2 : 7 },
  { count: 5000, reps: QUICK ? 1 : 3 },
];
/** The compiler reads files of at most 8 MiB; one file of 5,000 pipelines is larger, so the single-file layout stops at 1,000. */
const SINGLE_FILE_SIZES = [100, 1000];

const generated = new Set();
const out = [];
const say = (text = '') => {
  out.push(text);
  console.log(text);
};
mkdirSync(WORK, { recursive: true });

// ---- the machine ----
const machine = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  nproc: cpus().length,
  cpu: cpus()[0]?.model?.trim() ?? 'unknown',
  memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
  os: `${type()} ${release()}`,
  node: process.version,
  commit: gitCommit(),
  load: loadavg().map((l) => l.toFixed(2)).join(' '),
};
say('# pipec benchmarks');
say();
say(table(['machine', ''], [
  ['date', machine.date],
  ['nproc', machine.nproc],
  ['cpu', machine.cpu],
  ['memory', machine.memory],
  ['os', machine.os],
  ['node', machine.node],
  ['pipec commit', machine.commit],
  ['load average at start (1, 5, 15 min)', machine.load],
]));
say();

// ---- 1. cold start ----
const coldOut = join(WORK, 'out-cold');
/**
 * A pipec command; with `outDir`, each run writes a fresh output directory: the previous one is
 * moved aside (deleting 1,000 directories here costs seconds, and the file system would charge
 * part of that to the next run) and the moved ones are deleted when the benchmark ends.
 */
const pipec = (args, cwd = ROOT, outDir) => ({ cmd: NODE, args: [BIN, ...args], cwd, before: outDir ? () => moveAside(outDir) : undefined });
const [floor, version, cold, graph, schema] = timeInterleaved(
  [
    { cmd: NODE, args: ['-e', ''], cwd: ROOT },
    pipec(['--version']),
    pipec(['compile', EXAMPLE, '--out', coldOut], ROOT, coldOut),
    pipec(['graph', EXAMPLE]),
    pipec(['schema']),
  ],
  COLD_REPS,
);
const ratio = (s) => `${(s.median / floor.median).toFixed(2)}x`;
const cpuMs = (s) => (s.cpu === undefined ? 'n/a' : fmtMs(s.cpu));
const cpuRatio = (s) => (s.cpu === undefined || floor.cpu === undefined ? 'n/a' : `${(s.cpu / floor.cpu).toFixed(2)}x`);
const coldRow = (label, s) => [label, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), ratio(s), cpuMs(s), cpuRatio(s)];
say(`## Cold start: one example, end to end (${COLD_REPS} runs each, interleaved)`);
say();
say(table(['command', 'median', 'p90', 'min', 'median / floor', 'cpu (median)', 'cpu / floor cpu'], [
  ['node -e "" (the floor)', fmtMs(floor.median), fmtMs(floor.p90), fmtMs(floor.min), '1.00x', cpuMs(floor), '1.00x'],
  coldRow('pipec --version', version),
  coldRow(`pipec compile ${EXAMPLE}`, cold),
  coldRow(`pipec graph ${EXAMPLE}`, graph),
  coldRow('pipec schema', schema),
]));
say();
say('Times are wall clock from spawn to exit; cpu is user + system time of the process (GNU time), which waiting for a busy machine does not inflate.');
say('graph draws the example as box-drawing text (it compiles it first); schema prints the JSON Schema of pipeline.yml (the package\'s copy, which a test holds equal to what the compiler\'s schemas generate).');
say();
// Issue 14: a cold compile of one example at most 1.5x the floor, in wall time and in CPU.
const within = (s) => s.median <= 1.5 * floor.median && (s.cpu === undefined || floor.cpu === undefined || s.cpu <= 1.5 * floor.cpu);
const verdict = (s) => `${ratio(s)} (cpu ${cpuRatio(s)}): ${within(s) ? 'met' : 'NOT met'}`;
say(`Target: compile, graph and schema each at most 1.5x the floor, wall and CPU. Now compile ${verdict(cold)}; graph ${verdict(graph)}; schema ${verdict(schema)}.`);
say();
if (ONLY === 'cold') {
  rmSync(TRASH, { recursive: true, force: true });
  if (WRITE) replaceSectionInBenchmarksMd('## Cold start');
  process.exit(0);
}

// ---- 2. workspaces ----
say('## Generated workspaces: 10 stages per pipeline, codepipeline target');
say();
say('Four pipeline shapes in turn (containers on ECS with blue/green, serverless with CloudFormation change sets and');
say('cross-account prod, static sites on S3 with Jenkins, Beanstalk/CodeDeploy/AppConfig apps), each with');
say('sources, a build, parallel tests, deploys behind a manual approval and invoke actions. "files" is');
say('pipelines/*.yml with 10 pipelines per file; "one file" is a single pipeline.yml with `pipelines:`.');
say();
const rows = [];
const medians = new Map();
const runs = [];
for (const { count, reps } of SIZES) runs.push({ count, reps, layout: 'files' });
for (const count of SINGLE_FILE_SIZES) runs.push({ count, reps: SIZES.find((s) => s.count === count).reps, layout: 'single' });
for (const { count, reps, layout } of runs) {
  const dir = workspace(count, layout);
  const outDir = join(dir, 'out');
  const [s] = timeInterleaved([pipec(['compile', '--out', outDir, '--quiet'], dir, outDir)], reps, 1);
  const prev = [...medians.entries()].filter(([k]) => k.startsWith(`${layout}:`)).pop();
  const marginal = prev ? (s.median - prev[1].median) / (count - prev[1].count) : undefined;
  medians.set(`${layout}:${count}`, { count, median: s.median, cpu: s.cpu });
  rows.push([
    count.toLocaleString('en-US'),
    layout === 'files' ? `files (${Math.ceil(count / 10)})` : 'one file',
    mib(inputBytes(dir)),
    s.n,
    fmtMs(s.median),
    fmtMs(s.p90),
    cpuMs(s),
    fmtMs(s.median / count),
    marginal === undefined ? '' : fmtMs(marginal),
  ]);
}
{
  // The edit-compile loop: compiling again into an output directory that is already there.
  const dir = workspace(1000, 'files');
  const outDir = join(dir, 'out-kept');
  const [s] = timeInterleaved([pipec(['compile', '--out', outDir, '--quiet'], dir)], SIZES[1].reps, 1);
  rows.push(['1,000', 'files, output kept', mib(inputBytes(dir)), s.n, fmtMs(s.median), fmtMs(s.p90), cpuMs(s), fmtMs(s.median / 1000), '']);
}
say(table(['pipelines', 'layout', 'input', 'runs', 'median', 'p90', 'cpu (median)', 'per pipeline', 'each added pipeline'], rows));
say();
const thousand = medians.get('files:1000').median;
say('"output kept": compiled again into the output directory of the previous run, as in an edit-compile loop.');
say(`"each added pipeline" is (this median - the previous size's median) / (added pipelines): equal figures mean linear growth.`);
const cpu1000 = medians.get('files:1000').cpu;
say(`Target: 1,000 pipelines under 2 s. Now ${fmtMs(thousand)} (files), ${fmtMs(medians.get('single:1000').median)} (one file)${cpu1000 === undefined ? '' : `; cpu ${fmtMs(cpu1000)} (files)`}: ${thousand < 2000 ? 'met' : 'NOT met'}.`);
say();

// ---- 3. peak memory ----
const memRows = [];
for (const layout of ['files', 'single']) {
  const dir = workspace(1000, layout);
  const outDir = join(dir, 'out');
  const m = maxRssKiB([BIN, 'compile', '--out', outDir, '--quiet'], { cwd: dir, before: () => moveAside(outDir) });
  memRows.push([`compile 1,000 pipelines (${layout === 'files' ? 'files' : 'one file'})`, `${(m.kib / 1024).toFixed(0)} MiB`, m.how]);
}
const floorMem = maxRssKiB(['-e', ''], { cwd: ROOT });
memRows.unshift(['node -e "" (the floor)', `${(floorMem.kib / 1024).toFixed(0)} MiB`, floorMem.how]);
say('## Peak memory (max RSS)');
say();
say(table(['process', 'max RSS', 'measured with'], memRows));
say();

// ---- 4. all targets ----
say('## All targets, 1,000 pipelines (files)');
say();
const targets = listTargets();
if (targets.length <= 1) {
  say(`not available: only ${targets.join(', ') || 'codepipeline'} is registered, so --target all is the codepipeline figure above.`);
} else {
  const dir = workspace(1000, 'files');
  const outA = join(dir, 'out-all');
  const outC = join(dir, 'out');
  const probe = spawnSync(NODE, [BIN, 'compile', '--target', 'all', '--out', outA, '--quiet'], { cwd: dir, encoding: 'utf8' });
  if (probe.status !== 0) {
    say(`not available: \`pipec compile --target all\` exited ${probe.status}: ${(probe.stderr || '').trim().split('\n')[0]}`);
  } else {
    const reps = QUICK ? 1 : 5;
    const [one, all] = timeInterleaved([pipec(['compile', '--out', outC, '--quiet'], dir, outC), pipec(['compile', '--target', 'all', '--out', outA, '--quiet'], dir, outA)], reps, 0);
    say(table(['command', 'runs', 'median', 'p90', 'cpu (median)', 'x codepipeline only'], [
      ['--target codepipeline', one.n, fmtMs(one.median), fmtMs(one.p90), cpuMs(one), '1.00x'],
      [`--target all (${targets.join(', ')})`, all.n, fmtMs(all.median), fmtMs(all.p90), cpuMs(all), `${(all.median / one.median).toFixed(2)}x`],
    ]));
  }
}
say();

// ---- 5. the other benchmarks: each a script beside this one that prints Markdown ----
for (const [title, script] of [
  ['plan / apply', 'plan-apply.mjs'],
  ['environments macro', 'promotion.mjs'],
  ['import', 'import.mjs'],
  ['plan --stack', 'stack-plan.mjs'],
]) {
  const path = join(ROOT, 'bench', script);
  const heading = () => {
    say(`## ${title}`);
    say();
  };
  if (!existsSync(path)) {
    heading();
    say(`not available: bench/${script} does not exist yet.`);
  } else {
    console.error(`running bench/${script}...`);
    const r = spawnSync(NODE, [path, ...(QUICK ? ['--quick'] : [])], { cwd: ROOT, encoding: 'utf8', timeout: 30 * 60 * 1000, maxBuffer: 16 * 1024 * 1024 });
    const text = (r.stdout ?? '').trim();
    if (!text.startsWith('#')) heading();
    if (r.status === 0 && text) say(text);
    else say(`not available: bench/${script} exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-1)[0] ?? ''}`);
  }
  say();
}

rmSync(TRASH, { recursive: true, force: true });
if (WRITE) writeBenchmarksMd();

// ---- helpers ----

/** Generates a workspace once per run (they are deterministic) and returns its directory. */
function workspace(count, layout) {
  const dir = join(WORK, `ws-${count}-${layout}`);
  if (!generated.has(dir)) {
    writeWorkspace(dir, count, layout);
    generated.add(dir);
  }
  return dir;
}

function moveAside(dir) {
  if (!existsSync(dir)) return;
  mkdirSync(TRASH, { recursive: true });
  renameSync(dir, join(TRASH, `${Date.now()}-${Math.random().toString(36).slice(2)}`));
}

function inputBytes(dir) {
  if (existsSync(join(dir, 'pipeline.yml'))) return statSync(join(dir, 'pipeline.yml')).size;
  const files = execFileSync('find', [join(dir, 'pipelines'), '-name', '*.yml', '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
  return files.reduce((n, f) => n + statSync(f).size, 0);
}

function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The targets `pipec compile --help` lists. */
function listTargets() {
  const help = spawnSync(NODE, [BIN, 'compile', '--help'], { encoding: 'utf8' }).stdout ?? '';
  const m = /target to emit: (.*?), or all/.exec(help);
  return m ? m[1].split(',').map((t) => t.trim()) : [];
}

function gitCommit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'package.json', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${sha} (with uncommitted changes in src/)` : sha;
  } catch {
    return 'unknown';
  }
}

/**
 * `--only cold --write`: replaces the section of BENCHMARKS.md whose heading starts with `heading` by this
 * run's, and the machine table (with a note that only this section was measured then); the rest is kept.
 */
function replaceSectionInBenchmarksMd(heading) {
  const path = join(ROOT, 'BENCHMARKS.md');
  const old = readFileSync(path, 'utf8');
  const text = out.join('\n');
  const mine = text.slice(text.indexOf(`\n${heading}`) + 1).trim();
  const start = old.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`BENCHMARKS.md has no section '${heading}'; run the whole benchmark with --write`);
  const end = old.indexOf('\n## ', start + 1);
  let next = `${old.slice(0, start + 1)}${mine}\n${end < 0 ? '' : old.slice(end)}`;
  const machineTable = /\| machine[\s\S]*?\n\n/.exec(text)?.[0];
  const note = `The machine table is that of the last run of \`--only cold\` (${machine.date}, commit ${machine.commit}), which measured only the cold-start section; the other sections are from the last whole run.\n\n`;
  if (machineTable) next = next.replace(/\| machine[\s\S]*?\n\n(The machine table is that of[^\n]*\n\n)?/, `${machineTable}${note}`);
  writeFileSync(path, next);
  console.log(`wrote the '${heading}' section of ${relative(process.cwd(), path) || path}`);
}

/** Rewrites BENCHMARKS.md: the figures of this run, how to reproduce them, and the kept "History" section. */
function writeBenchmarksMd() {
  const path = join(ROOT, 'BENCHMARKS.md');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const history = /\n## History\n[\s\S]*$/.exec(old)?.[0] ?? '';
  const body = out.join('\n').replace(/^# pipec benchmarks\n/, '').trim();
  const text = `# pipec benchmarks

Written by \`npm run bench -- --write\`${QUICK ? ' (--quick: few repetitions)' : ''}; do not edit the figures by hand (the History section at the end is kept).

## How to reproduce

\`\`\`sh
npm ci
npm run bench             # builds, then prints these tables
npm run bench -- --write  # and rewrites this file
\`\`\`

Method: every figure is a whole process timed from spawn to exit (\`node ${relative(ROOT, BIN)} ...\`, the package's
bin, which is what \`npx pipec\` runs, without npx's own start-up). Commands compared with each other run interleaved, so a busy
moment of the machine slows all of them alike; each run writes a fresh output directory (the previous one is moved
aside, outside the timing) unless the row says "output kept". Workspaces are generated by \`bench/workspace.mjs\` into \`bench/.work/\` (git-ignored), the same bytes
every time.

${body}
${history}`;
  writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
  console.log(`wrote ${relative(process.cwd(), path) || path}`);
}
