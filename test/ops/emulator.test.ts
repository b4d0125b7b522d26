import {
  CodePipelineClient,
  CreatePipelineCommand,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './support.js';

/**
 * The execution emulator itself, through the real SDK: the behaviours of the user guide and the
 * API model's errors that the operating commands rely on (test/support/codepipeline_engine.py).
 */
let emu: Emulator;
let sdk: CodePipelineClient;

beforeAll(async () => {
  emu = await startEmulator();
  sdk = new CodePipelineClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
});
afterAll(async () => {
  sdk?.destroy();
  await emu?.moto.stop();
});
beforeEach(async () => emu.reset());

const action = (name: string, category: string, provider: string, extra: Record<string, unknown> = {}) => ({
  name,
  actionTypeId: { category, owner: 'AWS', provider, version: '1' },
  ...extra,
});

async function create(name: string, mode: 'SUPERSEDED' | 'QUEUED' | 'PARALLEL' = 'SUPERSEDED', withApproval = false): Promise<void> {
  const pipeline = {
    name,
    roleArn: 'arn:aws:iam::111111111111:role/pipeline',
    artifactStore: { type: 'S3', location: 'acme-artifacts' },
    pipelineType: 'V2',
    executionMode: mode,
    variables: [{ name: 'ENV', defaultValue: 'dev' }],
    stages: [
      { name: 'Source', actions: [action('App', 'Source', 'CodeCommit', { configuration: { RepositoryName: 'app', BranchName: 'main' }, outputArtifacts: [{ name: 'App' }] })] },
      {
        name: 'Build',
        actions: [
          action('Unit', 'Build', 'CodeBuild', { runOrder: 1, inputArtifacts: [{ name: 'App' }], configuration: { ProjectName: 'p' } }),
          action('Lint', 'Build', 'CodeBuild', { runOrder: 1, inputArtifacts: [{ name: 'App' }], configuration: { ProjectName: 'p' } }),
          action('Package', 'Build', 'CodeBuild', { runOrder: 2, inputArtifacts: [{ name: 'App' }], configuration: { ProjectName: 'p' } }),
        ],
      },
      { name: 'Deploy', actions: [withApproval ? action('Approve', 'Approval', 'Manual') : action('Ship', 'Deploy', 'S3', { inputArtifacts: [{ name: 'App' }], configuration: { BucketName: 'b', Extract: 'true' } })] },
    ],
  } as unknown as PipelineDeclaration;
  await sdk.send(new CreatePipelineCommand({ pipeline }));
}

const start = async (name: string) => (await sdk.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId as string;
const state = (name: string) => sdk.send(new GetPipelineStateCommand({ name }));
const executions = async (name: string) => (await sdk.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries ?? [];
const statusOf = async (name: string, id: string) => (await sdk.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution?.status;
const errorOf = async (p: Promise<unknown>) => p.then(() => 'no error', (e: { name: string }) => e.name);

describe('the execution emulator', () => {
  it('runs stages in order and actions by run order, with exact virtual times', async () => {
    await create('p');
    const id = await start('p');
    await emu.advance(15); // Source ran 0-10s; Unit and Lint started together at 10s
    let s = await state('p');
    expect(s.stageStates?.[1]?.actionStates?.map((a) => [a.actionName, a.latestExecution?.status])).toEqual([
      ['Unit', 'InProgress'],
      ['Lint', 'InProgress'],
      ['Package', undefined],
    ]);
    await emu.advance(30);
    s = await state('p');
    expect(s.stageStates?.map((x) => x.latestExecution?.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    const actions = (await sdk.send(new ListActionExecutionsCommand({ pipelineName: 'p', filter: { pipelineExecutionId: id } }))).actionExecutionDetails ?? [];
    const times = Object.fromEntries(actions.map((a) => [a.actionName, [(a.startTime as Date).getTime() / 1000 - emu.now + 45, (a.lastUpdateTime as Date).getTime() / 1000 - emu.now + 45]]));
    expect(times).toEqual({ App: [0, 10], Unit: [10, 20], Lint: [10, 20], Package: [20, 30], Ship: [30, 40] });
    expect(await statusOf('p', id)).toBe('Succeeded');
  });

  it('fails the stage after its run-order group when an injected failure hits, and retries only the failed action', async () => {
    await create('p');
    await emu.inject('p', 'Build', 'Lint', { errorCode: 'JobFailed', message: 'lint found 3 problems' });
    const id = await start('p');
    await emu.advance(60);
    const s = await state('p');
    expect(s.stageStates?.[1]?.latestExecution?.status).toBe('Failed');
    expect(s.stageStates?.[1]?.actionStates?.[2]?.latestExecution).toBeUndefined(); // Package never started
    expect(s.stageStates?.[1]?.actionStates?.[1]?.latestExecution?.errorDetails).toEqual({ code: 'JobFailed', message: 'lint found 3 problems' });
    expect(await statusOf('p', id)).toBe('Failed');
    expect(await errorOf(sdk.send(new RetryStageExecutionCommand({ pipelineName: 'p', stageName: 'Source', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' })))).toBe('StageNotRetryableException');
    expect(await errorOf(sdk.send(new RetryStageExecutionCommand({ pipelineName: 'p', stageName: 'Nope', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' })))).toBe('StageNotFoundException');
    await sdk.send(new RetryStageExecutionCommand({ pipelineName: 'p', stageName: 'Build', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' }));
    await emu.advance(60);
    expect(await statusOf('p', id)).toBe('Succeeded');
    const actions = (await sdk.send(new ListActionExecutionsCommand({ pipelineName: 'p', filter: { pipelineExecutionId: id } }))).actionExecutionDetails ?? [];
    expect(actions.filter((a) => a.actionName === 'Unit')).toHaveLength(1);
    expect(actions.filter((a) => a.actionName === 'Lint').map((a) => a.status)).toEqual(['Succeeded', 'Failed']);
  });

  it('refuses to retry an execution that is not the latest through the stage', async () => {
    await create('p');
    await emu.inject('p', 'Build', 'Lint', { times: 2 });
    const first = await start('p');
    await emu.advance(60);
    await start('p');
    await emu.advance(60);
    expect(await errorOf(sdk.send(new RetryStageExecutionCommand({ pipelineName: 'p', stageName: 'Build', pipelineExecutionId: first, retryMode: 'ALL_ACTIONS' })))).toBe('NotLatestPipelineExecutionException');
  });

  it('SUPERSEDED: a newer execution replaces an older one waiting at the same boundary', async () => {
    await create('p');
    const a = await start('p');
    const b = await start('p');
    const c = await start('p');
    await emu.advance(1);
    expect(await statusOf('p', b)).toBe('Superseded');
    await emu.advance(200);
    expect([await statusOf('p', a), await statusOf('p', c)]).toEqual(['Succeeded', 'Succeeded']);
  });

  it('QUEUED: waiting executions enter one by one in order, none replaced', async () => {
    await create('p', 'QUEUED');
    const ids = [await start('p'), await start('p'), await start('p')];
    await emu.advance(500);
    const list = await executions('p');
    expect(list.map((e) => [e.pipelineExecutionId, e.status])).toEqual([...ids].reverse().map((id) => [id, 'Succeeded']));
    const starts = await Promise.all(ids.map(async (id) => ((await sdk.send(new ListActionExecutionsCommand({ pipelineName: 'p', filter: { pipelineExecutionId: id } }))).actionExecutionDetails ?? []).find((x) => x.actionName === 'App')?.startTime?.getTime()));
    expect(starts[0]).toBeLessThan(starts[1] as number);
    expect(starts[1]).toBeLessThan(starts[2] as number);
  });

  it('PARALLEL: executions run at once; approvals carry no token in the state, the externalExecutionId is it', async () => {
    await create('p', 'PARALLEL', true);
    const a = await start('p');
    const b = await start('p');
    await emu.advance(40);
    const s = await state('p');
    expect(s.stageStates?.[2]?.actionStates?.[0]?.latestExecution?.status).toBe('InProgress');
    expect(s.stageStates?.[2]?.actionStates?.[0]?.latestExecution?.token).toBeUndefined();
    const waiting = ((await sdk.send(new ListActionExecutionsCommand({ pipelineName: 'p' }))).actionExecutionDetails ?? []).filter((x) => x.actionName === 'Approve' && x.status === 'InProgress');
    expect(new Set(waiting.map((w) => w.pipelineExecutionId))).toEqual(new Set([a, b]));
    const forA = waiting.find((w) => w.pipelineExecutionId === a);
    await sdk.send(new PutApprovalResultCommand({ pipelineName: 'p', stageName: 'Deploy', actionName: 'Approve', token: forA?.output?.executionResult?.externalExecutionId, result: { status: 'Approved', summary: 'ok' } }));
    await emu.advance(1);
    expect([await statusOf('p', a), await statusOf('p', b)]).toEqual(['Succeeded', 'InProgress']);
    expect(await errorOf(sdk.send(new RollbackStageCommand({ pipelineName: 'p', stageName: 'Build', targetPipelineExecutionId: a })))).toBe('UnableToRollbackStageException');
  });

  it('approvals wait for the current token; a stale or answered token is refused; they expire after 7 days', async () => {
    await create('p', 'SUPERSEDED', true);
    const id = await start('p');
    await emu.advance(40);
    const token = (await state('p')).stageStates?.[2]?.actionStates?.[0]?.latestExecution?.token as string;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const answer = (t: string, status: 'Approved' | 'Rejected' = 'Approved') => sdk.send(new PutApprovalResultCommand({ pipelineName: 'p', stageName: 'Deploy', actionName: 'Approve', token: t, result: { status, summary: 's' } }));
    expect(await errorOf(answer('00000000-0000-0000-0000-000000000000'))).toBe('InvalidApprovalTokenException');
    expect(await errorOf(sdk.send(new PutApprovalResultCommand({ pipelineName: 'p', stageName: 'Deploy', actionName: 'Nope', token, result: { status: 'Approved', summary: '' } })))).toBe('ActionNotFoundException');
    await answer(token, 'Rejected');
    expect(await errorOf(answer(token))).toBe('ApprovalAlreadyCompletedException');
    expect(await statusOf('p', id)).toBe('Failed');
    const again = await start('p');
    await emu.advance(7 * 86400 + 60);
    expect(await statusOf('p', again)).toBe('Failed');
    const expired = (await state('p')).stageStates?.[2]?.actionStates?.[0]?.latestExecution;
    expect(expired?.errorDetails?.message).toMatch(/expired/);
  });

  it('stop and wait lets running actions finish; stop and abandon abandons them; both refuse what cannot be stopped', async () => {
    await create('p');
    const id = await start('p');
    await emu.advance(12);
    await sdk.send(new StopPipelineExecutionCommand({ pipelineName: 'p', pipelineExecutionId: id, reason: 'hold' }));
    expect(await statusOf('p', id)).toBe('Stopping');
    expect(await errorOf(sdk.send(new StopPipelineExecutionCommand({ pipelineName: 'p', pipelineExecutionId: id })))).toBe('DuplicatedStopRequestException');
    await emu.advance(20);
    expect(await statusOf('p', id)).toBe('Stopped');
    const build = (await state('p')).stageStates?.[1];
    expect(build?.latestExecution?.status).toBe('Stopped');
    expect(build?.actionStates?.map((a) => a.latestExecution?.status)).toEqual(['Succeeded', 'Succeeded', undefined]);
    expect((await executions('p'))[0]?.stopTrigger).toEqual({ reason: 'hold' });
    expect(await errorOf(sdk.send(new StopPipelineExecutionCommand({ pipelineName: 'p', pipelineExecutionId: id })))).toBe('PipelineExecutionNotStoppableException');
    const other = await start('p');
    await emu.advance(12);
    await sdk.send(new StopPipelineExecutionCommand({ pipelineName: 'p', pipelineExecutionId: other, abandon: true }));
    expect(await statusOf('p', other)).toBe('Stopped');
    expect((await state('p')).stageStates?.[1]?.actionStates?.map((a) => a.latestExecution?.status)).toEqual(['Abandoned', 'Abandoned', undefined]);
    await sdk.send(new RetryStageExecutionCommand({ pipelineName: 'p', stageName: 'Build', pipelineExecutionId: other, retryMode: 'FAILED_ACTIONS' }));
    await emu.advance(60);
    expect(await statusOf('p', other)).toBe('Succeeded');
  });

  it('a disabled transition holds executions before the stage until it is enabled', async () => {
    await create('p');
    await sdk.send(new DisableStageTransitionCommand({ pipelineName: 'p', stageName: 'Deploy', transitionType: 'Inbound', reason: 'freeze' }));
    const id = await start('p');
    await emu.advance(100);
    const s = await state('p');
    expect(s.stageStates?.[2]?.inboundTransitionState).toMatchObject({ enabled: false, disabledReason: 'freeze' });
    expect(s.stageStates?.[2]?.inboundExecution?.pipelineExecutionId).toBe(id);
    expect(await statusOf('p', id)).toBe('InProgress');
    await sdk.send(new EnableStageTransitionCommand({ pipelineName: 'p', stageName: 'Deploy', transitionType: 'Inbound' }));
    await emu.advance(20);
    expect(await statusOf('p', id)).toBe('Succeeded');
    expect(await errorOf(sdk.send(new DisableStageTransitionCommand({ pipelineName: 'p', stageName: 'Nope', transitionType: 'Inbound', reason: 'x' })))).toBe('StageNotFoundException');
  });

  it('rolls a stage back to an earlier successful execution as a ROLLBACK execution, and refuses what cannot be', async () => {
    await create('p');
    const good = await start('p');
    await emu.advance(60);
    const latest = await start('p');
    await emu.advance(60);
    expect(await errorOf(sdk.send(new RollbackStageCommand({ pipelineName: 'p', stageName: 'Source', targetPipelineExecutionId: good })))).toBe('UnableToRollbackStageException');
    expect(await errorOf(sdk.send(new RollbackStageCommand({ pipelineName: 'p', stageName: 'Deploy', targetPipelineExecutionId: latest })))).toBe('UnableToRollbackStageException');
    expect(await errorOf(sdk.send(new RollbackStageCommand({ pipelineName: 'p', stageName: 'Deploy', targetPipelineExecutionId: '00000000-0000-0000-0000-000000000000' })))).toBe('PipelineExecutionNotFoundException');
    const rb = (await sdk.send(new RollbackStageCommand({ pipelineName: 'p', stageName: 'Deploy', targetPipelineExecutionId: good }))).pipelineExecutionId as string;
    await emu.advance(20);
    const summary = (await executions('p'))[0];
    expect(summary).toMatchObject({ pipelineExecutionId: rb, status: 'Succeeded', executionType: 'ROLLBACK', trigger: { triggerType: 'ManualRollback' }, rollbackMetadata: { rollbackTargetPipelineExecutionId: good } });
    expect((await state('p')).stageStates?.[2]?.latestExecution).toMatchObject({ pipelineExecutionId: rb, type: 'ROLLBACK' });
  });

  it("answers the API model's errors for unknown pipelines, executions and bad input", async () => {
    await create('p');
    expect(await errorOf(state('nope'))).toBe('PipelineNotFoundException');
    expect(await errorOf(start('nope'))).toBe('PipelineNotFoundException');
    expect(await errorOf(sdk.send(new GetPipelineExecutionCommand({ pipelineName: 'p', pipelineExecutionId: '00000000-0000-0000-0000-000000000000' })))).toBe('PipelineExecutionNotFoundException');
    expect(await errorOf(sdk.send(new StartPipelineExecutionCommand({ name: 'p', variables: [{ name: 'NOPE', value: '1' }] })))).toBe('ValidationException');
    expect(await errorOf(sdk.send(new ListPipelineExecutionsCommand({ pipelineName: 'p', nextToken: 'garbage' })))).toBe('InvalidNextTokenException');
    const id = (await sdk.send(new StartPipelineExecutionCommand({ name: 'p', variables: [{ name: 'ENV', value: 'prod' }], sourceRevisions: [{ actionName: 'App', revisionType: 'COMMIT_ID', revisionValue: 'abc123' }] }))).pipelineExecutionId as string;
    const ex = (await sdk.send(new GetPipelineExecutionCommand({ pipelineName: 'p', pipelineExecutionId: id }))).pipelineExecution;
    expect(ex?.variables).toEqual([{ name: 'ENV', resolvedValue: 'prod' }]);
    expect(ex?.artifactRevisions?.[0]?.revisionId).toBe('abc123');
  });
});
