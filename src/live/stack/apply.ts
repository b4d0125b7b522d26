import { AwsFailure, describeFailure } from '../errors.js';
import type { StackClient, StackClientProvider, StackEvent } from './client.js';
import { compileCommand, deployCommand, stackCommand } from './commands.js';
import { discardKept, waitForChangeSet, type StackModePlan, type StackPlan } from './plan.js';

export type StackOutcomeStatus = 'created' | 'updated' | 'unchanged' | 'failed' | 'timed-out' | 'skipped' | 'not-started';

/** What apply did with one stack. */
export interface StackOutcome {
  stack: string;
  pipeline: string;
  region: string;
  status: StackOutcomeStatus;
  /** The stack's status at the end (CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ...). */
  stackStatus?: string;
  /** Resources that failed, with CloudFormation's reasons. */
  failures?: Array<{ logicalId: string; resourceType: string; status: string; reason: string }>;
  message?: string;
}

/** What apply reports while it works: each stack event as it arrives, and each stack it starts waiting on. */
export interface StackProgress {
  started(p: StackPlan): void;
  event(p: StackPlan, e: StackEvent): void;
  /** A deferred stack's change set, made now that the stacks it reads from are deployed. */
  planned(p: StackPlan): void;
  waiting(p: StackPlan, status: string): void;
}

export interface StackApplyOptions {
  timeoutMs: number;
  pollMs: number;
  runId: string;
  progress: StackProgress;
}

/**
 * Checks a saved stack plan against the live stacks before anything runs: every stack must be
 * as planned (same status and last change; still absent for a create), and every kept change set
 * still AVAILABLE. Returns one phrase per stack that is not.
 */
export async function checkStackPlanHolds(plan: StackModePlan, clients: StackClientProvider): Promise<string[]> {
  const drift: string[] = [];
  for (const p of plan.stacks) {
    if (p.action === 'manual') continue;
    const client = await clients.forLocation({ region: p.target.region, ...(p.profile ? { profile: p.profile } : {}) });
    const live = await client.describeStack(p.target.stackName);
    const where = `stack ${p.target.stackName} (${p.target.region})`;
    const review = live?.status === 'REVIEW_IN_PROGRESS';
    if (p.planned === null && live && !(review && p.changeSetId)) drift.push(`${where} was created since the plan (now ${live.status})`);
    else if (p.planned !== null && !live) drift.push(`${where} was deleted since the plan`);
    else if (p.planned && live && (live.status !== p.planned.status || live.lastChanged !== p.planned.lastChanged)) drift.push(`${where} changed since the plan (planned against ${p.planned.status} of ${p.planned.lastChanged}, now ${live.status} of ${live.lastChanged})`);
    else if (p.changeSetId) {
      const cs = await client.describeChangeSet(p.changeSetId);
      if (!cs) drift.push(`the change set of ${where} is gone (CloudFormation deletes a stack's change sets when one of them is executed)`);
      else if (cs.executionStatus !== 'AVAILABLE') drift.push(`the change set of ${where} can no longer be executed (${cs.executionStatus}${cs.statusReason ? `: ${cs.statusReason}` : ''})`);
    }
  }
  return drift;
}

/**
 * Executes the plan's change sets in order (per pipeline: the artifacts stack, region stacks,
 * account stacks, then the pipeline's), reporting stack events as they arrive and waiting (at most
 * opts.timeoutMs per stack) for each to finish. A stack that fails stops the later stacks of its
 * pipeline; so does an account stack left to the user that needs outputs made just now (its
 * command is printed with their values). The change sets of stacks not started are deleted, with
 * the empty stacks their CREATE change sets made: nothing is left half-done in CloudFormation.
 */
