// Every command pipec prints for a user to run, run verbatim with the AWS CLI v1 against moto
// (extended by test/support/moto_cfn; one moto serving accounts 111111111111, 222222222222 and
// 333333333333, the other accounts reached through profiles that assume a role there):
// - each stack header's `aws cloudformation deploy`, for every example, in the printed deploy
//   order (account stacks, then region stacks, then the pipeline's), with the credentials of the
//   account the header names, and its `$(aws cloudformation describe-stacks ...)` parameters;
// - plan --stack's "deploy it in account X yourself" commands (pipec compile, then the deploy);
// - the `aws cloudformation delete-stack` plan prints for a stack that failed to create.
// The commands run in bash, as a user pastes them; only the environment says where AWS is.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Diagnostics } from '../../src/compiler/diagnostics.js';
import { ROOT, runBin } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { examples } from '../support/targets.js';
import { XACCT_PIPELINE, workspace } from './support.js';

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

/** The user's own SNS topics an example names (notifications), which its stacks only refer to. */
function ownTopics(text: string): string[] {
  const diags = new Diagnostics();
  const compiled = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(text) }], diags).pipelines;
  return compiled.flatMap(({ ir }) => (ir.notifications?.topicArn ? [ir.notifications.topicArn] : []));
}

/** Each template's header: the deploy command, the account it names ("with credentials of account X"), and the printed order. */
function headers(dir: string): { order: string[]; commands: Map<string, { command: string; account?: string }> } {
  const commands = new Map<string, { command: string; account?: string }>();
  let order: string[] = [];
  for (const file of readdirSync(dir).filter((f) => /^cloudformation.*\.yml$/.test(f))) {
    const head = readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l.startsWith('#'));
    const line = head.find((l) => l.includes('aws cloudformation deploy')) as string;
    expect(line, `${dir}/${file} prints a deploy command`).toBeDefined();
    const account = /with credentials of account (\d{12})/.exec(line)?.[1];
    commands.set(file, { command: line.slice(line.indexOf('aws cloudformation deploy')), ...(account ? { account } : {}) });
    const orderLine = head.find((l) => l.startsWith('# Deploy order: '));
    if (orderLine && file === 'cloudformation.yml') order = [...orderLine.matchAll(/\d+\. (\S+?)[.,]?(?= |$)/g)].map((m) => m[1] as string);
  }
  return { order: order.length > 0 ? order : ['cloudformation.yml'], commands };
}

describe("every stack header's deploy command, run verbatim in the printed order", () => {
  for (const name of examples)
    it(
      name,
      async () => {
        await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
        const text = readFileSync(join(ROOT, 'examples', name, 'pipeline.yml'), 'utf8');
        const ws = workspace({ 'pipeline.yml': text });
        try {
          for (const arn of ownTopics(text)) {
            const [, , , region, , topic] = arn.split(':');
            expect(sh(`aws sns create-topic --region ${region} --name ${topic}`, ws.dir).code).toBe(0);
          }
          expect(runBin(['compile', '-t', 'cloudformation', '-o', 'out'], { cwd: ws.dir }).code).toBe(0);
          for (const pipeline of readdirSync(join(ws.dir, 'out'))) {
            const dir = join(ws.dir, 'out', pipeline);
            const { order, commands } = headers(dir);
            expect([...order].sort(), `${pipeline}: the printed order names every stack`).toEqual([...commands.keys()].sort());
            for (const file of order) {
              const { command, account } = commands.get(file) as { command: string; account?: string };
              const r = sh(command, dir, account);
              expect(r.code, `${pipeline}/${file}: ${command}\n${r.stdout}${r.stderr}`).toBe(0);
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
          const plan = runBin(['plan', '--stack', '--account-profile', '222222222222=prod', '--account-profile', '333333333333=test'], { cwd: ws.dir, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') }, timeoutMs: 300_000 });
          expect(plan.stdout + plan.stderr).not.toContain('--adopt');
          expect(plan.code, plan.stdout + plan.stderr).toBe(0);
          expect(plan.stdout).toMatch(/Plan: 0 stacks to create, 0 to update, \d+ unchanged\./);
        } finally {
          ws.cleanup();
        }
      },
      600_000,
    );
});

describe("a header's deploy command with tags that need quoting", () => {
  it('runs verbatim and tags the stack with exactly those values, and with project:', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
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
  it('runs verbatim there, and apply --stack then deploys the rest', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
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

describe('what plan --stack prints for a stack that failed to create', () => {
  it('runs verbatim, and the stack can then be planned again', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    // the notification topic storefront-edge names is the user's own, and does not exist here
    const ws = workspace({ 'pipeline.yml': readFileSync(join(ROOT, 'examples', 'shared-artifact-store', 'pipeline.yml'), 'utf8') });
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
