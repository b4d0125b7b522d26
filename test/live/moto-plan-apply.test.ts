import { CodePipelineClient, CreatePipelineCommand, GetPipelineCommand, ListPipelinesCommand, ListTagsForResourceCommand, UpdatePipelineCommand } from '@aws-sdk/client-codepipeline';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverFiles, readInputs } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { compile } from '../../src/compiler/compile.js';
import { Diagnostics } from '../../src/compiler/diagnostics.js';
import { desiredPipelines } from '../../src/live/desired.js';
import { dependenciesOf } from '../../src/live/preflight.js';
import type { DesiredPipeline } from '../../src/live/plan.js';
import { ROOT, runCli } from '../support/cli.js';
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js';
import { createBuckets, createRoles, pipec, provisionDependencies, workspace } from './support.js';

const ROLE = 'arn:aws:iam::111111111111:role/pipeline';
let moto: Moto;
let sdk: CodePipelineClient;

beforeAll(async () => {
  moto = await startMoto({ accountId: '111111111111' });
  await createRoles(moto.endpoint, [ROLE]);
  await createBuckets(moto.endpoint, ['acme-artifacts', 'acme-artifacts-2']);
  sdk = new CodePipelineClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
});
afterAll(async () => {
  sdk?.destroy();
  await moto?.stop();
});

/** pipec on moto; what the pipelines rely on (roles, buckets, projects) is made first, as a real account has it. */
const run = async (args: string[], cwd: string, env?: Record<string, string>) => {
  await provisionDependencies(moto.endpoint, cwd, env?.AWS_REGION);
  return pipec(args, { cwd, endpoint: moto.endpoint, ...(env ? { env } : {}) });
};

/** The plan as JSON: what changes, pipeline by pipeline. */
async function planJson(cwd: string, extra: string[] = []) {
  const r = await run(['plan', '--format', 'json', ...extra], cwd);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { summary: Record<string, number>; pipelines: Array<{ name: string; action: string; changes: Array<Record<string, unknown>> }> };
}

