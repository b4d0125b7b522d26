// plan/apply benchmark against moto on loopback (part of `npm run bench`; runnable alone).
//
//   node bench/plan-apply.mjs [--quick]        after `npm run build` (it runs the package's bin)
//
// Measures whole `pipec` processes, as CI runs them, against a moto server this script starts
// (through test/support/moto_launcher.py, which fixes moto's timestamps for the JS SDK):
//   1. 200 pipelines at concurrency 1, 8 and 32: apply creating them all, a plan with no
//      changes, a plan with a change to every pipeline, and apply updating them all;
//   2. how a no-change plan grows with the number of pipelines: 50 / 200 / 800 at concurrency 8.
// Each figure is wall-clock time, with the CPU time pipec and moto spent in it: on a busy
// machine the wall time mostly measures the wait for a core, the CPU times do not.
// Prints Markdown (a heading, tables, the target line) on stdout; progress goes to stderr.
// Also importable: `measurePlanApply({ quick })` returns the rows and the Markdown.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The `pipec` binary as installed: the package's bin. */
const BIN = join(ROOT, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin.pipec);
const LAUNCHER = join(ROOT, 'test', 'support', 'moto_launcher.py');
const WORK = join(ROOT, 'bench', '.work', 'plan-apply');
const ACCOUNT = '111111111111';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/pipeline`;
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** One pipeline of four stages: a source, a build, two parallel tests, a deploy behind an approval. */
function pipelineYaml(i, branch) {
  const name = `bench-${String(i).padStart(4, '0')}`;
  return `  - name: ${name}
    tags: { team: team-${i % 7} }
    source: codecommit:${name}@${branch}
    build:
      commands: [make build]
      artifacts: [dist/**/*]
    tests:
      unit: make test
      lint: make lint
    stages:
      - name: Release
        steps:
          - name: Approve
            approval: {}
          - name: Deploy
            deploy: { s3: { bucket: ${name}-site, extract: true } }
`;
}

function writeWorkspace(count, branch) {
  const dir = join(WORK, `ws-${count}-${branch}`);
  mkdirSync(dir, { recursive: true });
  const body = Array.from({ length: count }, (_, i) => pipelineYaml(i, branch)).join('');
  writeFileSync(join(dir, 'pipeline.yml'), `role: ${ROLE}\nartifacts: bench-artifacts\npipelines:\n${body}`);
  return dir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startMoto() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('python3', [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, MOTO_ACCOUNT_ID: ACCOUNT }, stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) })).status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`moto_server did not start on ${endpoint}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM'))));
  return { endpoint, stop, cpuMs: () => processCpuMs(child.pid) };
}

