import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { runTool } from './support/tools.js';

/**
 * Settings that take a name or an ARN (a KMS key by key ID, key ARN, alias or alias ARN; a Lambda
 * function by name, ARN or alias ARN; a connection of either service) become IAM resources: IAM
 * takes only ARNs there ("Resource ... must be in ARN format", and the stack fails to create the
 * policy). Every form must give an ARN, or "*" for a call without resource-level permissions, and
 * cfn-lint must find nothing in the stack.
 */

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const PIPELINE = `name: forms
region: us-east-1
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: { github: acme/app, branch: main, connection: "arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" }
build: { commands: [make], artifacts: [dist/**/*] }
stages:
  - name: Deploy
    actions:
      - name: ByKeyId
        deploy: { s3: { bucket: site-a, extract: true, kms-key: ${KEY_ID} } }
      - name: ByKeyArn
        deploy: { s3: { bucket: site-b, extract: true, kms-key: "arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}" } }
      - name: ByAlias
        deploy: { s3: { bucket: site-c, extract: true, kms-key: alias/site-c } }
      - name: ByAliasArn
        deploy: { s3: { bucket: site-d, extract: true, kms-key: "arn:aws:kms:eu-west-1:222222222222:alias/site-d" } }
      - name: LambdaByName
        invoke: { lambda: smoke-test }
      - name: LambdaByArn
        invoke: { lambda: "arn:aws:lambda:us-east-1:111111111111:function:smoke-test-2:live" }
      - name: Reindex
        invoke: { step-functions: "arn:aws:states:us-east-1:111111111111:stateMachine:reindex" }
      - name: Web
        deploy: { ec2: { tag-key: Role, tag-value: web, instance-type: ec2, target-directory: /opt/app, post-script: start.sh } }
      - name: Workers
        deploy: { ec2: { tag-key: Tier, instance-type: ec2, target-directory: /opt/app, post-script: start.sh } }
`;

const scratch = mkdtempSync(join(tmpdir(), 'pipec-forms-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let path = '';
type Statement = { Sid: string; Action: string[]; Resource: unknown[]; Condition?: Record<string, unknown> };
let statements: Statement[] = [];

beforeAll(async () => {
  const file = join(scratch, 'pipeline.yml');
  writeFileSync(file, PIPELINE);
  const r = await runCli(['compile', file, '-t', 'cloudformation', '-o', join(scratch, 'out'), '-q', '--no-color']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  path = join(scratch, 'out', 'forms', 'cloudformation.yml');
  type Document = { Statement: Statement[] };
  const t = parse(readFileSync(path, 'utf8')) as { Resources: Record<string, { Type: string; Properties: { Policies?: Array<{ PolicyDocument: Document }>; PolicyDocument?: Document } }> };
  // The roles the stack makes carry their policies; the pipeline's own role (role:) gets its grants as an AWS::IAM::Policy.
  statements = Object.values(t.Resources).flatMap((r) =>
    r.Type === 'AWS::IAM::Role' ? (r.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement) : r.Type === 'AWS::IAM::Policy' ? (r.Properties.PolicyDocument?.Statement ?? []) : [],
  );
});

/** A resource IAM accepts: "*", an ARN, or an Fn::Sub or Fn::GetAtt that makes one (of this stack's resources). */
function isArn(r: unknown): boolean {
  if (r === '*' || (typeof r === 'string' && /^arn:aws[a-z-]*:[a-z0-9-]+:/.test(r))) return true;
  const o = (r ?? {}) as { 'Fn::Sub'?: string; 'Fn::GetAtt'?: [string, string] };
  if (o['Fn::GetAtt']) return o['Fn::GetAtt'][1] === 'Arn';
  return /^(arn:\$\{AWS::Partition\}:[a-z0-9-]+:|\$\{[A-Za-z0-9]+\.Arn\})/.test(o['Fn::Sub'] ?? '');
}

describe('a stack with every name-or-ARN form', () => {
  it('names every IAM resource by ARN', () => {
    expect(statements.length).toBeGreaterThan(5);
    expect(statements.flatMap((s) => s.Resource.filter((r) => !isArn(r)).map((r) => `${s.Sid}: ${JSON.stringify(r)}`))).toEqual([]);
  });

  it('grants a key named by ID, ARN or alias by its ARN, an alias under a condition on it', () => {
    const keys = statements.filter((s) => s.Sid.startsWith('S3DeployKey')).map((s) => ({ Sid: s.Sid, Resource: s.Resource, Condition: s.Condition }));
    expect(keys).toEqual([
      {
        Sid: 'S3DeployKey',
        Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:kms:\${AWS::Region}:\${AWS::AccountId}:key/${KEY_ID}` }, `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}`],
        Condition: undefined,
      },
      // an alias: any key of the alias's account and region, only while it carries that alias (its own statement,
      // so that the condition does not fall on the keys named by ARN, nor their lack of one on the aliases)
      {
        Sid: 'S3DeployKey2',
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' }],
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/site-c'] } },
      },
      {
        Sid: 'S3DeployKey3',
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:kms:eu-west-1:222222222222:key/*' }],
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/site-d'] } },
      },
    ]);
  });

  it('keeps the conditions of grants that share a Sid apart (two EC2 deploys to different tags)', () => {
    const commands = statements.filter((s) => s.Sid.startsWith('Ec2DeployCommands')).map((s) => [s.Sid, s.Condition]);
    expect(commands).toEqual([
      ['Ec2DeployCommands', { StringEquals: { 'aws:ResourceTag/Role': 'web' } }],
      ['Ec2DeployCommands2', { Null: { 'aws:ResourceTag/Tier': 'false' } }],
    ]);
  });

  it('passes cfn-lint 1.51.0 with no errors, warnings or informational findings', () => {
    const r = runTool('cfn-lint', ['--format', 'parseable', path, '--include-checks', 'I']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
