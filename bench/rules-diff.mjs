// Differential check of the semantic rules: the rules of two builds (tsc's dist/) run on the same IRs, and
// on seeded mutants of them, must report the same diagnostics (code, severity, message, span, notes,
// suggestion, redaction) in the same order. The IRs are lowered by the new build from every example,
// every fixture (errors and ok) and part of the generated workspace; each mutant is a copy of one with
// one to four edits a rule looks at (names, counts, configuration keys and values, artifacts, regions,
// roles, namespaces, conditions, ...), so checks that clean inputs never reach are compared too.
//
//   node bench/rules-diff.mjs --base OLD/dist [--new dist] [--per 40] [--seed 1]
//
// Exit status 0 when every case gives the same diagnostics (or the same exception).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeWorkspace } from './workspace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
if (!opt('--base')) {
  console.error('usage: node bench/rules-diff.mjs --base OLD/dist [--new dist] [--per 40] [--seed 1]');
  process.exit(2);
}
const PER = Number(opt('--per', 40));
const SEED = Number(opt('--seed', 1));
const load = (dir) => async (p) => import(pathToFileURL(join(resolve(dir), p)).href);
const [oldDist, newDist] = [load(opt('--base')), load(opt('--new', join(ROOT, 'dist')))];
const { decodeSource, parseSource } = await newDist('compiler/parse.js');
const { desugarFile } = await newDist('compiler/desugar.js');
const { resolveArtifacts } = await newDist('compiler/artifact-defaults.js');
const { lowerPipeline } = await newDist('compiler/lower/pipeline.js');
const builds = [];
for (const dist of [oldDist, newDist]) {
  const { RULES, LOCAL_RULES } = await dist('compiler/rules/index.js');
  const { Diagnostics } = await dist('compiler/diagnostics.js');
  builds.push({ RULES, LOCAL_RULES, Diagnostics });
}

/** mulberry32, as test/support/mutate.ts. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The IRs: every example and fixture, and every 50th pipeline of the generated workspace.
const files = [];
for (const e of readdirSync(join(ROOT, 'examples')).sort()) {
  const src = join(ROOT, 'examples', e);
  if (existsSync(join(src, 'pipeline.yml'))) files.push(join(src, 'pipeline.yml'));
  if (existsSync(join(src, 'pipelines'))) for (const f of readdirSync(join(src, 'pipelines')).sort()) files.push(join(src, 'pipelines', f));
}
for (const kind of ['errors', 'ok']) for (const f of readdirSync(join(ROOT, 'test', 'fixtures', kind)).filter((f) => /\.ya?ml$/.test(f)).sort()) files.push(join(ROOT, 'test', 'fixtures', kind, f));
const ws = join(ROOT, 'bench', '.work', 'ws-1000-files');
if (!existsSync(ws)) writeWorkspace(ws, 1000, 'files');
for (const f of readdirSync(join(ws, 'pipelines')).sort().filter((_, i) => i % 10 === 0)) files.push(join(ws, 'pipelines', f));

const irs = [];
for (const path of files) {
  const scratch = new builds[1].Diagnostics();
  const file = decodeSource(readFileSync(path), path, scratch);
  if (!file) continue;
  const parsed = parseSource(file, scratch);
  if (!parsed) continue;
  for (const desugared of desugarFile(parsed, scratch)) {
    const { pipeline, specs } = resolveArtifacts(desugared, scratch);
    const ir = lowerPipeline(pipeline, specs, scratch);
    irs.push({ path, ir, incomplete: pipeline.incomplete === true, prior: scratch.list.slice() });
  }
}

/** A copy of plain objects and arrays; spans, catalog entries and other class instances stay shared. */
function copy(v) {
  if (Array.isArray(v)) return v.map(copy);
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out = {};
  for (const k of Object.keys(v)) out[k] = k === 'catalog' || k === 'span' || k.endsWith('Span') ? v[k] : copy(v[k]);
  return out;
}

