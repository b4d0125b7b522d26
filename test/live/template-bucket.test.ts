// Stacks over CloudFormation's 51,200-byte inline limit (issue 10, "every stack deploys on a first
// try"): a generated pipeline of many inline builds, whose stack is about twice the limit.
// - compile/validate without --template-bucket: PC4011 at the pipeline, nothing written;
// - compile with it: the header's deploy command carries --s3-bucket/--s3-prefix, and run verbatim
//   in bash (AWS CLI v1) against moto it creates the stack;
// - plan/apply --stack: without a bucket PC4011 and no stack; a missing bucket is one line whose
//   printed `aws s3 mb` runs verbatim; with the bucket the stack is created from the uploaded
//   template (TemplateURL) and a second plan is empty. Small templates keep TemplateBody (goldens).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_BODY_LIMIT } from '../../src/targets/cloudformation/template-size.js';
import { manyBuilds } from '../support/big-pipelines.js';
import { runBin } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { workspace } from './support.js';

const BIG = manyBuilds(14);
const STACK = 'bigbuilds-pipeline';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 180_000);
afterAll(async () => {
  await moto?.stop();
});

const reset = () => fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });

/** A command line as a user pastes it into bash, with only the environment saying where AWS is. */
function sh(command: string, cwd: string) {
  expect(command).not.toMatch(/--endpoint-url|--profile/);
  const r = spawnSync('bash', ['-c', command], { cwd, env: { ...moto.env, PATH: process.env.PATH ?? '', HOME: cwd }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

function stackStatus(cwd: string): string {
  const r = sh(`aws cloudformation describe-stacks --stack-name ${STACK} --query Stacks[0].StackStatus --output text`, cwd);
  return r.code === 0 ? r.stdout.trim() : 'none';
}

describe('a stack over 51,200 bytes at compile time', () => {
  it('without --template-bucket: PC4011 at the pipeline with its size and the fix, nothing written (compile and validate)', () => {
    const ws = workspace({ 'pipeline.yml': BIG });
    try {
      const r = runBin(['compile', '-t', 'cloudformation', '-o', 'out'], { cwd: ws.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pipeline\.yml:1:1: error\[PC4011\]: stack cloudformation\.yml of pipeline 'bigbuilds' is \d{2,3},\d{3} bytes; CloudFormation takes at most 51,200 bytes of template inline/m);
      expect(r.stderr).toContain('help: name a bucket in us-east-1 for the template: --template-bucket BUCKET');
      expect(existsSync(join(ws.dir, 'out'))).toBe(false);
      const v = runBin(['validate', '-t', 'all'], { cwd: ws.dir });
      expect(v.code).toBe(1);
      expect(v.stderr).toContain('error[PC4011]');
      // the codepipeline target alone has no stack, so no limit
      expect(runBin(['validate'], { cwd: ws.dir }).stderr).not.toContain('PC4011');
      // a bucket for another region does not count for the pipeline's
      expect(runBin(['compile', '-t', 'cloudformation', '--template-bucket', 'eu-west-1=elsewhere', '-o', 'out'], { cwd: ws.dir }).stderr).toContain('error[PC4011]');
    } finally {
      ws.cleanup();
    }
  });

  it('bad uses of --template-bucket are usage errors (exit 2)', () => {
    const ws = workspace({ 'pipeline.yml': BIG });
    try {
      for (const args of [
        ['compile', '-t', 'cloudformation', '--template-bucket', 'Not_A_Bucket'],
        ['compile', '-t', 'cloudformation', '--template-bucket', 'moon-1=bucket'],
        ['compile', '-t', 'cloudformation', '--template-bucket', 'a-bucket', '--template-bucket', 'b-bucket'],
        ['compile', '--template-bucket', 'a-bucket'],
        ['plan', '--template-bucket', 'a-bucket'],
      ]) {
        const r = runBin(args, { cwd: ws.dir });
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(/template-bucket/);
      }
    } finally {
      ws.cleanup();
    }
  });

  it("with --template-bucket: the header's deploy command uploads through the bucket and runs verbatim (AWS CLI v1 on moto)", { timeout: 600_000 }, async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': BIG });
    try {
      const r = runBin(['compile', '-t', 'cloudformation', '--template-bucket', 'acme-templates', '-o', 'out'], { cwd: ws.dir });
      expect(r.code, r.stderr).toBe(0);
      const dir = join(ws.dir, 'out', 'bigbuilds');
      const text = readFileSync(join(dir, 'cloudformation.yml'), 'utf8');
      expect(Buffer.byteLength(text)).toBeGreaterThan(TEMPLATE_BODY_LIMIT);
      const line = text.split('\n').find((l) => l.startsWith('# Deploy: ')) as string;
      const command = line.slice('# Deploy: '.length);
      expect(command).toContain(`--stack-name ${STACK} --s3-bucket acme-templates --s3-prefix pipec/${STACK} --capabilities`);
      expect(sh('aws s3 mb s3://acme-templates --region us-east-1', dir).code).toBe(0);
      const d = sh(command, dir);
      expect(d.code, d.out).toBe(0);
      expect(d.out).toMatch(/Successfully created\/updated stack/);
      expect(stackStatus(dir)).toBe('CREATE_COMPLETE');
      expect(sh('aws s3 ls --recursive s3://acme-templates', dir).stdout).toContain(`pipec/${STACK}/`);
      // JSON too: the bucket goes into the deploy command of Metadata.pipec when JSON has a header
      const j = runBin(['compile', '-t', 'cloudformation', '--cfn-format', 'json', '--template-bucket', 'acme-templates', '-o', 'json'], { cwd: ws.dir });
      expect(j.code, j.stderr).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});

describe('a stack over 51,200 bytes in stack mode', () => {
  it('without a bucket: PC4011, exit 1, no stack; a missing bucket: one line with the fix, which runs verbatim; then apply creates it from S3 and a second plan is empty', { timeout: 900_000 }, async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': BIG });
    const pipec = (args: string[]) => runBin(args, { cwd: ws.dir, env: moto.env, timeoutMs: 300_000 });
    try {
      const none = pipec(['plan', '--stack']);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('pipeline.yml:1:1: error[PC4011]');
      expect(stackStatus(ws.dir)).toBe('none');
      const absent = pipec(['plan', '--stack', '--template-bucket', 'acme-templates']);
      expect(absent.code).toBe(1);
      const lines = absent.stderr.trim().split('\n');
      expect(lines, absent.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^pipec: cannot put stack bigbuilds-pipeline's template .* into s3:\/\/acme-templates\/pipec\/bigbuilds-pipeline\/[0-9a-f]{64}\.yml: bucket acme-templates does not exist: create it in us-east-1 \(aws s3 mb s3:\/\/acme-templates --region us-east-1\) or name another with --template-bucket\. Nothing was changed\.$/);
      expect(stackStatus(ws.dir)).toBe('none');
      const fix = /\((aws s3 mb [^)]+)\)/.exec(lines[0] as string)?.[1] as string;
      expect(sh(fix, ws.dir).code).toBe(0);
      const apply = pipec(['apply', '--stack', '--auto-approve', '--template-bucket', 'acme-templates']);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect(apply.stdout).toContain(`✓ stack "${STACK}" (us-east-1): created (CREATE_COMPLETE)`);
      expect(stackStatus(ws.dir)).toBe('CREATE_COMPLETE');
      // the template went through the bucket: pipec/<stack>/<sha256 of the text>.yml, the text CloudFormation holds
      const listed = sh('aws s3 ls --recursive s3://acme-templates', ws.dir).stdout;
      const key = /(pipec\/bigbuilds-pipeline\/[0-9a-f]{64}\.yml)/.exec(listed)?.[1] as string;
      expect(key, listed).toBeDefined();
      const held = sh(`aws cloudformation get-template --stack-name ${STACK} --query TemplateBody --output text`, ws.dir).stdout;
      const object = sh(`aws s3 cp s3://acme-templates/${key} -`, ws.dir).stdout;
      expect(Buffer.byteLength(object)).toBeGreaterThan(TEMPLATE_BODY_LIMIT);
      expect(held.trim()).toBe(object.trim());
      const again = pipec(['plan', '--stack', '--template-bucket', 'acme-templates']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('Plan: 0 stacks to create, 0 to update, 1 unchanged.');
      // a saved plan records the URL; applying it changes nothing more
      const saved = pipec(['plan', '--stack', '--template-bucket', 'acme-templates', '--out', 'plan.json']);
      expect(saved.code, saved.stderr).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});