/** Compile warnings (what codepipeline.json cannot carry) may show; errors and failures may not. */
function expectNoErrors(stderr: string) {
  expect(stderr).not.toMatch(/error\[|pipec:/);
}

async function expectNoChanges(cwd: string) {
  const r = await run(['plan', '--detailed-exitcode'], cwd);
  expectNoErrors(r.stderr);
  expect(r.stdout).toContain('No changes.');
  expect(r.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete.');
  expect(r.code).toBe(0);
}

/** The examples that compile without errors, with their desired pipelines; the compiler's own tests cover the rest. */
function deployableExamples(): Array<{ name: string; dir: string; desired: DesiredPipeline[] }> {
  const out = [];
  for (const name of readdirSync(join(ROOT, 'examples')).sort()) {
    const dir = join(ROOT, 'examples', name);
    const diags = new Diagnostics();
    const files = readInputs(discoverFiles(dir), dir, diags);
    if (files.length === 0) continue;
    const compiled = compile(files, diags);
    const desired = diags.hasErrors() ? [] : desiredPipelines(compiled.pipelines, diags);
    if (!diags.hasErrors()) out.push({ name, dir, desired });
  }
  return out;
}

describe('every example that compiles: create from nothing, apply, then the plan is empty', () => {
  const examples = deployableExamples();

  it('includes the minimal example', () => expect(examples.map((e) => e.name)).toContain('minimal'));

  for (const { name, dir, desired } of examples)
    it(name, async () => {
      await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
      const roles = desired.map((d) => String(d.pipeline.roleArn));
      expect(new Set(roles.map((r) => r.split(':')[4])), 'examples deploy into account 111111111111 in these tests').toEqual(new Set(['111111111111']));
      await provisionDependencies(moto.endpoint, dir);

      // a pipeline whose actions in other accounts read a store with the default S3 key cannot run
      // (its cloudformation target makes the key): pipeline mode says so and makes nothing
      const keyless = desired.filter((d) => {
        const deps = dependenciesOf(d.pipeline, d.region ?? 'us-east-1');
        return deps.otherAccounts.length > 0 && deps.defaultKeyStores.length > 0;
      });
      if (keyless.length > 0) {
        const refused = await run(['plan'], dir);
        expect(refused.code).toBe(1);
        for (const d of keyless) expect(refused.stderr).toContain(`pipec: pipeline '${d.name}' (${d.region ?? 'us-east-1'}) relies on what does not exist: a customer managed KMS key for the artifact store in`);
        return;
      }

      const before = await run(['plan', '--detailed-exitcode'], dir);
      expect(before.stdout).toContain(`Plan: ${desired.length} to create, 0 to update, 0 to delete.`);
      expect(before.code).toBe(2);
      const applied = await run(['apply', '--auto-approve'], dir);
      expectNoErrors(applied.stderr);
      expect(applied.stdout).toContain(`Apply complete: ${desired.length} created, 0 updated, 0 deleted.`);
      expect(applied.code).toBe(0);
      await expectNoChanges(dir);
    });
});

const SHOP = `name: shop
role: ${ROLE}
artifacts: acme-artifacts
connection: arn:aws:codestar-connections:us-east-1:111111111111:connection/abc
source: github:acme/shop@main
triggers:
  - push: { branches: [main] }
build:
  commands: [make]
  artifacts: [dist/**/*]
tests:
  unit: make test
stages:
  - name: Staging
    actions:
      - name: Deploy
        deploy: { s3: { bucket: shop-staging, extract: true } }
  - name: Prod
    actions:
      - name: Deploy
        deploy: { s3: { bucket: shop-prod, extract: true } }
`;

const APPROVE_STAGE = `  - name: Approve
    actions:
      - name: Approve
        approval: {}
`;

describe('each kind of edit: the plan shows exactly it, apply makes it, the next plan is empty', () => {
  // The examples above reset moto: the role and the buckets are made again for what follows.
  beforeAll(async () => {
    await createRoles(moto.endpoint, [ROLE]);
    await createBuckets(moto.endpoint, ['acme-artifacts', 'acme-artifacts-2']);
  });
  const edits: Array<{ edit: string; yml: (s: string) => string; changes: Array<Record<string, unknown>> }> = [
    { edit: 'add a stage', yml: (s) => s.replace('  - name: Prod\n', `${APPROVE_STAGE}  - name: Prod\n`), changes: [{ op: 'add', stage: 'Approve' }] },
    { edit: 'remove a stage', yml: (s) => s.replace(/ {2}- name: Staging\n(?: {4}.*\n)+/, ''), changes: [{ op: 'remove', stage: 'Staging' }] },
    { edit: 'rename a stage', yml: (s) => s.replace('name: Staging', 'name: Beta'), changes: [{ op: 'rename', stage: 'Beta', old: 'Staging', new: 'Beta' }] },
    {
      edit: 'reorder stages',
      yml: (s) => s.replace(/( {2}- name: Staging\n(?: {4}.*\n)+)( {2}- name: Prod\n(?: {4}.*\n)+)/, '$2$1'),
      changes: [{ op: 'move', stage: 'Staging', old: 4, new: 5 }],
    },
    { edit: 'add a parallel action', yml: (s) => s.replace('  unit: make test\n', '  unit: make test\n  lint: make lint\n'), changes: [{ op: 'add', stage: 'Test', action: 'lint', new: { runOrder: 1 } }] },
    {
      edit: 'change a configuration value',
      yml: (s) => s.replace('github:acme/shop@main', 'github:acme/shop@develop'),
      changes: [{ op: 'change', stage: 'Source', action: 'Source', field: 'configuration.BranchName', old: 'main', new: 'develop' }],
    },
    {
      edit: 'change the artifact store',
      yml: (s) => s.replace('artifacts: acme-artifacts', 'artifacts: acme-artifacts-2'),
      changes: [{ op: 'change', field: 'artifactStores.us-east-1.location', old: 'acme-artifacts', new: 'acme-artifacts-2' }],
    },
    {
      edit: 'change a trigger',
      yml: (s) => s.replace('branches: [main] }', 'branches: [main, release/*] }'),
      changes: [{ op: 'change', field: 'triggers.Source.gitConfiguration.push', old: [{ branches: { includes: ['main'] } }], new: [{ branches: { includes: ['main', 'release/*'] } }] }],
    },
  ];

  edits.forEach((e, n) =>
    it(e.edit, async () => {
      const before = SHOP.replace('name: shop', `name: edit-${n}`);
      const after = e.yml(before);
      expect(after, 'the edit applies to the file').not.toBe(before);
      const ws = workspace({ 'pipeline.yml': before });
      try {
        expect((await run(['apply', '--auto-approve'], ws.dir)).code).toBe(0);
        ws.write({ 'pipeline.yml': after });
        const plan = await planJson(ws.dir);
        expect(plan.summary).toMatchObject({ create: 0, update: 1, delete: 0 });
        const changes = plan.pipelines[0]?.changes ?? [];
        expect(changes).toHaveLength(e.changes.length);
        e.changes.forEach((c, i) => expect(changes[i]).toMatchObject(c));
        const applied = await run(['apply', '--auto-approve'], ws.dir);
        expect(applied.stdout).toContain('Apply complete: 0 created, 1 updated, 0 deleted.');
        expect(applied.code).toBe(0);
        await expectNoChanges(ws.dir);
      } finally {
        ws.cleanup();
      }
    }),
  );
});

describe('a saved plan', () => {
  it('is applied exactly, and refused once the pipeline changed behind pipec', async () => {
    const ws = workspace({ 'pipeline.yml': SHOP.replace('name: shop', 'name: saved') });
    try {
      expect((await run(['apply', '--auto-approve'], ws.dir)).code).toBe(0);
      ws.write({ 'pipeline.yml': SHOP.replace('name: shop', 'name: saved').replace('@main', '@next') });
      expect((await run(['plan', '--out', 'plan.json'], ws.dir)).code).toBe(0);
      expect((await run(['plan', '--out', 'second.json'], ws.dir)).code).toBe(0);
      const applied = await run(['apply', 'plan.json'], ws.dir);
      expect(applied.stdout).toContain('Apply complete: 0 created, 1 updated, 0 deleted.');
      expect(applied.code).toBe(0);

      // The second plan was made against version 1; applying the first made it 2.
      const refused = await run(['apply', 'second.json'], ws.dir);
      expect(refused.stderr).toContain("pipeline 'saved' (us-east-1) changed since the plan: planned against version 1, now version 2");
      expect(refused.code).toBe(1);

      // Someone edits the pipeline between plan and apply.
      ws.write({ 'pipeline.yml': SHOP.replace('name: shop', 'name: saved').replace('@main', '@last') });
      expect((await run(['plan', '--out', 'third.json'], ws.dir)).code).toBe(0);
      const live = await sdk.send(new GetPipelineCommand({ name: 'saved' }));
      await sdk.send(new UpdatePipelineCommand({ pipeline: { ...live.pipeline!, roleArn: ROLE } }));
      const behind = await run(['apply', 'third.json'], ws.dir);
      expect(behind.stderr).toContain('changed since the plan: planned against version 2, now version 3');
      expect(behind.stderr).toContain('Nothing was changed.');
      expect(behind.code).toBe(1);
      const after = await sdk.send(new GetPipelineCommand({ name: 'saved' }));
      expect(after.pipeline?.version).toBe(3);
      expect(JSON.stringify(after.pipeline)).toContain('"BranchName":"next"');
    } finally {
      ws.cleanup();
    }
  });

  it('is refused when the input files changed since', async () => {
    const ws = workspace({ 'pipeline.yml': SHOP.replace('name: shop', 'name: inputs') });
    try {
      expect((await run(['plan', '--out', 'plan.json'], ws.dir)).code).toBe(0);
      ws.write({ 'pipeline.yml': SHOP.replace('name: shop', 'name: inputs') + '# edited\n' });
      const r = await run(['apply', 'plan.json'], ws.dir);
      expect(r.stderr).toContain("refusing to apply plan.json: it was made from other input files ('pipeline.yml' changed)");
      expect(r.code).toBe(1);
      expect((await sdk.send(new ListPipelinesCommand({}))).pipelines?.map((p) => p.name)).not.toContain('inputs');
    } finally {
      ws.cleanup();
    }
  });
});

describe('pipelines pipec does not manage', () => {
  it('are reported by plan, left alone by apply, and taken over only with --adopt', async () => {
    const yml = SHOP.replace('name: shop', 'name: legacy');
    const ws = workspace({ 'pipeline.yml': yml });
    try {
      // The same pipeline, made by hand: no managed-by tag.
      expect((await run(['compile', '-o', 'out'], ws.dir)).code).toBe(0);
      const handMade = JSON.parse(readFileSync(join(ws.dir, 'out', 'legacy', 'codepipeline.json'), 'utf8')) as { pipeline: never };
      await sdk.send(new CreatePipelineCommand({ pipeline: handMade.pipeline, tags: [{ key: 'owner', value: 'ops' }] }));

      const plan = await run(['plan'], ws.dir);
      expect(plan.stdout).toContain('! pipeline "legacy" (us-east-1): left alone, not managed by pipec');
      expect(plan.stderr).toContain('--adopt legacy');
      expect(plan.code).toBe(1);

      const apply = await run(['apply', '--auto-approve'], ws.dir);
      expect(apply.stdout).toContain('"legacy" (us-east-1): skipped; not this project\'s (adopt it with --adopt legacy)');
      expect(apply.code).toBe(1);
      const untouched = await sdk.send(new GetPipelineCommand({ name: 'legacy' }));
      expect(untouched.pipeline?.version).toBe(1);

      const adopt = await run(['apply', '--auto-approve', '--adopt', 'legacy'], ws.dir);
      expect(adopt.stdout).toContain('"legacy" (us-east-1): updated');
      expect(adopt.code).toBe(0);
      const tags = await sdk.send(new ListTagsForResourceCommand({ resourceArn: untouched.metadata!.pipelineArn! }));
      expect(tags.tags).toContainEqual({ key: 'managed-by', value: 'pipec' });
      await expectNoChanges(ws.dir);
    } finally {
      ws.cleanup();
    }
  });
});

describe('--prune', () => {
  it('deletes only managed pipelines that left the configuration, and only when asked', async () => {
    // A region of its own, so the managed pipelines of the other tests are not in play.
    const env = { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-central-1' };
    const eu = new CodePipelineClient({ endpoint: moto.endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    // with an artifact bucket in that region (plan checks a store's bucket is in its region)
    const two = `role: ${ROLE}\nartifacts: acme-artifacts-eu-central-1\npipelines:\n  - name: keep\n    source: codecommit:keep@main\n    build: { codebuild: keep }\n  - name: drop\n    source: codecommit:drop@main\n    build: { codebuild: drop }\n`;
    const ws = workspace({ 'pipeline.yml': two });
    try {
      expect((await run(['apply', '--auto-approve'], ws.dir, env)).code).toBe(0);
      const keep = (await eu.send(new GetPipelineCommand({ name: 'keep' }))).pipeline as Record<string, unknown>;
      await eu.send(new CreatePipelineCommand({ pipeline: { ...keep, name: 'hand-made', version: undefined } as never }));
      ws.write({ 'pipeline.yml': two.replace(/ {2}- name: drop\n(?: {4}.*\n)+/, '') });

      const plain = await run(['plan', '--format', 'json'], ws.dir, env);
      expect(JSON.parse(plain.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 0 });
      const pruning = await run(['plan', '--format', 'json', '--prune'], ws.dir, env);
      const plan = JSON.parse(pruning.stdout) as { pipelines: Array<{ name: string; action: string }> };
      expect(plan.pipelines.filter((p) => p.action === 'delete').map((p) => p.name)).toEqual(['drop']);

      const applied = await run(['apply', '--auto-approve', '--prune'], ws.dir, env);
      expect(applied.stdout).toContain('"drop" (eu-central-1): deleted');
      expect(applied.stdout).toContain('Apply complete: 0 created, 0 updated, 1 deleted.');
      expect(applied.code).toBe(0);
      const names = (await eu.send(new ListPipelinesCommand({}))).pipelines?.map((p) => p.name) ?? [];
      expect(names.sort()).toEqual(['hand-made', 'keep']);
      const again = await run(['plan', '--prune', '--detailed-exitcode'], ws.dir, env);
      expect(again.stdout).toContain('No changes.');
      expect(again.code).toBe(0);
    } finally {
      eu.destroy();
      ws.cleanup();
    }
  });
});

describe('colour', () => {
  it('only on a terminal, and never with NO_COLOR', async () => {
    const ws = workspace({ 'pipeline.yml': SHOP.replace('name: shop', 'name: colour') });
    try {
      const env = awsTestEnv(moto.endpoint);
      const tty = await runCli(['plan'], { cwd: ws.dir, env, tty: true });
      expect(tty.stdout).toContain('\x1b[32m+\x1b[0m pipeline');
      const noColor = await runCli(['plan'], { cwd: ws.dir, env: { ...env, NO_COLOR: '1' }, tty: true });
      expect(noColor.stdout).toContain('+ pipeline "colour"');
      expect(noColor.stdout).not.toContain('\x1b[');
      const pipe = await runCli(['plan'], { cwd: ws.dir, env, tty: false });
      expect(pipe.stdout).not.toContain('\x1b[');
    } finally {
      ws.cleanup();
    }
  });
});

describe('confirmation', () => {
  async function withAnswer(answer: string, cwd: string) {
    await provisionDependencies(moto.endpoint, cwd);
    let stdout = '';
    let stderr = '';
    const code = await main(['apply'], {
      cwd,
      env: awsTestEnv(moto.endpoint),
      stdout: { write: (s: string) => (stdout += s), isTTY: true },
      stderr: { write: (s: string) => (stderr += s), isTTY: true },
      stdinIsTTY: true,
      stdin: Readable.from([`${answer}\n`]),
    });
    return { code, stdout, stderr };
  }

  it('asks on a terminal and goes ahead only on yes', async () => {
    const ws = workspace({ 'pipeline.yml': SHOP.replace('name: shop', 'name: asked') });
    try {
      const no = await withAnswer('y', ws.dir);
      expect(no.stdout).toContain("Do you want to apply these changes? Only 'yes' is accepted");
      expect(no.stdout).toContain('Apply cancelled; nothing was changed.');
      expect(no.code).toBe(1);
      expect((await sdk.send(new ListPipelinesCommand({}))).pipelines?.map((p) => p.name)).not.toContain('asked');
      const yes = await withAnswer('yes', ws.dir);
      expect(yes.stdout).toContain('Apply complete: 1 created, 0 updated, 0 deleted.');
      expect(yes.code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });

  it('is an error without a terminal and without --auto-approve', async () => {
    const ws = workspace({ 'pipeline.yml': SHOP.replace('name: shop', 'name: unasked') });
    try {
      const r = await run(['apply'], ws.dir);
      expect(r.stderr).toContain('there is no terminal to ask on: pass --auto-approve');
      expect(r.code).toBe(2);
    } finally {
      ws.cleanup();
    }
  });
});
