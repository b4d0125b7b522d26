import { describe, expect, it } from 'vitest';
import { applyPlan, checkPlanStillHolds } from '../../dist/live/apply.js';
import type { ClientProvider, LivePipeline, PipelineClient } from '../../dist/live/client.js';
import { AwsFailure } from '../../dist/live/errors.js';
import type { JsonObject, Tag } from '../../dist/live/json.js';
import { buildPlan, type DesiredPipeline } from '../../dist/live/plan.js';
import { runPool } from '../../dist/live/pool.js';

/** An in-memory CodePipeline for the logic around the calls; moto tests cover the calls themselves. */
class FakeCodePipeline implements ClientProvider {
  pipelines = new Map<string, { declaration: JsonObject; version: number; tags: Tag[] }>();
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Makes the next calls of an operation fail with this failure. */
  failing = new Map<string, AwsFailure>();

  async defaultRegion() {
    return 'us-east-1';
  }
  describeEndpoint() {
    return 'http://127.0.0.1:1';
  }
  async forRegion(region: string): Promise<PipelineClient> {
    const call = async <T>(op: string, name: string, f: () => T): Promise<T> => {
      this.calls.push(`${op} ${name}`);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        await new Promise((r) => setImmediate(r));
        const failure = this.failing.get(op);
        if (failure) throw failure;
        return f();
      } finally {
        this.inFlight--;
      }
    };
    const byArn = (arn: string) => arn.split(':').pop() as string;
    return {
      region,
      getPipeline: (name) =>
        call('GetPipeline', name, (): LivePipeline | undefined => {
          const p = this.pipelines.get(name);
          return p ? { declaration: p.declaration, version: p.version, arn: `arn:aws:codepipeline:${region}:111111111111:${name}` } : undefined;
        }),
      listPipelines: () => call('ListPipelines', '', () => [...this.pipelines.keys()]),
      listTags: (arn) => call('ListTagsForResource', byArn(arn), () => this.pipelines.get(byArn(arn))?.tags ?? []),
      createPipeline: (declaration, tags) =>
        call('CreatePipeline', String(declaration.name), () => {
          this.pipelines.set(String(declaration.name), { declaration, version: 1, tags: [...tags] });
          return { version: 1 };
        }),
      updatePipeline: (declaration) =>
        call('UpdatePipeline', String(declaration.name), () => {
          const p = this.pipelines.get(String(declaration.name))!;
          p.declaration = declaration;
          p.version++;
          return { version: p.version };
        }),
      deletePipeline: (name) => call('DeletePipeline', name, () => void this.pipelines.delete(name)),
      tagResource: (arn, tags) =>
        call('TagResource', byArn(arn), () => {
          const p = this.pipelines.get(byArn(arn))!;
          p.tags = [...p.tags.filter((t) => !tags.some((x) => x.key === t.key)), ...tags];
        }),
      untagResource: (arn, keys) =>
        call('UntagResource', byArn(arn), () => {
          const p = this.pipelines.get(byArn(arn))!;
          p.tags = p.tags.filter((t) => !keys.includes(t.key));
        }),
    };
  }
}

const declaration = (name: string, branch = 'main'): JsonObject => ({
  name,
  roleArn: 'arn:aws:iam::111111111111:role/p',
  artifactStore: { type: 'S3', location: 'b' },
  stages: [
    { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, runOrder: 1, configuration: { RepositoryName: 'r', BranchName: branch }, outputArtifacts: [{ name: 'S' }], inputArtifacts: [] }] },
    { name: 'Build', actions: [{ name: 'Build', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, runOrder: 1, configuration: { ProjectName: 'p' }, outputArtifacts: [], inputArtifacts: [{ name: 'S' }] }] },
  ],
  pipelineType: 'V2',
});
const desired = (name: string, branch = 'main', tags: Tag[] = []): DesiredPipeline => ({ name, pipeline: declaration(name, branch), tags });
const MANAGED = { key: 'managed-by', value: 'pipec' };

