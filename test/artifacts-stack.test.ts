import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { Diagnostics } from '../src/compiler/diagnostics.js';
import { stackTargets } from '../src/live/stack/targets.js';
import { cloudformationTarget } from '../src/targets/cloudformation/index.js';
import { ROOT } from './support/cli.js';

/**
 * A key pipec makes for an artifact store that roles in other accounts use is named by its key ARN
 * in their stacks (AWS documents no alias across accounts for CodeBuild's EncryptionKey, S3's
 * SSE-KMS or CodePipeline's EncryptionKey), so it is made in the artifacts stack, deployed before
 * the account stacks: cloudformation.artifacts.yml, whose outputs the account stacks and the
 * pipeline's stack take as parameters. Deployed on moto: test/live/stack-examples.test.ts and
 * test/live/printed-commands.test.ts; IAM: test/iam-simulation.test.ts; cfn-lint: test/cloudformation.test.ts.
 */

const FIXTURE = readFileSync(join(ROOT, 'test', 'fixtures', 'stack', 'cross-account-own-store.yml'), 'utf8');

type Tree = { Parameters?: Record<string, unknown>; Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs?: Record<string, { Value: unknown }> };

function emit(text: string): { files: Map<string, { text: string; tree: Tree }>; diags: Diagnostics } {
  const diags = new Diagnostics();
  const [unit] = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(text) }], diags).pipelines;
  expect(diags.hasErrors()).toBe(false);
  const out = cloudformationTarget.emit(unit!.ir, diags, { cfnFormat: 'yaml', targets: ['cloudformation'], project: 'journal' });
  return { files: new Map(out.map((f) => [f.path, { text: f.content, tree: parse(f.content) as Tree }])), diags };
}

const types = (t: Tree): string[] => Object.values(t.Resources).map((r) => r.Type);

describe('a pipeline with no artifacts: whose build and deploy run in other accounts', () => {
  const { files } = emit(FIXTURE);
  const artifacts = files.get('cloudformation.artifacts.yml')!.tree;
  const main = files.get('cloudformation.yml')!.tree;
  const accounts = ['222222222222', '333333333333'].map((a) => files.get(`cloudformation.account-${a}.yml`)!);

  it('writes the artifacts stack, with the key, its alias, the bucket and its policy, and outputs for the stacks after it', () => {
    expect([...files.keys()].sort()).toEqual(['cloudformation.account-222222222222.yml', 'cloudformation.account-333333333333.yml', 'cloudformation.artifacts.yml', 'cloudformation.yml']);
    expect(types(artifacts).sort()).toEqual(['AWS::KMS::Alias', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy']);
    expect(artifacts.Outputs?.ArtifactKeyArn?.Value).toEqual({ 'Fn::GetAtt': ['ArtifactKey', 'Arn'] });
    expect(artifacts.Outputs?.ArtifactBucketName?.Value).toEqual({ Ref: 'ArtifactBucket' });
    // the pipeline's stack holds no store of its own
    expect(types(main)).not.toContain('AWS::KMS::Key');
    expect(types(main)).not.toContain('AWS::S3::Bucket');
  });

  it('lets exactly the accounts whose roles use the store into the key and the bucket', () => {
    const key = artifacts.Resources.ArtifactKey!.Properties.KeyPolicy as { Statement: Array<{ Sid: string; Principal: { AWS: unknown } }> };
    expect(key.Statement.map((s) => s.Sid)).toEqual(['AccountAdministersKey', 'DeployAccount222222222222UsesKey', 'DeployAccount333333333333UsesKey']);
    const bucket = artifacts.Resources.ArtifactBucketPolicy!.Properties.PolicyDocument as { Statement: Array<{ Sid: string }> };
    expect(bucket.Statement.map((s) => s.Sid).filter((s) => s.startsWith('DeployAccount'))).toEqual(['DeployAccount222222222222Objects', 'DeployAccount222222222222Bucket', 'DeployAccount333333333333Objects', 'DeployAccount333333333333Bucket']);
  });

  it('names the key by key ARN (a parameter from the artifacts stack) in the account stacks, never by alias', () => {
    for (const { text, tree } of accounts) {
      expect(text).not.toContain(':alias/');
      expect(Object.keys(tree.Parameters ?? {})).toEqual(expect.arrayContaining(['ArtifactBucketName', 'ArtifactKeyArn']));
      // every grant on a key names exactly that key
      const policies = Object.values(tree.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Role')
        .flatMap((r) => (r.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown[] }> } }>) ?? []);
      const keyGrants = policies.flatMap((p) => p.PolicyDocument.Statement).filter((s) => s.Action.some((a) => a.startsWith('kms:')));
      expect(keyGrants.length).toBeGreaterThan(0);
      for (const s of keyGrants) expect(s.Resource).toEqual([{ Ref: 'ArtifactKeyArn' }]);
    }
    // the build in account 222222222222 encrypts its artifacts with that key
    const project = Object.values(accounts[0]!.tree.Resources).find((r) => r.Type === 'AWS::CodeBuild::Project')!;
    expect(project.Properties.EncryptionKey).toEqual({ Ref: 'ArtifactKeyArn' });
  });

  it("gives the pipeline's stack the same store, by parameters", () => {
    const pipeline = main.Resources.Pipeline!.Properties.ArtifactStore;
    expect(pipeline).toEqual({ Type: 'S3', Location: { Ref: 'ArtifactBucketName' }, EncryptionKey: { Id: { Ref: 'ArtifactKeyArn' }, Type: 'KMS' } });
    const project = Object.values(main.Resources).find((r) => r.Type === 'AWS::CodeBuild::Project')!;
    expect(project.Properties.EncryptionKey).toEqual({ Ref: 'ArtifactKeyArn' });
  });

  it('prints the deploy order: the artifacts stack, the account stacks, the pipeline', () => {
    const order = /# Deploy order: (.*)$/m.exec(files.get('cloudformation.yml')!.text)?.[1];
    expect(order).toBe('1. cloudformation.artifacts.yml, 2. cloudformation.account-222222222222.yml (in account 222222222222), 3. cloudformation.account-333333333333.yml (in account 333333333333), 4. cloudformation.yml.');
    const head = accounts[0]!.text.split('\n').filter((l) => l.startsWith('#'));
    expect(head[1]).toBe("# Deploy after cloudformation.artifacts.yml, with its outputs ArtifactBucketName and ArtifactKeyArn. Read them with credentials of account 111111111111 (the pipeline's):");
    expect(head[2]).toBe(`#   ARTIFACT_BUCKET_NAME=$(aws cloudformation describe-stacks --region us-east-1 --stack-name journal-pipeline-artifacts --query "Stacks[0].Outputs[?OutputKey=='ArtifactBucketName'].OutputValue" --output text)`);
    expect(head[4]).toMatch(/^# then deploy, with credentials of account 222222222222: aws cloudformation deploy .* --parameter-overrides ArtifactBucketName="\$ARTIFACT_BUCKET_NAME" ArtifactKeyArn="\$ARTIFACT_KEY_ARN" --tags /);
  });

  it('orders and wires the stacks of plan --stack: the artifacts stack first, its outputs into the stacks after it', () => {
    const diags = new Diagnostics();
    const [unit] = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(FIXTURE) }], diags).pipelines;
    const { targets, unwired } = stackTargets(unit!.ir, 'us-east-1', diags, 'journal');
    expect(unwired).toEqual([]);
    expect(targets.map((t) => [t.kind, t.stackName, t.account ?? ''])).toEqual([
      ['artifacts', 'journal-pipeline-artifacts', ''],
      ['account', 'journal-pipeline-roles', '222222222222'],
      ['account', 'journal-pipeline-roles', '333333333333'],
      ['pipeline', 'journal-pipeline', ''],
    ]);
    const from = { ArtifactBucketName: { stack: 'journal-pipeline-artifacts', output: 'ArtifactBucketName' }, ArtifactKeyArn: { stack: 'journal-pipeline-artifacts', output: 'ArtifactKeyArn' } };
    for (const t of targets.slice(1)) expect(t.inputs).toEqual(from);
  });
});