const STRINGS = ['', 'a', 'x'.repeat(51), 'y'.repeat(101), 'z'.repeat(1001), 'bad name!', 'ok-name', 'Build', 'Source', 'App', '😀'.repeat(30), 'a.b', 'a@b', 'codepipeline', 'variables', 'TOKEN', 'AKIAABCDEFGHIJKLMNOP', '#{Src.CommitId}', '#{variables.v1}', '#{nope.x}', '#{codepipeline.PipelineExecutionId}', 'true', 'maybe', '12', '-3', '99999', 'arn:aws:iam::222222222222:role/x', 'arn:aws:iam::111111111111:role/y', 'not-an-arn', 'us-west-2', 'eu-central-1', 'alias/k', 'mrk-1234', 'CODEBUILD_CLONE_REF', '[{"name":"A","value":"b"}]', '{"a":1}', '[1]', 'not json', 'ROLLBACK', 'FAIL', 'RETRY', 'SKIP'];
const CATEGORIES = ['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke', 'Compute', 'Bogus'];

/** Edits that rules look at; each takes the pipeline copy, the random source and a pick helper. */
const EDITS = [
  (p, r, pick, act) => void (act().name = pick(STRINGS)),
  (p, r, pick, act) => {
    const s = pick(p.stages);
    if (s && s.actions.length) s.actions[0].name = pick(s.actions).name;
  },
  (p, r, pick) => void (pick(p.stages) && (pick(p.stages).name = pick([...STRINGS, ...p.stages.map((s) => s.name)]))),
  (p, r, pick) => void (r() < 0.5 ? p.stages.splice(1) : p.stages.push(...Array.from({ length: 45 }, () => copy(p.stages[p.stages.length - 1])).filter(Boolean))),
  (p, r, pick) => {
    const s = pick(p.stages);
    if (s && s.actions.length) s.actions.push(...Array.from({ length: r() < 0.5 ? 3 : 50 }, () => ({ ...copy(s.actions[0]), runOrder: Math.floor(r() * 60) })));
  },
  (p, r, pick, act) => {
    const a = act();
    a.configuration[pick(['Bogus', 'k'.repeat(55), ...Object.keys(a.configuration), ...(a.catalog?.fields.map((f) => f.key) ?? [])])] = pick(STRINGS);
  },
  (p, r, pick, act) => {
    const a = act();
    const k = pick(Object.keys(a.configuration));
    if (k !== undefined) delete a.configuration[k];
  },
  (p, r, pick, act) => {
    const a = act();
    const f = a.catalog && pick(a.catalog.fields);
    if (f) a.configuration[f.key] = pick([...STRINGS, ...Object.values(f.values ?? {}), `${Object.values(f.values ?? { a: 'A' })[0]},nope`, String(f.min ?? 0), String((f.max ?? 10) + 1)]);
  },
  (p, r, pick, act) => {
    const a = act();
    const names = p.stages.flatMap((s) => s.actions.flatMap((x) => x.outputs.map((o) => o.name)));
    a.inputs.push({ name: pick([...names, ...STRINGS]), span: a.span });
  },
  (p, r, pick, act) => void act().inputs.splice(0, 1),
  (p, r, pick, act) => {
    const a = act();
    a.outputs.push({ name: pick([...STRINGS, ...p.stages.flatMap((s) => s.actions.flatMap((x) => x.outputs.map((o) => o.name)))]), span: a.span, ...(r() < 0.3 ? { files: [pick(STRINGS)] } : {}) });
  },
  (p, r, pick, act) => void act().outputs.splice(0, 1),
  (p, r, pick, act) => void (act().runOrder = pick([0, 1, 2, 3, 999, 1000, 1.5])),
  (p, r, pick, act) => {
    const a = act();
    a.namespace = pick([...STRINGS, ...p.stages.flatMap((s) => s.actions.map((x) => x.namespace).filter(Boolean)), ...a.outputs.map((o) => o.name)]);
  },
  (p, r, pick, act) => void (act().roleArn = pick(STRINGS)),
  (p, r, pick, act) => void (act().region = pick(['us-east-1', 'us-west-2', 'eu-central-1', 'x', 'y'.repeat(40)])),
  (p, r, pick) => void (p.region = pick([undefined, 'us-east-1', 'us-west-2'])),
  (p, r, pick) => void (p.regionStores[pick(['us-west-2', 'us-east-1', 'eu-central-1'])] = { bucket: pick(['b', 'bucket-x', 'B!']), ...(r() < 0.5 ? { kmsKey: pick(STRINGS) } : {}) }),
  (p, r, pick) => void (p.store = r() < 0.3 ? undefined : { bucket: pick(['b', 'ok-bucket', 'Bad_Bucket']), ...(r() < 0.6 ? { kmsKey: pick(['alias/x', 'mrk-1', 'arn:aws:kms:us-east-1:111111111111:key/k', '1234abcd']) } : {}) }),
  (p, r, pick) => void (p.account = pick([undefined, '111111111111', '333333333333'])),
  (p, r, pick) => void (p.roleArn = pick([undefined, 'arn:aws:iam::111111111111:role/p', 'arn:aws:iam::444444444444:role/p', 'bad'])),
  (p, r, pick, act) => void (act().category = pick(CATEGORIES)),
  (p, r, pick, act) => void (act().owner = pick(['AWS', 'ThirdParty', 'Custom'])),
  (p, r, pick, act) => void (act().catalog = r() < 0.5 ? undefined : pick(p.stages.flatMap((s) => s.actions.map((x) => x.catalog)))),
  (p, r, pick, act) => void (act().commands = pick([undefined, [], ['echo'], Array.from({ length: 51 }, () => 'x'), [pick(STRINGS)]])),
  (p, r, pick, act) => void (act().outputVariables = pick([undefined, [], ['A'], Array.from({ length: 16 }, (_, i) => `V${i}`)])),
  (p, r, pick, act) => {
    const a = act();
    a.environmentVariables = pick([undefined, [], [{ name: pick(['TOKEN', 'A', 'api_key', '']), value: pick(STRINGS), type: pick(['PLAINTEXT', 'SECRETS_MANAGER', 'PARAMETER_STORE']), span: a.span }]]);
  },
  (p, r, pick, act) => void (act().timeoutInMinutes = pick([undefined, 1, 5, 60, 100000])),
  (p, r, pick, act) => void (act().invalid = r() < 0.7),
  (p, r, pick, act) => void (act().raw = r() < 0.5),
  (p, r, pick, act) => {
    const a = act();
    if (a.project) {
      const edit = pick(['env', 'outputArtifacts', 'artifacts', 'buildspec', 'reports', 'cache', 'name']);
      if (edit === 'env') a.project.env.push({ name: pick(['TOKEN', 'A', 'PASSWORD']), value: pick(STRINGS), type: 'PLAINTEXT', span: a.span });
      if (edit === 'outputArtifacts') a.project.outputArtifacts = r() < 0.3 ? undefined : { [pick([...a.outputs.map((o) => o.name), 'Other', 'bad-name'])]: { files: ['x'] } };
      if (edit === 'artifacts') a.project.artifacts = r() < 0.5 ? undefined : { files: ['y'] };
      if (edit === 'buildspec') a.project.buildspecPath = r() < 0.5 ? undefined : 'buildspec.yml';
      if (edit === 'reports') a.project.reports = r() < 0.5 ? {} : { r1: { files: ['a'] } };
      if (edit === 'cache') a.project.cache = r() < 0.5 ? [] : ['/root/.npm'];
      if (edit === 'name') a.project.name = pick(p.stages.flatMap((s) => s.actions.map((x) => x.project?.name).filter(Boolean)));
    }
  },
  (p, r, pick) => void (p.tags = pick([[], [{ key: 'aws:x', value: 'v' }], Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })), [{ key: 'k'.repeat(129), value: 'v' }]])),
  (p, r, pick) => void (p.pipelineType = pick(['V1', 'V2'])),
  (p, r, pick) => void (p.executionMode = pick([undefined, 'QUEUED', 'SUPERSEDED', 'PARALLEL'])),
  (p, r, pick) => {
    const s = pick(p.stages);
    if (!s) return;
    const cond = () => ({ result: pick([undefined, 'ROLLBACK', 'FAIL', 'RETRY', 'SKIP']), rules: [], ...(r() < 0.2 ? { incomplete: true } : {}), span: s.span });
    const which = pick(['beforeEntry', 'onSuccess', 'onFailure', 'disableInbound']);
    if (which === 'onFailure') s.onFailure = r() < 0.2 ? undefined : { result: pick([undefined, 'ROLLBACK', 'FAIL', 'RETRY', 'SKIP']), retryMode: pick([undefined, 'FAILED_ACTIONS']), condition: r() < 0.5 ? cond() : undefined, span: s.span };
    else if (which === 'disableInbound') s.disableInbound = { reason: 'r', span: s.span };
    else s[which] = r() < 0.2 ? undefined : cond();
  },
  (p, r, pick) => {
    const names = p.stages[0]?.actions.map((a) => a.name) ?? [];
    p.triggers.push({ sourceActionName: pick([...names, ...names, 'Nope', 'App']), span: p.span, push: r() < 0.5 ? [{ branches: { includes: [pick(STRINGS)] } }] : [], pullRequest: [] });
  },
  (p, r, pick) => void p.variables.push({ name: pick(['v1', 'v2', 'bad name', '']), ...(r() < 0.5 ? { defaultValue: pick(STRINGS) } : {}), span: p.span }),
  (p, r, pick) => void (p.rolePolicy = pick([undefined, 'none'])),
];

