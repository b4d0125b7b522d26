import type { Change } from '../changes.js';
import type { PipelineClient } from '../client.js';
import { diffPipeline } from '../diff.js';
import { AwsFailure } from '../errors.js';
import { normaliseDeclaration } from '../normalise.js';
import { PROJECT_TAG_KEY, ownership, projectOf } from '../ownership.js';
import type { LiveStack, ResourceChange, StackClient, StackClientProvider, StackEvent, StackLocation } from './client.js';
import { stackPipelineDeclaration } from './declaration.js';
import { securityChanges, type SecurityChange } from './security.js';
import type { StackTarget } from './targets.js';
import { compileCommand, deployCommand, stackCommand } from './commands.js';

/**
 * What plan decided for one stack:
 * - create / update: a change set is ready (kept in a saved plan, deleted otherwise);
 * - no-op: CloudFormation found nothing to change;
 * - deferred: a parameter comes from a stack that does not exist yet; apply makes the change set
 *   once that stack is deployed;
 * - manual: the stack is in another account and no --account-profile names it: `command` says what to run;
 * - blocked: the stack cannot be changed now (not pipec's, failed creation, an operation running).
 */
export type StackAction = 'create' | 'update' | 'no-op' | 'deferred' | 'manual' | 'blocked';

export interface StackPlan {
  target: StackTarget;
  /** The profile used for the stack's account, when it is not the pipeline's own. */
  profile?: string;
  action: StackAction;
  changeSetId?: string;
  stackId?: string;
  /** The stack as planned against (status and last change), null when there was none. */
  planned: { status: string; lastChanged: string } | null;
  parameters: Record<string, string>;
  resourceChanges: ResourceChange[];
  security: SecurityChange[];
  /** pipec's field-level diff of the pipeline the stack makes (the pipeline stack only). */
  pipelineChanges?: Change[];
  reason?: string;
  command?: string;
  /**
   * A manual stack whose parameters come from a stack not deployed yet (the artifacts stack): the
   * directory the templates are compiled into, so that apply prints the command once those outputs are known.
   */
  awaiting?: { templatesDir: string };
}

export interface StackModePlan {
  stacks: StackPlan[];
}

/** One pipeline to deploy as stacks: its stacks and its account. */
export interface StackPipeline {
  name: string;
  account?: string;
  targets: StackTarget[];
}

export interface StackPlanOptions {
  /** Account -> profile (--account-profile). */
  accountProfiles: ReadonlyMap<string, string>;
  /** Keep the change sets (a saved plan) instead of deleting them after reading. */
  keep: boolean;
  /** Names of pipelines whose existing stacks pipec may take over. */
  adopt: ReadonlySet<string>;
  /** A unique suffix for change set names. */
  runId: string;
  /** The pipeline client of a region, for the field-level diff. */
  pipelines(region: string): Promise<PipelineClient>;
  /** Polls a change set until CloudFormation has computed it (bounded). */
  waitMs: number;
  pollMs: number;
  /** Where the compiled templates are written for the manual command (`<dir>/<pipeline>/<file>`). */
  templatesDir: string;
  /** The `pipec compile` command that writes them (compileCommand; of this pipeline's stacks when not given). */
  compileCommand?: string;
}

const NO_CHANGES = /didn't contain changes|No updates are to be performed/;
const BUSY = /_IN_PROGRESS$/;

/** Where a stack goes: its region, and the profile of its account when that is not the pipeline's. */
export function locationOf(t: StackTarget, pipelineAccount: string | undefined, profiles: ReadonlyMap<string, string>): { location: StackLocation; missingProfile: boolean } {
  const other = t.account !== undefined && t.account !== pipelineAccount;
  const profile = other ? profiles.get(t.account as string) : undefined;
  return { location: { region: t.region, ...(profile ? { profile } : {}) }, missingProfile: other && !profile };
}

