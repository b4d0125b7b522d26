import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/live/apply.js';
import type { ClientProvider, LivePipeline, PipelineClient } from '../../src/live/client.js';
import type { LockStore } from '../../src/live/lock.js';
import { AwsFailure } from '../../src/live/errors.js';
import type { JsonObject, Tag } from '../../src/live/json.js';
import { buildPlan, type DesiredPipeline } from '../../src/live/plan.js';
import { runPool } from '../../src/live/pool.js';
import { acquireLock, newLockInfo, releaseLock } from '../../src/live/lock.js';
import { savePlanContents } from '../../src/live/plan-file.js';
import { compareWithDerived } from '../../src/live/verify-plan.js';

/** An in-memory CodePipeline for the logic around the calls; moto tests cover the calls themselves. */
class FakeCodePipeline implements ClientProvider {
  pipelines = new Map<string, { declaration: JsonObject; version: number; tags: Tag[] }>();
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Makes the next calls of an operation fail with this failure. */
  failing = new Map<string, AwsFailure>();
  /** Makes the next calls of an operation take effect and then fail with this failure (a 500 after the write). */
  failingAfter = new Map<string, AwsFailure>();
  /** Runs before each call of an operation (to change the service behind pipec's back). */
  before = new Map<string, () => void>();
  locks = new Map<string, string>();

  async account() {
    return '111111111111';
  }
  abort() {}
  async lockStore(at: { bucket: string; key: string }): Promise<LockStore> {
    const key = `${at.bucket}/${at.key}`;
    return {
      where: `s3://${key}`,
      createIfAbsent: async (body: string) => (this.locks.has(key) ? false : (this.locks.set(key, body), true)),
      read: async () => this.locks.get(key),
      remove: async () => void this.locks.delete(key),
    };
  }

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
        this.before.get(op)?.();
        const failure = this.failing.get(op);
        if (failure) throw failure;
        const value = f();
        const after = this.failingAfter.get(op);
        if (after) throw after;
        return value;
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
const PROJECT = { key: 'pipec:project', value: 'shop' };
const OURS = [MANAGED, PROJECT];
const opts = (over: Partial<{ prune: boolean; adopt: Set<string>; concurrency: number; project: string }> = {}) => ({ project: 'shop', projectFrom: 'configuration' as const, prune: false, adopt: new Set<string>(), concurrency: 1, ...over });

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
    const planned = await buildPlan(list, fake, opts({ concurrency: 4 }));
    if (!planned.ok) throw new Error('plan failed');
    expect(fake.maxInFlight).toBe(4);
    fake.maxInFlight = 0;
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 2, project: 'shop' });
    expect(fake.maxInFlight).toBe(2);
    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill('created'));
    expect(fake.pipelines.get('p0')?.tags).toEqual(OURS);
  });

  it('send no UpdatePipeline when only tags changed, and untag what the configuration dropped', async () => {
    const fake = new FakeCodePipeline();
    fake.pipelines.set('web', { declaration: declaration('web'), version: 3, tags: [...OURS, { key: 'team', value: 'a' }, { key: 'aws:cloudformation:stack-name', value: 'x' }] });
    const planned = await buildPlan([desired('web', 'main', [{ key: 'owner', value: 'me' }])], fake, opts());
    if (!planned.ok) throw new Error('plan failed');
    expect(planned.plan.pipelines[0]?.changes).toEqual([
      { op: 'add', field: 'tags.owner', new: 'me' },
      { op: 'remove', field: 'tags.team', old: 'a' },
    ]);
    fake.calls = [];
    await applyPlan(planned.plan, fake, { concurrency: 1, project: 'shop' });
    // Read again right before writing, then the two tag calls.
    expect(fake.calls).toEqual(['GetPipeline web', 'ListTagsForResource web', 'TagResource web', 'UntagResource web']);
    expect(fake.pipelines.get('web')?.version).toBe(3);
  });

  it('tag an adopted pipeline before updating it, so a half-done takeover is still recorded', async () => {
    const fake = new FakeCodePipeline();
    fake.pipelines.set('old', { declaration: declaration('old'), version: 5, tags: [] });
    const planned = await buildPlan([desired('old', 'dev')], fake, opts({ adopt: new Set(['old']) }));
    if (!planned.ok) throw new Error('plan failed');
    expect(planned.plan.pipelines[0]).toMatchObject({ action: 'update', adopt: true });
    fake.calls = [];
    fake.failing.set('UpdatePipeline', new AwsFailure('CodePipeline refused UpdatePipeline', 'rejected'));
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 1, project: 'shop' });
    expect(fake.calls).toEqual(['GetPipeline old', 'ListTagsForResource old', 'TagResource old', 'UpdatePipeline old']);
    expect(outcomes[0]).toMatchObject({ status: 'failed', message: 'CodePipeline refused UpdatePipeline (its tags were already updated; its declaration was not)' });
    expect(fake.pipelines.get('old')?.tags).toEqual(OURS);
  });

  it('stop starting pipelines once the endpoint is unreachable, and report them as not started', async () => {
    const fake = new FakeCodePipeline();
    const planned = await buildPlan(Array.from({ length: 6 }, (_, i) => desired(`p${i}`)), fake, opts({ concurrency: 2 }));
    if (!planned.ok) throw new Error('plan failed');
    fake.failing.set('GetPipeline', new AwsFailure('cannot reach CodePipeline at http://127.0.0.1:1: connection refused; is it running?', 'unreachable'));
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 2, project: 'shop' });
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'not-started', 'not-started', 'not-started', 'not-started']);
    expect(outcomes[2]?.message).toBe('not started: cannot reach CodePipeline at http://127.0.0.1:1: connection refused; is it running?');
  });

  it('report a failed read once, however many pipelines it hit', async () => {
    const fake = new FakeCodePipeline();
    fake.failing.set('GetPipeline', new AwsFailure('no AWS credentials found', 'credentials'));
    const planned = await buildPlan(Array.from({ length: 5 }, (_, i) => desired(`p${i}`)), fake, opts());
    expect(planned.ok).toBe(false);
    if (!planned.ok) expect(planned.failures.map((f) => f.message)).toEqual(['no AWS credentials found']);
    expect(fake.calls).toEqual(['GetPipeline p0']);
  });

});

