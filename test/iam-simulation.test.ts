import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandIamActions, type InvalidActionBehavior } from '@cloud-copilot/iam-expand';
import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemplate } from './support/resolve-template.js';
import { compileExample, examples, templatesIn, type TemplateFile } from './support/targets.js';

/**
 * The IAM policies of every example's stacks, evaluated with an IAM policy simulator
 * (@cloud-copilot/iam-simulate) against the calls each action makes at run time (the table
 * below, per provider, from each provider's action reference in the CodePipeline user guide),
 * made by the role that makes them: the pipeline role, the role an action assumes in another
 * account, the CodeBuild project's role. Every call must be allowed. Also: every action a
 * policy names exists (@cloud-copilot/iam-expand), a "*" resource only for calls that have no
 * resource-level permissions or under a condition, and iam:PassRole always limited by
 * iam:PassedToService. Identity policies only: the key and bucket policies that let other
 * accounts in are checked by test/cloudformation.test.ts.
 */

interface Call {
  action: string;
  resource: string;
  context?: Record<string, string>;
  /** Why the call is made (in failure messages). */
  why: string;
}

interface PipelineAction {
  name: string;
  actionTypeId: { category: string; owner: string; provider: string };
  configuration?: Record<string, string>;
  roleArn?: string;
  region?: string;
}
interface Rule {
  name: string;
  ruleTypeId: { provider: string };
  configuration?: Record<string, string>;
  roleArn?: string;
  region?: string;
}
interface Declaration {
  pipeline: {
    name: string;
    roleArn: string;
    artifactStore?: { location: string; encryptionKey?: { id: string } };
    artifactStores?: Record<string, { location: string; encryptionKey?: { id: string } }>;
    stages: Array<{ name: string; actions: PipelineAction[]; onSuccess?: { conditions: Array<{ rules: Rule[] }> }; beforeEntry?: { conditions: Array<{ rules: Rule[] }> } }>;
  };
}

const arnAccount = (arn: string | undefined): string | undefined => (arn ? /^arn:aws:iam::(\d{12}):/.exec(arn)?.[1] : undefined);

