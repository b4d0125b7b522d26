// Every example deployed with `pipec apply --stack` into moto extended by test/support/moto_cfn
// (one moto serving accounts 111111111111, 222222222222 and 333333333333: stacks in the other
// accounts go through profiles that assume a role there, as --account-profile users do):
// every stack reaches CREATE_COMPLETE, the pipeline the stack made equals codepipeline.json (a
// pipeline-mode plan shows no change), a second plan is empty, a changed pipeline.yml shows its
// change set and converges, and the pipeline stacks can be deleted and deployed again.
import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, GetPipelineCommand, ListTagsForResourceCommand } from '@aws-sdk/client-codepipeline';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { compile } from '../../src/compiler/compile.js';
import { Diagnostics } from '../../src/compiler/diagnostics.js';
import { ROOT, runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { examples } from '../support/targets.js';
import { pipelineStackName, regionStackName, rolesStackName } from '../../src/targets/cloudformation/artifacts-stack.js';
import { cloudformationTarget } from '../../src/targets/cloudformation/index.js';
import { createRoles, workspace } from './support.js';

let moto: Moto;
let config: ReturnType<typeof workspace>;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const PROFILE_OF: Record<string, string> = { '222222222222': 'prod', '333333333333': 'test' };
const PROFILES = Object.entries(PROFILE_OF).flatMap(([account, profile]) => ['--account-profile', `${account}=${profile}`]);

beforeAll(async () => {
  moto = await startMoto({ multiAccount: true });
  const profile = (name: string, account: string) => [`[profile ${name}]`, `role_arn = arn:aws:iam::${account}:role/pipec-deployer`, 'source_profile = base'];
  config = workspace({ config: [...profile('prod', '222222222222'), ...profile('test', '333333333333'), '[profile base]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n') });
  // pipec runs in this worker (fast); the SDK reads profiles from the file process.env names
  process.env.AWS_CONFIG_FILE = join(config.dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
  // the SDK's STS client that assumes the profiles' roles reads its endpoint from process.env, not from pipec's
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
}, 180_000); // moto starts slowly while other suites share the 2 cores
afterAll(async () => {
  config?.cleanup();
  await moto?.stop();
});

function pipec(args: string[], cwd: string) {
  return runCli(args, { cwd, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') } });
}

/** An SNS topic of the user's own that an example names (CreateTopic through moto's query API). */
async function createTopic(arn: string): Promise<void> {
  const [, , , region, , name] = arn.split(':');
  const res = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/sns/aws4_request, SignedHeaders=host, Signature=0` },
    body: new URLSearchParams({ Action: 'CreateTopic', Name: name as string, Version: '2010-03-31' }),
  });
  expect(res.status).toBe(200);
}

/** The example's pipelines: names, regions and the user-owned topics they notify. */
function pipelinesOf(text: string) {
  const diags = new Diagnostics();
  const compiled = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(text) }], diags).pipelines;
  expect(diags.hasErrors()).toBe(false);
  return compiled.map(({ ir }) => {
    // the accounts of its account stacks, as the cloudformation target writes them (cloudformation.account-<id>.yml)
    const files = cloudformationTarget.emit(ir, new Diagnostics(), { cfnFormat: 'yaml', targets: ['cloudformation'] });
    const accounts = files.flatMap((f) => /^cloudformation\.account-(\d{12})\.yml$/.exec(f.path)?.[1] ?? []).sort();
    return { name: ir.name, role: ir.roleArn, region: ir.region ?? 'us-east-1', regions: Object.keys(ir.regionStores).filter((r) => r !== (ir.region ?? 'us-east-1')), topic: ir.notifications?.topicArn, accounts };
  });
}

/** A CloudFormation client of a region, in the pipeline's account or (through its profile) in another. */
function cfnClient(region: string, account?: string): CloudFormationClient {
  if (!account) return new CloudFormationClient({ endpoint: moto.endpoint, region, credentials });
  return new CloudFormationClient({ endpoint: moto.endpoint, region, profile: PROFILE_OF[account] as string });
}

/** The account a stack is in, read through that account's profile (or the pipeline account's keys); undefined when there is no such stack. */
async function stackAccount(stack: string, region: string, account?: string): Promise<string | undefined> {
  const cfn = cfnClient(region, account);
  try {
    const got = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const s = got.Stacks?.[0];
    return s && s.StackStatus !== 'DELETE_COMPLETE' ? s.StackId?.split(':')[4] : undefined;
  } catch {
    return undefined;
  } finally {
    cfn.destroy();
  }
}

interface Outcomes {
  summary: { ok: boolean };
  stacks: Array<{ stack: string; region: string; status: string; stackStatus?: string }>;
}

/**
 * One pipeline file through stack mode's whole life: apply (every stack CREATE_COMPLETE, each
 * account stack in its account), the pipelines tagged managed-by: pipec, (when `equalsPipelineMode`)
 * a pipeline-mode plan with no change (the stack's pipeline equals codepipeline.json), a second
 * plan empty, a changed pipeline.yml's change set and convergence, and every stack deleted
 * (pipeline, account, then region stacks: the reverse of the deploy order) and deployed again.
 */
async function stackLife(text: string, equalsPipelineMode: boolean): Promise<void> {
  const pipelines = pipelinesOf(text);
  for (const p of pipelines) if (p.topic) await createTopic(p.topic);
  // the pipelines' roles ('role:'), which the user owns: the stacks attach the pipelines' policies to them
  await createRoles(moto.endpoint, pipelines.flatMap((p) => (p.role ? [p.role] : [])));
  const ws = workspace({ 'pipeline.yml': text });
  try {
    // all stacks reach CREATE_COMPLETE
    const apply = await pipec(['apply', '--stack', '--auto-approve', '--format', 'json', ...PROFILES], ws.dir);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const outcomes = JSON.parse(apply.stdout) as Outcomes;
    expect(outcomes.stacks.length).toBeGreaterThanOrEqual(pipelines.length);
    for (const s of outcomes.stacks) expect([s.stack, s.status, s.stackStatus]).toEqual([s.stack, 'created', 'CREATE_COMPLETE']);
    // each account stack is in its account, through that account's profile, and not in the pipeline's
    for (const p of pipelines)
      for (const account of p.accounts) {
        expect(await stackAccount(rolesStackName(p.name), p.region, account), `${rolesStackName(p.name)} in ${account}`).toBe(account);
        expect(await stackAccount(rolesStackName(p.name), p.region), `${rolesStackName(p.name)} is not in the pipeline's account`).toBeUndefined();
      }

    // the pipelines carry managed-by: pipec, so pipeline mode sees them as pipec's
    const cp = new CodePipelineClient({ endpoint: moto.endpoint, region: pipelines[0]?.region ?? 'us-east-1', credentials });
    for (const p of pipelines) {
      const got = await cp.send(new GetPipelineCommand({ name: p.name }));
      const tags = await cp.send(new ListTagsForResourceCommand({ resourceArn: got.metadata?.pipelineArn as string }));
      expect(tags.tags).toContainEqual({ key: 'managed-by', value: 'pipec' });
    }

    if (equalsPipelineMode) {
      // pipeline mode sees the pipeline the stack made as this project's and equal to
      // codepipeline.json: the same role ('role:'), stores and keys (an alias as its ARN) and
      // change detection (PollForSourceChanges false where EventBridge starts the pipeline)
      const modePlan = await pipec(['plan', '--format', 'json', '--detailed-exitcode'], ws.dir);
      const planned = JSON.parse(modePlan.stdout) as { pipelines: Array<{ name: string; action: string; changes: unknown[] }> };
      expect(planned.pipelines.map((p) => p.name).sort()).toEqual(pipelines.map((p) => p.name).sort());
      for (const p of planned.pipelines) expect([p.name, p.action, p.changes], modePlan.stderr).toEqual([p.name, 'no-op', []]);
      expect(modePlan.code, modePlan.stderr).toBe(0);
    }

    // a second plan is empty
    const again = await pipec(['plan', '--stack', '--detailed-exitcode', ...PROFILES], ws.dir);
    expect(again.stdout + again.stderr).toMatch(/No changes\. (The stack matches|All \d+ stacks match) the configuration\./);
    expect(again.code).toBe(0);

    // a changed pipeline.yml: a new tag shows on the pipeline's change set, and converges
    const doc = parseDocument(text);
    doc.setIn(['tags', 'pipec-test'], 'changed');
    ws.write({ 'pipeline.yml': doc.toString() });
    const changed = await pipec(['plan', '--stack', '--detailed-exitcode', ...PROFILES], ws.dir);
    expect(changed.code, changed.stdout + changed.stderr).toBe(2);
    expect(changed.stdout).toMatch(/~ Pipeline AWS::CodePipeline::Pipeline \((.*, )?Tags(, .*)?\)/);
    // and pipec's field-level diff names no pipeline field that does not change (a pipeline of several regions showed '- artifactStores')
    expect(changed.stdout).not.toMatch(/^\s*[-+~] (artifactStores|stages|roleArn|executionMode|pipelineType)\b/m);
    const update = await pipec(['apply', '--stack', '--auto-approve', ...PROFILES], ws.dir);
    expect(update.code, update.stdout + update.stderr).toBe(0);
    const got = await cp.send(new GetPipelineCommand({ name: pipelines[0]?.name as string }));
    const tags = await cp.send(new ListTagsForResourceCommand({ resourceArn: got.metadata?.pipelineArn as string }));
    expect(tags.tags).toContainEqual({ key: 'pipec-test', value: 'changed' });
    cp.destroy();
    const converged = await pipec(['plan', '--stack', '--detailed-exitcode', ...PROFILES], ws.dir);
    expect(converged.code, converged.stdout).toBe(0);

    // delete every stack (the pipeline's first, then the accounts' and the regions' support stacks) and deploy again
    for (const p of pipelines) {
      const stacks: Array<[string, string, string | undefined]> = [[p.region, pipelineStackName(p.name), undefined], ...p.accounts.map((a): [string, string, string] => [p.region, rolesStackName(p.name), a]), ...p.regions.map((r): [string, string, undefined] => [r, regionStackName(p.name, r), undefined])];
      for (const [region, stack, account] of stacks) {
        const cfn = cfnClient(region, account);
        const exists = await cfn.send(new DescribeStacksCommand({ StackName: stack })).then(
          () => true,
          () => false,
        );
        if (exists) await cfn.send(new DeleteStackCommand({ StackName: stack }));
        cfn.destroy();
      }
    }
    const redeploy = await pipec(['apply', '--stack', '--auto-approve', '--format', 'json', ...PROFILES], ws.dir);
    expect(redeploy.code, redeploy.stdout + redeploy.stderr).toBe(0);
    for (const s of (JSON.parse(redeploy.stdout) as Outcomes).stacks) expect([s.stack, s.stackStatus]).toEqual([s.stack, expect.stringMatching(/^(CREATE|UPDATE)_COMPLETE$/)]);
    const last = await pipec(['plan', '--stack', '--detailed-exitcode', ...PROFILES], ws.dir);
    expect(last.code, last.stdout + last.stderr).toBe(0);
  } finally {
    ws.cleanup();
  }
}

describe('every example, deployed as stacks', () => {
  for (const name of examples)
    it(
      name,
      async () => {
        await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
        await stackLife(readFileSync(join(ROOT, 'examples', name, 'pipeline.yml'), 'utf8'), true);
      },
      600_000,
    );
});

describe('a pipeline whose stack makes its own role and store (test/fixtures/stack/own-role-and-store.yml)', () => {
  // codepipeline.json cannot be made for it (no role: PC4001, no store: PC4002): stack mode alone deploys it
  it('deploys, converges, and deploys again after its stack is deleted', { timeout: 600_000 }, async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    await stackLife(readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'own-role-and-store.yml'), 'utf8'), false);
  });
});

