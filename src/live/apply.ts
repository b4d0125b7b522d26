import type { ClientProvider, PipelineClient } from './client.js';
import { AwsFailure, FATAL_KINDS, UNCERTAIN_KINDS, describeFailure } from './errors.js';
import { ownership } from './ownership.js';
import type { Plan, PipelinePlan, PlanAction } from './plan.js';
import { runPool } from './pool.js';
import { readBack } from './readback.js';

export type OutcomeStatus = 'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped' | 'failed' | 'not-started' | 'unknown';

/** What apply did with one pipeline of the plan. */
export interface Outcome {
  name: string;
  region: string;
  action: PlanAction;
  status: OutcomeStatus;
  /** The version after a create or update. */
  version?: number;
  /** Why it failed, was skipped or was not started; how a success after an error was confirmed. */
  message?: string;
}

export interface ApplyOptions {
  concurrency: number;
  /** The project whose pipelines these are. */
  project: string;
  /** True once apply should start no further pipeline (Ctrl-C); those in flight finish. */
  interrupted?: () => boolean;
}

/**
 * Carries out a plan: creates, updates (tags first when adopting, so a half-done takeover is
 * still recorded as this project's) and deletes, at most `concurrency` pipelines at a time.
 * Right before writing a pipeline it reads it again and leaves it alone if it is no longer as
 * planned (another version, created meanwhile, changed hands). Writes are not retried (except
 * when throttled); when one fails in a way that leaves its effect unknown, the pipeline is read
 * back and reported as what happened. A failure fails that pipeline only; but once the endpoint
 * is unreachable or the credentials are refused, or on an interrupt, pipelines not yet started
 * are left alone and reported as not started.
 */
export async function applyPlan(plan: Plan, clients: ClientProvider, opts: ApplyOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = plan.pipelines.map((p) => ({ name: p.name, region: p.region, action: p.action, status: 'unchanged' }));
  const work = plan.pipelines.map((p, i) => ({ p, i })).filter(({ p }) => p.action === 'create' || p.action === 'update' || p.action === 'delete');
  plan.pipelines.forEach((p, i) => {
    if (p.action === 'conflict') outcomes[i] = { ...(outcomes[i] as Outcome), status: 'skipped', ...(p.reason ? { message: p.reason } : {}) };
  });
  let stopReason: string | undefined;
  const interrupted = opts.interrupted ?? (() => false);
  const results = await runPool(
    work,
    opts.concurrency,
    async ({ p }) => {
      const client = await clients.forRegion(p.region);
      return carryOut(p, client);
    },
    () => stopReason !== undefined || interrupted(),
  );
  results.forEach((r, k) => {
    const { p, i } = work[k] as { p: PipelinePlan; i: number };
    const base = outcomes[i] as Outcome;
    if (r.status === 'done') outcomes[i] = { ...base, ...r.value };
    else if (r.status === 'failed') {
      const f = describeFailure(r.error, { operation: p.action, pipeline: p.name, endpoint: clients.describeEndpoint(p.region) });
      outcomes[i] = { ...base, status: 'failed', message: f.message };
    } else outcomes[i] = { ...base, status: 'not-started', message: `not started: ${stopReason ?? (interrupted() ? 'interrupted' : 'apply stopped')}` };
  });
  return outcomes;

  async function carryOut(p: PipelinePlan, client: PipelineClient): Promise<Pick<Outcome, 'status' | 'version' | 'message'>> {
    const noteFatal = (e: unknown) => {
      const f = describeFailure(e, { operation: p.action, pipeline: p.name, endpoint: clients.describeEndpoint(p.region) });
      if (FATAL_KINDS.has(f.kind)) stopReason ??= f.message;
      return f;
    };
    let moved: string | undefined;
    try {
      moved = await stillAsPlanned(p, client, opts.project);
    } catch (e) {
      throw noteFatal(e);
    }
    if (moved) return { status: 'failed', message: `${moved}; left alone (nothing written). Make a new plan` };
    let tagged = false;
    try {
      if (p.action === 'delete') {
        await client.deletePipeline(p.name);
        return { status: 'deleted' };
      }
      const desired = p.desired;
      if (!desired) throw new AwsFailure(`the plan has no declaration for pipeline '${p.name}'`, 'other');
      if (p.action === 'create') return { status: 'created', version: (await client.createPipeline(desired.pipeline, desired.tags)).version };
      const arn = p.arn ?? '';
      if (p.tagsToSet?.length) {
        await client.tagResource(arn, p.tagsToSet);
        tagged = true;
      }
      let version = p.liveVersion ?? undefined;
      if (p.declarationChanged) version = (await client.updatePipeline(desired.pipeline)).version;
      if (p.tagsToRemove?.length) await client.untagResource(arn, p.tagsToRemove);
      return { status: 'updated', ...(version !== undefined ? { version } : {}) };
    } catch (e) {
      const f = noteFatal(e);
      if (!UNCERTAIN_KINDS.has(f.kind)) return { status: 'failed', message: tagged ? `${f.message} (its tags were already updated; its declaration was not)` : f.message };
      const back = await readBack(p, client, f);
      return { status: back.status, ...(back.version !== undefined ? { version: back.version } : {}), message: back.message };
    }
  }
}

/** Undefined when the live pipeline is still as planned; otherwise how it moved on. */
async function stillAsPlanned(p: PipelinePlan, client: PipelineClient, project: string): Promise<string | undefined> {
  const live = await client.getPipeline(p.name);
  if (p.action === 'create') return live ? `it was created by someone else since the plan (now version ${live.version})` : undefined;
  if (!live) return `it was deleted since the plan (planned against version ${p.liveVersion})`;
  if (live.version !== p.liveVersion) return `it changed since the plan: planned against version ${p.liveVersion}, now version ${live.version}`;
  const owner = ownership(await client.listTags(live.arn), project);
  const planned = p.adopt ? p.owner : 'ours';
  if (owner !== planned && !(p.adopt && owner === 'ours')) return owner === 'ours' ? 'it changed hands since the plan' : `it is no longer this project's (${owner === 'unmanaged' ? 'not managed by pipec' : owner === 'other-project' ? "another project's" : 'of no project'})`;
  return undefined;
}