/** The calls an action makes at run time, beyond reading and writing artifacts. */
const RUNTIME: Record<string, (c: Record<string, string>, r: string, a: string) => Call[]> = {
  'Source/CodeCommit': (c, r, a) =>
    ['GetBranch', 'GetCommit', 'UploadArchive', 'GetUploadArchiveStatus'].map((x) => ({ action: `codecommit:${x}`, resource: `arn:aws:codecommit:${r}:${a}:${c.RepositoryName}`, why: 'CodeCommit source (action-reference-CodeCommit)' })),
  'Source/S3': (c) => [
    { action: 's3:GetObject', resource: `arn:aws:s3:::${c.S3Bucket}/${c.S3ObjectKey}`, why: 'S3 source object' },
    { action: 's3:GetBucketVersioning', resource: `arn:aws:s3:::${c.S3Bucket}`, why: 'S3 source bucket' },
  ],
  'Source/CodeStarSourceConnection': (c) => [{ action: `${(c.ConnectionArn ?? '').includes(':codeconnections:') ? 'codeconnections' : 'codestar-connections'}:UseConnection`, resource: c.ConnectionArn as string, why: 'connection source' }],
  'Source/ECR': (c, r, a) => [{ action: 'ecr:DescribeImages', resource: `arn:aws:ecr:${r}:${a}:repository/${c.RepositoryName}`, why: 'ECR source' }],
  'Build/CodeBuild': (c, r, a) => ['StartBuild', 'BatchGetBuilds'].map((x) => ({ action: `codebuild:${x}`, resource: `arn:aws:codebuild:${r}:${a}:project/${c.ProjectName}`, why: 'CodeBuild action' })),
  'Deploy/CloudFormation': (c, r, a) => [
    ...(c.ActionMode === 'CHANGE_SET_REPLACE' ? ['CreateChangeSet', 'DescribeChangeSet', 'DescribeStacks'] : c.ActionMode === 'CHANGE_SET_EXECUTE' ? ['ExecuteChangeSet', 'DescribeChangeSet'] : c.ActionMode === 'DELETE_ONLY' ? ['DeleteStack', 'DescribeStacks'] : ['CreateStack', 'UpdateStack', 'DescribeStacks']).map((x) => ({
      action: `cloudformation:${x}`,
      resource: `arn:aws:cloudformation:${r}:${a}:stack/${c.StackName}/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
      why: `CloudFormation ${c.ActionMode}`,
    })),
    ...(c.RoleArn && c.ActionMode !== 'CHANGE_SET_EXECUTE' ? [{ action: 'iam:PassRole', resource: c.RoleArn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, why: 'passing the stack role' }] : []),
  ],
  'Deploy/S3': (c) => [{ action: 's3:PutObject', resource: `arn:aws:s3:::${c.BucketName}/${c.ObjectKey ?? 'index.html'}${c.Extract === 'true' && c.ObjectKey ? '/index.html' : ''}`, why: 'S3 deploy' }],
  'Deploy/ECS': (c, r, a) => [
    { action: 'ecs:UpdateService', resource: `arn:aws:ecs:${r}:${a}:service/${c.ClusterName}/${c.ServiceName}`, why: 'ECS deploy' },
    { action: 'ecs:DescribeServices', resource: `arn:aws:ecs:${r}:${a}:service/${c.ClusterName}/${c.ServiceName}`, why: 'ECS deploy' },
    { action: 'ecs:RegisterTaskDefinition', resource: '*', why: 'ECS deploy' },
    { action: 'iam:PassRole', resource: `arn:aws:iam::${a}:role/task-role`, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }, why: 'task role of the new task definition' },
  ],
  'Deploy/CodeDeploy': (c, r, a) => [
    { action: 'codedeploy:CreateDeployment', resource: `arn:aws:codedeploy:${r}:${a}:deploymentgroup:${c.ApplicationName}/${c.DeploymentGroupName}`, why: 'CodeDeploy deploy' },
    { action: 'codedeploy:GetDeploymentConfig', resource: `arn:aws:codedeploy:${r}:${a}:deploymentconfig:CodeDeployDefault.OneAtATime`, why: 'CodeDeploy deploy' },
    { action: 'codedeploy:RegisterApplicationRevision', resource: `arn:aws:codedeploy:${r}:${a}:application:${c.ApplicationName}`, why: 'CodeDeploy deploy' },
  ],
  'Deploy/CodeDeployToECS': (c, r, a) => [
    { action: 'codedeploy:CreateDeployment', resource: `arn:aws:codedeploy:${r}:${a}:deploymentgroup:${c.ApplicationName}/${c.DeploymentGroupName}`, why: 'ECS blue/green' },
    { action: 'ecs:RegisterTaskDefinition', resource: '*', why: 'ECS blue/green' },
    { action: 'iam:PassRole', resource: `arn:aws:iam::${a}:role/task-role`, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }, why: 'task role' },
  ],
  'Invoke/Lambda': (c, r, a) => [{ action: 'lambda:InvokeFunction', resource: c.FunctionName?.startsWith('arn:') ? c.FunctionName : `arn:aws:lambda:${r}:${a}:function:${c.FunctionName}`, why: 'Lambda invoke' }],
  'Invoke/StepFunctions': (c) => [{ action: 'states:StartExecution', resource: c.StateMachineArn as string, why: 'Step Functions invoke' }],
  'Invoke/CodePipeline': (c, r, a) => [{ action: 'codepipeline:StartPipelineExecution', resource: `arn:aws:codepipeline:${r}:${a}:${c.PipelineName}`, why: 'pipeline invoke' }],
  'Approval/Manual': (c) => (c.NotificationArn ? [{ action: 'sns:Publish', resource: c.NotificationArn, why: 'approval notification' }] : []),
  'Compute/Commands': () => [],
  'Deploy/AppConfig': (c, r, a) => [{ action: 'appconfig:StartDeployment', resource: `arn:aws:appconfig:${r}:${a}:application/${c.Application}/environment/${c.Environment}`, why: 'AppConfig deploy' }],
  'Deploy/CloudFormationStackSet': (c, r, a) => [{ action: 'cloudformation:UpdateStackSet', resource: `arn:aws:cloudformation:${r}:${a}:stackset/${c.StackSetName}:0b1c2d3e`, why: 'StackSet deploy' }],
  'Deploy/CloudFormationStackInstances': (c, r, a) => [{ action: 'cloudformation:CreateStackInstances', resource: `arn:aws:cloudformation:${r}:${a}:stackset/${c.StackSetName}:0b1c2d3e`, why: 'StackSet instances' }],
  'Deploy/ElasticBeanstalk': (c, r, a) => [{ action: 'elasticbeanstalk:UpdateEnvironment', resource: `arn:aws:elasticbeanstalk:${r}:${a}:environment/${c.ApplicationName}/${c.EnvironmentName}`, why: 'Elastic Beanstalk deploy' }],
  'Deploy/EC2': (c, r, a) => [{ action: 'ssm:SendCommand', resource: c.InstanceType === 'SSM_MANAGED_NODE' ? `arn:aws:ssm:${r}:${a}:managed-instance/mi-0123456789abcdef0` : `arn:aws:ec2:${r}:${a}:instance/i-0123456789abcdef0`, context: { [`aws:ResourceTag/${c.InstanceTagKey}`]: c.InstanceTagValue ?? 'any' }, why: 'EC2 deploy to a tagged instance' }],
  'Deploy/EKS': (c, r, a) => [{ action: 'eks:DescribeCluster', resource: `arn:aws:eks:${r}:${a}:cluster/${c.ClusterName}`, why: 'EKS deploy' }],
  'Deploy/ServiceCatalog': (c, r, a) => [{ action: 'servicecatalog:UpdateProduct', resource: `arn:aws:catalog:${r}:${a}:product/${c.ProductId}`, why: 'Service Catalog deploy' }],
  'Test/DeviceFarm': (_c, _r, a) => [{ action: 'devicefarm:ScheduleRun', resource: `arn:aws:devicefarm:us-west-2:${a}:project:0b1c2d3e`, why: 'Device Farm test' }],
  'Invoke/InspectorScan': () => [{ action: 'inspector-scan:ScanSbom', resource: '*', why: 'Inspector scan' }],
  'Build/ECRBuildAndPublish': (c, r, a) => [{ action: 'ecr:PutImage', resource: `arn:aws:ecr:${r}:${a}:repository/${c.ECRRepositoryName}`, why: 'ECR build and publish' }],
};
RUNTIME['Test/CodeBuild'] = RUNTIME['Build/CodeBuild']!;

/** Calls every role that runs an action makes on the artifact store it uses. */
function artifactCalls(store: { location: string; encryptionKey?: { id: string } } | undefined, pipeline: string): Call[] {
  if (!store) return [];
  const objects = `arn:aws:s3:::${store.location}/${pipeline.slice(0, 20)}/Build/abc123`;
  return [
    { action: 's3:GetObject', resource: objects, why: 'reading an input artifact' },
    { action: 's3:PutObject', resource: objects, why: 'writing an output artifact' },
    ...(store.encryptionKey && /:key\//.test(store.encryptionKey.id)
      ? [
          { action: 'kms:Decrypt', resource: store.encryptionKey.id, why: 'decrypting an artifact' },
          { action: 'kms:GenerateDataKey', resource: store.encryptionKey.id, why: 'encrypting an artifact' },
        ]
      : []),
  ];
}

type Policy = { Statement: Array<Record<string, unknown>> };
interface RoleView {
  arn: string;
  account: string;
  policies: Policy[];
  where: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'pipec-iam-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const stacks: Array<{ t: TemplateFile; resolved: TemplateFile['tree']; account: string; region: string; out: string }> = [];

beforeAll(async () => {
  for (const name of examples) {
    const out = join(scratch, name);
    await compileExample(name, out);
    for (const t of templatesIn(name, out)) {
      const decl = JSON.parse(readFileSync(join(out, t.pipeline, 'codepipeline.json'), 'utf8')) as Declaration;
      const account = /account-(\d{12})/.exec(t.file)?.[1] ?? arnAccount(decl.pipeline.roleArn) ?? '111111111111';
      const region = /--region (\S+)/.exec(t.text)?.[1] ?? 'us-east-1';
      stacks.push({ t, resolved: resolveTemplate(t, { account, region }), account, region, out });
    }
  }
});

/** The roles of a set of stacks with their policies (inline, and AWS::IAM::Policy attached to them). */
function rolesOf(list: typeof stacks): RoleView[] {
  const out: RoleView[] = [];
  for (const s of list) {
    const res = s.resolved.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    for (const [id, r] of Object.entries(res)) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      const name = (r.Properties.RoleName as string | undefined) ?? id;
      const path = (r.Properties.Path as string | undefined) ?? '/';
      const policies = ((r.Properties.Policies as Array<{ PolicyDocument: Policy }> | undefined) ?? []).map((p) => p.PolicyDocument);
      for (const p of Object.values(res))
        if (p.Type === 'AWS::IAM::Policy' && ((p.Properties.Roles as string[]) ?? []).includes(s.t.tree.Resources[id] ? name : id)) policies.push(p.Properties.PolicyDocument as Policy);
      out.push({ arn: `arn:aws:iam::${s.account}:role${path}${name}`, account: s.account, policies, where: `${s.t.example}/${s.t.pipeline}/${s.t.file} ${id}` });
    }
  }
  return out;
}

/**
 * The key policy of a KMS key the pipeline's stacks create (by its resolved ARN); for a key of the
 * user's own, the policy the stack header reminds them to give it: the key's account administers
 * it (IAM policies decide), the account of the role that calls may use it.
 */
function keyPolicyOf(keyArn: string, mine: typeof stacks, caller: string): { policy: Policy; account: string } {
  const account = /^arn:aws:kms:[^:]+:(\d{12}):/.exec(keyArn)?.[1] ?? '111111111111';
  for (const s of mine)
    for (const [id, r] of Object.entries(s.resolved.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>))
      if (r.Type === 'AWS::KMS::Key' && keyArn === `arn:aws:kms:${s.region}:${s.account}:key/key-${id.toLowerCase()}`) return { policy: r.Properties.KeyPolicy as Policy, account: s.account };
  return {
    policy: {
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${caller}:root` }, Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Resource: '*' },
      ],
    },
    account,
  };
}

