import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsCli, type AwsCliResult } from './support/aws-cli.js';
import { ROOT, runCli } from './support/cli.js';
import { PIPELINE_TRUST_POLICY, startMoto, type Moto } from './support/moto.js';

/**
 * Acceptance by AWS's own tooling: every compiled example goes through the real AWS CLI
 * (botocore's client-side validation against the official API model) into moto on
 * loopback, and GetPipeline returns what we submitted. Examples are independent and may
 * reuse pipeline names, so each example gets a region of its own in the one moto account.
 */

const ACCOUNT = '111111111111';
const CONCURRENCY = 4;
const EXAMPLES = join(ROOT, 'examples');
/** Regions where CodePipeline exists (and moto serves it); example i deploys to REGIONS[i mod n]. */
const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
  'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-east-1', 'af-south-1', 'me-south-1', 'me-central-1', 'il-central-1',
];

type Json = Record<string, unknown>;

interface Compiled {
  example: string;
  region: string;
  name: string;
  file: string;
  input: { pipeline: Json & { name: string; roleArn: string; stages: Json[] }; tags?: Json[] };
}

type AwsResult = AwsCliResult;

interface Outcome {
  create: AwsResult;
  get: AwsResult;
  tags: AwsResult;
}

const examples = readdirSync(EXAMPLES)
  .filter((name) => statSync(join(EXAMPLES, name, 'pipeline.yml'), { throwIfNoEntry: false })?.isFile())
  .sort();

const scratch = mkdtempSync(join(tmpdir(), 'pipec-acceptance-'));
let moto: Moto | undefined;
const compiled: Compiled[] = [];
const outcomes = new Map<string, Outcome>();
const roleResults: Array<{ role: string; result: AwsResult }> = [];

/** One AWS CLI command against moto only: explicit loopback endpoint, dummy credentials (from awsTestEnv). */
function aws(args: string[], region = 'us-east-1'): string[] {
  return [...args, '--endpoint-url', (moto as Moto).endpoint, '--region', region, '--output', 'json'];
}

/** Splits items into at most n lists, round robin. */
function lanes<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = Array.from({ length: Math.min(n, items.length) }, () => []);
  items.forEach((item, i) => out[i % out.length]?.push(item));
  return out;
}

/** `arn:aws:iam::111111111111:role/path/name` -> { path: '/path/', name }. */
function roleParts(arn: string): { name: string; path: string } {
  const resource = arn.slice(arn.indexOf(':role/') + ':role/'.length);
  const parts = resource.split('/');
  const name = parts.pop() as string;
  return { name, path: parts.length ? `/${parts.join('/')}/` : '/' };
}

