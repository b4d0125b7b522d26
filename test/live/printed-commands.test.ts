// Every command pipec prints for a user to run, run verbatim with the AWS CLI v1 against moto
// (extended by test/support/moto_cfn; one moto serving accounts 111111111111, 222222222222 and
// 333333333333, the other accounts reached through profiles that assume a role there):
// - each stack header's `aws cloudformation deploy`, for every example, in the printed deploy
//   order (the artifacts stack, region stacks, account stacks, then the pipeline's), with the credentials of the
//   account the header names, and its `$(aws cloudformation describe-stacks ...)` parameters;
// - plan --stack's "deploy it in account X yourself" commands (pipec compile, then the deploy);
// - the `aws cloudformation delete-stack` plan prints for a stack that failed to create.
// The commands run in bash, as a user pastes them; only the environment says where AWS is.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Diagnostics } from '../../src/compiler/diagnostics.js';
import { ROOT, runBin } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { examples } from '../support/targets.js';
import { wideBuilds } from '../support/big-pipelines.js';
import { createRoles, XACCT_PIPELINE, workspace } from './support.js';

let moto: Moto;
let config: ReturnType<typeof workspace>;
const PROFILE_OF: Record<string, string> = { '222222222222': 'prod', '333333333333': 'test' };

beforeAll(async () => {
  moto = await startMoto({ multiAccount: true });
  const profile = (name: string, account: string) => [`[profile ${name}]`, `role_arn = arn:aws:iam::${account}:role/pipec-deployer`, 'source_profile = base'];
  config = workspace({ config: [...profile('prod', '222222222222'), ...profile('test', '333333333333'), '[profile base]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n') });
}, 180_000);
afterAll(async () => {
  config?.cleanup();
  await moto?.stop();
});

/**
 * A fresh moto, and no cached credentials: the AWS CLI keeps assumed-role credentials in
 * $HOME/.aws/cli/cache, which moto no longer knows after a reset (their calls would land in the
 * default account).
 */
async function reset(): Promise<void> {
  await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  rmSync(join(config.dir, '.aws'), { recursive: true, force: true });
  // the role the minimal example runs as, the user's own: its stack attaches the pipeline's policy to it
  await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
}

/** The environment of a user with credentials of `account`: keys for the pipeline's own, a profile for the others. */
function envFor(account: string | undefined): Record<string, string> {
  // HOME is the test's own: the AWS CLI caches assumed-role credentials in ~/.aws/cli/cache, and
  // those of an earlier moto would land the commands in the pipeline's account instead.
  const env: Record<string, string> = { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config'), PATH: process.env.PATH ?? '', HOME: config.dir };
  const profile = account ? PROFILE_OF[account] : undefined;
  if (profile) {
    // the profile's credentials, not the keys in the environment (which the CLI would prefer)
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    delete env.AWS_SESSION_TOKEN;
    env.AWS_PROFILE = profile;
  }
  return env;
}

/** A command line as a user pastes it into bash. */
function sh(command: string, cwd: string, account?: string) {
  expect(command, 'commands pipec prints reach AWS only through the environment here').not.toMatch(/--endpoint-url|--profile/);
  const r = spawnSync('bash', ['-c', command], { cwd, env: envFor(account), encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The roles the pipelines of a file run as ('role:'): the user's own, which their stacks attach policies to. */
function ownRoles(text: string): string[] {
  const diags = new Diagnostics();
  const compiled = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(text) }], diags).pipelines;
  return compiled.flatMap(({ ir }) => (ir.roleArn ? [ir.roleArn] : []));
}

/** The user's own SNS topics an example names (notifications), which its stacks only refer to. */
function ownTopics(text: string): string[] {
  const diags = new Diagnostics();
  const compiled = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(text) }], diags).pipelines;
  return compiled.flatMap(({ ir }) => (ir.notifications?.topicArn ? [ir.notifications.topicArn] : []));
}

/** A value an account stack's header reads from a stack of the pipeline's account into a shell variable before its deploy command. */
interface Read {
  line: string;
  variable: string;
  account: string;
}

/**
 * Each template's header: the deploy command, the account it names ("with credentials of account X"),
 * the outputs it reads first with another account's credentials (VAR=$(aws cloudformation describe-stacks ...)),
 * and the printed order.
 */