export async function applyStackPlan(plan: StackModePlan, clients: StackClientProvider, opts: StackApplyOptions): Promise<StackOutcome[]> {
  const outcomes: StackOutcome[] = [];
  const stopped = new Set<string>();
  // pipeline -> its account stacks that wait for a user to deploy them with the outputs just made
  const awaiting = new Map<string, string[]>();
  const outputs = new Map<string, Record<string, string>>();
  // stacks not started: their change sets (and the empty stacks CREATE change sets made) are deleted at the end
  const unstarted: StackPlan[] = [];
  for (const p of plan.stacks) {
    const t = p.target;
    const base = { stack: t.stackName, pipeline: t.pipeline, region: t.region };
    if (stopped.has(t.pipeline)) {
      outcomes.push({ ...base, status: 'not-started', message: `not started: an earlier stack of pipeline ${t.pipeline} did not deploy` });
      unstarted.push(p);
      continue;
    }
    if (p.action === 'manual' && p.awaiting) {
      // its parameters are known now: the command to run there; what comes after needs this stack
      const parameters = Object.fromEntries(Object.entries(t.inputs).map(([k, src]) => [k, outputs.get(src.stack)?.[src.output] ?? '']));
      const { templatesDir } = p.awaiting;
      outcomes.push({ ...base, status: 'skipped', message: `stack ${t.stackName} belongs in account ${t.account}; run, with credentials of account ${t.account} (AWS_PROFILE or keys in the environment): ${compileCommand(templatesDir, plan.stacks.map((s) => s.target))}, then ${deployCommand(t, `${templatesDir}/${t.pipeline}/${t.file}`, parameters)}; then plan and apply again (or pass --account-profile ${t.account}=PROFILE)` });
      awaiting.set(t.pipeline, [...(awaiting.get(t.pipeline) ?? []), `${t.stackName} in account ${t.account}`]);
      continue;
    }
    if (awaiting.has(t.pipeline) && p.action !== 'manual') {
      outcomes.push({ ...base, status: 'not-started', message: `not started: it comes after stack ${(awaiting.get(t.pipeline) ?? []).join(' and ')}, to be deployed there first (see above)` });
      unstarted.push(p);
      continue;
    }
    if (p.action === 'manual') {
      outcomes.push({ ...base, status: 'skipped', message: `${p.reason ?? ''} ${p.command ?? ''}`.trim() });
      continue;
    }
    if (p.action === 'blocked') {
      outcomes.push({ ...base, status: 'skipped', message: p.reason ?? 'blocked' });
      stopped.add(t.pipeline);
      continue;
    }
    const client = await clients.forLocation({ region: t.region, ...(p.profile ? { profile: p.profile } : {}) });
    try {
      if (p.action === 'no-op') {
        const live = await client.describeStack(t.stackName);
        if (live) outputs.set(t.stackName, live.outputs);
        outcomes.push({ ...base, status: 'unchanged' });
        continue;
      }
      let changeSetId = p.changeSetId;
      let type = p.action;
      if (!changeSetId) {
        const made = await makeChangeSet(p, client, outputs, opts);
        if (!made) {
          const live = await client.describeStack(t.stackName);
          if (live) outputs.set(t.stackName, live.outputs);
          outcomes.push({ ...base, status: 'unchanged' });
          continue;
        }
        changeSetId = made.id;
        type = made.type;
      }
      const result = await execute(p, client, changeSetId, opts);
      if (result.status === SUCCESS_OF[type === 'create' ? 'create' : 'update']) {
        const live = await client.describeStack(t.stackName);
        if (live) outputs.set(t.stackName, live.outputs);
        outcomes.push({ ...base, status: type === 'create' ? 'created' : 'updated', stackStatus: result.status });
      } else {
        stopped.add(t.pipeline);
        outcomes.push({ ...base, status: result.timedOut ? 'timed-out' : 'failed', stackStatus: result.status, failures: result.failures, ...(result.timedOut ? { message: `still ${result.status} after ${Math.round(opts.timeoutMs / 1000)} s; CloudFormation goes on without pipec: ${stackCommand('describe-stack-events', t)}` } : {}) });
      }
    } catch (e) {
      stopped.add(t.pipeline);
      const f = describeFailure(e, { operation: 'deploying', stack: t.stackName, endpoint: clients.describeEndpoint(t.region), service: 'CloudFormation' });
      outcomes.push({ ...base, status: 'failed', message: f.message });
    }
  }
  await discardKept(unstarted, clients);
  return outcomes;
}

