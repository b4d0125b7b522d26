// plan/apply benchmark against moto on loopback (part of `npm run bench`; runnable alone).
//
//   node bench/plan-apply.mjs [--quick]        from the repository root, after `npm run build`
//
// Measures whole `pipec` processes, as CI runs them, against a moto server this script starts
// (through test/support/moto_launcher.py, which fixes moto's timestamps for the JS SDK):
//   1. 200 pipelines at concurrency 1, 8 and 32: apply creating them all, a plan with no
//      changes, a plan with a change to every pipeline, and apply updating them all;
//   2. how a no-change plan grows with the number of pipelines: 50 / 200 / 800 at concurrency 8.
// Prints Markdown (a heading, tables, the target line) on stdout; progress goes to stderr.
// Also importable: `measurePlanApply({ quick })` returns the rows and the Markdown.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
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
  return { endpoint, stop };
}

/** Empties moto and creates the pipelines' role, as a fresh account would need. */
async function resetMoto(endpoint) {
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
    body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'pipeline', AssumeRolePolicyDocument: TRUST }),
  });
  if (!res.ok) throw new Error(`CreateRole: HTTP ${res.status}`);
}

/** Runs pipec once and returns milliseconds; `expect` is the exit code it must end with. */
function timePipec(args, cwd, endpoint, expect = 0) {
  const env = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expect) throw new Error(`pipec ${args.join(' ')} exited ${r.status ?? r.signal} (expected ${expect}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** Runs the whole benchmark; returns the rows and the Markdown report. */
export async function measurePlanApply({ quick = false, log = (s) => process.stderr.write(`${s}\n`) } = {}) {
  const reps = quick ? 1 : 3;
  rmSync(WORK, { recursive: true, force: true });
  const moto = await startMoto();
  const concurrencyRows = [];
  const scaleRows = [];
  try {
    const main = writeWorkspace(200, 'main');
    const next = writeWorkspace(200, 'next');
    for (const c of [1, 8, 32]) {
      log(`plan-apply: 200 pipelines at concurrency ${c}`);
      await resetMoto(moto.endpoint);
      const create = timePipec(['apply', '--auto-approve', '-j', String(c)], main, moto.endpoint);
      const noChange = median(Array.from({ length: reps }, () => timePipec(['plan', '--detailed-exitcode', '-j', String(c)], main, moto.endpoint, 0)));
      const changed = median(Array.from({ length: reps }, () => timePipec(['plan', '--detailed-exitcode', '-j', String(c)], next, moto.endpoint, 2)));
      const update = timePipec(['apply', '--auto-approve', '-j', String(c)], next, moto.endpoint);
      concurrencyRows.push([String(c), fmt(create), fmt(noChange), fmt(changed), fmt(update)]);
    }
    for (const n of [50, 200, 800]) {
      log(`plan-apply: no-change plan of ${n} pipelines`);
      await resetMoto(moto.endpoint);
      const dir = writeWorkspace(n, 'main');
      timePipec(['apply', '--auto-approve', '-j', '32'], dir, moto.endpoint);
      const ms = median(Array.from({ length: reps }, () => timePipec(['plan', '--detailed-exitcode', '-j', '8'], dir, moto.endpoint, 0)));
      scaleRows.push([String(n), fmt(ms), fmt(ms / n)]);
    }
  } finally {
    await moto.stop();
    rmSync(WORK, { recursive: true, force: true });
  }
  const target = concurrencyRows.find((r) => r[0] === '8')?.[2];
  const targetMs = Number.parseFloat(target) * (target.endsWith(' s') ? 1000 : 1);
  const markdown = [
    '## plan / apply against moto (loopback)',
    '',
    `200 pipelines of 4 stages (6 actions) each; whole \`pipec\` processes; plans are the median of ${reps} run${reps === 1 ? '' : 's'}, applies run once.`,
    '',
    table(['concurrency', 'apply: create 200', 'plan: no changes', 'plan: 200 changed', 'apply: update 200'], concurrencyRows),
    '',
    'No-change plan by number of pipelines, concurrency 8:',
    '',
    table(['pipelines', 'plan', 'per pipeline'], scaleRows),
    '',
    `Target: a no-change plan of 200 pipelines at concurrency 8 under 5 s. Now ${target}: ${targetMs < 5000 ? 'met' : 'NOT met'}.`,
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
