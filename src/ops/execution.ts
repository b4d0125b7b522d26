import type { ActionExecutionDetail, PipelineDeclaration, PipelineExecution } from '@aws-sdk/client-codepipeline';
import type { PipelineState } from './client.js';
import type { OpsPipelineConfig } from './config.js';
import { explainActionFailure } from './explain/action-failure.js';
import type { Explanation } from './explain/catalog.js';
import { locationOf } from './status.js';

/** Variables whose names say they hold a secret; their values are never printed. */
const SECRET_NAME = /secret|token|passw(or)?d|pwd|credential|private|api_?key|access_?key|auth/i;

/** Statuses after which an execution does not change again. */
export const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled']);

/** One run of an action in an execution (a retried action has several). */
export interface ActionAttempt {
  id: string;
  status: string;
  start?: Date;
  end?: Date;
  error?: { code?: string; message?: string };
  summary?: string;
  by?: string;
  url?: string;
  externalId?: string;
}

/** An action of an execution, with its attempts, oldest first. */
export interface ExecutionAction {
  name: string;
  attempts: ActionAttempt[];
  /** The latest attempt's status; undefined when it has not run in this execution. */
  status?: string;
  waitingForApproval: boolean;
}

/** A stage of an execution. `Waiting`: the execution is at the stage's boundary. */
export interface ExecutionStage {
  name: string;
  status?: string;
  /** Why it waits, when it does: a disabled transition, or another execution in the stage. */
  waitingReason?: string;
  actions: ExecutionAction[];
}

/** One execution, stage by stage, with explanations of its failed actions. */
export interface ExecutionView {
  pipeline: string;
  id: string;
  status: string;
  statusSummary?: string;
  type?: string;
  mode?: string;
  trigger?: { type?: string; detail?: string };
  start?: Date;
  end?: Date;
  sourceRevisions: Array<{ action: string; id: string; summary?: string }>;
  variables: Array<{ name: string; value: string }>;
  rollbackTarget?: string;
  stages: ExecutionStage[];
  explanations: Explanation[];
}

/** What building a view needs; `state` adds why a waiting execution waits. */
export interface ExecutionInput {
  pipeline: string;
  execution: PipelineExecution;
  actions: readonly ActionExecutionDetail[];
  declaration: PipelineDeclaration;
  state?: PipelineState;
  config?: OpsPipelineConfig;
  /** start/end times from the execution summary (GetPipelineExecution carries none). */
  times?: { start?: Date; end?: Date };
}

