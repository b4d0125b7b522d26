import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

/**
 * What users add to the roles pipec creates (`permissions:`, `managed-policies:` on a build and on
 * the pipeline), and the ECR push grants of builds that push images.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-perms-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

async function compile(yaml: string, targets = 'cloudformation', quiet = true) {
  const file = join(scratch, `case-${++n}.yml`);
  writeFileSync(file, yaml);
  const dir = join(scratch, `out-${n}`);
  const r = await runCli(['compile', file, '-t', targets, '-o', dir, ...(quiet ? ['-q'] : []), '--no-color']);
  return { ...r, dir };
}

type Statement = { Sid: string; Effect: string; Action: string[]; Resource: unknown[]; Condition?: unknown };
type Role = { Type: string; Properties: { Policies?: Array<{ PolicyName: string; PolicyDocument: { Statement: Statement[] } }>; ManagedPolicyArns?: unknown[]; AssumeRolePolicyDocument: unknown } };

function roles(dir: string, service: string): Role[] {
  const t = parse(readFileSync(join(dir, 'images', 'cloudformation.yml'), 'utf8')) as { Resources: Record<string, Role> };
  return Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(service));
}
const statements = (r: Role, policy: string): Statement[] => r.Properties.Policies?.find((p) => p.PolicyName === policy)?.PolicyDocument.Statement ?? [];

const HEAD = `name: images
region: us-east-1
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: codecommit:images@main
`;

describe('a Docker build that pushes', () => {
  it('gets ECR push on the repositories it names (name, URI, ARN) and pushes to by a literal URI, and the token call', async () => {
    const r = await compile(`${HEAD}build:
  privileged: true
  commands:
    - docker build -t web .
    - docker push 222222222222.dkr.ecr.eu-west-1.amazonaws.com/web/api:$TAG
    - docker image push --all-tags 111111111111.dkr.ecr.us-east-1.amazonaws.com/web/worker
  push: [tools/base, "arn:aws:ecr:us-east-1:111111111111:repository/tools/cli"]
`);
    expect(r.stderr).toBe('');
    const [build] = roles(r.dir, 'codebuild.amazonaws.com');
    const st = statements(build as Role, 'codebuild-project');
    const push = st.find((s) => s.Sid === 'PushImages');
    expect(push?.Action).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart']);
    expect(push?.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/tools/base' },
      'arn:aws:ecr:us-east-1:111111111111:repository/tools/cli',
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:eu-west-1:222222222222:repository/web/api' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/web/worker' },
    ]);
    expect(st.find((s) => s.Sid === 'EcrAuthorizationToken')?.Resource).toEqual(['*']);
  });

  it('without a push gets no ECR permissions', async () => {
    const r = await compile(`${HEAD}build: { privileged: true, commands: [docker build -t web .] }\n`);
    const st = statements(roles(r.dir, 'codebuild.amazonaws.com')[0] as Role, 'codebuild-project');
    expect(st.map((s) => s.Sid)).not.toContain('PushImages');
    expect(st.map((s) => s.Sid)).not.toContain('EcrAuthorizationToken');
  });
});

describe('permissions: and managed-policies:', () => {
  const yaml = `${HEAD}permissions:
  - actions: sns:Publish
    resources: "arn:aws:sns:\${AWS::Region}:\${AWS::AccountId}:releases"
managed-policies: [arn:aws:iam::111111111111:policy/pipeline-extras]
build:
  commands: [make]
  permissions:
    - sid: Reports
      actions: [s3:PutObject]
      resources: arn:aws:s3:::acme-reports/*
    - effect: deny
      actions: s3:DeleteObject
      resources: "*"
      condition: { Bool: { aws:MultiFactorAuthPresent: false } }
  managed-policies: [arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess]
`;

  it("add a 'pipeline-yml' policy and managed policies to the build's role, and to the pipeline role the stack makes when there is no role:", async () => {
    const r = await compile(yaml.replace('role: arn:aws:iam::111111111111:role/pipeline\n', ''));
    expect(r.stderr).toBe('');
    const build = roles(r.dir, 'codebuild.amazonaws.com')[0] as Role;
    expect(statements(build, 'pipeline-yml')).toEqual([
      { Sid: 'Reports', Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::acme-reports/*'] },
      { Sid: 'PipelineYml2', Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: ['*'], Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
    ]);
    expect(build.Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess']);
    const pipeline = roles(r.dir, 'codepipeline.amazonaws.com')[0] as Role;
    expect(statements(pipeline, 'pipeline-yml')).toEqual([
      { Sid: 'PipelineYml1', Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ 'Fn::Sub': 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:releases' }] },
    ]);
    expect(pipeline.Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::111111111111:policy/pipeline-extras']);
  });

  it("with role: put the pipeline's statements on that role as a policy of their own, and say that the stack cannot attach its managed policies (PC4010)", async () => {
    const r = await compile(yaml, 'cloudformation', false);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "warning[PC4010]: managed policy arn:aws:iam::111111111111:policy/pipeline-extras cannot be attached to the pipeline's role arn:aws:iam::111111111111:role/pipeline by its stack",
    );
    expect(r.stderr).toContain('help: attach it yourself: aws iam attach-role-policy --role-name pipeline --policy-arn arn:aws:iam::111111111111:policy/pipeline-extras');
    expect(roles(r.dir, 'codepipeline.amazonaws.com')).toEqual([]);
    const t = parse(readFileSync(join(r.dir, 'images', 'cloudformation.yml'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const user = t.Resources.PipelineRoleUserPolicy;
    expect(user?.Type).toBe('AWS::IAM::Policy');
    expect(user?.Properties.Roles).toEqual(['pipeline']);
    expect(user?.Properties.PolicyName).toEqual({ 'Fn::Sub': 'pipec-images-${AWS::Region}-pipeline-yml' });
    expect((user?.Properties.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      { Sid: 'PipelineYml1', Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ 'Fn::Sub': 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:releases' }] },
    ]);
    expect(t.Resources.Pipeline?.Properties.RoleArn).toBe('arn:aws:iam::111111111111:role/pipeline');
  });

  it('on the pipeline are a warning for the codepipeline target alone (PC4004), which uses your role as it is', async () => {
    const alone = await compile(yaml, 'codepipeline', false);
    expect(alone.code).toBe(0);
    expect(alone.stderr).toContain(':6:1: warning[PC4004]: permissions of pipeline');
    const both = await compile(yaml, 'codepipeline,cloudformation', false);
    expect(both.stderr).not.toContain('PC4004');
  });

  it('refuses actions and resources IAM would not take, at the value', async () => {
    const r = await compile(`${HEAD}build:\n  commands: [make]\n  permissions: [{ actions: PutObject, resources: acme-reports }]\n  managed-policies: [ReadOnlyAccess]\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("IAM actions are written 'service:Action'");
    expect(r.stderr).toContain("resources are ARNs (arn:aws:s3:::bucket/*), or '*'");
    expect(r.stderr).toContain('expected a managed policy ARN');
  });
});

describe("a build's reports", () => {
  it('grant the report groups they go to, <project>-<report>, and no other', async () => {
    const r = await compile(`${HEAD}build:
  commands: [make test]
  reports:
    unit: { files: [reports/*.xml], format: junitxml }
    coverage: { files: [coverage.xml], format: cobertura }
`);
    expect(r.stderr).toBe('');
    const st = statements(roles(r.dir, 'codebuild.amazonaws.com')[0] as Role, 'codebuild-project');
    expect(st.find((s) => s.Sid === 'TestReports')?.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:report-group/images-Build-Build-unit' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:report-group/images-Build-Build-coverage' },
    ]);
  });
});