async function allowed(role: RoleView, call: Call, mine: typeof stacks): Promise<string> {
  const key = call.action.startsWith('kms:') ? keyPolicyOf(call.resource, mine, role.account) : undefined;
  const r = await runSimulation(
    {
      identityPolicies: role.policies.map((policy, i) => ({ name: `p${i}`, policy: { Version: '2012-10-17', ...policy } as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: key ? ({ Version: '2012-10-17', ...key.policy } as never) : undefined,
      request: { action: call.action, principal: role.arn, resource: { resource: call.resource, accountId: key?.account ?? role.account }, contextVariables: call.context ?? {} },
    },
    {},
  );
  if (r.resultType === 'error') return `error: ${JSON.stringify(r.errors).slice(0, 400)}`;
  return r.overallResult;
}

describe('IAM policies of every example, simulated', () => {
  it('allow every call each action, rule and CodeBuild project makes at run time, by the role that makes it', async () => {
    const failures: string[] = [];
    let calls = 0;
    const pipelines = [...new Set(stacks.map((s) => `${s.t.example}/${s.t.pipeline}`))];
    for (const key of pipelines) {
      const mine = stacks.filter((s) => `${s.t.example}/${s.t.pipeline}` === key);
      const main = mine.find((s) => s.t.file === 'cloudformation.yml');
      if (!main) continue;
      const roles = rolesOf(mine);
      const decl = JSON.parse(readFileSync(join(main.out, main.t.pipeline, 'codepipeline.json'), 'utf8')) as Declaration;
      // the stack's pipeline, as CloudFormation resolves it (its own role, stores with key ARNs)
      const cfnPipeline = (main.resolved.Resources as Record<string, { Properties: Record<string, unknown> }>).Pipeline!.Properties;
      const stores = new Map<string, { location: string; encryptionKey?: { id: string } }>();
      const single = cfnPipeline.ArtifactStore as { Location: string; EncryptionKey?: { Id: string } } | undefined;
      if (single) stores.set(main.region, { location: single.Location, ...(single.EncryptionKey ? { encryptionKey: { id: single.EncryptionKey.Id } } : {}) });
      for (const s of (cfnPipeline.ArtifactStores as Array<{ Region: string; ArtifactStore: { Location: string; EncryptionKey?: { Id: string } } }> | undefined) ?? [])
        stores.set(s.Region, { location: s.ArtifactStore.Location, ...(s.ArtifactStore.EncryptionKey ? { encryptionKey: { id: s.ArtifactStore.EncryptionKey.Id } } : {}) });
      const pipelineRole = roles.find((r) => r.where.endsWith(' PipelineRole')) as RoleView;
      const roleFor = (arn: string | undefined, account: string): RoleView | undefined => (arn && account !== main.account ? roles.find((r) => r.arn === arn) : pipelineRole);
      const check = async (role: RoleView | undefined, list: Call[], what: string): Promise<void> => {
        if (!role) {
          failures.push(`${key}: no role for ${what}`);
          return;
        }
        for (const call of list) {
          calls++;
          const result = await allowed(role, call, mine);
          if (result !== 'Allowed') failures.push(`${key}: ${what}: ${call.action} on ${call.resource} (${call.why}) by ${role.where}: ${result}`);
        }
      };
      for (const stage of decl.pipeline.stages) {
        for (const a of stage.actions) {
          const type = `${a.actionTypeId.category}/${a.actionTypeId.provider}`;
          if (a.actionTypeId.owner !== 'AWS') continue;
          const fn = RUNTIME[type];
          if (!fn) {
            failures.push(`${key}: no run-time call table for ${type}`);
            continue;
          }
          const region = a.region ?? main.region;
          const account = arnAccount(a.roleArn) ?? main.account;
          const config = { ...(a.configuration ?? {}) };
          // the stack names its own projects; codepipeline.json the same name
          const role = roleFor(a.roleArn, account);
          const list = [...fn(config, region, account), ...(type.startsWith('Source/') || type === 'Approval/Manual' || type.startsWith('Invoke/Lambda') ? [] : artifactCalls(stores.get(region), decl.pipeline.name))];
          if (type.startsWith('Source/')) list.push(...artifactCalls(stores.get(region), decl.pipeline.name).filter((c) => c.action !== 's3:GetObject' && c.action !== 'kms:Decrypt'));
          await check(role, list, `action ${stage.name}.${a.name} (${type})`);
        }
        for (const c of [...(stage.onSuccess?.conditions ?? []), ...(stage.beforeEntry?.conditions ?? [])])
          for (const rule of c.rules) {
            if (rule.ruleTypeId.provider !== 'CloudWatchAlarm') continue;
            const account = arnAccount(rule.roleArn) ?? main.account;
            const region = rule.region ?? main.region;
            await check(roleFor(rule.roleArn, account), [{ action: 'cloudwatch:DescribeAlarms', resource: `arn:aws:cloudwatch:${region}:${account}:alarm:${rule.configuration?.AlarmName}`, why: 'alarm rule' }], `rule ${stage.name}.${rule.name}`);
          }
      }
      // CodeBuild projects: logs and the artifact store of the region their stack is in
      for (const s of mine)
        for (const [id, r] of Object.entries(s.resolved.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)) {
          if (r.Type !== 'AWS::CodeBuild::Project') continue;
          const roleArn = r.Properties.ServiceRole as string;
          const role = roles.find((x) => x.arn === roleArn || x.arn.endsWith(`:role/${roleArn.split(':role/')[1]}`));
          const group = (r.Properties.LogsConfig as { CloudWatchLogs: { GroupName: string } }).CloudWatchLogs.GroupName;
          const key2 = r.Properties.EncryptionKey as string | undefined;
          const bucket = [...stores.entries()].find(([region]) => region === s.region)?.[1];
          await check(
            role,
            [
              { action: 'logs:CreateLogStream', resource: `arn:aws:logs:${s.region}:${s.account}:log-group:${group}:log-stream:abc`, why: 'build logs' },
              { action: 'logs:PutLogEvents', resource: `arn:aws:logs:${s.region}:${s.account}:log-group:${group}:log-stream:abc`, why: 'build logs' },
              ...artifactCalls(bucket ? { location: bucket.location, ...(key2 && /:key\//.test(key2) ? { encryptionKey: { id: key2 } } : {}) } : undefined, decl.pipeline.name),
            ],
            `CodeBuild project ${id}`,
          );
        }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(300);
  });

  it('name only actions that exist (iam-expand), and iam:PassRole only with iam:PassedToService', async () => {
    const problems: string[] = [];
    for (const role of rolesOf(stacks))
      for (const p of role.policies)
        for (const st of p.Statement) {
          const actions = ([] as string[]).concat(st.Action as string | string[]);
          for (const a of actions) {
            const expanded = await expandIamActions(a, { invalidActionBehavior: 'Remove' as InvalidActionBehavior });
            if (expanded.length === 0) problems.push(`${role.where}: ${a} names no IAM action`);
          }
          if (st.Effect === 'Allow' && actions.some((a) => a === 'iam:PassRole' || a === 'iam:*' || a === '*')) {
            const cond = JSON.stringify(st.Condition ?? {});
            if (!cond.includes('iam:PassedToService')) problems.push(`${role.where}: iam:PassRole without an iam:PassedToService condition (${st.Sid})`);
          }
        }
    expect(problems).toEqual([]);
  });

  it('use a "*" resource only for calls without resource-level permissions, or under a condition', async () => {
    const problems: string[] = [];
    for (const role of rolesOf(stacks))
      for (const p of role.policies)
        for (const st of p.Statement) {
          const resources = ([] as string[]).concat(st.Resource as string | string[]);
          if (st.Effect !== 'Allow' || !resources.includes('*') || st.Condition) continue;
          for (const a of ([] as string[]).concat(st.Action as string | string[])) {
            const [service, action] = a.split(':') as [string, string];
            if (!(await isWildcardOnlyAction(service, action))) problems.push(`${role.where}: ${a} on "*" (${st.Sid}) has resource-level permissions`);
          }
        }
    expect(problems).toEqual([]);
  });
});
