import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { AwsFailure, describeFailure } from '../live/errors.js';
import { newSdkClient, type Sdk } from '../live/sdk-client.js';
import type { AwsSettings } from '../live/settings.js';
import type { OpsClient, PipelineState } from './client.js';
import { refusal } from './refusals.js';

/**
 * The operating commands' client for one region, through the AWS SDK (imported here, when a
 * command first talks to AWS). Same credentials, endpoint, retries and timeouts as plan/apply.
 */
export async function sdkOpsClient(settings: AwsSettings, region: string): Promise<OpsClient> {
  const sdk: Sdk = await import('@aws-sdk/client-codepipeline');
  const client: CodePipelineClient = newSdkClient(sdk, settings, region);
  const endpoint = settings.endpoint ?? `https://codepipeline.${region}.amazonaws.com`;
  const arns = new Map<string, string>();
  const call = async <T>(operation: string, pipeline: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof AwsFailure) throw e;
      throw refusal(e, { operation, pipeline, region }) ?? describeFailure(e, { operation, pipeline, endpoint });
    }
  };
  return {
    region,
    getPipeline: (name) =>
      call('GetPipeline', name, async () => {
        const out = await client.send(new sdk.GetPipelineCommand({ name }));
        if (out.metadata?.pipelineArn) arns.set(name, out.metadata.pipelineArn);
        return out.pipeline ?? { name, roleArn: '', stages: [] };
      }),
    pipelineArn: (name) =>
      call('GetPipeline', name, async () => arns.get(name) ?? (await client.send(new sdk.GetPipelineCommand({ name }))).metadata?.pipelineArn ?? ''),
    getState: (name) =>
      call('GetPipelineState', name, async (): Promise<PipelineState> => {
        const out = await client.send(new sdk.GetPipelineStateCommand({ name }));
        return { pipelineName: out.pipelineName ?? name, ...(out.pipelineVersion !== undefined ? { pipelineVersion: out.pipelineVersion } : {}), stageStates: out.stageStates ?? [] };
      }),
    listExecutions: (name, opts) =>
      call('ListPipelineExecutions', name, async () => {
        const found = [];
        let nextToken: string | undefined;
        // A filter by status is applied here, so pages are read until enough match (at most 20 pages).
        for (let page = 0; page < 20; page++) {
          const out = await client.send(
            new sdk.ListPipelineExecutionsCommand({
              pipelineName: name,
              maxResults: 100,
              ...(opts.succeededInStage ? { filter: { succeededInStage: { stageName: opts.succeededInStage } } } : {}),
              ...(nextToken ? { nextToken } : {}),
            }),
          );
          for (const s of out.pipelineExecutionSummaries ?? []) if (!opts.accept || opts.accept(s)) found.push(s);
          nextToken = out.nextToken;
          if (!nextToken || found.length >= opts.limit) break;
        }
        return found.slice(0, opts.limit);
      }),
    getExecution: (name, id) =>
      call('GetPipelineExecution', name, async () => {
        const out = await client.send(new sdk.GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }));
        return out.pipelineExecution ?? { pipelineExecutionId: id };
      }),
    listActionExecutions: (name, id) =>
      call('ListActionExecutions', name, async () => {
        const all = [];
        let nextToken: string | undefined;
        do {
          const out = await client.send(new sdk.ListActionExecutionsCommand({ pipelineName: name, ...(id ? { filter: { pipelineExecutionId: id } } : {}), maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
          all.push(...(out.actionExecutionDetails ?? []));
          nextToken = out.nextToken;
        } while (nextToken && (id !== undefined || all.length < 500));
        return all;
      }),
    start: (name, opts) =>
      call('StartPipelineExecution', name, async () => {
        const out = await client.send(
          new sdk.StartPipelineExecutionCommand({
            name,
            ...(opts.variables.length > 0 ? { variables: opts.variables } : {}),
            ...(opts.sourceRevisions.length > 0 ? { sourceRevisions: opts.sourceRevisions } : {}),
          }),
        );
        return out.pipelineExecutionId ?? '';
      }),
    stop: (name, id, opts) =>
      call('StopPipelineExecution', name, async () => {
        await client.send(new sdk.StopPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id, abandon: opts.abandon, ...(opts.reason ? { reason: opts.reason } : {}) }));
      }),
    retry: (name, stage, id, mode) =>
      call('RetryStageExecution', name, async () => {
        const out = await client.send(new sdk.RetryStageExecutionCommand({ pipelineName: name, stageName: stage, pipelineExecutionId: id, retryMode: mode }));
        return out.pipelineExecutionId ?? id;
      }),
    rollback: (name, stage, target) =>
      call('RollbackStage', name, async () => {
        const out = await client.send(new sdk.RollbackStageCommand({ pipelineName: name, stageName: stage, targetPipelineExecutionId: target }));
        return out.pipelineExecutionId ?? '';
      }),
    setTransition: (name, stage, enabled, reason) =>
      call(enabled ? 'EnableStageTransition' : 'DisableStageTransition', name, async () => {
        if (enabled) await client.send(new sdk.EnableStageTransitionCommand({ pipelineName: name, stageName: stage, transitionType: 'Inbound' }));
        else await client.send(new sdk.DisableStageTransitionCommand({ pipelineName: name, stageName: stage, transitionType: 'Inbound', reason: reason ?? '' }));
      }),
    putApproval: (name, stage, action, token, result) =>
      call('PutApprovalResult', name, async () => {
        await client.send(new sdk.PutApprovalResultCommand({ pipelineName: name, stageName: stage, actionName: action, token, result }));
      }),
  };
}