const SERVER_ERROR = new AwsFailure('CodePipeline failed on CreatePipeline: InternalFailure (HTTP 500)', 'server');

describe('ownership is scoped by project', () => {
  it("leaves another project's pipeline alone unless adopted, and prunes only this project's", async () => {
    const fake = new FakeCodePipeline();
    fake.pipelines.set('web', { declaration: declaration('web'), version: 1, tags: [MANAGED, { key: 'pipec:project', value: 'other' }] });
    fake.pipelines.set('gone-ours', { declaration: declaration('gone-ours'), version: 1, tags: OURS });
    fake.pipelines.set('gone-theirs', { declaration: declaration('gone-theirs'), version: 1, tags: [MANAGED, { key: 'pipec:project', value: 'other' }] });
    fake.pipelines.set('gone-legacy', { declaration: declaration('gone-legacy'), version: 1, tags: [MANAGED] });
    const planned = await buildPlan([desired('web')], fake, opts({ prune: true }));
    if (!planned.ok) throw new Error('plan failed');
    expect(planned.plan.pipelines.map((p) => [p.name, p.action, p.owner])).toEqual([
      ['web', 'conflict', 'other-project'],
      ['gone-ours', 'delete', undefined],
    ]);
    expect(planned.plan.pipelines[0]?.reason).toContain("belongs to pipec project 'other', not 'shop'");
    const adopted = await buildPlan([desired('web', 'dev')], fake, opts({ adopt: new Set(['web']) }));
    if (!adopted.ok) throw new Error('plan failed');
    expect(adopted.plan.pipelines[0]).toMatchObject({ action: 'update', adopt: true, owner: 'other-project' });
    expect(adopted.plan.pipelines[0]?.changes).toContainEqual({ op: 'change', field: 'tags.pipec:project', old: 'other', new: 'shop' });
  });
});

