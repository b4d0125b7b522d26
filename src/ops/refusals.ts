import { AwsFailure } from '../live/errors.js';

/** What a refused execution call was about, for the message. */
export interface RefusalContext {
  operation: string;
  pipeline: string;
  region: string;
}

/**
 * The API model's errors for the execution calls, each as one line that says what to do next.
 * Undefined for anything else (the shared describeFailure words those: network, credentials...).
 */
export function refusal(e: unknown, c: RefusalContext): AwsFailure | undefined {
  const err = (e ?? {}) as { name?: string; message?: string };
  const detail = (err.message ?? '').split('\n')[0]?.trim() ?? '';
  const p = `'${c.pipeline}'`;
  const words: Record<string, string> = {
    PipelineNotFoundException: `pipeline ${p} not found in ${c.region}; check the name and --region ('pipec status' lists the configuration's pipelines)`,
    StageNotFoundException: `pipeline ${p} has no such stage (${detail})`,
    ActionNotFoundException: `pipeline ${p}: ${detail || 'no such approval action'}`,
    PipelineExecutionNotFoundException: `pipeline ${p} has no such execution (${detail}); 'pipec runs ${c.pipeline}' lists them`,
    PipelineExecutionNotStoppableException: `that execution of ${p} cannot be stopped: it is no longer in progress (${detail})`,
    DuplicatedStopRequestException: `that execution of ${p} is already stopping; to stop without waiting for its actions, run again with --abandon`,
    StageNotRetryableException: `the stage cannot be retried: ${detail || 'it has not failed, or the pipeline changed since'}`,
    NotLatestPipelineExecutionException: `the stage has run again in a later execution since; only the latest execution through a stage can be retried`,
    UnableToRollbackStageException: `cannot roll back: ${detail}`,
    PipelineExecutionOutdatedException: `cannot roll back to that execution: it ran on an older version of the pipeline (${detail})`,
    InvalidApprovalTokenException: `the approval request has already been answered or has expired; 'pipec status ${c.pipeline}' shows what is waiting now`,
    ApprovalAlreadyCompletedException: `the approval has already been answered (${detail}); 'pipec status ${c.pipeline}' shows what is waiting now`,
    ConflictException: `pipeline ${p} is busy with another change; try again in a moment`,
    ConcurrentPipelineExecutionsLimitExceededException: `pipeline ${p} has reached its limit of concurrent executions; wait for one to finish`,
    ValidationException: `CodePipeline rejected ${c.operation} for ${p}: ${detail}`,
    InvalidNextTokenException: `CodePipeline rejected a page token for ${p}: ${detail}`,
  };
  const name = err.name ?? '';
  const text = Object.hasOwn(words, name) ? words[name] : undefined;
  return text ? new AwsFailure(text, 'rejected', e) : undefined;
}
