import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

/** What the cloudformation and buildspec targets say about pipelines they cannot (fully) express, and choices they make. */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-targets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** Compiles a pipeline written inline; returns the result and, when it compiled, its output directory. */
async function compileText(yaml: string, targets: string, extra: string[] = []) {
  const dir = join(scratch, `case-${++n}`);
  const file = join(scratch, `case-${n}.yml`);
  writeFileSync(file, yaml);
  const r = await runCli(['compile', file, '-t', targets, '-o', dir, '--no-color', ...extra]);
  return { ...r, dir };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const stack = (dir: string, pipeline: string, file = 'cloudformation.yml'): Resources =>
  (parse(readFileSync(join(dir, pipeline, file), 'utf8')) as { Resources: Resources }).Resources;
const ofType = (r: Resources, type: string) => Object.values(r).filter((x) => x.Type === type);

const HEAD = `role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
`;

describe('settings only one target can carry', () => {
  const pipeline = `name: gated
${HEAD}source: codecommit:app@main
build: { commands: [make], artifacts: [out/**] }
stages:
  - name: Release
    disable-inbound: Waiting for the release window
    actions: [ { name: Ship, deploy: { s3: { bucket: site, extract: true } } } ]
notifications: { events: [pipeline-failed] }
`;

  it('the codepipeline target warns about disabled transitions and notifications (PC4004) and still writes its file', async () => {
    const r = await compileText(pipeline, 'codepipeline');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning[PC4004]: stage 'Release' disables its inbound transition");
    expect(r.stderr).toContain('disable-stage-transition --pipeline-name gated --stage-name Release --transition-type Inbound');
    expect(r.stderr).toContain("warning[PC4004]: notifications of pipeline 'gated'");
  });

  it('written together with the cloudformation target, which carries both, there is nothing to warn about', async () => {
    const r = await compileText(pipeline, 'all');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('warning');
    const res = stack(r.dir, 'gated');
    expect(res.Pipeline!.Properties.DisableInboundStageTransitions).toEqual([{ StageName: 'Release', Reason: 'Waiting for the release window' }]);
    const rule = ofType(res, 'AWS::CodeStarNotifications::NotificationRule')[0]!;
    expect(rule.Properties.EventTypeIds).toEqual(['codepipeline-pipeline-pipeline-execution-failed']);
    expect(rule.Properties.Targets).toEqual([{ TargetType: 'SNS', TargetAddress: { Ref: 'NotificationTopic' } }]);
    expect(ofType(res, 'AWS::SNS::TopicPolicy')[0]!.Properties.PolicyDocument).toMatchObject({ Statement: [{ Principal: { Service: 'codestar-notifications.amazonaws.com' }, Action: 'sns:Publish' }] });
  });

  it('the first stage has no inbound transition to disable (PC3031)', async () => {
    const r = await compileText(`name: p\n${HEAD}stages:\n  - name: Source\n    disable-inbound: no\n    actions: [ { name: S, source: codecommit:a@main } ]\n  - name: B\n    actions: [ { name: B, build: { commands: [make] } } ]\n`, 'codepipeline');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[PC3031]: stage 'Source' is the first stage");
  });

  it('a transition reason outside what the API allows is a schema error', async () => {
    const r = await compileText(pipeline.replace('Waiting for the release window', '"release window: tuesday"'), 'codepipeline');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a transition reason uses only letters, digits, spaces and ! @ ( ) . * ? -');
  });

  it('an unknown notification event is an error with the choices', async () => {
    const r = await compileText(pipeline.replace('pipeline-failed', 'pipeline-fialed'), 'all');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pipeline-fialed');
    expect(r.stderr).toMatch(/pipeline-failed/);
  });
});

describe('what CloudFormation cannot express (PC4005)', () => {
  it('a timeout on a stage-condition rule (the pipeline schema has no property for it)', async () => {
    const y = `name: p\n${HEAD}source: codecommit:a@main\nstages:\n  - name: B\n    before-entry: { rules: [ { alarm: { name: errors }, timeout: 30 } ] }\n    actions: [ { name: B, build: { commands: [make] } } ]\n`;
    expect((await compileText(y, 'codepipeline')).code).toBe(0);
    const r = await compileText(y, 'cloudformation');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[PC4005]: rule 'CloudWatchAlarm' of stage 'B' sets a timeout, which CloudFormation's pipeline schema has no property for");
    expect(existsSync(r.dir)).toBe(false);
  });
});

describe('permissions', () => {
  it('an action type pipec does not know leaves the role without its permissions, and says so (PC4007)', async () => {
    const y = `name: p\n${HEAD}source: codecommit:a@main\nstages:\n  - name: D\n    actions:\n      - name: Mystery\n        action: { category: Deploy, provider: BrandNewService, configuration: { Target: x } }\n        inputs: [Source]\n`;
    const r = await compileText(y, 'cloudformation');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning[PC4007]: pipec does not know what action type Deploy/AWS/BrandNewService needs');
  });

  it('a GitHub (OAuth) token stays a Secrets Manager dynamic reference in the stack, never plain text', async () => {
    const y = `name: legacy\n${HEAD}source: { github-v1: acme/app, branch: main, token: { secret: github/oauth:token } }\nbuild: { commands: [make] }\n`;
    expect((await compileText(y, 'codepipeline')).stderr).toContain('PC4003');
    const r = await compileText(y, 'cloudformation');
    expect(r.code).toBe(0);
    const text = readFileSync(join(r.dir, 'legacy', 'cloudformation.yml'), 'utf8');
    expect(text).toContain('OAuthToken: "{{resolve:secretsmanager:github/oauth:SecretString:token}}"');
  });

  it('a secret-looking value in plain env is an error: nothing is written, and the frame masks it (PC3027)', async () => {
    const r = await compileText(`name: p\n${HEAD}source: codecommit:a@main\nbuild: { commands: [make], env: { API_TOKEN: ghp_abcdef1234567890 } }\n`, 'buildspec');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[PC3027]');
    expect(r.stderr).toContain("API_TOKEN: { secret: secret-id:json-key }");
    expect(r.stderr).not.toContain('ghp_abcdef1234567890');
  });

  it('a value stated not to be a secret ({ plaintext: ... }) is written as it is', async () => {
    const r = await compileText(`name: p\n${HEAD}source: codecommit:a@main\nbuild: { commands: [make], env: { API_TOKEN: { plaintext: pk_test_public } } }\n`, 'buildspec');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('PC3027');
  });
});

describe('change detection and storage choices', () => {
  it('a source that asks to poll keeps polling and gets no rule; the others get rules and stop polling', async () => {
    const y = `name: p\n${HEAD}sources:\n  A: { codecommit: a, branch: main, poll: true }\n  B: codecommit:b@main\nbuild: { commands: [make], primary-source: A }\n`;
    const r = await compileText(y, 'cloudformation');
    expect(r.code).toBe(0);
    const res = stack(r.dir, 'p');
    const actions = (res.Pipeline!.Properties.Stages as Array<{ Actions: Array<{ Name: string; Configuration: Record<string, unknown> }> }>)[0]!.Actions;
    expect(actions.find((a) => a.Name === 'A')!.Configuration.PollForSourceChanges).toBe('true');
    expect(actions.find((a) => a.Name === 'B')!.Configuration.PollForSourceChanges).toBe('false');
    const rules = ofType(res, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0]!.Properties.EventPattern)).toContain(':b"');
  });

  it('an existing bucket is used, not created; without artifacts the stack creates an unnamed one', async () => {
    const existing = await compileText(`name: p\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: { bucket: acme-artifacts, existing: true }\nsource: codecommit:a@main\nbuild: { commands: [make] }\n`, 'cloudformation');
    expect(existing.code).toBe(0);
    const res = stack(existing.dir, 'p');
    expect(ofType(res, 'AWS::S3::Bucket')).toEqual([]);
    expect(ofType(res, 'AWS::KMS::Key')).toEqual([]);
    expect((res.Pipeline!.Properties.ArtifactStore as Record<string, unknown>).Location).toBe('acme-artifacts');
    const unnamed = await compileText(`name: q\nsource: codecommit:a@main\nbuild: { commands: [make] }\n`, 'cloudformation');
    expect(unnamed.code).toBe(0);
    const bucket = ofType(stack(unnamed.dir, 'q'), 'AWS::S3::Bucket')[0]!;
    expect(bucket.Properties.BucketName).toBeUndefined();
  });

  it('--cfn-format json writes cloudformation.json', async () => {
    const r = await compileText(`name: p\n${HEAD}source: codecommit:a@main\nbuild: { commands: [make] }\n`, 'cloudformation', ['--cfn-format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(r.dir, 'p', 'cloudformation.json'), 'utf8')) as { Resources: Resources };
    expect(json.Resources.Pipeline!.Type).toBe('AWS::CodePipeline::Pipeline');
  });
});

describe('inline builds with several outputs (PC3030)', () => {
  it('files named for an output that does not exist', async () => {
    const y = `name: p\n${HEAD}source: codecommit:a@main\nstages:\n  - name: B\n    actions:\n      - name: B\n        build: { commands: [make], artifacts: { App: [dist/**], Docs: [docs/**] } }\n        outputs: [App, Site]\n`;
    const r = await compileText(y, 'codepipeline');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("build 'B' gives files for output 'Docs', which is not one of its outputs ('App', 'Site')");
    expect(r.stderr).toContain("build 'B' has output 'Site' but 'artifacts' names no files for it");
  });

  it('output names that cannot be secondary-artifact identifiers', async () => {
    const y = `name: p\n${HEAD}source: codecommit:a@main\nbuild: { commands: [make], artifacts: { web-app: [dist/**], docs: [docs/**] } }\n`;
    const r = await compileText(y, 'codepipeline');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("output 'web-app' of build 'Build' becomes a buildspec secondary-artifact identifier");
    expect(r.stderr).toContain("rename it to 'web_app'");
  });
});