/** Why a live stack cannot take a change set now, with what to do; undefined when it can. */
async function blockedBy(t: StackTarget, live: LiveStack, adopt: boolean, client: StackClient): Promise<string | undefined> {
  const owner = ownership(live.tags, projectOf(t.tags) ?? '');
  if (owner !== 'ours' && !adopt) {
    const take = `plan with --adopt ${t.pipeline} to take it over`;
    if (owner === 'unmanaged') return `stack ${t.stackName} exists in ${t.region} and pipec did not create it (no 'managed-by: pipec' tag); ${take}`;
    if (owner === 'other-project') return `stack ${t.stackName} in ${t.region} belongs to pipec project '${projectOf(live.tags) ?? ''}', not '${projectOf(t.tags) ?? ''}'; ${take}`;
    return `stack ${t.stackName} in ${t.region} was made by a pipec without projects (no '${PROJECT_TAG_KEY}' tag); ${take} for project '${projectOf(t.tags) ?? ''}'`;
  }
  if (live.status === 'ROLLBACK_COMPLETE') return `stack ${t.stackName} failed to create and was rolled back (ROLLBACK_COMPLETE); CloudFormation can only delete it: ${stackCommand('delete-stack', t)}, then plan again`;
  if (live.status === 'UPDATE_ROLLBACK_FAILED') {
    const stuck = await failedSince(client, live, 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_FAILED');
    const finish = stackCommand('continue-update-rollback', t);
    if (stuck.length === 0) return `stack ${t.stackName} is in UPDATE_ROLLBACK_FAILED; find the cause in its events (${stackCommand('describe-stack-events', t)}), fix it, then finish the rollback: ${finish}, and plan again`;
    const ids = stuck.map((e) => e.logicalId);
    return (
      `stack ${t.stackName} is in UPDATE_ROLLBACK_FAILED: its rollback could not restore ${describeFailed(stuck)}; fix that, then finish the rollback: ${finish}, and plan again. ` +
      `If ${ids.length === 1 ? 'it' : 'they'} cannot be restored (deleted outside CloudFormation, ...), the rollback can skip ${ids.length === 1 ? 'it' : 'them'} instead (CloudFormation then takes ${ids.length === 1 ? 'it' : 'them'} to be as before the update; make that true before the next apply): ${finish} --resources-to-skip ${ids.join(' ')}`
    );
  }
  if (live.status === 'DELETE_FAILED' || live.status === 'ROLLBACK_FAILED') {
    const creating = live.status === 'ROLLBACK_FAILED';
    const stuck = await failedSince(client, live, creating ? 'ROLLBACK_IN_PROGRESS' : 'DELETE_IN_PROGRESS', 'DELETE_FAILED');
    const what = creating ? `failed to create, and its rollback could not delete` : `could not be deleted (DELETE_FAILED):`;
    const cause = stuck.length > 0 ? describeFailed(stuck) : 'a resource';
    return `stack ${t.stackName} ${what} ${cause}; fix that, then delete the stack${creating ? '' : ' again'}: ${stackCommand('delete-stack', t)}, and plan again (its events: ${stackCommand('describe-stack-events', t)})`;
  }
  if (/FAILED$/.test(live.status)) return `stack ${t.stackName} is in ${live.status}${live.statusReason ? ` (${live.statusReason})` : ''}; see its events: ${stackCommand('describe-stack-events', t)}`;
  if (BUSY.test(live.status) && live.status !== 'REVIEW_IN_PROGRESS') return `stack ${t.stackName} has an operation in progress (${live.status}); wait for it to finish and plan again`;
  return undefined;
}

/**
 * The resources whose `status` event came after the stack's latest `since` event (the operation
 * that failed), newest first, one per resource; none when the events cannot be read.
 */
async function failedSince(client: StackClient, live: LiveStack, since: string, status: string): Promise<StackEvent[]> {
  const events = await client.events(live.stackId).catch(() => [] as StackEvent[]);
  const start = events.findIndex((e) => e.status === since && e.physicalId === live.stackId);
  const window = start < 0 ? events : events.slice(0, start);
  const seen = new Set<string>();
  return window.filter((e) => e.status === status && e.physicalId !== live.stackId && !seen.has(e.logicalId) && seen.add(e.logicalId)).reverse();
}

/** `X (reason), Y (reason)`. */
function describeFailed(events: readonly StackEvent[]): string {
  return events.map((e) => `${e.logicalId}${e.reason ? ` (${e.reason})` : ''}`).join(', ');
}

/**
 * Plans one pipeline's stacks in deploy order: for each, reads the live stack, fills parameters
 * from earlier stacks' outputs, creates a change set and reads it, and adds the IAM/security
 * changes and (pipeline stack) pipec's field-level pipeline diff. Failures are thrown as AwsFailure.
 */
export async function planPipelineStacks(p: StackPipeline, clients: StackClientProvider, opts: StackPlanOptions): Promise<StackPlan[]> {
  const out: StackPlan[] = [];
  try {
    return await planEach(p, clients, opts, out);
  } catch (e) {
    // A saved plan is all or nothing: the change sets kept so far would be left in CloudFormation.
    await discardKept(out, clients);
    throw e;
  }
}

/**
 * Deletes the change sets kept for `stacks` (and the empty REVIEW_IN_PROGRESS stacks their CREATE
 * change sets made). One that cannot be deleted is left as it is: no stack changes through it,
 * and CloudFormation deletes a stack's other change sets when one is executed.
 */
export async function discardKept(stacks: readonly StackPlan[], clients: StackClientProvider): Promise<void> {
  for (const s of stacks) {
    if (!s.changeSetId) continue;
    const client = await clients.forLocation({ region: s.target.region, ...(s.profile ? { profile: s.profile } : {}) });
    await client.deleteChangeSet(s.changeSetId).catch(() => undefined);
    if (s.action === 'create' && s.planned === null && s.stackId) await client.deleteStack(s.stackId).catch(() => undefined);
  }
}

async function planEach(p: StackPipeline, clients: StackClientProvider, opts: StackPlanOptions, out: StackPlan[]): Promise<StackPlan[]> {
  const outputs = new Map<string, Record<string, string> | undefined>();
  for (const t of p.targets) {
    const { location, missingProfile } = locationOf(t, p.account, opts.accountProfiles);
    const base = { target: t, ...(location.profile ? { profile: location.profile } : {}), planned: null, parameters: {}, resourceChanges: [], security: [] };
    const missingInputs = Object.entries(t.inputs).filter(([, src]) => outputs.get(src.stack)?.[src.output] === undefined);
    const parameters = Object.fromEntries(Object.entries(t.inputs).map(([k, src]) => [k, outputs.get(src.stack)?.[src.output] ?? '']));
    if (missingProfile) {
      const path = `${opts.templatesDir}/${t.pipeline}/${t.file}`;
      if (missingInputs.length > 0) {
        const [name, src] = missingInputs[0] as [string, { stack: string; output: string }];
        const reason = `stack ${t.stackName} belongs in account ${t.account}, and its parameter ${name} comes from output ${src.output} of stack ${src.stack}, which is not deployed yet; pass --account-profile ${t.account}=PROFILE to deploy it from here, or apply: it deploys ${src.stack}, then prints the command to run with credentials of account ${t.account}, and stops before the stacks that need this one`;
        out.push({ ...base, action: 'manual', parameters, reason, awaiting: { templatesDir: opts.templatesDir } });
        outputs.set(t.stackName, undefined);
        continue;
      }
      out.push({ ...base, action: 'manual', parameters, reason: `stack ${t.stackName} belongs in account ${t.account}; pass --account-profile ${t.account}=PROFILE to deploy it from here, or run, with credentials of account ${t.account} (AWS_PROFILE or keys in the environment): ${opts.compileCommand ?? compileCommand(opts.templatesDir, p.targets)}, then`, command: deployCommand(t, path, parameters) });
      outputs.set(t.stackName, undefined);
      continue;
    }
    const client = await clients.forLocation(location);
    const live = await client.describeStack(t.stackName);
    if (live) outputs.set(t.stackName, live.outputs);
    const planned = live ? { status: live.status, lastChanged: live.lastChanged } : null;
    const blocked = live ? await blockedBy(t, live, opts.adopt.has(t.pipeline), client) : undefined;
    if (blocked) {
      out.push({ ...base, planned, action: 'blocked', stackId: live?.stackId as string, reason: blocked });
      continue;
    }
    if (missingInputs.length > 0) {
      const [name, src] = missingInputs[0] as [string, { stack: string; output: string }];
      out.push({ ...base, planned, action: 'deferred', ...(live ? { stackId: live.stackId } : {}), reason: `parameter ${name} comes from output ${src.output} of stack ${src.stack}, which is not deployed yet; apply plans this stack once it is` });
      continue;
    }
    out.push(await planWithChangeSet(t, client, live, parameters, { ...base, planned }, p, opts));
  }
  return out;
}

async function planWithChangeSet(t: StackTarget, client: StackClient, live: LiveStack | undefined, parameters: Record<string, string>, base: Omit<StackPlan, 'action'>, p: StackPipeline, opts: StackPlanOptions): Promise<StackPlan> {
  const type = live && live.status !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
  let created: { id: string; stackId: string };
  try {
    created = await client.createChangeSet({ stackName: t.stackName, changeSetName: `pipec-${opts.runId}`, type, templateBody: t.template, ...(t.templateUrl ? { templateUrl: t.templateUrl } : {}), parameters, tags: t.tags });
  } catch (e) {
    if (e instanceof AwsFailure && NO_CHANGES.test(e.message)) return { ...base, parameters, action: 'no-op', stackId: live?.stackId as string };
    throw e;
  }
  const cleanup = async () => {
    await client.deleteChangeSet(created.id);
    // A CREATE change set made the stack (REVIEW_IN_PROGRESS); without the change set it is an empty shell.
    if (type === 'CREATE' && !live) await client.deleteStack(created.stackId);
  };
  let cs: Awaited<ReturnType<typeof waitForChangeSet>>;
  try {
    cs = await waitForChangeSet(client, created.id, opts);
  } catch (e) {
    await cleanup().catch(() => undefined);
    throw e;
  }
  if (cs.status === 'FAILED') {
    await cleanup();
    if (NO_CHANGES.test(cs.statusReason ?? '')) return { ...base, parameters, action: 'no-op', stackId: created.stackId };
    throw new AwsFailure(`CloudFormation cannot make a change set for stack ${t.stackName} (${t.region}): ${cs.statusReason ?? 'FAILED'}`, 'rejected');
  }
  const before = live ? await client.getTemplate(t.stackName) : undefined;
  const plan: StackPlan = {
    ...base,
    parameters,
    action: type === 'CREATE' ? 'create' : 'update',
    stackId: created.stackId,
    resourceChanges: cs.changes,
    security: securityChanges(before, t.template),
  };
  if (t.kind === 'pipeline') plan.pipelineChanges = await pipelineDiff(p, t, opts);
  if (opts.keep) plan.changeSetId = created.id;
  else await cleanup();
  return plan;
}

/** Polls DescribeChangeSet until the change set is computed, or gives up after opts.waitMs. */
export async function waitForChangeSet(client: StackClient, id: string, opts: { waitMs: number; pollMs: number }) {
  const deadline = Date.now() + opts.waitMs;
  for (;;) {
    const cs = await client.describeChangeSet(id);
    if (!cs) throw new AwsFailure(`change set ${id} disappeared while CloudFormation was computing it`, 'other');
    if (cs.status === 'CREATE_COMPLETE' || cs.status === 'FAILED') return cs;
    if (Date.now() > deadline) throw new AwsFailure(`CloudFormation did not finish computing change set ${id} within ${Math.round(opts.waitMs / 1000)} s`, 'other');
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}

/**
 * The pipeline's fields that change, as pipeline mode shows them: the live pipeline against the
 * declaration the template makes (stackPipelineDeclaration: what CloudFormation computes at deploy
 * time is taken from the live pipeline). Empty for a pipeline that does not exist yet (its
 * resource change says it is added).
 */
async function pipelineDiff(p: StackPipeline, t: StackTarget, opts: StackPlanOptions): Promise<Change[]> {
  const client = await opts.pipelines(t.region);
  const live = await client.getPipeline(p.name);
  if (!live) return [];
  const desired = stackPipelineDeclaration(t.template, p.name, live.declaration);
  if (!desired) return [];
  return diffPipeline(normaliseDeclaration(desired, t.region), normaliseDeclaration(live.declaration, t.region));
}