const SUCCESS_OF = { create: 'CREATE_COMPLETE', update: 'UPDATE_COMPLETE' } as const;

/** A deferred stack's change set, made now from the outputs of the stacks deployed before it; undefined when nothing changes. */
async function makeChangeSet(p: StackPlan, client: StackClient, outputs: Map<string, Record<string, string>>, opts: StackApplyOptions): Promise<{ id: string; type: 'create' | 'update' } | undefined> {
  const t = p.target;
  const parameters: Record<string, string> = {};
  for (const [name, src] of Object.entries(t.inputs)) {
    const v = outputs.get(src.stack)?.[src.output];
    if (v === undefined) throw new AwsFailure(`stack ${t.stackName} needs output ${src.output} of stack ${src.stack}, which it does not have`, 'other');
    parameters[name] = v;
  }
  const live = await client.describeStack(t.stackName);
  const type = live && live.status !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
  let made;
  try {
    made = await client.createChangeSet({ stackName: t.stackName, changeSetName: `pipec-${opts.runId}`, type, templateBody: t.template, ...(t.templateUrl ? { templateUrl: t.templateUrl } : {}), parameters, tags: t.tags });
  } catch (e) {
    if (e instanceof AwsFailure && /No updates are to be performed/.test(e.message)) return undefined;
    throw e;
  }
  const cs = await waitForChangeSet(client, made.id, { waitMs: opts.timeoutMs, pollMs: opts.pollMs });
  if (cs.status === 'FAILED') {
    await client.deleteChangeSet(made.id);
    if (/didn't contain changes/.test(cs.statusReason ?? '')) return undefined;
    throw new AwsFailure(`CloudFormation cannot make a change set for stack ${t.stackName}: ${cs.statusReason ?? 'FAILED'}`, 'rejected');
  }
  opts.progress.planned({ ...p, action: type === 'CREATE' ? 'create' : 'update', parameters, resourceChanges: cs.changes, stackId: made.stackId });
  return { id: made.id, type: type === 'CREATE' ? 'create' : 'update' };
}

/** Executes one change set and follows the stack's events until it settles or the time is up. */
async function execute(p: StackPlan, client: StackClient, changeSetId: string, opts: StackApplyOptions): Promise<{ status: string; timedOut: boolean; failures: NonNullable<StackOutcome['failures']> }> {
  const t = p.target;
  const stackId = p.stackId ?? t.stackName;
  const before = await client.events(stackId).catch(() => [] as StackEvent[]);
  let last = before[0]?.eventId;
  opts.progress.started(p);
  await client.executeChangeSet(changeSetId);
  const seen: StackEvent[] = [];
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const fresh = (await client.events(stackId, last)).reverse();
    for (const e of fresh) {
      seen.push(e);
      opts.progress.event(p, e);
    }
    if (fresh.length > 0) last = (fresh[fresh.length - 1] as StackEvent).eventId;
    const live = await client.describeStack(stackId);
    const status = live?.status ?? 'DELETE_COMPLETE';
    if (!/_IN_PROGRESS$/.test(status) || status === 'REVIEW_IN_PROGRESS') {
      const failures = seen
        .filter((e) => /FAILED$/.test(e.status) && e.logicalId !== t.stackName)
        .map((e) => ({ logicalId: e.logicalId, resourceType: e.resourceType, status: e.status, reason: e.reason ?? '' }));
      return { status, timedOut: false, failures };
    }
    if (Date.now() > deadline) return { status, timedOut: true, failures: [] };
    opts.progress.waiting(p, status);
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
