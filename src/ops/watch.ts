import type { PipelineExecutionSummary } from '@aws-sdk/client-codepipeline';
import type { OpsClient } from './client.js';
import type { OpsPipelineConfig } from './config.js';
import { buildExecutionView, TERMINAL, type ExecutionView } from './execution.js';

/** How to follow an execution: the clock, how often to look, when to give up, what to do with each view. */
export interface FollowOptions {
  now(): number;
  sleep(ms: number): Promise<void>;
  intervalMs: number;
  /** Stop following after this long (the execution goes on). */
  timeoutMs?: number;
  config?: OpsPipelineConfig;
  show(view: ExecutionView): void;
}

/** The execution's summary (for its start and end times), found by id among the recent ones. */
export async function findSummary(client: OpsClient, name: string, id: string): Promise<PipelineExecutionSummary | undefined> {
  return (await client.listExecutions(name, { limit: 1, accept: (s) => s.pipelineExecutionId === id }))[0];
}

/** One look at an execution: everything a view needs, read now. */
export async function readExecution(client: OpsClient, name: string, id: string, config: OpsPipelineConfig | undefined, withState: boolean): Promise<ExecutionView> {
  const execution = await client.getExecution(name, id);
  const [actions, declaration, summary] = [await client.listActionExecutions(name, id), await client.getPipeline(name), await findSummary(client, name, id)];
  const state = withState && execution.status === 'InProgress' ? await client.getState(name) : undefined;
  return buildExecutionView({
    pipeline: name,
    execution,
    actions,
    declaration,
    ...(state ? { state } : {}),
    ...(config ? { config } : {}),
    times: { ...(summary?.startTime ? { start: summary.startTime } : {}), ...(summary?.lastUpdateTime ? { end: summary.lastUpdateTime } : {}) },
  });
}

/** Polls the execution until it ends (or the timeout passes), showing each view; returns the last. */
export async function followExecution(client: OpsClient, name: string, id: string, o: FollowOptions): Promise<{ view: ExecutionView; timedOut: boolean }> {
  const started = o.now();
  for (;;) {
    const view = await readExecution(client, name, id, o.config, true);
    o.show(view);
    if (TERMINAL.has(view.status)) return { view, timedOut: false };
    if (o.timeoutMs !== undefined && o.now() - started >= o.timeoutMs) return { view, timedOut: true };
    await o.sleep(o.intervalMs);
  }
}