/** The execution's stages in pipeline order, derived from its action executions. */
export function buildExecutionView(input: ExecutionInput): ExecutionView {
  const { execution: ex, declaration } = input;
  const status = ex.status ?? 'InProgress';
  const byStage = new Map<string, ActionExecutionDetail[]>();
  for (const d of [...input.actions].sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0))) {
    const list = byStage.get(d.stageName ?? '') ?? [];
    list.push(d);
    byStage.set(d.stageName ?? '', list);
  }
  let reached = true;
  const stages: ExecutionStage[] = (declaration.stages ?? []).map((s) => {
    const name = s.name ?? '';
    const details = byStage.get(name) ?? [];
    const actions = (s.actions ?? []).map((a): ExecutionAction => {
      const attempts = details.filter((d) => d.actionName === a.name).map(attempt);
      const last = attempts[attempts.length - 1];
      return { name: a.name ?? '', attempts, ...(last ? { status: last.status } : {}), waitingForApproval: a.actionTypeId?.category === 'Approval' && last?.status === 'InProgress' };
    });
    const stage: ExecutionStage = { name, actions };
    const latest = actions.map((a) => a.status).filter((x): x is string => x !== undefined);
    if (latest.includes('InProgress')) stage.status = status === 'Stopping' ? 'Stopping' : 'InProgress';
    else if (latest.includes('Abandoned')) stage.status = 'Stopped';
    else if (latest.includes('Failed')) stage.status = 'Failed';
    else if (latest.length === actions.length && latest.length > 0) stage.status = 'Succeeded';
    else if (latest.length > 0) stage.status = status === 'InProgress' ? 'InProgress' : status === 'Stopped' ? 'Stopped' : status;
    else if (reached && status === 'InProgress' && ex.executionType !== 'ROLLBACK') {
      stage.status = 'Waiting';
      const why = waitingReason(input.state, name, ex.pipelineExecutionId ?? '');
      if (why) stage.waitingReason = why;
    }
    reached = stage.status === 'Succeeded' || (ex.executionType === 'ROLLBACK' && stage.status === undefined);
    return stage;
  });
  const explanations: Explanation[] = [];
  for (const st of stages)
    for (const a of st.actions) {
      const last = a.attempts[a.attempts.length - 1];
      if (last?.status !== 'Failed') continue;
      explanations.push(
        explainActionFailure(
          {
            pipeline: input.pipeline,
            stage: st.name,
            action: a.name,
            ...(last.error?.code ? { errorCode: last.error.code } : {}),
            ...(last.error?.message ? { message: last.error.message } : {}),
            ...(last.summary ? { summary: last.summary } : {}),
            ...(last.by ? { updatedBy: last.by } : {}),
            ...(last.url ? { externalUrl: last.url } : {}),
            ...locationOf(input.config, st.name, a.name),
          },
          declaration,
        ),
      );
    }
  return {
    pipeline: input.pipeline,
    id: ex.pipelineExecutionId ?? '',
    status,
    ...(ex.statusSummary ? { statusSummary: ex.statusSummary } : {}),
    ...(ex.executionType ? { type: ex.executionType } : {}),
    ...(ex.executionMode ? { mode: ex.executionMode } : {}),
    ...(ex.trigger ? { trigger: { ...(ex.trigger.triggerType ? { type: ex.trigger.triggerType } : {}), ...(ex.trigger.triggerDetail ? { detail: ex.trigger.triggerDetail } : {}) } } : {}),
    ...(input.times?.start ? { start: input.times.start } : {}),
    ...(input.times?.end && TERMINAL.has(status) ? { end: input.times.end } : {}),
    sourceRevisions: (ex.artifactRevisions ?? []).map((r) => ({ action: r.name ?? '', id: r.revisionId ?? '', ...(r.revisionSummary ? { summary: r.revisionSummary } : {}) })),
    variables: (ex.variables ?? []).map((v) => ({ name: v.name ?? '', value: SECRET_NAME.test(v.name ?? '') ? '****' : (v.resolvedValue ?? '') })),
    ...(ex.rollbackMetadata?.rollbackTargetPipelineExecutionId ? { rollbackTarget: ex.rollbackMetadata.rollbackTargetPipelineExecutionId } : {}),
    stages,
    explanations,
  };
}

function attempt(d: ActionExecutionDetail): ActionAttempt {
  const r = d.output?.executionResult;
  const done = d.status !== 'InProgress';
  return {
    id: d.actionExecutionId ?? '',
    status: d.status ?? '',
    ...(d.startTime ? { start: d.startTime } : {}),
    ...(done && d.lastUpdateTime ? { end: d.lastUpdateTime } : {}),
    ...(r?.errorDetails ? { error: { ...(r.errorDetails.code ? { code: r.errorDetails.code } : {}), ...(r.errorDetails.message ? { message: r.errorDetails.message } : {}) } } : {}),
    ...(r?.externalExecutionSummary ? { summary: r.externalExecutionSummary } : {}),
    ...(d.updatedBy ? { by: d.updatedBy } : {}),
    ...(r?.externalExecutionUrl ? { url: r.externalExecutionUrl } : {}),
    ...(r?.externalExecutionId ? { externalId: r.externalExecutionId } : {}),
  };
}

function waitingReason(state: PipelineState | undefined, stage: string, id: string): string | undefined {
  const s = state?.stageStates.find((x) => x.stageName === stage);
  if (!s) return undefined;
  if (s.inboundTransitionState?.enabled === false) return `transition into ${stage} disabled${s.inboundTransitionState.disabledReason ? `: "${s.inboundTransitionState.disabledReason}"` : ''}`;
  const busy = s.latestExecution;
  if (busy?.pipelineExecutionId && busy.pipelineExecutionId !== id && (busy.status === 'InProgress' || busy.status === 'Stopping')) return `execution ${busy.pipelineExecutionId.slice(0, 8)} is in ${stage}`;
  return undefined;
}