describe('right before each write', () => {
  it('reads the pipeline again and leaves it alone if it changed since the plan', async () => {
    const fake = new FakeCodePipeline();
    fake.pipelines.set('web', { declaration: declaration('web'), version: 1, tags: OURS });
    const planned = await buildPlan([desired('web', 'dev'), desired('new')], fake, opts());
    if (!planned.ok) throw new Error('plan failed');
    fake.pipelines.get('web')!.version = 2;
    fake.pipelines.set('new', { declaration: declaration('new'), version: 1, tags: [] });
    fake.calls = [];
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 1, project: 'shop' });
    expect(outcomes.map((o) => [o.status, o.message])).toEqual([
      ['failed', 'it changed since the plan: planned against version 1, now version 2; left alone (nothing written). Make a new plan'],
      ['failed', 'it was created by someone else since the plan (now version 1); left alone (nothing written). Make a new plan'],
    ]);
    expect(fake.calls.filter((c) => !c.startsWith('GetPipeline') && !c.startsWith('ListTags'))).toEqual([]);
  });
});

describe('honest outcomes after a failed write', () => {
  it('a create that took effect but answered 500 is reported created, once, confirmed by reading it back', async () => {
    const fake = new FakeCodePipeline();
    const planned = await buildPlan([desired('web')], fake, opts());
    if (!planned.ok) throw new Error('plan failed');
    fake.failingAfter.set('CreatePipeline', SERVER_ERROR);
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 1, project: 'shop' });
    expect(outcomes[0]).toMatchObject({ status: 'created', version: 1 });
    expect(outcomes[0]?.message).toMatch(/^created \(confirmed by reading it back after: CodePipeline failed on CreatePipeline/);
    expect(fake.calls.filter((c) => c.startsWith('CreatePipeline'))).toEqual(['CreatePipeline web']);
  });

  it('a 500 that changed nothing is a failure saying so; an update that landed is updated', async () => {
    const fake = new FakeCodePipeline();
    fake.pipelines.set('web', { declaration: declaration('web'), version: 1, tags: OURS });
    const planned = await buildPlan([desired('web', 'dev'), desired('new')], fake, opts());
    if (!planned.ok) throw new Error('plan failed');
    fake.failing.set('CreatePipeline', SERVER_ERROR);
    fake.failingAfter.set('UpdatePipeline', new AwsFailure('CodePipeline failed on UpdatePipeline: InternalFailure (HTTP 500)', 'server'));
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 1, project: 'shop' });
    expect(outcomes.map((o) => o.status)).toEqual(['updated', 'failed']);
    expect(outcomes[0]).toMatchObject({ version: 2 });
    expect(outcomes[1]?.message).toMatch(/^not created \(reading it back finds no pipeline\)/);
    expect(fake.calls.filter((c) => c.startsWith('UpdatePipeline') || c.startsWith('CreatePipeline'))).toEqual(['UpdatePipeline web', 'CreatePipeline new']);
  });

  it('when reading back fails too, the outcome is unknown, not failed', async () => {
    const fake = new FakeCodePipeline();
    const planned = await buildPlan([desired('web')], fake, opts());
    if (!planned.ok) throw new Error('plan failed');
    fake.failingAfter.set('CreatePipeline', SERVER_ERROR);
    let gets = 0;
    fake.before.set('GetPipeline', () => {
      if (++gets === 2) fake.failing.set('GetPipeline', new AwsFailure('cannot reach CodePipeline at http://x: connection reset', 'lost'));
    });
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 1, project: 'shop' });
    expect(outcomes[0]?.status).toBe('unknown');
    expect(outcomes[0]?.message).toMatch(/^outcome unknown: .*reading it back failed too/);
  });

  it('a rejected write (4xx) is a plain failure, not read back', async () => {
    const fake = new FakeCodePipeline();
    const planned = await buildPlan([desired('web')], fake, opts());
    if (!planned.ok) throw new Error('plan failed');
    fake.failing.set('CreatePipeline', new AwsFailure('CodePipeline refused CreatePipeline: InvalidStructureException: bad', 'rejected'));
    fake.calls = [];
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 1, project: 'shop' });
    expect(outcomes[0]).toMatchObject({ status: 'failed', message: 'CodePipeline refused CreatePipeline: InvalidStructureException: bad' });
    expect(fake.calls).toEqual(['GetPipeline web', 'CreatePipeline web']);
  });
});

