// `--template-bucket` in stack mode beyond one stack in the pipeline's account (issue 10, "every
// stack deploys on a first try"), on one moto serving accounts 111111111111 and 222222222222
// (test/support/s3_access.py: S3 refuses another account's object calls unless the bucket policy
// grants them, and an explicit Deny refuses anyone, as AWS documents):
// - a bucket that refuses the upload, or the read CloudFormation makes with the same credentials:
//   one line with what the credentials need, exit 1, no stack created and no change set left;
// - pipeline `bigwide`, all three of whose stacks are over 51,200 bytes: its account stack goes up
//   through --account-profile (refused until the bucket policy grants the account the statement
//   pipec prints), its region stack through `--template-bucket eu-west-1=BUCKET`; all reach
//   CREATE_COMPLETE where they belong, from the uploaded templates, and a second plan is empty;
// - without a profile for the account, what plan prints to run there (compile with the buckets,
//   deploy with --s3-bucket) runs verbatim with that account's credentials.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_BODY_LIMIT } from '../../src/targets/cloudformation/template-size.js';
import { manyBuilds, WIDE_PIPELINE_ROLE, wideBuilds } from '../support/big-pipelines.js';
import { runBin } from '../support/cli.js';
import { runTool } from '../support/tools.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createRoles, workspace } from './support.js';

let moto: Moto;
let config: ReturnType<typeof workspace>;

