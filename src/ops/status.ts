import type { PipelineDeclaration, PipelineExecutionSummary } from '@aws-sdk/client-codepipeline';
import type { PipelineState } from './client.js';
import type { OpsPipelineConfig } from './config.js';
import type { PipelineRule } from './event-rules.js';
import { explainActionFailure } from './explain/action-failure.js';
import type { Explanation } from './explain/catalog.js';
import { explainSourceDetection } from './explain/source-detection.js';
import { transitionDrift } from './transition-drift.js';

/** One action's latest run, as status shows it. */
export interface ActionStatus {
  name: string;
  status?: string;
  at?: Date;
  revision?: { id: string; summary?: string };
  summary?: string;
  error?: { code?: string; message?: string };
  /** An approval waiting for an answer. */
  waitingForApproval: boolean;
  /** Who last changed it (an approval's reviewer). */
  by?: string;
  url?: string;
  executionId?: string;
}

/** One stage: the latest execution through it, its inbound transition, executions waiting to enter. */
export interface StageStatus {
  name: string;
  status?: string;
  executionId?: string;
  type?: string;
  transition: { enabled: boolean; reason?: string; by?: string; at?: Date };
  /** What pipeline.yml says of this transition, when it differs from the live one. */
  configured?: { disabled: boolean; reason?: string };
  waiting: string[];
  actions: ActionStatus[];
}

/** A pipeline's state, with why its failures happened. */
export interface PipelineStatus {
  name: string;
  region: string;
  version?: number;
  executionMode?: string;
  latest?: PipelineExecutionSummary;
  stages: StageStatus[];
  explanations: Explanation[];
}

/** What status reads for one pipeline. */
export interface StatusInput {
  name: string;
  region: string;
  state: PipelineState;
  declaration?: PipelineDeclaration;
  recent: readonly PipelineExecutionSummary[];
  config?: OpsPipelineConfig;
  /** The EventBridge rules targeting the pipeline, when they could be read. */
  rules?: readonly PipelineRule[];
}

/** The status of one pipeline from what CodePipeline and pipeline.yml say. */
export function buildStatus(input: StatusInput): PipelineStatus {
  const { state, declaration, config } = input;
  const drifts = config ? transitionDrift(config, state) : [];
  const stages: StageStatus[] = state.stageStates.map((s) => {
    const name = s.stageName ?? '';
    const t = s.inboundTransitionState;
    const transition = { enabled: t?.enabled !== false, ...(t?.disabledReason ? { reason: t.disabledReason } : {}), ...(t?.lastChangedBy ? { by: t.lastChangedBy } : {}), ...(t?.lastChangedAt ? { at: t.lastChangedAt } : {}) };
    const drift = config ? drifts.find((d) => d.stage === name) : undefined;
    const configured = drift ? { configured: drift.configured } : {};
    const waitingIds = (s.inboundExecutions ?? (s.inboundExecution ? [s.inboundExecution] : [])).map((e) => e.pipelineExecutionId ?? '').filter(Boolean);
    return {
      name,
      ...(s.latestExecution?.status ? { status: s.latestExecution.status } : {}),
      ...(s.latestExecution?.pipelineExecutionId ? { executionId: s.latestExecution.pipelineExecutionId } : {}),
      ...(s.latestExecution?.type ? { type: s.latestExecution.type } : {}),
      transition,
      ...configured,
      waiting: waitingIds,
      actions: (s.actionStates ?? []).map((a): ActionStatus => {
        const e = a.latestExecution;
        const rev = a.currentRevision?.revisionId;
        return {
          name: a.actionName ?? '',
          ...(e?.status ? { status: e.status } : {}),
          ...(e?.lastStatusChange ? { at: e.lastStatusChange } : {}),
          ...(rev ? { revision: { id: rev, ...(e?.summary ? { summary: e.summary } : {}) } } : {}),
          ...(e?.summary && !rev ? { summary: e.summary } : {}),
          ...(e?.errorDetails ? { error: { ...(e.errorDetails.code ? { code: e.errorDetails.code } : {}), ...(e.errorDetails.message ? { message: e.errorDetails.message } : {}) } } : {}),
          waitingForApproval: e?.status === 'InProgress' && isApproval(declaration, name, a.actionName ?? ''),
          ...(e?.lastUpdatedBy ? { by: e.lastUpdatedBy } : {}),
          ...(e?.externalExecutionUrl ? { url: e.externalExecutionUrl } : {}),
        };
      }),
    };
  });
  const explanations: Explanation[] = [];
  for (const stage of stages)
    for (const a of stage.actions)
      if (a.status === 'Failed')
        explanations.push(
          explainActionFailure(
            {
              pipeline: input.name,
              stage: stage.name,
              action: a.name,
              ...(a.error?.code ? { errorCode: a.error.code } : {}),
              ...(a.error?.message ? { message: a.error.message } : {}),
              ...(a.summary ? { summary: a.summary } : {}),
              ...(a.by ? { updatedBy: a.by } : {}),
              ...(a.url ? { externalUrl: a.url } : {}),
              ...locationOf(config, stage.name, a.name),
            },
            declaration,
          ),
        );
  if (declaration) explanations.push(...explainSourceDetection(input.name, declaration, input.recent, (s, a) => config?.actions.get(`${s}.${a}`), input.rules));
  return {
    name: input.name,
    region: input.region,
    ...(state.pipelineVersion !== undefined ? { version: state.pipelineVersion } : {}),
    ...(declaration ? { executionMode: declaration.executionMode ?? 'SUPERSEDED' } : {}),
    ...(input.recent[0] ? { latest: input.recent[0] } : {}),
    stages,
    explanations,
  };
}

/** `{ location }` for an action pipeline.yml declares, else nothing. */
export function locationOf(config: OpsPipelineConfig | undefined, stage: string, action: string): { location?: string } {
  const l = config?.actions.get(`${stage}.${action}`);
  return l ? { location: l } : {};
}

function isApproval(declaration: PipelineDeclaration | undefined, stage: string, action: string): boolean {
  const a = declaration?.stages?.find((s) => s.name === stage)?.actions?.find((x) => x.name === action);
  return a ? a.actionTypeId?.category === 'Approval' : false;
}
