import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Diagnostics } from '../../src/compiler/diagnostics.js';
import { diffPipeline } from '../../src/live/diff.js';
import { normaliseDeclaration } from '../../src/live/normalise.js';
import { createPipelineInput } from '../../src/targets/codepipeline.js';
import { ROOT, runCli } from '../support/cli.js';

/**
 * `pipec import`: every example's compiled codepipeline.json imports to a text that compiles to
 * the same files byte for byte, and a corpus of hand-written pipeline definitions (test/fixtures/
 * import/corpus) imports and compiles back to the same pipeline under plan's normalisation.
 */

const tmp = mkdtempSync(join(tmpdir(), 'pipec-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GOLDEN = join(ROOT, 'test', 'golden');
const CORPUS = join(ROOT, 'test', 'fixtures', 'import', 'corpus');

const ratios: string[] = [];
afterAll(() => {
  if (ratios.length > 0) process.stdout.write(`import length / example length:\n${ratios.join('\n')}\n`);
});

describe('pipec import: every example round-trips through its codepipeline.json', () => {
  for (const example of readdirSync(GOLDEN).sort()) {
    it(example, async () => {
      const pipelines = readdirSync(join(GOLDEN, example)).sort();
      const inputs = pipelines.map((p) => join(GOLDEN, example, p, 'codepipeline.json'));
      const out = join(tmp, `${example}.yml`);
      const r = await runCli(['import', ...inputs, '--out', out]);
      expect(r.stderr).toMatch(/^Imported \d+ pipelines? into /);
      expect(r.code).toBe(0);
      const dir = join(tmp, `${example}-out`);
      const c = await runCli(['compile', out, '--out', dir]);
      expect(c.code, c.stderr).toBe(0);
      for (const p of pipelines) expect(readFileSync(join(dir, p, 'codepipeline.json'), 'utf8'), `${example}/${p}`).toBe(readFileSync(join(GOLDEN, example, p, 'codepipeline.json'), 'utf8'));
      const imported = readFileSync(out, 'utf8').length;
      const own = readFileSync(join(ROOT, 'examples', example, 'pipeline.yml'), 'utf8').length;
      ratios.push(`  ${example}: ${imported} / ${own} = ${(imported / own).toFixed(2)}`);
      expect(imported, `${example}: the import is longer than the example`).toBeLessThanOrEqual(own);
    });
  }
});

/** Compiles pipeline.yml text and compares each pipeline with its source under plan's normalisation. */
function roundTrip(text: string, sources: Array<{ pipeline: Record<string, unknown>; tags?: Array<{ key: string; value: string }> }>, region = 'us-east-1') {
  const diags = new Diagnostics();
  const result = compile([{ path: 'imported.yml', bytes: Buffer.from(text) }], diags);
  expect(diags.list.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  for (const src of sources) {
    const compiled = result.pipelines.find((p) => p.ir.name === src.pipeline.name);
    expect(compiled, String(src.pipeline.name)).toBeDefined();
    const input = createPipelineInput(compiled!.ir) as { pipeline: Record<string, unknown>; tags?: Array<{ key: string; value: string }> };
    const want = normaliseDeclaration({ pipelineType: 'V1', ...src.pipeline } as never, region);
    const got = normaliseDeclaration(input.pipeline as never, region);
    // masked secrets come back as placeholders to fill in; everything else is exact
    expect(diffPipeline(got, want).filter((c) => !(c.op === 'change' && JSON.stringify(c.old).includes('****')))).toEqual([]);
    expect(input.tags ?? []).toEqual([...(src.tags ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1)));
  }
}

describe('pipec import: a corpus of pipeline definitions', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort();
  it('has at least ten definitions', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const f of files) {
    it(`${f} imports and compiles back to the same pipeline`, async () => {
      const r = await runCli(['import', join(CORPUS, f)]);
      // only the values that need the user are reported (masked or secret-looking, never shown)
      expect(r.stderr.split('\n').filter((l) => l !== '' && !/warning\[PC7009\]|^  help: |^0 errors, \d+ warnings?$/.test(l))).toEqual([]);
      expect(r.code).toBe(0);
      const src = JSON.parse(readFileSync(join(CORPUS, f), 'utf8'));
      roundTrip(r.stdout, [src.pipeline ? src : { pipeline: src }]);
      // deterministic, byte for byte
      expect((await runCli(['import', join(CORPUS, f)])).stdout).toBe(r.stdout);
    });
  }

  it('imports all of them into one file with shared settings at the top, and into a directory', async () => {
    const paths = files.map((f) => join(CORPUS, f));
    const r = await runCli(['import', ...paths]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^role: arn:aws:iam::111111111111:role\/service-role\/pipeline-role\n/);
    roundTrip(r.stdout, files.map((f) => JSON.parse(readFileSync(join(CORPUS, f), 'utf8'))).map((s) => (s.pipeline ? s : { pipeline: s })));
    const dir = join(tmp, 'corpus-dir');
    const d = await runCli(['import', ...paths, '--out', dir]);
    expect(d.code, d.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toContain('payments-global.yml');
    expect(readdirSync(dir)).toHaveLength(files.length);
  });

  it('says what needs the user: masked secrets and raw-only providers', async () => {
    const r = await runCli(['import', join(CORPUS, 'raw-and-secrets.json')]);
    expect(r.stdout).toContain("# 'token' came back masked (****): name the Secrets Manager secret that holds it");
    expect(r.stdout).toContain('token: { secret: FILL-IN-token }');
    expect(r.stdout).toContain('# Custom/AcmeNotifier v3 is an action type pipec knows only in the raw form');
  });
});

describe('pipec import: environments', () => {
  it('stages that repeat one deploy become environments, each written as what differs from the one before', async () => {
    const r = await runCli(['import', join(GOLDEN, 'promotion', 'api', 'codepipeline.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('environments:\n- name: dev\n');
    // staging inherits stack, template, stack role, capabilities and the smoke test from dev,
    // with \${env}, \${env.account} and \${deploy.Name} where they make the values the same
    expect(r.stdout).toContain('    cloudformation: "api-${env}"\n');
    expect(r.stdout).toContain('stack-role: "arn:aws:iam::${env.account}:role/cloudformation-deploy"');
    expect(r.stdout).toContain('after: { smoke: { codebuild: "api-${env}-smoke", env: { DEPLOY_ApiUrl: "${deploy.ApiUrl}" } } }');
    expect(r.stdout).toMatch(/- name: staging\n  deploy: \{ cloudformation: \{ parameters: \{ Size: medium \} \} \}\n  rollback-on-alarm: api-staging-5xx\n/);
    expect(r.stdout).toMatch(/- name: prod\n  account: "222222222222"\n  region: eu-west-1\n  role: arn:aws:iam::222222222222:role\/pipeline-deploy\n/);
    expect(r.stdout).toContain('rollback-on-alarm: { alarms: [api-prod-5xx, api-prod-latency], wait: 15 }');
    expect(r.stdout).toContain('deployment-window: { cron: "0 0 9-16 ? * MON-THU *", timezone: Europe/Berlin }');
    expect(r.stdout).not.toContain('stages:');
  });

  it('falls back to explicit stages when the environments form would not compile to the same stages', async () => {
    const decl = JSON.parse(readFileSync(join(GOLDEN, 'promotion', 'api', 'codepipeline.json'), 'utf8'));
    // a smoke test that reads another artifact than the environments macro hands it
    decl.pipeline.stages[3].actions[1].inputArtifacts = [{ name: 'Source' }];
    const file = join(tmp, 'promotion-changed.json');
    writeFileSync(file, JSON.stringify(decl));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    roundTrip(r.stdout, [decl]);
  });
});

describe('pipec import: secrets', () => {
  it('a secret-looking plain value is imported as { plaintext } with a comment, a masked one as a placeholder; both are warnings that never show the value', async () => {
    const decl = JSON.parse(readFileSync(join(CORPUS, 'console-environments.json'), 'utf8'));
    // the console writes a CodeBuild action's variables as name, value, type
    decl.pipeline.stages[1].actions[0].configuration.EnvironmentVariables = JSON.stringify([
      { name: 'NPM_TOKEN', value: 'npm_abcdefghijklmnopqrstuvwx', type: 'PLAINTEXT' },
      { name: 'STAGE', value: 'ci', type: 'PLAINTEXT' },
      { name: 'DB_PASSWORD', value: '****', type: 'PLAINTEXT' },
    ]);
    decl.pipeline.stages.push({
      name: 'Notify',
      actions: [{ name: 'Post', actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' }, runOrder: 1, commands: ['./post.sh'], environmentVariables: [{ name: 'HOOK', value: 'xoxb-1234567890-abcdefghij', type: 'PLAINTEXT' }], inputArtifacts: [{ name: 'Source' }], outputArtifacts: [] }],
    });
    const file = join(tmp, 'secrets.json');
    writeFileSync(file, JSON.stringify(decl));
    const out = join(tmp, 'secrets.yml');
    const r = await runCli(['import', file, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain("    # 'NPM_TOKEN' looks like a secret kept in plain text in the pipeline: move it to Secrets Manager ({ secret: id }) or Parameter Store ({ parameter: /path })\n    NPM_TOKEN: { plaintext: npm_abcdefghijklmnopqrstuvwx }\n");
    expect(text).toContain("    # 'DB_PASSWORD' came back masked (****): name the Secrets Manager secret that holds it (or { parameter: /path } for Parameter Store)\n    DB_PASSWORD: { secret: FILL-IN-DB_PASSWORD }\n");
    expect(text).toContain('HOOK: { plaintext: xoxb-1234567890-abcdefghij }');
    expect(text).not.toContain('****\n');
    expect(r.stderr).toContain("warning[PC7009]: pipeline 'inventory-api', action 'Build/Build': 'NPM_TOKEN' looks like a secret kept in plain text");
    expect(r.stderr).toContain("warning[PC7009]: pipeline 'inventory-api', action 'Build/Build': 'DB_PASSWORD' came back masked (****)");
    expect(r.stderr).toContain("warning[PC7009]: pipeline 'inventory-api', action 'Notify/Post': 'HOOK'");
    for (const secret of ['npm_abcdefghijklmnopqrstuvwx', 'xoxb-1234567890-abcdefghij']) expect(r.stderr).not.toContain(secret);
    // the file compiles (no PC3027) to the same pipeline, the masked value aside
    const v = await runCli(['validate', out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    roundTrip(text, [decl]);
  });

  it('a secret configuration setting kept in plain text is imported as it is, with a comment and a warning', async () => {
    const decl = JSON.parse(readFileSync(join(CORPUS, 'raw-and-secrets.json'), 'utf8'));
    const source = decl.pipeline.stages[0].actions[0];
    source.configuration.OAuthToken = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const file = join(tmp, 'plain-token.json');
    writeFileSync(file, JSON.stringify(decl));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("# 'OAuthToken' is a secret kept in plain text in the pipeline: store it in Secrets Manager");
    expect(r.stderr).toContain("warning[PC7009]: pipeline 'legacy-portal', action 'Source/Source': 'OAuthToken' looks like a secret kept in plain text");
    expect(r.stderr).not.toContain('ghp_');
    roundTrip(r.stdout, [decl]);
  });
});

describe('pipec import: what it refuses', () => {
  it('a pipeline that cannot round-trip is an error, and with --force a comment', async () => {
    const decl = JSON.parse(readFileSync(join(CORPUS, 'v2-conditions.json'), 'utf8'));
    // two conditions on one stage event: pipeline.yml writes one
    const stage = decl.pipeline.stages[2];
    stage.beforeEntry.conditions.push({ result: 'FAIL', rules: [{ name: 'Other', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' }, configuration: { Cron: '0 0 1 ? * SUN *' } }] });
    const file = join(tmp, 'two-conditions.json');
    writeFileSync(file, JSON.stringify(decl));
    const out = join(tmp, 'two-conditions.yml');
    const r = await runCli(['import', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[PC7002]: pipeline 'orders-release' would compile to something other than its source, so it is not written");
    expect(r.stderr).toContain("stage 'Production', beforeEntry.conditions");
    expect(() => readFileSync(out)).toThrow();
    const f = await runCli(['import', file, '--force']);
    expect(f.code).toBe(0);
    expect(f.stderr).toContain('warning[PC7008]');
    expect(f.stdout).toContain('# NOT EXACT (--force): compiled, this pipeline differs from its source:');
  });

  it('unreadable input, no pipeline, duplicate names, bad usage', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{ "pipeline": ');
    const r = await runCli(['import', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[PC7001]');
    writeFileSync(bad, '{ "hello": 1 }');
    expect((await runCli(['import', bad])).stderr).toContain('holds no pipeline');
    for (const broken of ['{"pipeline":{"name":"x","stages":[1]}}', '{"pipeline":{"name":"x","stages":[{"name":"S","actions":[null]}]}}', '{"pipeline":{"name":"x","stages":[{"name":"S","actions":[{"name":"A","actionTypeId":7}]}]}}', '{"pipeline":{"name":"x","stages":[{"name":"S","actions":[{"name":"A","actionTypeId":{"category":"Source","owner":"AWS","provider":"S3","version":"1"},"outputArtifacts":"A"}]}]}}']) {
      writeFileSync(bad, broken);
      const b = await runCli(['import', bad]);
      expect(b.code, broken).toBe(1);
      expect(b.stderr, broken).toContain('error[PC7001]');
      expect(b.stderr, broken).not.toContain('internal error');
    }
    const f = join(CORPUS, 'jenkins-custom.json');
    const dup = await runCli(['import', f, f]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('error[PC7007]');
    expect((await runCli(['import'])).code).toBe(2);
    expect((await runCli(['import', '--all'])).code).toBe(2);
    expect((await runCli(['import', '--live'])).code).toBe(2);
    expect((await runCli(['import', join(tmp, 'missing.json')])).stderr).toContain('error[PC0001]');
  });

  it('reads get-pipeline output in JSON and create-pipeline input in YAML', async () => {
    const src = JSON.parse(readFileSync(join(CORPUS, 'lambda-invoke.json'), 'utf8'));
    const { stringify } = await import('yaml');
    const json = join(tmp, 'get-pipeline.json');
    writeFileSync(json, JSON.stringify({ pipeline: src.pipeline, metadata: { pipelineArn: `arn:aws:codepipeline:eu-west-1:111111111111:${src.pipeline.name}`, version: 2 } }));
    const yml = join(tmp, 'create-pipeline.yaml');
    writeFileSync(yml, stringify(src));
    const fromCorpus = await runCli(['import', join(CORPUS, 'lambda-invoke.json')]);
    for (const file of [json, yml]) {
      const r = await runCli(['import', file]);
      expect(r.code, r.stderr).toBe(0);
      // the same pipeline (get-pipeline output has no tags)
      expect(r.stdout.replace(/^tags: .*\n/m, '')).toBe(fromCorpus.stdout.replace(/^tags: .*\n/m, ''));
    }
  });

  it('reads get-pipeline output in YAML, taking the region from the pipeline ARN', async () => {
    const src = JSON.parse(readFileSync(join(CORPUS, 'cross-region-account.json'), 'utf8'));
    // the own store's region is also an action's, so only the ARN tells the pipeline's region
    src.pipeline.stages[2].actions[0].region = 'us-east-1';
    const { stringify } = await import('yaml');
    const file = join(tmp, 'get-pipeline.yaml');
    writeFileSync(file, stringify({ pipeline: src.pipeline, metadata: { pipelineArn: 'arn:aws:codepipeline:us-east-1:111111111111:payments-global', version: 3 } }));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('region: us-east-1');
    roundTrip(r.stdout, [{ pipeline: src.pipeline }]);
  });

  it("AWS's own tags and pipec's ownership tag are not imported", async () => {
    const decl = JSON.parse(readFileSync(join(CORPUS, 'jenkins-custom.json'), 'utf8'));
    decl.tags = [{ key: 'managed-by', value: 'pipec' }, { key: 'pipec:project', value: 'erp' }, { key: 'aws:cloudformation:stack-name', value: 'erp' }, { key: 'owner', value: 'erp' }];
    const file = join(tmp, 'tags.json');
    writeFileSync(file, JSON.stringify(decl));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('tags: { owner: erp }');
    expect(r.stdout).not.toContain('managed-by');
    expect(r.stdout).not.toContain('pipec:project');
    expect(r.stdout).not.toContain('aws:cloudformation');
  });

  it('a cross-region pipeline whose region cannot be told needs --region', async () => {
    const decl = JSON.parse(readFileSync(join(CORPUS, 'cross-region-account.json'), 'utf8'));
    decl.pipeline.stages[2].actions[0].region = 'us-east-1';
    const file = join(tmp, 'region.json');
    writeFileSync(file, JSON.stringify(decl));
    const r = await runCli(['import', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[PC7006]');
    const ok = await runCli(['import', file, '--region', 'us-east-1']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('region: us-east-1');
  });
});

describe('pipec import: CloudFormation templates', () => {
  const template = join(ROOT, 'test', 'fixtures', 'import', 'two-pipelines.cfn.yml');
  it('imports every pipeline, resolves Ref/Fn::Sub from parameter defaults and resource names, reports the rest with positions', async () => {
    const r = await runCli(['import', template]);
    expect(r.code, r.stderr).toBe(0);
    // two pipelines, the shared bucket (a !Ref to a bucket whose name is a !Sub of a parameter default) at the top
    expect(r.stdout).toMatch(/^artifacts: acme-prod-artifacts\npipelines:\n/);
    expect(r.stdout).toContain('- name: api-prod');
    expect(r.stdout).toContain('- name: worker');
    expect(r.stdout).toContain('tags: { env: prod }');
    // no PollForSourceChanges in the template: CodePipeline polls, which pipec (not polling by default) must be told
    expect(r.stdout).toContain('source: { s3: acme-prod-artifacts/worker.zip, poll: true }');
    // !GetAtt of a role, !Ref of a parameter without a default, a pseudo parameter: placeholders with comments and warnings
    expect(r.stdout).toContain('# FILL IN RoleArn: !GetAtt Role.Arn (');
    expect(r.stdout).toContain('role: arn:aws:iam::000000000000:role/FILL-IN-Role-Arn');
    expect(r.stdout).toContain('source: codecommit:api@FILL-IN-Branch'); // PollForSourceChanges false is pipec's default: no 'poll' written
    expect(r.stdout).toContain('# FILL IN BucketName: !Sub ${AWS::StackName}-site');
    expect(r.stderr).toMatch(/two-pipelines\.cfn\.yml:16:\d+: warning\[PC7003\]: Api: !GetAtt Role\.Arn in RoleArn cannot be resolved/);
    expect(r.stderr).toMatch(/two-pipelines\.cfn\.yml:24:\d+: warning\[PC7003\]: Api: !Ref Branch/);
    expect(r.stderr).toContain('0 errors, 3 warnings');
  });

  it('uses --region for AWS::Region, and a template without pipelines is an error', async () => {
    const file = join(tmp, 'none.cfn.yml');
    writeFileSync(file, 'Resources:\n  B: { Type: AWS::S3::Bucket }\n');
    const r = await runCli(['import', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[PC7004]');
    const json = join(tmp, 'region.cfn.json');
    writeFileSync(json, JSON.stringify({ Resources: { P: { Type: 'AWS::CodePipeline::Pipeline', Properties: { Name: { 'Fn::Join': ['-', ['p', { Ref: 'AWS::Region' }]] }, RoleArn: 'arn:aws:iam::111111111111:role/x', ArtifactStore: { Type: 'S3', Location: 'b-1' }, Stages: [{ Name: 'Source', Actions: [{ Name: 'Source', ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'S3', Version: '1' }, Configuration: { S3Bucket: 'b-1', S3ObjectKey: 'k.zip' }, OutputArtifacts: [{ Name: 'Source' }] }] }, { Name: 'Approve', Actions: [{ Name: 'Approve', ActionTypeId: { Category: 'Approval', Owner: 'AWS', Provider: 'Manual', Version: '1' }, RunOrder: '1' }] }] } } } }));
    const j = await runCli(['import', json, '--region', 'eu-west-1']);
    expect(j.code, j.stderr).toBe(0);
    expect(j.stdout).toContain('name: p-eu-west-1');
  });
});

describe('pipec import: AWS Copilot pipeline manifests', () => {
  it('writes source, build, approvals, ordered deployments and test commands, with FILL-IN values and comments', async () => {
    const manifest = join(ROOT, 'test', 'fixtures', 'import', 'copilot', 'manifest.yml');
    const out = join(tmp, 'copilot.yml');
    const r = await runCli(['import', manifest, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/manifest\.yml:14:5: warning\[PC7005\]: build 'additional_policy' \(extra permissions for the build role\) has no counterpart/);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('No round trip is possible.');
    expect(text).toContain("# FILL IN the ARN of the CodeStar connection named 'acme-github'");
    expect(text).toContain('github: acme/storefront');
    expect(text).toContain("# from Copilot, no counterpart in pipeline.yml: build 'additional_policy'");
    expect(r.stderr).toMatch(/manifest\.yml:\d+:\d+: warning\[PC7005\]: stage 'prod' deployments 'frontend' setting 'rollback_on_failure' has no counterpart/);
    expect(text).toContain("# from Copilot, no counterpart in pipeline.yml: stage 'prod' deployments 'frontend' setting 'rollback_on_failure'");
    expect(text).toContain('test: { buildspec: ./smoke/buildspec.yml }');
    expect(text).toContain('- { name: ApprovePromotionTo-prod, approval: {} }');
    expect(text).toContain('cloudformation: storefront-prod-frontend');
    expect(text).toContain('test: { commands: [make integ-test]');
    // orders and warehouse together, frontend after them (depends_on)
    expect(text.indexOf('- parallel:')).toBeLessThan(text.indexOf('- name: frontend'));
    const v = await runCli(['validate', out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});
