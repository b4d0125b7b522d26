import type {
  ActionExecutionDetail,
  PipelineDeclaration,
  PipelineExecution,
  PipelineExecutionSummary,
  StageState,
} from '@aws-sdk/client-codepipeline';

export type { ActionExecutionDetail, PipelineDeclaration, PipelineExecution, PipelineExecutionSummary, StageState };

/** GetPipelineState's answer, as the commands read it. */
export interface PipelineState {
  pipelineName: string;
  pipelineVersion?: number;
  stageStates: StageState[];
}

/** A source revision to run instead of the latest (StartPipelineExecution sourceRevisions). */
export interface RevisionOverride {
  actionName: string;
  revisionType: 'COMMIT_ID' | 'IMAGE_DIGEST' | 'S3_OBJECT_VERSION_ID' | 'S3_OBJECT_KEY';
  revisionValue: string;
}

/**
 * The CodePipeline execution calls the operating commands make, in one region. The SDK
 * implementation (sdk-ops-client.ts) loads the SDK only when a command first needs it; every
 * method throws an AwsFailure (src/live/errors.ts) with one clear line when AWS refuses.
 */
export interface OpsClient {
  readonly region: string;
  getPipeline(name: string): Promise<PipelineDeclaration>;
  /** The pipeline's ARN (GetPipeline's metadata). */
  pipelineArn(name: string): Promise<string>;
  getState(name: string): Promise<PipelineState>;
  /** Newest first, following pages until `limit` summaries (or `accept` ones) are found. */
  listExecutions(name: string, opts: { limit: number; accept?: (s: PipelineExecutionSummary) => boolean; succeededInStage?: string }): Promise<PipelineExecutionSummary[]>;
  getExecution(name: string, id: string): Promise<PipelineExecution>;
  /** Every action execution of one pipeline execution (all pages); with no id, the pipeline's latest (up to 500). */
  listActionExecutions(name: string, id?: string): Promise<ActionExecutionDetail[]>;
  start(name: string, opts: { variables: Array<{ name: string; value: string }>; sourceRevisions: RevisionOverride[] }): Promise<string>;
  stop(name: string, id: string, opts: { abandon: boolean; reason?: string }): Promise<void>;
  retry(name: string, stage: string, id: string, mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS'): Promise<string>;
  rollback(name: string, stage: string, target: string): Promise<string>;
  setTransition(name: string, stage: string, enabled: boolean, reason?: string): Promise<void>;
  putApproval(name: string, stage: string, action: string, token: string, result: { status: 'Approved' | 'Rejected'; summary: string }): Promise<void>;
}
