import type { ClientProvider, PipelineClient } from './client.js';
import { AwsFailure, describeFailure } from './errors.js';
import { FATAL_KINDS, isManaged, type Plan, type PipelinePlan, type PlanAction } from './plan.js';
import { runPool } from './pool.js';

export type OutcomeStatus = 'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped' | 'failed' | 'not-started';

/** What apply did with one pipeline of the plan. */
export interface Outcome {
  name: string;
  region: string;
  action: PlanAction;
  status: OutcomeStatus;
  /** The version after a create or update. */
  version?: number;
  /** Why it failed, was skipped or was not started. */
  message?: string;
}

/**
 * Carries out a plan: creates, updates (tags first when adopting, so a half-done takeover is
 * still recorded as pipec's) and deletes, at most `concurrency` pipelines at a time. A failure
 * fails that pipeline only; but once the endpoint is unreachable or the credentials are
 * refused, pipelines not yet started are left alone and reported as not started.
 */
export async function applyPlan(plan: Plan, clients: ClientProvider, opts: { concurrency: number }): Promise<Outcome[]> {
  const outcomes: Outcome[] = plan.pipelines.map((p) => ({ name: p.name, region: p.region, action: p.action, status: 'unchanged' }));
  const work = plan.pipelines.map((p, i) => ({ p, i })).filter(({ p }) => p.action === 'create' || p.action === 'update' || p.action === 'delete');
  plan.pipelines.forEach((p, i) => {
    if (p.action === 'conflict') outcomes[i] = { ...(outcomes[i] as Outcome), status: 'skipped', ...(p.reason ? { message: p.reason } : {}) };
  });
  let stopReason: string | undefined;
  const results = await runPool(
    work,
    opts.concurrency,
    async ({ p }) => {
      const client = await clients.forRegion(p.region);
      return carryOut(p, client);
    },
    () => stopReason !== undefined,
  );
  results.forEach((r, k) => {
    const { p, i } = work[k] as { p: PipelinePlan; i: number };
    const base = outcomes[i] as Outcome;
    if (r.status === 'done') outcomes[i] = { ...base, ...r.value };
    else if (r.status === 'failed') {
      const f = describeFailure(r.error, { operation: p.action, pipeline: p.name, endpoint: clients.describeEndpoint(p.region) });
      outcomes[i] = { ...base, status: 'failed', message: f.message };
    }
  });
  results.forEach((r, k) => {
    const { i } = work[k] as { i: number };
    if (r.status === 'not-started') outcomes[i] = { ...(outcomes[i] as Outcome), status: 'not-started', message: `not started: ${stopReason ?? 'apply stopped'}` };
  });
  return outcomes;

  async function carryOut(p: PipelinePlan, client: PipelineClient): Promise<Pick<Outcome, 'status' | 'version'>> {
    try {
      if (p.action === 'delete') {
        await client.deletePipeline(p.name);
        return { status: 'deleted' };
      }
      const desired = p.desired;
      if (!desired) throw new AwsFailure(`the plan has no declaration for pipeline '${p.name}'`, 'other');
      if (p.action === 'create') return { status: 'created', version: (await client.createPipeline(desired.pipeline, desired.tags)).version };
      const arn = p.arn ?? '';
      if (p.tagsToSet?.length) await client.tagResource(arn, p.tagsToSet);
      let version = p.liveVersion ?? undefined;
      if (p.declarationChanged) version = (await client.updatePipeline(desired.pipeline)).version;
      if (p.tagsToRemove?.length) await client.untagResource(arn, p.tagsToRemove);
      return { status: 'updated', ...(version !== undefined ? { version } : {}) };
    } catch (e) {
      const f = describeFailure(e, { operation: p.action, pipeline: p.name, endpoint: clients.describeEndpoint(p.region) });
      if (FATAL_KINDS.has(f.kind)) stopReason ??= f.message;
      throw f;
    }
  }
}

/**
 * Checks a saved plan against the live pipelines before applying it: each must still be as
 * planned (same `version`, still absent for a create, still pipec's where pipec manages it).
 * Returns one phrase per pipeline that is not, and the failures of reading them.
 */
export async function checkPlanStillHolds(plan: Plan, clients: ClientProvider, concurrency: number): Promise<{ drift: string[]; failures: AwsFailure[] }> {
  let fatal = false;
  const results = await runPool(
    plan.pipelines,
    concurrency,
    async (p): Promise<string | undefined> => {
      const client = await clients.forRegion(p.region);
      const live = await client.getPipeline(p.name).catch((e: unknown) => {
        if (e instanceof AwsFailure && FATAL_KINDS.has(e.kind)) fatal = true;
        throw e;
      });
      const where = `pipeline '${p.name}' (${p.region})`;
      if (p.liveVersion === null) return live ? `${where} was created by someone else since the plan (now version ${live.version})` : undefined;
      if (!live) return `${where} was deleted since the plan (planned against version ${p.liveVersion})`;
      if (live.version !== p.liveVersion) return `${where} changed since the plan: planned against version ${p.liveVersion}, now version ${live.version}`;
      if ((p.action === 'update' && !p.adopt) || p.action === 'delete' || p.action === 'no-op') {
        if (!isManaged(await client.listTags(live.arn))) return `${where} is no longer tagged as managed by pipec`;
      }
      return undefined;
    },
    () => fatal,
  );
  const drift: string[] = [];
  const failures: AwsFailure[] = [];
  results.forEach((r, i) => {
    const p = plan.pipelines[i] as PipelinePlan;
    if (r.status === 'done' && r.value) drift.push(r.value);
    if (r.status === 'failed') {
      const f = describeFailure(r.error, { operation: 'reading', pipeline: p.name, endpoint: clients.describeEndpoint(p.region) });
      if (!failures.some((x) => x.message === f.message)) failures.push(f);
    }
  });
  return { drift, failures };
}
