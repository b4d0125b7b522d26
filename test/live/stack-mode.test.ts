// `pipec plan --stack` / `pipec apply --stack` against moto extended by test/support/moto_cfn
// (CloudFormation with the resource types pipec's stacks use, stack events, rollback and change
// set details). pipec runs as a process, as users run it, with a loopback endpoint and, for other
// accounts, AWS profiles that assume a role there through moto's STS.
import { CloudFormationClient, DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, GetPipelineCommand, ListTagsForResourceCommand } from '@aws-sdk/client-codepipeline';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runBin } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createBuckets, createRoles, XACCT_PIPELINE, workspace } from './support.js';

let moto: Moto;
let config: ReturnType<typeof workspace>;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

beforeAll(async () => {
  moto = await startMoto({ multiAccount: true });
  config = workspace({
    config: ['[profile prod]', 'role_arn = arn:aws:iam::222222222222:role/pipec-deployer', 'source_profile = base', '[profile base]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
  });
}, 180_000); // moto starts slowly while other suites share the 2 cores
afterAll(async () => {
  config?.cleanup();
  await moto?.stop();
});

/** pipec as a process in `cwd`, on moto, with the profiles above. */
function pipec(args: string[], cwd: string) {
  return runBin(args, { cwd, env: { ...moto.env, AWS_CONFIG_FILE: join(config.dir, 'config') }, timeoutMs: 120_000 });
}

/** A fresh moto with the roles the pipelines here run as ('role:', the user's own: the stacks attach policies to them). */
const reset = async () => {
  await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline', 'arn:aws:iam::111111111111:role/shared-artifact-store-pipeline']);
};
const cfn = () => new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
const example = (name: string) => readFileSync(join(ROOT, 'examples', name, 'pipeline.yml'), 'utf8');

async function stackStatus(name: string): Promise<string | undefined> {
  const client = cfn();
  try {
    return (await client.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]?.StackStatus;
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

describe('plan --stack / apply --stack on one pipeline', () => {
  let ws: ReturnType<typeof workspace>;
  beforeAll(async () => {
    await reset();
    ws = workspace({ 'pipeline.yml': example('minimal') });
  });
  afterAll(() => ws?.cleanup());

  it('plans the stack as a change set: every resource to add and the IAM statements it grants', () => {
    const r = pipec(['plan', '--stack'], ws.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ stack "web-pipeline" (us-east-1): create');
    expect(r.stdout).toContain('+ Pipeline AWS::CodePipeline::Pipeline');
    expect(r.stdout).toContain('+ BuildBuildProject AWS::CodeBuild::Project');
    // the pipeline runs as its 'role:', to which the stack attaches what it needs
    expect(r.stdout).toMatch(/IAM statement changes[^\n]*\n(.*\n)*.*\+ PipelineRolePolicy policy for pipeline: Allow /);
    expect(r.stdout).toContain('Plan: 1 stack to create, 0 to update, 0 unchanged.');
  });

  it('leaves no change set and no stack behind after a plan it does not save', async () => {
    expect(await stackStatus('web-pipeline')).toBeUndefined();
  });

  it('applies: a line per resource event, the outcome, and a pipeline tagged managed-by: pipec and with its project, as pipeline mode tags it', async () => {
    const r = pipec(['apply', '--stack', '--auto-approve'], ws.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('web-pipeline | CREATE_COMPLETE | AWS::CodePipeline::Pipeline | Pipeline');
    expect(r.stdout).toContain('✓ stack "web-pipeline" (us-east-1): created (CREATE_COMPLETE)');
    // not a terminal: no spinner, no control characters
    expect(r.stdout).not.toMatch(/[\r\x1b⠋⠙]/);
    expect(await stackStatus('web-pipeline')).toBe('CREATE_COMPLETE');
    const cp = new CodePipelineClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    const got = await cp.send(new GetPipelineCommand({ name: 'web' }));
    const tags = await cp.send(new ListTagsForResourceCommand({ resourceArn: got.metadata?.pipelineArn as string }));
    cp.destroy();
    expect(tags.tags).toContainEqual({ key: 'managed-by', value: 'pipec' });
    // the project is the workspace directory's name, as in pipeline mode
    expect(tags.tags).toContainEqual({ key: 'pipec:project', value: basename(ws.dir) });
  });

  it('a second plan is empty', () => {
    const r = pipec(['plan', '--stack', '--detailed-exitcode'], ws.dir);
    expect(r.stdout).toContain('No changes.');
    expect(r.code).toBe(0);
  });

  it('a changed pipeline.yml shows the pipeline fields, the resources and the IAM statements that change, and converges', async () => {
    ws.write({ 'pipeline.yml': example('minimal').replace('npm run build]', 'npm run build:prod]').replace('web-prod-site', 'web-prod-site-2') });
    const r = pipec(['plan', '--stack', '--out', 'plan.json', '--detailed-exitcode'], ws.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('~ stack "web-pipeline" (us-east-1): update');
    expect(r.stdout).toContain('~ configuration.BucketName: "web-prod-site" -> "web-prod-site-2"');
    expect(r.stdout).toContain('~ BuildBuildProject AWS::CodeBuild::Project (Source)');
    expect(r.stdout).toContain('~ Pipeline AWS::CodePipeline::Pipeline (Stages)');
    expect(r.stdout).toContain('+ PipelineRolePolicy policy for pipeline: Allow s3:PutObject on arn:${AWS::Partition}:s3:::web-prod-site-2/*');
    expect(r.stdout).toContain('- PipelineRolePolicy policy for pipeline: Allow s3:PutObject on arn:${AWS::Partition}:s3:::web-prod-site/*');
    const a = pipec(['apply', 'plan.json'], ws.dir);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('web-pipeline | UPDATE_COMPLETE | AWS::CodeBuild::Project | BuildBuildProject');
    expect(a.stdout).toContain('✓ stack "web-pipeline" (us-east-1): updated (UPDATE_COMPLETE)');
    const again = pipec(['plan', '--stack', '--detailed-exitcode'], ws.dir);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
  });

  it('refuses a saved plan whose stack changed since, and changes nothing', () => {
    ws.write({ 'pipeline.yml': example('minimal').replace('npm test,', 'npm test -- --ci,') });
    expect(pipec(['plan', '--stack', '--out', 'stale.json'], ws.dir).code).toBe(0);
    ws.write({ 'pipeline.yml': example('minimal').replace('npm test,', 'npm test -- --all,') });
    expect(pipec(['apply', '--stack', '--auto-approve'], ws.dir).code).toBe(0);
    ws.write({ 'pipeline.yml': example('minimal').replace('npm test,', 'npm test -- --ci,') });
    const r = pipec(['apply', 'stale.json'], ws.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to apply stale.json: the stacks are no longer what was planned against');
    expect(r.stderr).toContain('stack web-pipeline (us-east-1) changed since the plan');
  });
});

describe('stacks of another project', () => {
  it('are left alone unless adopted, as pipeline mode leaves the pipelines of another project', async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': `project: shop\n${example('minimal')}` });
    const other = workspace({ 'pipeline.yml': `project: blog\n${example('minimal')}` });
    try {
      expect(pipec(['apply', '--stack', '--auto-approve'], ws.dir).code).toBe(0);
      const r = pipec(['plan', '--stack'], other.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("pipec: stack web-pipeline in us-east-1 belongs to pipec project 'shop', not 'blog'; plan with --adopt web to take it over");
      const adopted = pipec(['apply', '--stack', '--auto-approve', '--adopt', 'web'], other.dir);
      expect(adopted.stderr).toBe('');
      expect(adopted.code).toBe(0);
      const cp = new CodePipelineClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
      const got = await cp.send(new GetPipelineCommand({ name: 'web' }));
      const tags = await cp.send(new ListTagsForResourceCommand({ resourceArn: got.metadata?.pipelineArn as string }));
      cp.destroy();
      expect(tags.tags).toContainEqual({ key: 'pipec:project', value: 'blog' });
    } finally {
      ws.cleanup();
      other.cleanup();
    }
  });
});

describe('a stack that fails', () => {
  it('is reported with its failing resource and reason and the rollback, exit 1; plan then says what to do', async () => {
    await reset();
    // the notification topic storefront-edge names is the user's own, and does not exist here
    const ws = workspace({ 'pipeline.yml': example('shared-artifact-store') });
    try {
      const r = pipec(['apply', '--stack', '--auto-approve', 'pipeline.yml'], ws.dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('storefront-edge-pipeline | CREATE_FAILED | AWS::CodeStarNotifications::NotificationRule | NotificationRule');
      expect(r.stdout).toContain('✗ stack "storefront-edge-pipeline" (us-east-1): failed; the stack is ROLLBACK_COMPLETE (CloudFormation rolled it back)');
      expect(r.stdout).toContain('NotificationRule (AWS::CodeStarNotifications::NotificationRule) CREATE_FAILED: Target arn:aws:sns:us-east-1:111111111111:storefront-alerts does not exist');
      expect(r.stdout).toMatch(/Apply incomplete: .*1 failed/);
      const p = pipec(['plan', '--stack'], ws.dir);
      expect(p.code).toBe(1);
      expect(p.stderr).toContain('stack storefront-edge-pipeline failed to create and was rolled back (ROLLBACK_COMPLETE); CloudFormation can only delete it: aws cloudformation delete-stack --region us-east-1 --stack-name storefront-edge-pipeline');
    } finally {
      ws.cleanup();
    }
  });
});

/** Pipeline regional, whose build `action` runs in eu-west-1, where its region stack makes the store `bucket`. */
function regional(bucket: string, action: string): string {
  return [
    'name: regional',
    'role: arn:aws:iam::111111111111:role/pipeline',
    'region: us-east-1',
    'artifacts:',
    '  bucket: acme-artifacts',
    '  stores:',
    `    eu-west-1: { bucket: ${bucket} }`,
    'source: codecommit:web-app@main',
    'stages:',
    '  - name: Build',
    '    actions:',
    `      - name: ${action}`,
    '        build: { commands: [make] }',
    '        region: eu-west-1',
    '',
  ].join('\n');
}

describe('a change that replaces and removes resources', () => {
  it('shows the replacement and the removal in the stack they happen in, and converges', async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': regional('regional-artifacts-eu', 'Bundle') });
    try {
      expect(pipec(['apply', '--stack', '--auto-approve'], ws.dir).code).toBe(0);
      // the store's bucket gets another name (a create-only property) and the build another name
      ws.write({ 'pipeline.yml': regional('regional-artifacts-eu-2', 'Package') });
      const r = pipec(['plan', '--stack', '--detailed-exitcode', '--no-color'], ws.dir);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      const region = r.stdout.slice(r.stdout.indexOf('~ stack "regional-pipeline-eu-west-1" (eu-west-1): update'), r.stdout.indexOf('stack "regional-pipeline" (us-east-1)'));
      expect(region).toContain('± ArtifactBucket AWS::S3::Bucket (BucketName) replaced');
      expect(region).toContain('- BuildBundleProject AWS::CodeBuild::Project');
      expect(region).toContain('+ BuildPackageProject AWS::CodeBuild::Project');
      // and the pipeline's own fields that change with them
      expect(r.stdout).toContain('~ stack "regional-pipeline" (us-east-1): update');
      expect(r.stdout).toContain('pipeline "regional":');
      expect(r.stdout).toContain('- action "Bundle" (AWS/CodeBuild/1)');
      expect(r.stdout).toContain('+ action "Package" (AWS/CodeBuild/1)');
      expect(r.stdout).not.toContain('- artifactStores');
      const a = pipec(['apply', '--stack', '--auto-approve'], ws.dir);
      expect(a.code, a.stdout + a.stderr).toBe(0);
      const again = pipec(['plan', '--stack', '--detailed-exitcode', '--no-color'], ws.dir);
      expect(again.code, again.stdout + again.stderr).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});

describe('a stack that fails on update, or a support stack that fails', () => {
  it('an update that fails: its failing resource and reason, the rollback to the stack as it was, exit 1; fixed, it applies', async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': example('minimal') });
    try {
      expect(pipec(['apply', '--stack', '--auto-approve'], ws.dir).code).toBe(0);
      // a notification topic that does not exist (the user's own): the rule cannot be created
      const topic = 'arn:aws:sns:us-east-1:111111111111:web-alerts';
      ws.write({ 'pipeline.yml': `${example('minimal')}notifications: { topic: ${topic}, events: [pipeline-failed] }\n` });
      const r = pipec(['apply', '--stack', '--auto-approve'], ws.dir);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain('web-pipeline | CREATE_FAILED | AWS::CodeStarNotifications::NotificationRule | NotificationRule');
      expect(r.stdout).toContain('✗ stack "web-pipeline" (us-east-1): failed; the stack is UPDATE_ROLLBACK_COMPLETE (CloudFormation rolled it back)');
      expect(r.stdout).toContain(`NotificationRule (AWS::CodeStarNotifications::NotificationRule) CREATE_FAILED: Target ${topic} does not exist`);
      expect(r.stdout).toMatch(/Apply incomplete: .*1 failed/);
      expect(await stackStatus('web-pipeline')).toBe('UPDATE_ROLLBACK_COMPLETE');
      // the stack is as before: the change is still to make, and once the topic exists it applies
      const again = pipec(['plan', '--stack', '--detailed-exitcode'], ws.dir);
      expect(again.code, again.stdout + again.stderr).toBe(2);
      expect(again.stdout).toContain('+ NotificationRule AWS::CodeStarNotifications::NotificationRule');
      // a plan not saved deletes the UPDATE change set it read
      const client = cfn();
      expect((await client.send(new ListChangeSetsCommand({ StackName: 'web-pipeline' }))).Summaries ?? []).toEqual([]);
      client.destroy();
      await fetch(`${moto.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0' },
        body: new URLSearchParams({ Action: 'CreateTopic', Name: 'web-alerts', Version: '2010-03-31' }),
      });
      const fixed = pipec(['apply', '--stack', '--auto-approve'], ws.dir);
      expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
      expect(await stackStatus('web-pipeline')).toBe('UPDATE_COMPLETE');
    } finally {
      ws.cleanup();
    }
  });

  it("a region stack that fails: its failing resource and reason; the pipeline's stack is not started; exit 1", async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': regional('taken-artifacts-eu', 'Bundle') });
    try {
      // the region stack's bucket name is taken (bucket names are global)
      await createBuckets(moto.endpoint, ['taken-artifacts-eu'], 'eu-west-1');
      const r = pipec(['apply', '--stack', '--auto-approve'], ws.dir);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/regional-pipeline-eu-west-1 \| CREATE_FAILED \| AWS::S3::Bucket \| ArtifactBucket/);
      expect(r.stdout).toContain('✗ stack "regional-pipeline-eu-west-1" (eu-west-1): failed; the stack is ROLLBACK_COMPLETE (CloudFormation rolled it back)');
      expect(r.stdout).toContain('ArtifactBucket (AWS::S3::Bucket) CREATE_FAILED: BucketAlreadyExists: The requested bucket name is not available.');
      expect(r.stdout).toContain('stack "regional-pipeline" (us-east-1): not started: an earlier stack of pipeline regional did not deploy');
      expect(await stackStatus('regional-pipeline')).toBeUndefined();
    } finally {
      ws.cleanup();
    }
  });
});

describe("a pipeline that runs as a role of the user's", () => {
  const PIPELINE = 'name: extras\nrole: arn:aws:iam::111111111111:role/pipeline\nsource: codecommit:extras@main\nbuild: { commands: [make] }\n';
  /** The AWS CLI (v1) in bash on moto, as a user pastes a command pipec printed. */
  const aws = (command: string, cwd: string) => spawnSync('bash', ['-c', command], { cwd, env: { ...moto.env, PATH: process.env.PATH ?? '', HOME: cwd }, encoding: 'utf8' });

  it("PC4010's attach-role-policy command, run verbatim, attaches the managed policy the stack cannot", async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': `${PIPELINE}managed-policies: [arn:aws:iam::111111111111:policy/pipeline-extras]\n` });
    try {
      const made = aws(`aws iam create-policy --policy-name pipeline-extras --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}'`, ws.dir);
      expect(made.status, made.stderr).toBe(0);
      const r = pipec(['apply', '--stack', '--auto-approve', '--no-color'], ws.dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('warning[PC4010]: managed policy arn:aws:iam::111111111111:policy/pipeline-extras cannot be attached');
      const command = /help: attach it yourself: (aws iam attach-role-policy [^,]+),/.exec(r.stderr)?.[1] as string;
      expect(command).toBe('aws iam attach-role-policy --role-name pipeline --policy-arn arn:aws:iam::111111111111:policy/pipeline-extras');
      const done = aws(command, ws.dir);
      expect(done.status, done.stderr).toBe(0);
      const attached = aws('aws iam list-attached-role-policies --role-name pipeline --query "AttachedPolicies[].PolicyArn" --output text', ws.dir);
      expect(attached.stdout.trim()).toBe('arn:aws:iam::111111111111:policy/pipeline-extras');
      // beside it, the policy the stack attached to the role: what the pipeline needs
      const inline = aws('aws iam list-role-policies --role-name pipeline --query "PolicyNames" --output text', ws.dir);
      expect(inline.stdout.trim()).toBe('pipec-extras-us-east-1');
    } finally {
      ws.cleanup();
    }
  }, 300_000); // AWS CLI processes

  it('role-policy: none: the stack deploys and attaches nothing to the role; the pipeline runs as it', async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': `${PIPELINE}role-policy: none\nartifacts: extras-artifacts\n` });
    try {
      const r = pipec(['apply', '--stack', '--auto-approve', '--no-color'], ws.dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('AWS::IAM::Policy');
      const inline = aws('aws iam list-role-policies --role-name pipeline --query "PolicyNames" --output text', ws.dir);
      expect(inline.status, inline.stderr).toBe(0);
      expect(inline.stdout.trim()).toBe('');
      const client = new CodePipelineClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
      try {
        expect((await client.send(new GetPipelineCommand({ name: 'extras' }))).pipeline?.roleArn).toBe('arn:aws:iam::111111111111:role/pipeline');
      } finally {
        client.destroy();
      }
      const again = pipec(['plan', '--stack', '--detailed-exitcode'], ws.dir);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      // pipeline mode agrees: the stack's pipeline is the one codepipeline.json describes
      const pipelineMode = pipec(['plan', '--detailed-exitcode'], ws.dir);
      expect(pipelineMode.code, pipelineMode.stdout + pipelineMode.stderr).toBe(0);
    } finally {
      ws.cleanup();
    }
  }, 300_000);
});

describe('stacks in other accounts', () => {
  it('without a profile for the account, plan says exactly what to run there', async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': XACCT_PIPELINE });
    try {
      const r = pipec(['plan', '--stack'], ws.dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('! stack "xacct-pipeline-roles" (us-east-1, account 222222222222): deploy it in account 222222222222 yourself');
      expect(r.stdout).toContain('pass --account-profile 222222222222=PROFILE');
      expect(r.stdout).toContain(
        `aws cloudformation deploy --region us-east-1 --template-file out/xacct/cloudformation.account-222222222222.yml --stack-name xacct-pipeline-roles --capabilities CAPABILITY_NAMED_IAM --tags managed-by=pipec pipec:project=${basename(ws.dir)}`,
      );
    } finally {
      ws.cleanup();
    }
  });

  it('with --account-profile, deploys the account stack there first, then the pipeline stack', async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': XACCT_PIPELINE });
    try {
      const r = pipec(['apply', '--stack', '--auto-approve', '--account-profile', '222222222222=prod'], ws.dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const order = [r.stdout.indexOf('Deploying stack xacct-pipeline-roles'), r.stdout.indexOf('Deploying stack xacct-pipeline (')];
      expect(order[0]).toBeGreaterThanOrEqual(0);
      expect(order[1]).toBeGreaterThan(order[0] as number);
      // the roles stack is in account 222222222222, not in the pipeline's
      expect(await stackStatus('xacct-pipeline-roles')).toBeUndefined();
      const again = pipec(['plan', '--stack', '--detailed-exitcode', '--account-profile', '222222222222=prod'], ws.dir);
      expect(again.stdout).toContain('All 2 stacks match the configuration.');
      expect(again.code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});

describe('stack mode usage', () => {
  it('rejects a malformed --account-profile and --prune with --stack', () => {
    const ws = workspace({ 'pipeline.yml': example('minimal') });
    try {
      const bad = pipec(['plan', '--stack', '--account-profile', '2222=prod'], ws.dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("option '--account-profile' takes ACCOUNT=PROFILE with a 12-digit account id");
      const prune = pipec(['plan', '--stack', '--prune'], ws.dir);
      expect(prune.code).toBe(2);
      const noStack = pipec(['plan', '--account-profile', '222222222222=prod'], ws.dir);
      expect(noStack.code).toBe(2);
      expect(noStack.stderr).toContain('--account-profile goes with --stack');
    } finally {
      ws.cleanup();
    }
  });
});

describe('saved stack plans', () => {
  it('a damaged stack plan is refused with what is wrong', () => {
    const ws = workspace({ 'pipeline.yml': example('minimal') });
    try {
      writeFileSync(join(ws.dir, 'p.json'), JSON.stringify({ format: 'pipec-stack-plan', formatVersion: 1, plan: {} }));
      const r = pipec(['apply', 'p.json'], ws.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot use p.json as a plan: it is damaged/);
    } finally {
      ws.cleanup();
    }
  });
});