/** Empties moto and creates the pipelines' role and artifact bucket, as a fresh account would have them. */
async function resetMoto(endpoint) {
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
    body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'pipeline', AssumeRolePolicyDocument: TRUST }),
  });
  if (!res.ok) throw new Error(`CreateRole: HTTP ${res.status}`);
  // The artifact bucket: apply keeps its lock there (.pipec/locks/<project>.json).
  const bucket = await fetch(`${endpoint}/bench-artifacts`, { method: 'PUT', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' } });
  if (!bucket.ok) throw new Error(`CreateBucket: HTTP ${bucket.status}`);
}

/**
 * What each pipeline bench-0000 .. bench-<count-1> relies on, as a user's account has it: pipeline mode
 * makes neither, and apply refuses a pipeline that could not run (src/live/preflight.ts):
 *   - the EventBridge rule that starts it on pushes to its CodeCommit repository (any branch, so the
 *     'main' and 'next' workspaces both match);
 *   - the CodeBuild projects of its build and two tests (the names pipec gives inline builds).
 */
async function makeDependencies(endpoint, count) {
  const call = async (service, target, body) => {
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, authorization: `AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${target}: HTTP ${res.status}: ${await res.text()}`);
  };
  const one = async (i) => {
    const name = `bench-${String(i).padStart(4, '0')}`;
    const pattern = { source: ['aws.codecommit'], 'detail-type': ['CodeCommit Repository State Change'], resources: [`arn:aws:codecommit:us-east-1:${ACCOUNT}:${name}`] };
    await call('events', 'AWSEvents.PutRule', { Name: `${name}-source`, EventPattern: JSON.stringify(pattern) });
    await call('events', 'AWSEvents.PutTargets', { Rule: `${name}-source`, Targets: [{ Id: 'pipeline', Arn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:${name}`, RoleArn: ROLE }] });
    for (const project of [`${name}-Build-Build`, `${name}-Test-lint`, `${name}-Test-unit`])
      await call('codebuild', 'CodeBuild_20161006.CreateProject', {
        name: project,
        source: { type: 'CODEPIPELINE', location: 'codepipeline' }, // moto wants a location on both, AWS on neither
        artifacts: { type: 'CODEPIPELINE', location: 'codepipeline' },
        environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL' },
        serviceRole: ROLE,
      });
  };
  for (let i = 0; i < count; i += 32) await Promise.all(Array.from({ length: Math.min(32, count - i) }, (_, k) => one(i + k)));
}

/** User + system CPU time of a live process in ms, from /proc (undefined where there is none). */
function processCpuMs(pid) {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return undefined;
  const fields = readFileSync(stat, 'utf8').split(') ').pop().split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs pipec once; returns wall ms, pipec's CPU ms (via GNU time, when there is one) and moto's
 * CPU ms over the run. `expect` is the exit code it must end with.
 */
function timePipec(args, cwd, moto, expect = 0) {
  const env = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const timeFile = join(WORK, 'time.txt');
  const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', timeFile, process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
  const motoBefore = moto.cpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const motoAfter = moto.cpuMs();
  if (r.status !== expect) throw new Error(`pipec ${args.join(' ')} exited ${r.status ?? r.signal} (expected ${expect}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const cpu = GNU_TIME ? readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : undefined;
  return { ms, pipecCpu: cpu ? (cpu[0] + cpu[1]) * 1000 : undefined, motoCpu: motoBefore !== undefined && motoAfter !== undefined ? motoAfter - motoBefore : undefined };
}

/** The run with the median wall time of `reps` runs. */
function medianRun(reps, run) {
  const runs = Array.from({ length: reps }, run).sort((a, b) => a.ms - b.ms);
  return runs[(runs.length - 1) >> 1];
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
/** `9.39 s (2.1 + 3.0)`: wall time, then pipec's and moto's CPU seconds. */
const fmtRun = (r) => `${fmt(r.ms)}${r.pipecCpu !== undefined ? ` (${(r.pipecCpu / 1000).toFixed(1)} + ${r.motoCpu !== undefined ? (r.motoCpu / 1000).toFixed(1) : '?'})` : ''}`;
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** Runs the whole benchmark; returns the rows and the Markdown report. */
export async function measurePlanApply({ quick = false, log = (s) => process.stderr.write(`${s}\n`) } = {}) {
  const reps = quick ? 1 : 3;
  rmSync(WORK, { recursive: true, force: true });
  const moto = await startMoto();
  const concurrencyRows = [];
  const scaleRows = [];
  let target = Number.NaN;
  try {
    const main = writeWorkspace(200, 'main');
    const next = writeWorkspace(200, 'next');
    for (const c of [1, 8, 32]) {
      log(`plan-apply: 200 pipelines at concurrency ${c}`);
      await resetMoto(moto.endpoint);
      await makeDependencies(moto.endpoint, 200);
      const j = ['-j', String(c)];
      const create = timePipec(['apply', '--auto-approve', ...j], main, moto);
      const noChange = medianRun(reps, () => timePipec(['plan', '--detailed-exitcode', ...j], main, moto, 0));
      const changed = medianRun(reps, () => timePipec(['plan', '--detailed-exitcode', ...j], next, moto, 2));
      const update = timePipec(['apply', '--auto-approve', ...j], next, moto);
      concurrencyRows.push([String(c), fmtRun(create), fmtRun(noChange), fmtRun(changed), fmtRun(update)]);
      if (c === 8) target = noChange.ms;
    }
    for (const n of [50, 200, 800]) {
      log(`plan-apply: no-change plan of ${n} pipelines`);
      await resetMoto(moto.endpoint);
      await makeDependencies(moto.endpoint, n);
      const dir = writeWorkspace(n, 'main');
      timePipec(['apply', '--auto-approve', '-j', '32'], dir, moto);
      const r = medianRun(reps, () => timePipec(['plan', '--detailed-exitcode', '-j', '8'], dir, moto, 0));
      scaleRows.push([String(n), fmtRun(r), fmt(r.ms / n), r.pipecCpu !== undefined ? fmt(r.pipecCpu / n) : '?']);
    }
  } finally {
    await moto.stop();
    rmSync(WORK, { recursive: true, force: true });
  }
  const load = existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : 'unknown';
  const markdown = [
    '## plan / apply against moto (loopback)',
    '',
    `200 pipelines of 4 stages (6 actions) each; whole \`pipec\` processes; plans are the median of ${reps} run${reps === 1 ? '' : 's'}, applies run once.`,
    `Each cell: wall time (CPU seconds of pipec + of moto). Load average at the end: ${load}.`,
    '',
    table(['concurrency', 'apply: create 200', 'plan: no changes', 'plan: 200 changed', 'apply: update 200'], concurrencyRows),
    '',
    'No-change plan by number of pipelines, concurrency 8:',
    '',
    table(['pipelines', 'plan', 'wall per pipeline', 'pipec CPU per pipeline'], scaleRows),
    '',
    `Target: a no-change plan of 200 pipelines at concurrency 8 under 5 s. Now ${fmt(target)}: ${target < 5000 ? 'met' : 'NOT met'}.`,
  ].join('\n');
  return { concurrencyRows, scaleRows, markdown };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) {
    console.error(`bench/plan-apply.mjs: unknown option ${unknown[0]}; options: --quick`);
    process.exit(2);
  }
  try {
    const { markdown } = await measurePlanApply({ quick: argv.includes('--quick') });
    process.stdout.write(`${markdown}\n`);
  } catch (e) {
    console.error(`bench/plan-apply.mjs: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