describe('a pipeline with no artifacts: whose build and deploy run in other accounts (test/fixtures/stack/cross-account-own-store.yml)', () => {
  // codepipeline.json cannot be made for it (no store: PC4002), so instead of comparing with it,
  // the stacks are checked to name one key, by its key ARN, everywhere
  const cli = (args: string[], account?: string) =>
    spawnSync('aws', args, {
      encoding: 'utf8',
      env: { ...moto.env, PATH: process.env.PATH ?? '', HOME: config.dir, AWS_CONFIG_FILE: join(config.dir, 'config'), ...(account ? { AWS_PROFILE: account === '222222222222' ? 'prod' : 'test', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } : {}) },
    });
  const output = (stack: string, key: string): string => cli(['cloudformation', 'describe-stacks', '--region', 'us-east-1', '--stack-name', stack, '--query', `Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue`, '--output', 'text']).stdout.trim();

  it('deploys (from a saved plan) the artifacts stack first, then the account stacks and the pipeline, all naming the key by its ARN; converges, and deploys again after its stacks are deleted', { timeout: 600_000 }, async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'cross-account-own-store.yml'), 'utf8');
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/journal-pipeline']);
    const ws = workspace({ 'pipeline.yml': text });
    try {
      // a saved plan: the artifacts stack's change set is kept, the stacks that read its outputs get theirs during apply
      const saved = await pipec(['plan', '--stack', '--out', 'plan.json', ...PROFILES], ws.dir);
      expect(saved.code, saved.stdout + saved.stderr).toBe(0);
      expect(saved.stdout).toContain('+ stack "journal-pipeline-artifacts" (us-east-1): create');
      expect(saved.stdout).toMatch(/Plan: 1 stack to create, 0 to update, 0 unchanged, 3 to plan during apply\./);
      const apply = await pipec(['apply', 'plan.json', '--format', 'json'], ws.dir);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      const outcomes = JSON.parse(apply.stdout) as Outcomes;
      expect(outcomes.stacks.map((s) => [s.stack, s.status, s.stackStatus])).toEqual([
        ['journal-pipeline-artifacts', 'created', 'CREATE_COMPLETE'],
        ['journal-pipeline-roles', 'created', 'CREATE_COMPLETE'],
        ['journal-pipeline-roles', 'created', 'CREATE_COMPLETE'],
        ['journal-pipeline', 'created', 'CREATE_COMPLETE'],
      ]);
      const keyArn = output('journal-pipeline-artifacts', 'ArtifactKeyArn');
      const bucket = output('journal-pipeline-artifacts', 'ArtifactBucketName');
      expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:111111111111:key\/[0-9a-f-]+$/);
      // the pipeline's store, and the build in account 222222222222, use that key by its ARN
      const cp = new CodePipelineClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
      const got = await cp.send(new GetPipelineCommand({ name: 'journal' }));
      cp.destroy();
      expect(got.pipeline?.artifactStore).toEqual({ type: 'S3', location: bucket, encryptionKey: { id: keyArn, type: 'KMS' } });
      const project = cli(['codebuild', 'batch-get-projects', '--region', 'us-east-1', '--names', 'journal-Build-Package', '--query', 'projects[0].[encryptionKey, arn]', '--output', 'text'], '222222222222');
      expect(project.stdout.trim().split(/\s+/), project.stderr).toEqual([keyArn, 'arn:aws:codebuild:us-east-1:222222222222:project/journal-Build-Package']);
      // a second plan is empty
      const again = await pipec(['plan', '--stack', '--detailed-exitcode', ...PROFILES], ws.dir);
      expect(again.stdout + again.stderr).toMatch(/No changes\. All 4 stacks match the configuration\./);
      expect(again.code).toBe(0);
      // every stack of the pipeline's account deleted (the key and bucket are kept): a new key, which the account stacks take
      for (const stack of ['journal-pipeline', 'journal-pipeline-artifacts']) expect(cli(['cloudformation', 'delete-stack', '--region', 'us-east-1', '--stack-name', stack]).status).toBe(0);
      const redeploy = await pipec(['apply', '--stack', '--auto-approve', '--format', 'json', ...PROFILES], ws.dir);
      expect(redeploy.code, redeploy.stdout + redeploy.stderr).toBe(0);
      expect((JSON.parse(redeploy.stdout) as Outcomes).stacks.map((s) => s.status)).toEqual(['created', 'updated', 'updated', 'created']);
      const newKey = output('journal-pipeline-artifacts', 'ArtifactKeyArn');
      expect(newKey).not.toBe(keyArn);
      expect(cli(['codebuild', 'batch-get-projects', '--region', 'us-east-1', '--names', 'journal-Build-Package', '--query', 'projects[0].encryptionKey', '--output', 'text'], '222222222222').stdout.trim()).toBe(newKey);
      expect((await pipec(['plan', '--stack', '--detailed-exitcode', ...PROFILES], ws.dir)).code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});