beforeAll(async () => {
  moto = await startMoto({ multiAccount: true });
  config = workspace({
    config: ['[profile prod]', 'role_arn = arn:aws:iam::222222222222:role/pipec-deployer', 'source_profile = base', '[profile base]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
  });
}, 180_000);
afterAll(async () => {
  config?.cleanup();
  await moto?.stop();
});

/** A fresh moto, and no AWS CLI credential cache of an earlier one (its assumed roles would land in the default account). */
async function reset(): Promise<void> {
  await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  rmSync(join(config.dir, '.aws'), { recursive: true, force: true });
}

/** A command line as a user pastes it into bash: with the pipeline account's keys, or with profile prod for account 222222222222. */
function sh(command: string, cwd: string, account?: '222222222222') {
  expect(command).not.toMatch(/--endpoint-url|--profile/);
  const env: Record<string, string> = { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config'), PATH: process.env.PATH ?? '', HOME: config.dir };
  if (account) {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[k];
    env.AWS_PROFILE = 'prod';
  }
  const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const pipecIn = (cwd: string) => (args: string[]) => runBin(args, { cwd, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') }, timeoutMs: 300_000 });

/** A stack's status in a region of an account ('none' when there is none). */
function status(stack: string, region: string, cwd: string, account?: '222222222222'): string {
  const r = sh(`aws cloudformation describe-stacks --region ${region} --stack-name ${stack} --query Stacks[0].StackStatus --output text`, cwd, account);
  return r.code === 0 ? r.stdout.trim() : 'none';
}

const objects = (bucket: string, cwd: string) => sh(`aws s3api list-objects-v2 --bucket ${bucket} --query Contents[].Key --output text`, cwd).stdout.trim().split(/\s+/).filter((k) => k !== '' && k !== 'None');

const policy = (statements: unknown[]) => `'${JSON.stringify({ Version: '2012-10-17', Statement: statements })}'`;

describe('a template bucket that refuses', () => {
  it('the upload: one line with what the credentials need, exit 1, no stack and no object; the read CloudFormation makes: the same, before any change set', { timeout: 600_000 }, async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': manyBuilds(14) });
    const pipec = pipecIn(ws.dir);
    try {
      expect(sh('aws s3 mb s3://acme-templates --region us-east-1', ws.dir).code).toBe(0);
      const deny = (action: string) => sh(`aws s3api put-bucket-policy --bucket acme-templates --policy ${policy([{ Sid: 'NoTemplates', Effect: 'Deny', Principal: '*', Action: action, Resource: 'arn:aws:s3:::acme-templates/*' }])}`, ws.dir);
      expect(deny('s3:PutObject').code).toBe(0);
      for (const args of [['plan', '--stack'], ['plan', '--stack', '--out', 'plan.json'], ['apply', '--stack', '--auto-approve']]) {
        const r = pipec([...args, '--template-bucket', 'acme-templates']);
        expect(r.code, args.join(' ')).toBe(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^pipec: access denied for PutObject of stack bigbuilds-pipeline's template to s3:\/\/acme-templates\/pipec\/bigbuilds-pipeline\/[0-9a-f]{64}\.yml: Access Denied \(the credentials need s3:PutObject and s3:GetObject \(CloudFormation reads the template with the same credentials\) on arn:aws:s3:::acme-templates\/pipec\/\*, or name another bucket with --template-bucket\)\. Nothing was changed\.$/,
        );
        expect(r.stdout).toBe('');
        expect(status('bigbuilds-pipeline', 'us-east-1', ws.dir)).toBe('none');
        expect(objects('acme-templates', ws.dir)).toEqual([]);
      }
      // it takes the template but refuses to give it back: found before CloudFormation is asked
      expect(deny('s3:GetObject').code).toBe(0);
      const read = pipec(['apply', '--stack', '--auto-approve', '--template-bucket', 'acme-templates']);
      expect(read.code).toBe(1);
      expect(read.stderr.trim().split('\n')).toHaveLength(1);
      expect(read.stderr.trim()).toMatch(/^pipec: access denied for HeadObject of stack bigbuilds-pipeline's template at s3:\/\/acme-templates\/pipec\/bigbuilds-pipeline\/[0-9a-f]{64}\.yml \(CloudFormation reads it with these credentials\): .*s3:GetObject.* Nothing was changed\.$/);
      expect(status('bigbuilds-pipeline', 'us-east-1', ws.dir)).toBe('none');
      // once the bucket lets them, the same command deploys
      expect(sh('aws s3api delete-bucket-policy --bucket acme-templates', ws.dir).code).toBe(0);
      const apply = pipec(['apply', '--stack', '--auto-approve', '--template-bucket', 'acme-templates']);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect(status('bigbuilds-pipeline', 'us-east-1', ws.dir)).toBe('CREATE_COMPLETE');
    } finally {
      ws.cleanup();
    }
  });
});

describe('a pipeline whose account, region and pipeline stacks are all over 51,200 bytes', () => {
  const BUCKETS = ['--template-bucket', 'acme-templates', '--template-bucket', 'eu-west-1=acme-templates-eu'];
  const PROFILE = ['--account-profile', '222222222222=prod'];
  const STACKS = ['bigwide-pipeline-roles', 'bigwide-pipeline-eu-west-1', 'bigwide-pipeline'];

  /** A fresh moto with the pipeline's role and a template bucket in each region (both of account 111111111111), and bigwide's workspace. */
  async function wide() {
    await reset();
    await createRoles(moto.endpoint, [WIDE_PIPELINE_ROLE]);
    const ws = workspace({ 'pipeline.yml': wideBuilds() });
    expect(sh('aws s3 mb s3://acme-templates --region us-east-1 && aws s3 mb s3://acme-templates-eu --region eu-west-1', ws.dir).code).toBe(0);
    return { ws, pipec: pipecIn(ws.dir) };
  }

  it('deploys through --account-profile and REGION=BUCKET once the bucket policy grants the account what pipec prints; each stack from its uploaded template; a second plan is empty', { timeout: 900_000 }, async () => {
    const { ws, pipec } = await wide();
    try {
      // every stack is over the limit; a bucket for the pipeline's region does not count for eu-west-1's stack
      const compiled = runBin(['compile', '-t', 'cloudformation', ...BUCKETS, '-o', 'out'], { cwd: ws.dir });
      expect(compiled.code, compiled.stderr).toBe(0);
      for (const f of ['cloudformation.account-222222222222.yml', 'cloudformation.eu-west-1.yml', 'cloudformation.yml']) expect(Number(sh(`wc -c < out/bigwide/${f}`, ws.dir).stdout.trim()), f).toBeGreaterThan(TEMPLATE_BODY_LIMIT);
      // and they pass cfn-lint 1.51.0 with no finding, as every example's stacks do
      const lint = runTool('cfn-lint', ['--format', 'parseable', ...['cloudformation.account-222222222222.yml', 'cloudformation.eu-west-1.yml', 'cloudformation.yml'].map((f) => join(ws.dir, 'out', 'bigwide', f))]);
      expect([lint.status, lint.stdout], lint.stderr).toEqual([0, '']);
      const noEu = pipec(['plan', '--stack', '--template-bucket', 'acme-templates', ...PROFILE]);
      expect(noEu.code).toBe(1);
      expect(noEu.stderr).toContain("error[PC4011]: stack cloudformation.eu-west-1.yml of pipeline 'bigwide'");
      expect(noEu.stderr).toContain('help: name a bucket in eu-west-1 for the template: --template-bucket eu-west-1=BUCKET (');

      // account 222222222222 may not write into the pipeline account's bucket: refused, with the statement that grants it
      const refused = pipec(['plan', '--stack', ...BUCKETS, ...PROFILE]);
      expect(refused.code).toBe(1);
      const lines = refused.stderr.trim().split('\n');
      expect(lines, refused.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^pipec: access denied for PutObject of stack bigwide-pipeline-roles's template to s3:\/\/acme-templates\/pipec\/bigwide-pipeline-roles\/[0-9a-f]{64}\.yml: Access Denied \(stack bigwide-pipeline-roles is deployed with profile prod of account 222222222222, whose credentials need s3:PutObject and s3:GetObject .* on arn:aws:s3:::acme-templates\/pipec\/\*; if the bucket is another account's, add to its bucket policy: \{.*\}\)\. Nothing was changed\.$/);
      expect(STACKS.map((s, i) => status(s, i === 1 ? 'eu-west-1' : 'us-east-1', ws.dir, i === 0 ? '222222222222' : undefined))).toEqual(['none', 'none', 'none']);
      // (the region stack, deployed first, had its template put into its bucket: only that, under its text's hash)
      expect(objects('acme-templates', ws.dir)).toEqual([]);
      expect(objects('acme-templates-eu', ws.dir)).toEqual([expect.stringMatching(/^pipec\/bigwide-pipeline-eu-west-1\/[0-9a-f]{64}\.yml$/)]);
      const statement = JSON.parse(/add to its bucket policy: (\{.*\})\)\. Nothing was changed\.$/.exec(lines[0] as string)?.[1] as string) as unknown;
      expect(sh(`aws s3api put-bucket-policy --bucket acme-templates --policy ${policy([statement])}`, ws.dir).code).toBe(0);

      const apply = pipec(['apply', '--stack', '--auto-approve', '--format', 'json', ...BUCKETS, ...PROFILE]);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      const outcomes = (JSON.parse(apply.stdout) as { stacks: Array<{ stack: string; region: string; status: string; stackStatus: string }> }).stacks;
      expect(outcomes.map((s) => [s.stack, s.region, s.status, s.stackStatus])).toEqual([
        ['bigwide-pipeline-eu-west-1', 'eu-west-1', 'created', 'CREATE_COMPLETE'],
        ['bigwide-pipeline-roles', 'us-east-1', 'created', 'CREATE_COMPLETE'],
        ['bigwide-pipeline', 'us-east-1', 'created', 'CREATE_COMPLETE'],
      ]);
      // where each belongs: the account stack in 222222222222 (not in the pipeline's account), the region stack in eu-west-1
      expect(status('bigwide-pipeline-roles', 'us-east-1', ws.dir, '222222222222')).toBe('CREATE_COMPLETE');
      expect(status('bigwide-pipeline-roles', 'us-east-1', ws.dir)).toBe('none');
      expect(status('bigwide-pipeline-eu-west-1', 'eu-west-1', ws.dir)).toBe('CREATE_COMPLETE');
      // each from the template in its region's bucket, as CloudFormation holds it
      const held = (stack: string, region: string, account?: '222222222222') => sh(`aws cloudformation get-template --region ${region} --stack-name ${stack} --query TemplateBody --output text`, ws.dir, account).stdout.trim();
      for (const [stack, bucket, region, account] of [
        ['bigwide-pipeline-roles', 'acme-templates', 'us-east-1', '222222222222'],
        ['bigwide-pipeline-eu-west-1', 'acme-templates-eu', 'eu-west-1', undefined],
        ['bigwide-pipeline', 'acme-templates', 'us-east-1', undefined],
      ] as const) {
        const key = objects(bucket, ws.dir).find((k) => new RegExp(`^pipec/${stack}/[0-9a-f]{64}\\.yml$`).test(k));
        expect(key, `${stack} in ${bucket}`).toBeDefined();
        expect(held(stack, region, account)).toBe(sh(`aws s3 cp s3://${bucket}/${key} -`, ws.dir).stdout.trim());
      }
      // the projects the stacks made: the scans' in account 222222222222, the bundles' in eu-west-1
      const count = (region: string, account?: '222222222222') => JSON.parse(sh(`aws codebuild list-projects --region ${region} --output json`, ws.dir, account).stdout || '{"projects":[]}').projects.length as number;
      expect([count('us-east-1', '222222222222'), count('eu-west-1')]).toEqual([16, 16]);

      const again = pipec(['plan', '--stack', '--detailed-exitcode', ...BUCKETS, ...PROFILE]);
      expect(again.stdout + again.stderr).toContain('No changes. All 3 stacks match the configuration.');
      expect(again.code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });

  it('without a profile for the account: what plan prints to run there (compile with the buckets, deploy with --s3-bucket) runs verbatim there; apply then deploys the rest', { timeout: 900_000 }, async () => {
    const { ws, pipec } = await wide();
    try {
      const grant = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-templates/pipec/*' };
      expect(sh(`aws s3api put-bucket-policy --bucket acme-templates --policy ${policy([grant])}`, ws.dir).code).toBe(0);
      const plan = pipec(['plan', '--stack', ...BUCKETS]);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      const lines = plan.stdout.split('\n').map((l) => l.trim());
      const at = lines.findIndex((l) => l.startsWith('! stack "bigwide-pipeline-roles"'));
      const compileLine = /run, with credentials of account 222222222222 \(AWS_PROFILE or keys in the environment\): (pipec compile [^,]+), then$/.exec(lines[at + 1] ?? '')?.[1];
      expect(compileLine).toBe('pipec compile -t cloudformation --template-bucket eu-west-1=acme-templates-eu --template-bucket us-east-1=acme-templates -o out');
      const deploy = lines[at + 2] ?? '';
      expect(deploy).toMatch(/^aws cloudformation deploy --region us-east-1 --template-file out\/bigwide\/cloudformation\.account-222222222222\.yml --stack-name bigwide-pipeline-roles --s3-bucket acme-templates --s3-prefix pipec\/bigwide-pipeline-roles /);
      const compiled = runBin((compileLine as string).split(' ').slice(1), { cwd: ws.dir });
      expect(compiled.code, compiled.stderr).toBe(0);
      const r = sh(deploy, ws.dir, '222222222222');
      expect(r.code, r.out).toBe(0);
      expect(status('bigwide-pipeline-roles', 'us-east-1', ws.dir, '222222222222')).toBe('CREATE_COMPLETE');
      // (without a profile pipec cannot see that account: it says again what to run there, and that apply is incomplete)
      const apply = pipec(['apply', '--stack', '--auto-approve', ...BUCKETS]);
      expect(apply.stdout).toContain('Apply incomplete: 2 created, 0 updated, 0 unchanged; 1 not deployed.');
      expect(apply.stdout).toContain('✓ stack "bigwide-pipeline-eu-west-1" (eu-west-1): created (CREATE_COMPLETE)');
      expect(apply.stdout).toContain('✓ stack "bigwide-pipeline" (us-east-1): created (CREATE_COMPLETE)');
    } finally {
      ws.cleanup();
    }
  });
});