describe('an interrupt', () => {
  it('starts no further writes, lets those in flight finish, and reports the rest as not started', async () => {
    const fake = new FakeCodePipeline();
    const planned = await buildPlan(Array.from({ length: 8 }, (_, i) => desired(`p${i}`)), fake, opts());
    if (!planned.ok) throw new Error('plan failed');
    let interrupted = false;
    fake.before.set('CreatePipeline', () => {
      if (fake.pipelines.size === 2) interrupted = true;
    });
    const outcomes = await applyPlan(planned.plan, fake, { concurrency: 2, project: 'shop', interrupted: () => interrupted });
    const created = outcomes.filter((o) => o.status === 'created').length;
    expect(created).toBe(fake.pipelines.size);
    expect(created).toBeGreaterThanOrEqual(3);
    expect(outcomes.filter((o) => o.status === 'not-started').map((o) => o.message)).toEqual(Array(8 - created).fill('not started: interrupted'));
  });
});

describe('a saved plan, derived again at apply', () => {
  const target = { account: '111111111111', endpoint: null, defaultRegion: 'us-east-1' };
  async function setup() {
    const fake = new FakeCodePipeline();
    for (const n of ['a', 'b']) fake.pipelines.set(n, { declaration: declaration(n), version: 1, tags: OURS });
    fake.pipelines.set('stale', { declaration: declaration('stale'), version: 1, tags: OURS });
    fake.pipelines.set('hand-made', { declaration: declaration('hand-made'), version: 1, tags: [] });
    const list = [desired('a', 'dev'), desired('b'), desired('c')];
    const planned = await buildPlan(list, fake, opts({ prune: true }));
    if (!planned.ok) throw new Error('plan failed');
    const saved = savePlanContents(planned.plan, target, { discovered: true, files: [], sha256: 'x' }, { adopt: [] }, '0.1.0');
    const again = async () => {
      const r = await buildPlan(list, fake, opts({ prune: true }));
      if (!r.ok) throw new Error('plan failed');
      return r.plan;
    };
    return { fake, saved, again };
  }

  it('matches itself', async () => {
    const { saved, again } = await setup();
    expect(compareWithDerived(saved, await again())).toEqual({ drift: [], edits: [] });
  });

  it('refuses each kind of edit, with a reason', async () => {
    const { saved, again } = await setup();
    const derived = await again();
    const edit = (f: (s: typeof saved) => void) => {
      const copy = JSON.parse(JSON.stringify(saved)) as typeof saved;
      f(copy);
      return compareWithDerived(copy, derived);
    };
    expect(edit((s) => (s.plan.pipelines[0]!.name = 'hand-made')).edits).toEqual(expect.arrayContaining(["it has an entry for pipeline 'hand-made' (us-east-1), which its inputs do not give", "it lacks pipeline 'a' (us-east-1), which its inputs give"]));
    expect(edit((s) => (s.plan.pipelines[0]!.arn = 'arn:aws:codepipeline:us-east-1:111111111111:hand-made')).edits).toEqual(["its entry for pipeline 'a' (us-east-1) is not what its inputs and the live pipeline give (arn differ)"]);
    expect(edit((s) => Object.assign(s.plan.pipelines[1]!, { adopt: true })).edits[0]).toMatch(/^its entry for pipeline 'b' .*\(adopt differ\)$/);
    expect(edit((s) => s.plan.pipelines.push({ name: 'hand-made', region: 'us-east-1', action: 'delete', liveVersion: 1, arn: 'x', changes: [] })).drift[0]).toMatch(/^pipeline 'hand-made' \(us-east-1\): the plan deletes it, but it is no longer a pipeline of project 'shop'/);
    expect(edit((s) => (s.plan.pipelines[0]!.region = 'eu-west-1')).edits.length).toBeGreaterThan(0);
    expect(edit((s) => (s.plan.pipelines[2]!.desiredSha256 = '0'.repeat(64))).edits[0]).toMatch(/\(desiredSha256 differ\)/);
    expect(edit((s) => (s.plan.project = 'other')).edits[0]).toBe("it is a plan for project 'other', but its inputs are project 'shop'");
  });

  it('tells drift from edits: a pipeline changed since is drift', async () => {
    const { fake, saved, again } = await setup();
    fake.pipelines.get('a')!.version = 2;
    fake.pipelines.delete('stale');
    const r = compareWithDerived(saved, await again());
    expect(r.edits).toEqual([]);
    expect(r.drift).toEqual([
      "pipeline 'a' (us-east-1) changed since the plan: planned against version 1, now version 2",
      "pipeline 'stale' (us-east-1): the plan deletes it, but it is no longer a pipeline of project 'shop' that the configuration left (deleted, changed or re-tagged since the plan)",
    ]);
  });
});