describe('runPool', () => {
  it('never runs more than the limit at once and keeps results in order', async () => {
    let running = 0;
    let most = 0;
    const results = await runPool(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      running--;
      return i * 2;
    });
    expect(most).toBe(3);
    expect(results.map((r) => (r.status === 'done' ? r.value : -1))).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

describe('plan and apply against a fake service', () => {
  it('read and write at most --concurrency pipelines at a time', async () => {
    const fake = new FakeCodePipeline();
    const list = Array.from({ length: 12 }, (_, i) => desired(`p${i}`));
    const planned = await buildPlan(list, fake, { prune: false, adopt: new Set(), concurrency: 4 });
    if (!planned.ok) throw new Error('plan failed');
    expect(fake.maxInFlight).toBe(4);
    fake.maxInFlight = 0;
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 2 });
    expect(fake.maxInFlight).toBe(2);
    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill('created'));
    expect(fake.pipelines.get('p0')?.tags).toEqual([MANAGED]);
  });

  it('send no UpdatePipeline when only tags changed, and untag what the configuration dropped', async () => {
    const fake = new FakeCodePipeline();
    fake.pipelines.set('web', { declaration: declaration('web'), version: 3, tags: [MANAGED, { key: 'team', value: 'a' }, { key: 'aws:cloudformation:stack-name', value: 'x' }] });
    const planned = await buildPlan([desired('web', 'main', [{ key: 'owner', value: 'me' }])], fake, { prune: false, adopt: new Set(), concurrency: 1 });
    if (!planned.ok) throw new Error('plan failed');
    expect(planned.plan.pipelines[0]?.changes).toEqual([
      { op: 'add', field: 'tags.owner', new: 'me' },
      { op: 'remove', field: 'tags.team', old: 'a' },
    ]);
    fake.calls = [];
    await applyPlan(planned.plan, fake, { concurrency: 1 });
    expect(fake.calls).toEqual(['TagResource web', 'UntagResource web']);
    expect(fake.pipelines.get('web')?.version).toBe(3);
  });

  it('tag an adopted pipeline before updating it, so a half-done takeover is still recorded', async () => {
    const fake = new FakeCodePipeline();
    fake.pipelines.set('old', { declaration: declaration('old'), version: 5, tags: [] });
    const planned = await buildPlan([desired('old', 'dev')], fake, { prune: false, adopt: new Set(['old']), concurrency: 1 });
    if (!planned.ok) throw new Error('plan failed');
    expect(planned.plan.pipelines[0]).toMatchObject({ action: 'update', adopt: true });
    fake.calls = [];
    fake.failing.set('UpdatePipeline', new AwsFailure('CodePipeline refused UpdatePipeline', 'rejected'));
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 1 });
    expect(fake.calls).toEqual(['TagResource old', 'UpdatePipeline old']);
    expect(outcomes[0]).toMatchObject({ status: 'failed', message: 'CodePipeline refused UpdatePipeline' });
    expect(fake.pipelines.get('old')?.tags).toEqual([MANAGED]);
  });

  it('stop starting pipelines once the endpoint is unreachable, and report them as not started', async () => {
    const fake = new FakeCodePipeline();
    const planned = await buildPlan(Array.from({ length: 6 }, (_, i) => desired(`p${i}`)), fake, { prune: false, adopt: new Set(), concurrency: 2 });
    if (!planned.ok) throw new Error('plan failed');
    fake.failing.set('CreatePipeline', new AwsFailure('cannot reach CodePipeline at http://127.0.0.1:1: connection refused; is it running?', 'unreachable'));
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 2 });
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'not-started', 'not-started', 'not-started', 'not-started']);
    expect(outcomes[2]?.message).toBe('not started: cannot reach CodePipeline at http://127.0.0.1:1: connection refused; is it running?');
  });

  it('report a failed read once, however many pipelines it hit', async () => {
    const fake = new FakeCodePipeline();
    fake.failing.set('GetPipeline', new AwsFailure('no AWS credentials found', 'credentials'));
    const planned = await buildPlan(Array.from({ length: 5 }, (_, i) => desired(`p${i}`)), fake, { prune: false, adopt: new Set(), concurrency: 1 });
    expect(planned.ok).toBe(false);
    if (!planned.ok) expect(planned.failures.map((f) => f.message)).toEqual(['no AWS credentials found']);
    expect(fake.calls).toEqual(['GetPipeline p0']);
  });

  it('find drift in a saved plan: changed, created or deleted since, or no longer managed', async () => {
    const fake = new FakeCodePipeline();
    for (const n of ['a', 'b', 'c']) fake.pipelines.set(n, { declaration: declaration(n), version: 1, tags: [MANAGED] });
    const planned = await buildPlan(['a', 'b', 'c', 'd'].map((n) => desired(n, 'dev')), fake, { prune: false, adopt: new Set(), concurrency: 1 });
    if (!planned.ok) throw new Error('plan failed');
    expect((await checkPlanStillHolds(planned.plan, fake, 2)).drift).toEqual([]);
    fake.pipelines.get('a')!.version = 2;
    fake.pipelines.delete('b');
    fake.pipelines.get('c')!.tags = [];
    fake.pipelines.set('d', { declaration: declaration('d'), version: 1, tags: [] });
    expect((await checkPlanStillHolds(planned.plan, fake, 2)).drift).toEqual([
      "pipeline 'a' (us-east-1) changed since the plan: planned against version 1, now version 2",
      "pipeline 'b' (us-east-1) was deleted since the plan (planned against version 1)",
      "pipeline 'c' (us-east-1) is no longer tagged as managed by pipec",
      "pipeline 'd' (us-east-1) was created by someone else since the plan (now version 1)",
    ]);
  });
});