beforeAll(async () => {
  for (const [i, example] of examples.entries()) {
    const region = REGIONS[i % REGIONS.length] as string;
    const out = join(scratch, example);
    const r = await runCli(['compile', join(EXAMPLES, example, 'pipeline.yml'), '-t', 'codepipeline', '-o', out, '-q', '--no-color']);
    if (r.code !== 0) throw new Error(`example ${example} does not compile:\n${r.stderr}`);
    for (const name of readdirSync(out).sort()) {
      const file = join(out, name, 'codepipeline.json');
      compiled.push({ example, region, name, file, input: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  moto = await startMoto({ accountId: ACCOUNT });
  const env = moto.env;
  const roles = [...new Set(compiled.map((c) => c.input.pipeline.roleArn))].sort();
  const created = await runAwsCli(
    roles.map((role) => aws(['iam', 'create-role', '--role-name', roleParts(role).name, '--path', roleParts(role).path, '--assume-role-policy-document', PIPELINE_TRUST_POLICY])),
    env,
  );
  roles.forEach((role, i) => roleResults.push({ role, result: created[i] as AwsResult }));
  // CONCURRENCY CLI processes, each creating and reading back its share of the pipelines in order.
  await Promise.all(
    lanes(compiled, CONCURRENCY).map(async (lane) => {
      const commands = lane.flatMap((c) => [
        aws(['codepipeline', 'create-pipeline', '--cli-input-json', `file://${c.file}`], c.region),
        aws(['codepipeline', 'get-pipeline', '--name', c.name], c.region),
        aws(['codepipeline', 'list-tags-for-resource', '--resource-arn', `arn:aws:codepipeline:${c.region}:${ACCOUNT}:${c.name}`], c.region),
      ]);
      const results = await runAwsCli(commands, env);
      lane.forEach((c, i) => outcomes.set(`${c.region}/${c.name}`, { create: results[3 * i] as AwsResult, get: results[3 * i + 1] as AwsResult, tags: results[3 * i + 2] as AwsResult }));
    }),
  );
}, 300000);

afterAll(async () => {
  await moto?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

it('compiles every example into at least one pipeline, each name used once per region', () => {
  expect(new Set(compiled.map((c) => c.example))).toEqual(new Set(examples));
  const keys = compiled.map((c) => `${c.region}/${c.name}`);
  expect(keys.length).toBeGreaterThanOrEqual(examples.length);
  expect(new Set(keys).size, 'examples sharing a region (more examples than REGIONS) must not share pipeline names').toBe(keys.length);
});

it('creates every pipeline role in moto IAM, in the account the ARNs name', () => {
  expect(roleResults.length).toBeGreaterThan(0);
  for (const { role, result } of roleResults) {
    expect(result.code, `${role}: ${result.stderr}`).toBe(0);
    expect((JSON.parse(result.stdout) as { Role: { Arn: string } }).Role.Arn).toBe(role);
  }
});

describe.each(examples)('example %s', (example) => {
  it('every pipeline is accepted by aws codepipeline create-pipeline and read back unchanged', () => {
    const mine = compiled.filter((c) => c.example === example);
    expect(mine.length).toBeGreaterThan(0);
    for (const c of mine) {
      const where = `${example}/${c.name} (${relative(scratch, c.file)})`;
      const outcome = outcomes.get(`${c.region}/${c.name}`) as Outcome;
      expect(outcome.create.code, `create-pipeline ${where}: ${outcome.create.stderr}`).toBe(0);
      const created = JSON.parse(outcome.create.stdout) as { pipeline: Json };
      expect(created.pipeline.name).toBe(c.name);

      const get = outcome.get;
      expect(get.code, `get-pipeline ${where}: ${get.stderr}`).toBe(0);
      const live = (JSON.parse(get.stdout) as { pipeline: Json & { stages: Json[] } }).pipeline;
      const sent = c.input.pipeline;
      expect(live.stages.map((s) => s.name), where).toEqual(sent.stages.map((s) => s.name));
      sent.stages.forEach((stage, i) => {
        const liveStage = live.stages[i] as Json;
        const liveActions = liveStage.actions as Json[];
        const sentActions = stage.actions as Json[];
        expect(liveActions.map((a) => a.name), `${where} stage ${String(stage.name)}`).toEqual(sentActions.map((a) => a.name));
        sentActions.forEach((a, j) => {
          const l = liveActions[j] as Json;
          const at = `${where} ${String(stage.name)}/${String(a.name)}`;
          expect(l.actionTypeId, at).toEqual(a.actionTypeId);
          expect(l.runOrder, at).toEqual(a.runOrder);
          expect(l.configuration, at).toEqual(a.configuration);
          expect(l.inputArtifacts, at).toEqual(a.inputArtifacts);
          expect(l.outputArtifacts, at).toEqual(a.outputArtifacts);
        });
        expect(liveStage, `${where} stage ${String(stage.name)}`).toEqual(stage);
      });
      const { version, ...rest } = live;
      expect(version).toBe(1);
      expect(rest, where).toEqual(sent);

      const tags = outcome.tags;
      expect(tags.code, `list-tags-for-resource ${where}: ${tags.stderr}`).toBe(0);
      expect((JSON.parse(tags.stdout) as { tags: Json[] }).tags, where).toEqual(c.input.tags ?? []);
    }
  });
});