function headers(dir: string): { order: string[]; commands: Map<string, { command: string; account?: string; reads: Read[] }> } {
  const commands = new Map<string, { command: string; account?: string; reads: Read[] }>();
  let order: string[] = [];
  for (const file of readdirSync(dir).filter((f) => /^cloudformation.*\.yml$/.test(f))) {
    const head = readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l.startsWith('#'));
    const line = head.find((l) => l.includes('aws cloudformation deploy')) as string;
    expect(line, `${dir}/${file} prints a deploy command`).toBeDefined();
    const account = /with credentials of account (\d{12})/.exec(line)?.[1];
    const reads: Read[] = [];
    head.forEach((l, i) => {
      const m = /^# {3}([A-Z0-9_]+)=(\$\(aws cloudformation describe-stacks .*\))$/.exec(l);
      if (!m) return;
      const by = [...head.slice(0, i)].reverse().find((h) => /with credentials of account \d{12}/.test(h));
      reads.push({ line: `${m[1]}=${m[2]}`, variable: m[1] as string, account: /with credentials of account (\d{12})/.exec(by ?? '')?.[1] ?? '' });
    });
    commands.set(file, { command: line.slice(line.indexOf('aws cloudformation deploy')), ...(account ? { account } : {}), reads });
    const orderLine = head.find((l) => l.startsWith('# Deploy order: '));
    if (orderLine && file === 'cloudformation.yml') order = [...orderLine.matchAll(/\d+\. (\S+?)[.,]?(?= |$)/g)].map((m) => m[1] as string);
  }
  return { order: order.length > 0 ? order : ['cloudformation.yml'], commands };
}

/**
 * A header's commands as a user runs them in one shell: the reads with the credentials they name
 * (here: a bash that prints the variables it set), then the deploy with the stack's account's.
 */
function runHeader(entry: { command: string; account?: string; reads: Read[] }, dir: string) {
  let assigned = '';
  for (const account of [...new Set(entry.reads.map((r) => r.account))]) {
    const mine = entry.reads.filter((r) => r.account === account);
    const r = sh(`${mine.map((x) => x.line).join('\n')}\ndeclare -p ${mine.map((x) => x.variable).join(' ')}`, dir, account === '111111111111' ? undefined : account);
    expect(r.code, `${mine.map((x) => x.line).join('\n')}\n${r.stderr}`).toBe(0);
    for (const x of mine) expect(new RegExp(`declare -- ${x.variable}="arn:|declare -- ${x.variable}="[a-z0-9]`).test(r.stdout), `${x.variable} is read: ${r.stdout}`).toBe(true);
    assigned += r.stdout;
  }
  return sh(`${assigned}${entry.command}`, dir, entry.account);
}

/**
 * Deploys every stack of a workspace's pipelines by the commands their headers print, in the
 * printed order, and checks each stack. `flags` go to compile and to the final plan (--template-bucket).
 */