describe('environments in other accounts and regions, with keys pipec makes (test/fixtures/stack/cross-account-other-region.yml)', () => {
  const cli = (args: string[], account?: string) =>
    spawnSync('aws', args, {
      encoding: 'utf8',
      env: { ...moto.env, PATH: process.env.PATH ?? '', HOME: config.dir, AWS_CONFIG_FILE: join(config.dir, 'config'), ...(account ? { AWS_PROFILE: account === '222222222222' ? 'prod' : 'test', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } : {}) },
    });
  const output = (stack: string, region: string, key: string): string => cli(['cloudformation', 'describe-stacks', '--region', region, '--stack-name', stack, '--query', `Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue`, '--output', 'text']).stdout.trim();

  it('deploys the region stack before the account stacks, which grant the key it made by its ARN; the alarm rules read where each environment deploys; converges', { timeout: 600_000 }, async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    // the AWS CLI caches the profiles' assumed-role credentials in $HOME/.aws/cli/cache: those of an earlier moto are unknown to this one
    rmSync(join(config.dir, '.aws'), { recursive: true, force: true });
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'cross-account-other-region.yml'), 'utf8');
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/atlas-pipeline']);
    const ws = workspace({ 'pipeline.yml': text });
    try {
      const apply = await pipec(['apply', '--stack', '--auto-approve', '--format', 'json', ...PROFILES], ws.dir);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect((JSON.parse(apply.stdout) as Outcomes).stacks.map((s) => [s.stack, s.region, s.status])).toEqual([
        ['atlas-pipeline-artifacts', 'us-east-1', 'created'],
        ['atlas-pipeline-eu-west-1', 'eu-west-1', 'created'],
        ['atlas-pipeline-roles', 'us-east-1', 'created'],
        ['atlas-pipeline-roles', 'us-east-1', 'created'],
        ['atlas-pipeline', 'us-east-1', 'created'],
      ]);
      const euKey = output('atlas-pipeline-eu-west-1', 'eu-west-1', 'ArtifactKeyArn');
      expect(euKey).toMatch(/^arn:aws:kms:eu-west-1:111111111111:key\/[0-9a-f-]+$/);
      // the role prod's deploy and alarm rules assume in 222222222222: the eu-west-1 key by its ARN, the alarms in eu-west-1
      const read = cli(['iam', 'get-role-policy', '--role-name', 'pipec-deploy', '--policy-name', 'pipeline-actions', '--query', 'PolicyDocument', '--output', 'json'], '222222222222');
      const policy = JSON.parse(read.stdout) as { Statement: Array<{ Sid: string; Resource: string[] }> };
      expect(policy.Statement.find((st) => st.Sid === 'ArtifactKeyEuWest1')?.Resource).toEqual([euKey]);
      expect(policy.Statement.find((st) => st.Sid === 'ConditionAlarms')?.Resource).toEqual(['arn:aws:cloudwatch:eu-west-1:222222222222:alarm:prod-5xx', 'arn:aws:cloudwatch:eu-west-1:222222222222:alarm:prod-latency']);
      // the pipeline: prod's store in eu-west-1 by that key; its alarm rules in eu-west-1 with the role of 222222222222, qa's with 333333333333's
      const cp = new CodePipelineClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
      const got = await cp.send(new GetPipelineCommand({ name: 'atlas' }));
      cp.destroy();
      expect(got.pipeline?.artifactStores?.['eu-west-1']).toEqual({ type: 'S3', location: 'atlas-artifacts-111111111111-eu-west-1', encryptionKey: { id: euKey, type: 'KMS' } });
      const rules = Object.fromEntries((got.pipeline?.stages ?? []).map((st) => [st.name, (st.onSuccess?.conditions ?? []).flatMap((c) => c.rules ?? []).map((r) => [r.configuration?.AlarmName, r.region, r.roleArn])]));
      expect(rules).toMatchObject({
        staging: [['staging-5xx', undefined, undefined]],
        qa: [['qa-errors', undefined, 'arn:aws:iam::333333333333:role/pipec-deploy']],
        prod: [
          ['prod-5xx', 'eu-west-1', 'arn:aws:iam::222222222222:role/pipec-deploy'],
          ['prod-latency', 'eu-west-1', 'arn:aws:iam::222222222222:role/pipec-deploy'],
        ],
      });
      const again = await pipec(['plan', '--stack', '--detailed-exitcode', ...PROFILES], ws.dir);
      expect(again.stdout + again.stderr).toMatch(/No changes\. All 5 stacks match the configuration\./);
      expect(again.code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});
