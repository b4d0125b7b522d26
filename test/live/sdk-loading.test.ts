import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js';
import { provisionDependencies, workspace } from './support.js';

/**
 * Issue 10's AWS SDK clients (CloudFormation, IAM, CodeBuild, S3, EventBridge) load only in the
 * commands that use them (moto-faults.test.ts: no SDK at all for compile). The pipec binary runs
 * with a loader hook that fails any import of the packages a command must not load.
 */
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 120_000);
afterAll(async () => {
  await moto?.stop();
});

const deny = pathToFileURL(join(__dirname, 'deny-aws-sdk.mjs')).href;
const PIPELINE = `name: web\nregion: us-east-1\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: { bucket: acme-artifacts }\nsource: codecommit:web-app@main\nbuild: { commands: [make] }\n`;

function pipecDenying(packages: string, args: string[], cwd: string) {
  return spawnSync(process.execPath, ['--import', deny, BIN, ...args], { cwd, env: { PATH: process.env.PATH, ...awsTestEnv(moto.endpoint), PIPEC_DENY_SDK: packages }, encoding: 'utf8', timeout: 120_000 });
}

describe('the AWS SDK clients a command loads', () => {
  it('compile, validate, expand, graph and init load none', () => {
    const ws = workspace({ 'pipeline.yml': PIPELINE });
    try {
      for (const args of [['compile', '-t', 'all', '-o', 'out'], ['validate'], ['expand'], ['graph'], ['init', 'other.yml']]) {
        const r = pipecDenying('', args, ws.dir);
        expect(r.stderr, args.join(' ')).not.toContain('AWS SDK loaded');
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('pipeline-mode plan and the operating commands load no CloudFormation; plan --stack loads it', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const ws = workspace({ 'pipeline.yml': PIPELINE });
    try {
      await provisionDependencies(moto.endpoint, ws.dir);
      const plan = pipecDenying('client-cloudformation', ['plan'], ws.dir);
      expect(plan.stderr).not.toContain('AWS SDK loaded');
      expect(plan.status, plan.stderr).toBe(0);
      expect(pipecDenying('client-cloudformation', ['apply', '--auto-approve'], ws.dir).status).toBe(0);
      const status = pipecDenying('client-cloudformation,client-iam,client-codebuild,client-s3', ['status', 'web'], ws.dir);
      expect(status.stderr).not.toContain('AWS SDK loaded');
      expect(status.status, status.stderr).toBe(0);
      const stack = pipecDenying('client-cloudformation', ['plan', '--stack'], ws.dir);
      expect(stack.stderr + stack.stdout).toContain('AWS SDK loaded: @aws-sdk/client-cloudformation');
      expect(stack.status).not.toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});