async function deployByHeaders(text: string, ws: ReturnType<typeof workspace>, flags: string[] = []): Promise<void> {
  for (const arn of ownTopics(text)) {
    const [, , , region, , topic] = arn.split(':');
    expect(sh(`aws sns create-topic --region ${region} --name ${topic}`, ws.dir).code).toBe(0);
  }
  await createRoles(moto.endpoint, ownRoles(text));
  expect(runBin(['compile', '-t', 'cloudformation', ...flags, '-o', 'out'], { cwd: ws.dir }).code).toBe(0);
  for (const pipeline of readdirSync(join(ws.dir, 'out'))) {
    const dir = join(ws.dir, 'out', pipeline);
    const { order, commands } = headers(dir);
    expect([...order].sort(), `${pipeline}: the printed order names every stack`).toEqual([...commands.keys()].sort());
    for (const file of order) {
      const entry = commands.get(file) as { command: string; account?: string; reads: Read[] };
      const r = runHeader(entry, dir);
      expect(r.code, `${pipeline}/${file}: ${entry.command}\n${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/Successfully created\/updated stack/);
    }
    // the pipeline exists where its stack made it
    // (in the region the command names, else the environment's, as for the command itself)
    const region = /--region (\S+)/.exec(commands.get('cloudformation.yml')?.command ?? '')?.[1];
    const got = sh(`aws codepipeline get-pipeline ${region ? `--region ${region} ` : ''}--name ${pipeline} --query pipeline.name --output text`, dir);
    expect(got.stdout.trim()).toBe(pipeline);
    // every stack carries pipec's tags, as one apply --stack makes (the project: the workspace directory's name)
    for (const file of order) {
      const { command, account } = commands.get(file) as { command: string; account?: string };
      const stack = /--stack-name (\S+)/.exec(command)?.[1] as string;
      const where = /--region (\S+)/.exec(command)?.[1] ?? region;
      const live = JSON.parse(sh(`aws cloudformation describe-stacks ${where ? `--region ${where} ` : ''}--stack-name ${stack} --query Stacks[0] --output json`, dir, account).stdout) as { StackId: string; Tags: unknown[] };
      expect(live.Tags, `${pipeline}/${file}`).toEqual(expect.arrayContaining([{ Key: 'managed-by', Value: 'pipec' }, { Key: 'pipec:project', Value: basename(ws.dir) }]));
      // in the account the header names (the pipeline's own otherwise)
      expect(live.StackId.split(':')[4], `${pipeline}/${file}`).toBe(account ?? '111111111111');
    }
  }
  // so plan --stack finds them this project's, and finds nothing to change
  const plan = runBin(['plan', '--stack', ...flags, '--account-profile', '222222222222=prod', '--account-profile', '333333333333=test'], { cwd: ws.dir, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') }, timeoutMs: 300_000 });
  expect(plan.stdout + plan.stderr).not.toContain('--adopt');
  expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  expect(plan.stdout).toMatch(/Plan: 0 stacks to create, 0 to update, \d+ unchanged\./);
}

describe("every stack header's deploy command, run verbatim in the printed order", () => {
  for (const name of examples)
    it(
      name,
      async () => {
        await reset();
        const text = readFileSync(join(ROOT, 'examples', name, 'pipeline.yml'), 'utf8');
        const ws = workspace({ 'pipeline.yml': text });
        try {
          await deployByHeaders(text, ws);
        } finally {
          ws.cleanup();
        }
      },
      600_000,
    );
  // what no example shows: a pipeline without artifacts: whose actions run in other accounts
  // (the account stacks read the artifacts stack's outputs with the pipeline account's credentials)
  it('fixture cross-account-own-store', { timeout: 600_000 }, async () => {
    await reset();
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'cross-account-own-store.yml'), 'utf8');
    const ws = workspace({ 'pipeline.yml': text });
    try {
      await deployByHeaders(text, ws);
      const out = join(ws.dir, 'out', 'journal');
      expect(headers(out).commands.get('cloudformation.account-222222222222.yml')?.reads.map((r) => [r.variable, r.account])).toEqual([
        ['ARTIFACT_BUCKET_NAME', '111111111111'],
        ['ARTIFACT_KEY_ARN', '111111111111'],
      ]);
      // the build in 222222222222 encrypts with the key the artifacts stack made, by its ARN
      const key = sh(`aws cloudformation describe-stacks --region us-east-1 --stack-name journal-pipeline-artifacts --query "Stacks[0].Outputs[?OutputKey=='ArtifactKeyArn'].OutputValue" --output text`, ws.dir).stdout.trim();
      expect(key).toMatch(/^arn:aws:kms:us-east-1:111111111111:key\//);
      expect(sh('aws codebuild batch-get-projects --region us-east-1 --names journal-Build-Package --query projects[0].encryptionKey --output text', ws.dir, '222222222222').stdout.trim()).toBe(key);
    } finally {
      ws.cleanup();
    }
  });
});

describe('environments in other accounts and regions (test/fixtures/stack/cross-account-other-region.yml)', () => {
  it("deploy by their headers: the region stack first, whose key's ARN the account stack reads with the pipeline account's credentials and grants its role", { timeout: 600_000 }, async () => {
    await reset();
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'cross-account-other-region.yml'), 'utf8');
    const ws = workspace({ 'pipeline.yml': text });
    try {
      await deployByHeaders(text, ws);
      const out = join(ws.dir, 'out', 'atlas');
      const { order, commands } = headers(out);
      expect(order).toEqual(['cloudformation.artifacts.yml', 'cloudformation.eu-west-1.yml', 'cloudformation.account-222222222222.yml', 'cloudformation.account-333333333333.yml', 'cloudformation.yml']);
      expect(commands.get('cloudformation.account-222222222222.yml')?.reads.map((r) => [r.variable, r.account])).toEqual([['ARTIFACT_KEY_ARN_EU_WEST1', '111111111111']]);
      expect(commands.get('cloudformation.account-333333333333.yml')?.reads.map((r) => [r.variable, r.account])).toEqual([['ARTIFACT_KEY_ARN', '111111111111']]);
      // the role in 222222222222 is granted the eu-west-1 store's key by its ARN, and reads the alarms in eu-west-1
      const key = sh(`aws cloudformation describe-stacks --region eu-west-1 --stack-name atlas-pipeline-eu-west-1 --query "Stacks[0].Outputs[?OutputKey=='ArtifactKeyArn'].OutputValue" --output text`, ws.dir).stdout.trim();
      expect(key).toMatch(/^arn:aws:kms:eu-west-1:111111111111:key\/[0-9a-f-]+$/);
      const policy = JSON.parse(sh('aws iam get-role-policy --role-name pipec-deploy --policy-name pipeline-actions --query PolicyDocument --output json', ws.dir, '222222222222').stdout) as { Statement: Array<{ Sid: string; Resource: string[] }> };
      expect(policy.Statement.find((st) => st.Sid === 'ArtifactKeyEuWest1')?.Resource).toEqual([key]);
      expect(policy.Statement.find((st) => st.Sid === 'ConditionAlarms')?.Resource).toEqual(['arn:aws:cloudwatch:eu-west-1:222222222222:alarm:prod-5xx', 'arn:aws:cloudwatch:eu-west-1:222222222222:alarm:prod-latency']);
    } finally {
      ws.cleanup();
    }
  });
});

describe('what apply --stack prints to run in another account once a region stack has made its key', () => {
  it('prints the command with the key ARN of the region stack, deployed first in the pipeline\'s account; it runs verbatim there, and the next apply deploys the rest', { timeout: 600_000 }, async () => {
    await reset();
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'cross-account-other-region.yml'), 'utf8');
    await createRoles(moto.endpoint, ownRoles(text));
    const ws = workspace({ 'pipeline.yml': text });
    const pipec = (args: string[]) => runBin(args, { cwd: ws.dir, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') }, timeoutMs: 300_000 });
    try {
      const plan = pipec(['plan', '--stack', '--no-color']);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('+ stack "atlas-pipeline-eu-west-1" (eu-west-1): create');
      expect(plan.stdout).toContain('stack atlas-pipeline-roles belongs in account 222222222222, and its parameter ArtifactKeyArnEuWest1 comes from output ArtifactKeyArn of stack atlas-pipeline-eu-west-1, which is not deployed yet');
      const apply = pipec(['apply', '--stack', '--auto-approve', '--no-color']);
      expect(apply.code, apply.stdout + apply.stderr).toBe(1);
      expect(apply.stdout).toContain('✓ stack "atlas-pipeline-eu-west-1" (eu-west-1): created (CREATE_COMPLETE)');
      const key = sh(`aws cloudformation describe-stacks --region eu-west-1 --stack-name atlas-pipeline-eu-west-1 --query "Stacks[0].Outputs[?OutputKey=='ArtifactKeyArn'].OutputValue" --output text`, ws.dir).stdout.trim();
      expect(key).toMatch(/^arn:aws:kms:eu-west-1:111111111111:key\//);
      const m = /run, with credentials of account 222222222222 \(AWS_PROFILE or keys in the environment\): (pipec compile -t cloudformation -o out), then (aws cloudformation deploy .*?); then plan and apply again/.exec(apply.stdout);
      expect(m, apply.stdout).not.toBeNull();
      const [, compileLine, deploy] = m as unknown as [string, string, string];
      expect(deploy).toContain(`ArtifactKeyArnEuWest1=${key}`);
      expect(runBin(compileLine.split(' ').slice(1), { cwd: ws.dir }).code).toBe(0);
      const r = sh(deploy, ws.dir, '222222222222');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(apply.stdout).toMatch(/stack "atlas-pipeline" \(us-east-1\): not started/);
      const next = pipec(['apply', '--stack', '--auto-approve', '--no-color', '--account-profile', '222222222222=prod', '--account-profile', '333333333333=test']);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      expect(next.stdout).toContain('✓ stack "atlas-pipeline" (us-east-1): created (CREATE_COMPLETE)');
    } finally {
      ws.cleanup();
    }
  });
});

describe('the deploy commands of stacks over 51,200 bytes (--template-bucket), run verbatim in the printed order', () => {
  // pipeline bigwide: its account stack (account 222222222222), region stack (eu-west-1) and pipeline stack are all over the inline limit
  it('upload each template through its region\'s bucket, with the credentials of the stack\'s account, once the bucket policy lets that account', { timeout: 900_000 }, async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': wideBuilds() });
    try {
      expect(sh('aws s3 mb s3://acme-templates --region us-east-1 && aws s3 mb s3://acme-templates-eu --region eu-west-1', ws.dir).code).toBe(0);
      // what the account stack's header says the bucket must allow that account
      const grant = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-templates/pipec/*' };
      expect(sh(`aws s3api put-bucket-policy --bucket acme-templates --policy '${JSON.stringify({ Version: '2012-10-17', Statement: [grant] })}'`, ws.dir).code).toBe(0);
      await deployByHeaders(wideBuilds(), ws, ['--template-bucket', 'acme-templates', '--template-bucket', 'eu-west-1=acme-templates-eu']);
      const { commands } = headers(join(ws.dir, 'out', 'bigwide'));
      expect([...commands.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([file, c]) => [file, /--s3-bucket (\S+) --s3-prefix (\S+)/.exec(c.command)?.slice(1)])).toEqual([
        ['cloudformation.account-222222222222.yml', ['acme-templates', 'pipec/bigwide-pipeline-roles']],
        ['cloudformation.eu-west-1.yml', ['acme-templates-eu', 'pipec/bigwide-pipeline-eu-west-1']],
        ['cloudformation.yml', ['acme-templates', 'pipec/bigwide-pipeline']],
      ]);
      expect(readFileSync(join(ws.dir, 'out', 'bigwide', 'cloudformation.account-222222222222.yml'), 'utf8')).toContain(
        '# The AWS CLI puts this template into bucket acme-templates with the credentials of account 222222222222, and CloudFormation reads it with them: if the bucket is another account\'s, its bucket policy must allow arn:aws:iam::222222222222:root s3:PutObject and s3:GetObject on arn:aws:s3:::acme-templates/pipec/*.',
      );
      // the AWS CLI put each template under its --s3-prefix
      const keys = `${sh('aws s3 ls --recursive s3://acme-templates', ws.dir).stdout}${sh('aws s3 ls --recursive s3://acme-templates-eu', ws.dir).stdout}`;
      for (const prefix of ['pipec/bigwide-pipeline-roles/', 'pipec/bigwide-pipeline-eu-west-1/', 'pipec/bigwide-pipeline/']) expect(keys).toContain(prefix);
    } finally {
      ws.cleanup();
    }
  });
});

describe("a header's deploy command with tags that need quoting", () => {
  it('runs verbatim and tags the stack with exactly those values, and with project:', { timeout: 120_000 }, async () => {
    await reset();
    const text = readFileSync(join(ROOT, 'examples', 'minimal', 'pipeline.yml'), 'utf8') + 'project: storefront.web\ntags: { owner: "Web team", route: "a=b/c", empty: "" }\n';
    const ws = workspace({ 'pipeline.yml': text });
    try {
      expect(runBin(['compile', '-t', 'cloudformation', '-o', 'out'], { cwd: ws.dir }).code).toBe(0);
      const dir = join(ws.dir, 'out', 'web');
      const { command } = headers(dir).commands.get('cloudformation.yml') as { command: string };
      // (a tag with an empty value stays on the pipeline only: a stack's tag needs a value)
      expect(command).toContain("--tags managed-by=pipec 'owner=Web team' pipec:project=storefront.web route=a=b/c");
      const r = sh(command, dir);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const tags = JSON.parse(sh('aws cloudformation describe-stacks --stack-name web-pipeline --query Stacks[0].Tags --output json', dir).stdout) as Array<{ Key: string; Value: string }>;
      expect(Object.fromEntries(tags.map((t) => [t.Key, t.Value]))).toEqual({ 'managed-by': 'pipec', owner: 'Web team', 'pipec:project': 'storefront.web', route: 'a=b/c' });
    } finally {
      ws.cleanup();
    }
  });
});

describe('what plan --stack prints to run in another account', () => {
  it('runs verbatim there, and apply --stack then deploys the rest', { timeout: 300_000 }, async () => {
    await reset();
    await createRoles(moto.endpoint, ownRoles(XACCT_PIPELINE));
    const ws = workspace({ 'pipeline.yml': XACCT_PIPELINE });
    const pipec = (args: string[]) => runBin(args, { cwd: ws.dir, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') }, timeoutMs: 120_000 });
    try {
      const plan = pipec(['plan', '--stack']);
      expect(plan.code).toBe(0);
      const lines = plan.stdout.split('\n').map((l) => l.trim());
      const at = lines.findIndex((l) => l.startsWith('! stack "xacct-pipeline-roles"'));
      const compileLine = /run, with credentials of account 222222222222 \(AWS_PROFILE or keys in the environment\): (pipec compile [^,]+), then$/.exec(lines[at + 1] ?? '')?.[1];
      const deploy = lines[at + 2] ?? '';
      expect(compileLine).toBe('pipec compile -t cloudformation -o out');
      expect(deploy).toMatch(/^aws cloudformation deploy /);
      expect(runBin((compileLine as string).split(' ').slice(1), { cwd: ws.dir }).code).toBe(0);
      const r = sh(deploy, ws.dir, '222222222222');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(sh('aws cloudformation describe-stacks --region us-east-1 --stack-name xacct-pipeline-roles --query Stacks[0].StackStatus --output text', ws.dir, '222222222222').stdout.trim()).toBe('CREATE_COMPLETE');
      // the stack carries pipec's tags, as one apply --stack makes
      const tags = sh('aws cloudformation describe-stacks --region us-east-1 --stack-name xacct-pipeline-roles --query Stacks[0].Tags --output json', ws.dir, '222222222222');
      expect(JSON.parse(tags.stdout)).toContainEqual({ Key: 'managed-by', Value: 'pipec' });
      const apply = pipec(['apply', '--stack', '--auto-approve']);
      expect(apply.stdout).toContain('✓ stack "xacct-pipeline" (us-east-1): created (CREATE_COMPLETE)');
    } finally {
      ws.cleanup();
    }
  });
});

describe('what apply --stack prints to run in another account once the artifacts stack is deployed', () => {
  it('names the outputs at plan time, prints the command with their values at apply time, which runs verbatim there; the next apply deploys the rest', { timeout: 600_000 }, async () => {
    await reset();
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'cross-account-own-store.yml'), 'utf8');
    await createRoles(moto.endpoint, ownRoles(text));
    const ws = workspace({ 'pipeline.yml': text });
    const pipec = (args: string[]) => runBin(args, { cwd: ws.dir, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') }, timeoutMs: 300_000 });
    try {
      const plan = pipec(['plan', '--stack', '--no-color']);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('+ stack "journal-pipeline-artifacts" (us-east-1): create');
      expect(plan.stdout).toContain(
        'stack journal-pipeline-roles belongs in account 222222222222, and its parameter ArtifactBucketName comes from output ArtifactBucketName of stack journal-pipeline-artifacts, which is not deployed yet; pass --account-profile 222222222222=PROFILE to deploy it from here, or apply: it deploys journal-pipeline-artifacts, then prints the command to run with credentials of account 222222222222, and stops before the stacks that need this one',
      );
      const apply = pipec(['apply', '--stack', '--auto-approve', '--no-color']);
      expect(apply.code, apply.stdout + apply.stderr).toBe(1);
      expect(apply.stdout).toContain('✓ stack "journal-pipeline-artifacts" (us-east-1): created (CREATE_COMPLETE)');
      const key = sh(`aws cloudformation describe-stacks --region us-east-1 --stack-name journal-pipeline-artifacts --query "Stacks[0].Outputs[?OutputKey=='ArtifactKeyArn'].OutputValue" --output text`, ws.dir).stdout.trim();
      for (const account of ['222222222222', '333333333333']) {
        const m = new RegExp(`run, with credentials of account ${account} \\(AWS_PROFILE or keys in the environment\\): (pipec compile -t cloudformation -o out), then (aws cloudformation deploy .*?); then plan and apply again`).exec(apply.stdout);
        expect(m, apply.stdout).not.toBeNull();
        const [, compileLine, deploy] = m as unknown as [string, string, string];
        expect(deploy).toContain(`ArtifactKeyArn=${key}`);
        expect(runBin(compileLine.split(' ').slice(1), { cwd: ws.dir }).code).toBe(0);
        const r = sh(deploy, ws.dir, account);
        expect(r.code, r.stdout + r.stderr).toBe(0);
      }
      // the pipeline's stack was not started before the roles it needs existed
      expect(apply.stdout).toMatch(/stack "journal-pipeline" \(us-east-1\): not started/);
      expect(sh('aws cloudformation describe-stacks --region us-east-1 --stack-name journal-pipeline', ws.dir).code).not.toBe(0);
      const next = pipec(['apply', '--stack', '--auto-approve', '--no-color', '--account-profile', '222222222222=prod', '--account-profile', '333333333333=test']);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      expect(next.stdout).toContain('✓ stack "journal-pipeline" (us-east-1): created (CREATE_COMPLETE)');
      expect(sh('aws codebuild batch-get-projects --region us-east-1 --names journal-Build-Package --query projects[0].encryptionKey --output text', ws.dir, '222222222222').stdout.trim()).toBe(key);
    } finally {
      ws.cleanup();
    }
  });
});

describe('what plan --stack prints for a stack that failed to create', () => {
  it('runs verbatim, and the stack can then be planned again', { timeout: 300_000 }, async () => {
    await reset();
    // the notification topic storefront-edge names is the user's own, and does not exist here (its role does)
    const text = readFileSync(join(ROOT, 'examples', 'shared-artifact-store', 'pipeline.yml'), 'utf8');
    await createRoles(moto.endpoint, ownRoles(text));
    const ws = workspace({ 'pipeline.yml': text });
    const pipec = (args: string[]) => runBin(args, { cwd: ws.dir, env: moto.env, timeoutMs: 120_000 });
    try {
      expect(pipec(['apply', '--stack', '--auto-approve']).code).toBe(1);
      const plan = pipec(['plan', '--stack']);
      expect(plan.code).toBe(1);
      const command = /CloudFormation can only delete it: (aws cloudformation delete-stack [^,]+?), then plan again/.exec(plan.stderr)?.[1];
      expect(command, plan.stderr).toBe('aws cloudformation delete-stack --region us-east-1 --stack-name storefront-edge-pipeline');
      expect(sh(command as string, ws.dir).code).toBe(0);
      const again = pipec(['plan', '--stack']);
      expect(again.stderr).not.toContain('ROLLBACK_COMPLETE');
      expect(again.stdout).toContain('+ stack "storefront-edge-pipeline" (us-east-1): create');
    } finally {
      ws.cleanup();
    }
  });
});

describe("what plan --stack prints for a stack whose update's rollback failed", () => {
  /** A stack whose pipeline was deleted outside CloudFormation, then updated: the update fails, and so does its rollback. */
  async function stuck() {
    await reset();
    const text = readFileSync(join(ROOT, 'examples', 'minimal', 'pipeline.yml'), 'utf8');
    const ws = workspace({ 'pipeline.yml': text });
    const pipec = (args: string[]) => runBin(args, { cwd: ws.dir, env: moto.env, timeoutMs: 120_000 });
    expect(pipec(['apply', '--stack', '--auto-approve']).code).toBe(0);
    expect(sh('aws codepipeline get-pipeline --name web --query pipeline --output json > saved.json && aws codepipeline delete-pipeline --name web', ws.dir).code).toBe(0);
    ws.write({ 'pipeline.yml': `${text}execution: queued\n` });
    const apply = pipec(['apply', '--stack', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(1);
    const plan = pipec(['plan', '--stack']);
    expect(plan.code).toBe(1);
    const finish = /then finish the rollback: (aws cloudformation continue-update-rollback [^,]+), and plan again/.exec(plan.stderr)?.[1];
    const skip = /make that true before the next apply\): (aws cloudformation continue-update-rollback .+)$/m.exec(plan.stderr)?.[1];
    expect(plan.stderr).toMatch(/its rollback could not restore Pipeline \([^)]*does not include a pipeline with the name 'web'/);
    expect(finish, plan.stderr).toBe('aws cloudformation continue-update-rollback --region us-east-1 --stack-name web-pipeline');
    expect(skip, plan.stderr).toBe('aws cloudformation continue-update-rollback --region us-east-1 --stack-name web-pipeline --resources-to-skip Pipeline');
    const status = () => sh('aws cloudformation describe-stacks --stack-name web-pipeline --query Stacks[0].StackStatus --output text', ws.dir).stdout.trim();
    expect(status()).toBe('UPDATE_ROLLBACK_FAILED');
    return { ws, pipec, finish: finish as string, skip: skip as string, status };
  }

  it('runs verbatim: the rollback fails again until the cause is fixed, then finishes, and the change applies', { timeout: 300_000 }, async () => {
    const { ws, pipec, finish, status } = await stuck();
    try {
      expect(sh(finish, ws.dir).code).toBe(0);
      expect(status()).toBe('UPDATE_ROLLBACK_FAILED');
      // the fix: the pipeline is back
      expect(sh('aws codepipeline create-pipeline --pipeline file://saved.json', ws.dir).code).toBe(0);
      expect(sh(finish, ws.dir).code).toBe(0);
      expect(status()).toBe('UPDATE_ROLLBACK_COMPLETE');
      const apply = pipec(['apply', '--stack', '--auto-approve']);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect(sh('aws codepipeline get-pipeline --name web --query pipeline.executionMode --output text', ws.dir).stdout.trim()).toBe('QUEUED');
      expect(pipec(['plan', '--stack', '--detailed-exitcode']).code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });

  it('runs verbatim with --resources-to-skip: the rollback finishes, and once the pipeline is back the change applies', { timeout: 300_000 }, async () => {
    const { ws, pipec, skip, status } = await stuck();
    try {
      expect(sh(skip, ws.dir).code).toBe(0);
      expect(status()).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(sh('aws codepipeline create-pipeline --pipeline file://saved.json', ws.dir).code).toBe(0);
      const apply = pipec(['apply', '--stack', '--auto-approve']);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect(pipec(['plan', '--stack', '--detailed-exitcode']).code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});

describe('what plan --stack prints for a stack that could not be deleted', () => {
  it('runs verbatim: the events name the bucket, and once it is empty the stack goes and plan creates it again', { timeout: 300_000 }, async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': readFileSync(join(ROOT, 'examples', 'minimal', 'pipeline.yml'), 'utf8') });
    const pipec = (args: string[]) => runBin(args, { cwd: ws.dir, env: moto.env, timeoutMs: 120_000 });
    try {
      expect(pipec(['apply', '--stack', '--auto-approve']).code).toBe(0);
      // an artifact in the bucket the stack deletes with itself (its policy refuses requests without TLS,
      // which moto enforces over its http endpoint: taken off first, as CodePipeline's https writes need not)
      const put = sh('aws s3api delete-bucket-policy --bucket acme-artifacts && echo x > a.txt && aws s3 cp a.txt s3://acme-artifacts/web/a.txt --sse aws:kms && aws cloudformation delete-stack --stack-name web-pipeline', ws.dir);
      expect(put.code, put.stderr).toBe(0);
      const plan = pipec(['plan', '--stack']);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toMatch(/stack web-pipeline could not be deleted \(DELETE_FAILED\): ArtifactBucket \([^)]*not empty/);
      const again = /then delete the stack again: (aws cloudformation delete-stack [^,]+), and plan again/.exec(plan.stderr)?.[1];
      expect(again, plan.stderr).toBe('aws cloudformation delete-stack --region us-east-1 --stack-name web-pipeline');
      // the events it points at say the same
      const events = /\(its events: (aws cloudformation describe-stack-events [^)]+)\)/.exec(plan.stderr)?.[1];
      expect(events, plan.stderr).toBe('aws cloudformation describe-stack-events --region us-east-1 --stack-name web-pipeline');
      const listed = sh(events as string, ws.dir);
      expect(listed.code, listed.stderr).toBe(0);
      const failed = (JSON.parse(listed.stdout) as { StackEvents: Array<{ LogicalResourceId: string; ResourceStatus: string }> }).StackEvents.filter((e) => e.ResourceStatus === 'DELETE_FAILED');
      expect(failed.map((e) => e.LogicalResourceId)).toContain('ArtifactBucket');
      // emptied as an object is deleted from a versioned bucket: it keeps the version (and a delete marker), so this is not yet enough
      expect(sh('aws s3 rm s3://acme-artifacts --recursive', ws.dir).code).toBe(0);
      expect(sh(again as string, ws.dir).code).toBe(0);
      expect(pipec(['plan', '--stack']).stderr).toMatch(/could not be deleted \(DELETE_FAILED\): ArtifactBucket/);
      // every version and delete marker gone, as the template's comment on the bucket says
      const versions = "aws s3api list-object-versions --bucket acme-artifacts --query '{Objects: [Versions, DeleteMarkers][][].{Key: Key, VersionId: VersionId}}' --output json";
      expect(sh(`${versions} > all.json && aws s3api delete-objects --bucket acme-artifacts --delete file://all.json`, ws.dir).code).toBe(0);
      expect(sh(again as string, ws.dir).code).toBe(0);
      const next = pipec(['plan', '--stack']);
      expect(next.stdout, next.stderr).toContain('+ stack "web-pipeline" (us-east-1): create');
    } finally {
      ws.cleanup();
    }
  });
});

