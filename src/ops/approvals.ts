import type { ActionExecutionDetail, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { PipelineState } from './client.js';

/** A manual approval waiting for an answer, with the token PutApprovalResult needs. */
export interface PendingApproval {
  stage: string;
  action: string;
  token: string;
  executionId?: string;
  since?: Date;
  /** The approval's CustomData and ExternalEntityLink, for the reviewer. */
  message?: string;
  link?: string;
}

/**
 * The approvals waiting in a pipeline. The token is in GetPipelineState's action state; in
 * PARALLEL mode it is not there and the in-progress action execution's externalExecutionId is the
 * token instead (API reference, PutApprovalResult), so `actions` (ListActionExecutions) is used.
 */
export function pendingApprovals(declaration: PipelineDeclaration, state: PipelineState, actions: readonly ActionExecutionDetail[] | undefined): PendingApproval[] {
  const approvals = new Map<string, { message?: string; link?: string }>();
  for (const s of declaration.stages ?? [])
    for (const a of s.actions ?? [])
      if (a.actionTypeId?.category === 'Approval')
        approvals.set(`${s.name}.${a.name}`, { ...(a.configuration?.CustomData ? { message: a.configuration.CustomData } : {}), ...(a.configuration?.ExternalEntityLink ? { link: a.configuration.ExternalEntityLink } : {}) });
  const out: PendingApproval[] = [];
  if (declaration.executionMode === 'PARALLEL') {
    for (const d of actions ?? []) {
      const info = approvals.get(`${d.stageName}.${d.actionName}`);
      const token = d.output?.executionResult?.externalExecutionId;
      if (!info || d.status !== 'InProgress' || !token) continue;
      out.push({ stage: d.stageName ?? '', action: d.actionName ?? '', token, ...(d.pipelineExecutionId ? { executionId: d.pipelineExecutionId } : {}), ...(d.startTime ? { since: d.startTime } : {}), ...info });
    }
    return out;
  }
  for (const s of state.stageStates)
    for (const a of s.actionStates ?? []) {
      const info = approvals.get(`${s.stageName}.${a.actionName}`);
      const e = a.latestExecution;
      if (!info || e?.status !== 'InProgress' || !e.token) continue;
      out.push({
        stage: s.stageName ?? '',
        action: a.actionName ?? '',
        token: e.token,
        ...(s.latestExecution?.pipelineExecutionId ? { executionId: s.latestExecution.pipelineExecutionId } : {}),
        ...(e.lastStatusChange ? { since: e.lastStatusChange } : {}),
        ...info,
      });
    }
  return out;
}