const shown = (s) => (s ? `${s.file?.path}:${s.start}-${s.end}` : '-');
const text = (list) =>
  list
    .map((d) => JSON.stringify([d.code, d.severity, d.message, shown(d.span), (d.notes ?? []).map((n) => [n.message, shown(n.span)]), d.suggestion ?? null, d.redact ?? false, d.file ?? null]))
    .join('\n');
function run(build, c) {
  const diags = new build.Diagnostics();
  diags.push(...c.prior);
  const mark = diags.list.length;
  try {
    for (const rule of c.incomplete ? build.LOCAL_RULES : build.RULES) rule(c.ir, diags);
  } catch (e) {
    return `threw ${e?.constructor?.name}: ${e?.message}`;
  }
  return text(diags.list.slice(mark));
}

let cases = 0;
let different = 0;
let reporting = 0;
const r = prng(SEED);
const pick = (list) => list[Math.floor(r() * list.length)];
for (const base of irs) {
  const variants = [base, ...Array.from({ length: PER }, () => null)];
  for (const v of variants) {
    let c = v;
    if (!c) {
      const ir = copy(base.ir);
      const actions = () => ir.stages.flatMap((s) => s.actions);
      const act = () => pick(actions()) ?? { name: '', configuration: {}, inputs: [], outputs: [], spans: {}, configSpans: {} };
      const n = 1 + Math.floor(r() * 4);
      for (let i = 0; i < n; i++) pick(EDITS)(ir, r, pick, act);
      // Sometimes an error already reported at an action's place (the API-model rule does not repeat it).
      const prior = [...base.prior];
      const a = pick(actions());
      if (a && r() < 0.3) prior.push({ code: 'PC2001', severity: 'error', message: 'earlier', span: a.span });
      c = { path: base.path, ir, incomplete: r() < 0.1 ? !base.incomplete : base.incomplete, prior };
    }
    cases++;
    // Each build gets its own copy: a rule that changed the IR must not change what the other sees.
    const [a, b] = builds.map((build) => run(build, { ...c, ir: copy(c.ir) }));
    if (a.length > 0) reporting++;
    if (a !== b) {
      different++;
      if (different <= 5) console.log(`DIFFERENT (${c.path}):\n--- base\n${a}\n--- new\n${b}\n`);
    }
  }
}
console.log(`${cases} cases (${irs.length} pipelines, ${PER} mutants each; ${reporting} with diagnostics): ${different === 0 ? 'all the same' : `${different} different`}`);
process.exit(different === 0 ? 0 : 1);