describe('the apply lock', () => {
  it('is taken by one of two at once; the other names the holder; only the holder releases it', async () => {
    const fake = new FakeCodePipeline();
    const store = await fake.lockStore({ bucket: 'b', key: '.pipec/locks/shop.json' });
    const one = newLockInfo('shop', 'apply', 'alice@ci', 1, new Date('2026-12-01T21:00:00Z'), '0.1.0');
    const two = newLockInfo('shop', 'apply', 'bob@ci', 2, new Date('2026-12-01T21:00:01Z'), '0.1.0');
    const results = await Promise.all([acquireLock(store, one, { timeoutMs: 0 }), acquireLock(store, two, { timeoutMs: 0 })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok) as { ok: false; holder: { who: string; since: string } };
    expect(loser.holder).toMatchObject({ who: 'alice@ci', since: '2026-12-01T21:00:00Z' });
    expect(await releaseLock(store, two.id)).toBe(false);
    expect(await releaseLock(store, one.id)).toBe(true);
    expect(await store.read()).toBeUndefined();
  });

  it('waits for the holder within --lock-timeout', async () => {
    const fake = new FakeCodePipeline();
    const store = await fake.lockStore({ bucket: 'b', key: 'k' });
    const one = newLockInfo('shop', 'apply', 'alice@ci', 1, new Date(), '0.1.0');
    expect((await acquireLock(store, one, { timeoutMs: 0 })).ok).toBe(true);
    const two = newLockInfo('shop', 'apply', 'bob@ci', 2, new Date(), '0.1.0');
    let clock = 0;
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
      if (clock >= 3000) await releaseLock(store, one.id);
    };
    expect(await acquireLock(store, two, { timeoutMs: 10_000, sleep, now: () => clock })).toEqual({ ok: true });
    expect(sleeps).toEqual([1000, 1000, 1000]);
    const three = newLockInfo('shop', 'apply', 'carol@ci', 3, new Date(), '0.1.0');
    expect(await acquireLock(store, three, { timeoutMs: 2500, sleep: async (ms) => void (clock += ms), now: () => clock })).toMatchObject({ ok: false, holder: { who: 'bob@ci' } });
  });
});