describe("PC4004's command for a stage whose inbound transition starts disabled", () => {
  it('runs verbatim after create-pipeline, and disables the transition with the reason as written', { timeout: 120_000 }, async () => {
    await reset();
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
    // every character DisableStageTransition allows in a reason, '!' included (history expansion in double quotes)
    const reason = 'Wait for QA (ticket 42)! ok? *really* @team.';
    const text = `${readFileSync(join(ROOT, 'examples', 'minimal', 'pipeline.yml'), 'utf8').replace('deploy:\n  s3: { bucket: web-prod-site, extract: true }\n', '')}region: us-east-1\nstages:\n  - name: Release\n    disable-inbound: "${reason}"\n    actions:\n      - name: Site\n        deploy: { s3: { bucket: web-prod-site, extract: true } }\n        inputs: [Build]\n`;
    const ws = workspace({ 'pipeline.yml': text });
    try {
      const compiled = runBin(['compile', '-o', 'out', '--no-color'], { cwd: ws.dir });
      expect(compiled.code, compiled.stderr).toBe(0);
      const command = /after creating the pipeline run (aws codepipeline disable-stage-transition .+), or deploy with the cloudformation target/.exec(compiled.stderr)?.[1];
      expect(command, compiled.stderr).toBe(`aws codepipeline disable-stage-transition --region us-east-1 --pipeline-name web --stage-name Release --transition-type Inbound --reason '${reason}'`);
      const created = sh('aws codepipeline create-pipeline --cli-input-json file://out/web/codepipeline.json', ws.dir);
      expect(created.code, created.stderr).toBe(0);
      // as pasted into an interactive shell too, where history expansion is on
      const r = spawnSync('bash', ['-i', '-c', `set -H; ${command as string}`], { cwd: ws.dir, env: envFor(undefined), encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const state = JSON.parse(sh('aws codepipeline get-pipeline-state --region us-east-1 --name web --query "stageStates[?stageName==\'Release\'].inboundTransitionState | [0]" --output json', ws.dir).stdout) as { enabled: boolean; disabledReason: string };
      expect(state).toMatchObject({ enabled: false, disabledReason: reason });
    } finally {
      ws.cleanup();
    }
  });
});
