// `pipec plan --stack` benchmark against moto on loopback (part of `npm run bench`; runnable alone).
//
//   node bench/stack-plan.mjs [--quick]        after `npm run build` (it runs the package's bin)
//
// The promotion example (one pipeline promoting through its environments) as CloudFormation
// stacks, against moto extended by test/support/moto_cfn: whole `pipec` processes, as CI runs
// them, of `plan --stack` on an empty account (a CREATE change set per stack), `apply --stack`,
// and `plan --stack` once deployed (no change). All three of its stacks: the roles in account
// 222222222222 through `--account-profile 222222222222=prod` (a profile that assumes a role there
// through moto's STS, as test/live/stack-examples.test.ts does), the region support stack and the
// pipeline's. Wall-clock time with pipec's CPU time beside it
// (on a busy machine the wall time mostly measures the wait for a core and for moto).
// Prints Markdown on stdout; progress goes to stderr.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin.pipec);
const LAUNCHER = join(ROOT, 'test', 'support', 'moto_launcher.py');
const WORK = join(ROOT, 'bench', '.work', 'stack-plan');
const QUICK = process.argv.includes('--quick');
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const port = await new Promise((resolve, reject) => {
  const srv = createServer();
  srv.on('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const { port: p } = srv.address();
    srv.close(() => resolve(p));
  });
});
const endpoint = `http://127.0.0.1:${port}`;
// one moto serving account 111111111111 (the pipeline's) and, through AssumeRole, 222222222222
const motoEnv = { ...process.env, PIPEC_MOTO_DEFAULT_ACCOUNT: '111111111111' };
delete motoEnv.MOTO_ACCOUNT_ID;
const moto = spawn('python3', [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], { env: motoEnv, stdio: 'ignore' });
const deadline = Date.now() + 180_000;
for (;;) {
  try {
    if ((await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) })).status < 500) break;
  } catch {
    // not up yet
  }
  if (Date.now() > deadline || moto.exitCode !== null) throw new Error('moto did not start');
  await new Promise((r) => setTimeout(r, 200));
}

rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
copyFileSync(join(ROOT, 'examples', 'promotion', 'pipeline.yml'), join(WORK, 'pipeline.yml'));
// profile prod: account 222222222222's credentials, by a role assumed there
const CONFIG = join(WORK, 'aws-config');
writeFileSync(CONFIG, ['[profile prod]', 'role_arn = arn:aws:iam::222222222222:role/pipec-deployer', 'source_profile = base', '[profile base]', 'aws_access_key_id = bench', 'aws_secret_access_key = bench', ''].join('\n'));
const PROFILE = ['--account-profile', '222222222222=prod'];

// The pipeline runs as its 'role:', the user's own, to which the stack attaches its policy: it must exist (plan --stack checks).
const roleArn = /^role: (arn:aws:iam::\d{12}:role\/(\S+))$/m.exec(readFileSync(join(WORK, 'pipeline.yml'), 'utf8'));
if (roleArn) {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
    body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: roleArn[2], AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }),
  });
  if (!res.ok) throw new Error(`CreateRole ${roleArn[1]}: HTTP ${res.status}`);
}

/** One whole pipec process: wall ms and pipec's CPU ms (GNU time, when there is one). */
function time(args, expect = 0) {
  const env = { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint, AWS_CONFIG_FILE: CONFIG, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
  const timeFile = join(WORK, 'time.txt');
  const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', timeFile, process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: WORK, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expect) throw new Error(`pipec ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const cpu = GNU_TIME ? readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : undefined;
  return { ms, cpu: cpu ? (cpu[0] + cpu[1]) * 1000 : undefined, stdout: r.stdout };
}
const median = (runs) => runs.sort((a, b) => a.ms - b.ms)[(runs.length - 1) >> 1];
const fmt = (r) => `${r.ms >= 1000 ? `${(r.ms / 1000).toFixed(2)} s` : `${Math.round(r.ms)} ms`}${r.cpu !== undefined ? ` (${(r.cpu / 1000).toFixed(2)} s CPU)` : ''}`;

const reps = QUICK ? 1 : 5;
try {
  process.stderr.write('stack-plan: plan --stack on an empty account\n');
  const first = median(Array.from({ length: reps }, () => time(['plan', '--stack', ...PROFILE])));
  const stacks = (/Plan: (\d+) stacks? to create/.exec(first.stdout) ?? [])[1] ?? '?';
  process.stderr.write('stack-plan: apply --stack\n');
  const apply = time(['apply', '--stack', '--auto-approve', ...PROFILE]);
  process.stderr.write('stack-plan: plan --stack once deployed\n');
  const again = median(Array.from({ length: reps }, () => time(['plan', '--stack', ...PROFILE])));
  console.log('### plan --stack (promotion example, against moto)\n');
  console.log(`The promotion example's ${stacks} stack(s) as CloudFormation change sets; whole processes, median of ${reps} (apply once).\n`);
  console.log('| run | time |');
  console.log('|---|---|');
  console.log(`| \`plan --stack\`, nothing deployed (CREATE change sets) | ${fmt(first)} |`);
  console.log(`| \`apply --stack --auto-approve\` (plan, execute, follow events; the roles in account 222222222222 through its profile) | ${fmt(apply)} |`);
  console.log(`| \`plan --stack\`, deployed, no change | ${fmt(again)} |`);
} finally {
  moto.kill('SIGTERM');
}