describe('which stores go into an artifacts stack', () => {
  const base = FIXTURE.replace(/^#.*\n/gm, '');
  it('a bucket pipec creates under your name without kms-key: its key (bucket by name, only the key ARN as a parameter)', () => {
    const { files } = emit(base.replace('source:', 'artifacts: { bucket: acme-journal-artifacts }\nsource:'));
    const artifacts = files.get('cloudformation.artifacts.yml')!.tree;
    expect(artifacts.Resources.ArtifactBucket!.Properties.BucketName).toBe('acme-journal-artifacts');
    for (const f of ['cloudformation.yml', 'cloudformation.account-222222222222.yml']) {
      const t = files.get(f)!;
      expect(Object.keys(t.tree.Parameters ?? {}).filter((p) => p.startsWith('Artifact'))).toEqual(['ArtifactKeyArn']);
      expect(t.text).not.toContain(':alias/');
    }
    expect(files.get('cloudformation.account-222222222222.yml')!.text).toContain('--parameter-overrides ArtifactKeyArn="$ARTIFACT_KEY_ARN" --tags');
  });

  it('none for a key of your own, an existing bucket, or no other account', () => {
    const own = emit(base.replace('source:', 'artifacts: { bucket: acme-journal-artifacts, kms-key: "arn:aws:kms:us-east-1:111111111111:key/1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b" }\nsource:')).files;
    expect(own.has('cloudformation.artifacts.yml')).toBe(false);
    expect(own.get('cloudformation.account-222222222222.yml')!.tree.Parameters?.ArtifactKeyArn).toBeUndefined();
    const existing = emit(base.replace('source:', 'artifacts: { bucket: acme-journal-artifacts, existing: true }\nsource:')).files;
    expect(existing.has('cloudformation.artifacts.yml')).toBe(false);
    const alone = emit(base.replace(/\n {8}role: arn:aws:iam::\d+:role\/[\w-]+/g, '').replace(/stack-role: arn:aws:iam::333333333333:/, 'stack-role: arn:aws:iam::111111111111:')).files;
    expect([...alone.keys()]).toEqual(['cloudformation.yml']);
    expect(types(alone.get('cloudformation.yml')!.tree)).toContain('AWS::KMS::Key');
  });

  it("an S3 source's CloudTrail trail may use the key: its statements are in the artifacts stack's key policy", () => {
    const { files } = emit(base.replace('source: codecommit:journal@main', 'source: { s3: acme-journal-sources/journal.zip }'));
    const key = files.get('cloudformation.artifacts.yml')!.tree.Resources.ArtifactKey!.Properties.KeyPolicy as { Statement: Array<{ Sid: string }> };
    expect(key.Statement.map((s) => s.Sid)).toEqual(expect.arrayContaining(['CloudTrailEncryptsLogs', 'CloudTrailDescribesKey']));
    const main = files.get('cloudformation.yml')!.tree;
    expect(types(main)).toContain('AWS::CloudTrail::Trail');
    expect(types(main)).not.toContain('AWS::KMS::Key');
  });
});
