import { CodePipelineClient, CreatePipelineCommand, GetPipelineStateCommand, PutApprovalResultCommand, type PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { awsTestEnv, freePort } from '../support/moto.js';
import { startProxy } from '../live/support.js';
import { golden, ops, startEmulator, WORKSPACE, type Emulator } from './support.js';

/**
 * The operating commands end to end: pipec (in this process, the real SDK) against moto with the
 * execution emulator, pipelines created by 'pipec apply' from test/ops/workspace. The emulator's
 * clock is frozen and moved by the tests and by pipec's own waits, so outputs are byte-stable
 * goldens (update: `npm run snapshots:update`, then review the diff).
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
beforeEach(async () => {
  await emu.reset();
  const applied = await run(['apply', '--auto-approve', '--no-lock']); // the lock needs the artifact bucket, which these tests do not create
  expect(applied.code, applied.stderr).toBe(0);
});

const run = (args: string[], opts: { tty?: boolean; input?: string; env?: Record<string, string | undefined>; endpoint?: string } = {}) =>
  ops(emu, args, { cwd: WORKSPACE, ...opts, ...(opts.endpoint ? { env: { AWS_ENDPOINT_URL: opts.endpoint, ...opts.env } } : {}) });

/** Starts shop and runs it to its approval (Source 10s, Build 20s, then Release waits). */
async function toApproval(): Promise<string> {
  const started = await run(['start', 'shop']);
  expect(started.code, started.stderr).toBe(0);
  await emu.advance(35);
  return started.stdout.trim();
}

const ACCESS_DENIED =
  'Error calling startBuild: User: arn:aws:sts::111111111111:assumed-role/pipeline/1700000000 is not authorized to perform: codebuild:StartBuild on resource: arn:aws:codebuild:us-east-1:111111111111:project/shop-Lint because no identity-based policy allows the codebuild:StartBuild action (Service: AWSCodeBuild; Status Code: 400; Error Code: AccessDeniedException)';

describe('status', () => {
  it('shows every pipeline of the configuration before any run, with a summary line each (text and JSON)', async () => {
    const r = await run(['status']);
    expect(r.code, r.stderr).toBe(0);
    golden('status-never-run.txt', r.stdout);
    const j = await run(['status', '--format', 'json']);
    golden('status-never-run.json', j.stdout);
    expect(JSON.parse(j.stdout).pipelines.map((p: { name: string }) => p.name)).toEqual(['feed', 'shop']);
  });

  it('shows a waiting approval with the command that answers it, and a transition disabled live with its reason', async () => {
    await toApproval();
    const t = await run(['transition', 'shop', 'Release', '--disable', '--reason', 'Code freeze (until Monday)']);
    expect(t.code, t.stderr).toBe(0);
    golden('transition-disable.txt', t.stdout + t.stderr);
    const r = await run(['status', 'shop']);
    golden('status-waiting.txt', r.stdout);
    expect(r.stdout).toContain('pipec approve shop Release.Approve');
    expect(r.stdout).toContain('transition into Release disabled: "Code freeze (until Monday)"');
    const e = await run(['transition', 'shop', 'Release', '--enable', '--format', 'json']);
    golden('transition-enable.json', e.stdout);
  });

  it("notes where a live transition differs from pipeline.yml's disable-inbound, in status and in plan", async () => {
    const r = await run(['status', 'feed']);
    expect(r.stdout).toContain('note: pipeline.yml disables the transition into Publish ("Waiting for the launch"), but it is enabled live');
    await run(['transition', 'shop', 'Build', '--disable', '--reason', 'hold'], {});
    const plan = await run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    golden('plan-transitions.txt', plan.stdout);
    expect(plan.stdout).toContain(`Transitions ('pipec apply' does not change them):
  feed: pipeline.yml disables the transition into Publish ("Waiting for the launch"), but it is enabled live; to disable it: pipec transition feed Publish --disable --reason 'Waiting for the launch'
  shop: the transition into Build is disabled live ("hold"), but pipeline.yml does not disable it; to enable it: pipec transition shop Build --enable
`);
    const json = await run(['plan', '--format', 'json']);
    expect(JSON.parse(json.stdout).summary).toBeDefined();
    expect(json.stderr).toContain("pipec: note: shop: the transition into Build is disabled live");
  });

  it('takes the pipeline from --pipeline (also before the command), and --quiet leaves out success lines', async () => {
    const r = await run(['--pipeline', 'shop', '-q', 'start']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(r.stderr).toBe('');
    const s = await run(['status', '--pipeline', 'shop']);
    expect(s.stdout).toMatch(/^shop \(us-east-1/);
    const two = await run(['watch', '--pipeline', 'shop', '--pipeline', 'feed']);
    expect(two.code).toBe(2);
  });

  it('explains a source change that cannot start the pipeline (connection source, DetectChanges off, no trigger)', async () => {
    const r = await run(['status', 'feed']);
    golden('status-feed.txt', r.stdout);
    expect(r.stdout).toMatch(/pipelines\/feed\.yml:\d+:\d+ PF006 source-change-not-detected: Source\.Repo: DetectChanges is false/);
  });

  it('with polling off, says when no EventBridge rule starts the pipeline for its branch (and not when one does)', async () => {
    const pipeline = {
      name: 'api',
      roleArn: 'arn:aws:iam::111111111111:role/pipeline',
      artifactStore: { type: 'S3', location: 'acme-artifacts' },
      stages: [
        { name: 'Source', actions: [{ name: 'Code', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'api', BranchName: 'main', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'Code' }] }] },
        { name: 'Ship', actions: [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
      ],
    } as unknown as PipelineDeclaration;
    await sdk.send(new CreatePipelineCommand({ pipeline }));
    const none = await run(['status', 'api']);
    expect(none.stdout).toContain("PF006 source-change-not-detected: Source.Code: polling is off and no EventBridge rule starts api on pushes to api@main, so those changes do not start it");
    const events = new EventBridgeClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      const rule = async (name: string, branch: string) => {
        const EventPattern = JSON.stringify({ source: ['aws.codecommit'], 'detail-type': ['CodeCommit Repository State Change'], resources: ['arn:aws:codecommit:us-east-1:111111111111:api'], detail: { event: ['referenceUpdated'], referenceName: [branch] } });
        await events.send(new PutRuleCommand({ Name: name, EventPattern }));
        await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'pipeline', Arn: 'arn:aws:codepipeline:us-east-1:111111111111:api', RoleArn: 'arn:aws:iam::111111111111:role/events' }] }));
      };
      await rule('api-dev', 'dev');
      const other = await run(['status', 'api']);
      expect(other.stdout).toContain("(the rule that targets it, 'api-dev', matches other changes)");
      await rule('api-main', 'main');
      const ok = await run(['status', 'api']);
      expect(ok.stdout).not.toContain('PF006');
    } finally {
      events.destroy();
    }
  });

  it('fails with one line for an unknown pipeline, and for an endpoint that is down', async () => {
    const r = await run(['status', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pipec: pipeline 'nope' not found in us-east-1; check the name and --region ('pipec status' lists the configuration's pipelines)\n");
    const down = await run(['status', 'shop'], { endpoint: `http://127.0.0.1:${await freePort()}`, env: { AWS_MAX_ATTEMPTS: '1' } });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^pipec: cannot reach CodePipeline at http:\/\/127\.0\.0\.1:\d+: connection refused; is it running\?\n$/);
    expect(down.stdout).toBe('');
  });
});

describe('start, watch and approve', () => {
  it('start prints the execution id; watch follows it to the approval; approve answers it; watch exits 0 on success', async () => {
    const started = await run(['start', 'shop']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    golden('start.txt', started.stdout + started.stderr);
    const waiting = await run(['watch', 'shop', '--timeout', '2m', '-i', '5']);
    expect(waiting.code).toBe(1);
    golden('watch-timeout.txt', waiting.stdout + waiting.stderr);
    expect(waiting.stderr).toContain('is still InProgress; stopped watching after --timeout 2m (the execution goes on)');
    const approved = await run(['approve', 'shop', '--summary', 'Looks good']);
    expect(approved.code, approved.stderr).toBe(0);
    golden('approve.txt', approved.stdout);
    const done = await run(['watch', 'shop']);
    expect(done.code, done.stderr).toBe(0);
    golden('watch-success.txt', done.stdout);
  });

  it('start --watch exits 1 when an action fails, explaining why from pipeline.yml (AccessDenied)', async () => {
    await emu.inject('shop', 'Build', 'Lint', { errorCode: 'JobFailed', message: ACCESS_DENIED });
    const r = await run(['start', 'shop', '--watch']);
    expect(r.code).toBe(1);
    golden('watch-failure.txt', r.stdout + r.stderr);
    expect(r.stdout).toMatch(/pipelines\/shop\.yml:18:9 PF001 access-denied: Build\.Lint: the role 'pipeline' lacks codebuild:StartBuild on arn:aws:codebuild:us-east-1:111111111111:project\/shop-Lint/);
    const j = await run(['watch', 'shop', '--format', 'json']);
    expect(j.code).toBe(1);
    golden('watch-failure.json', j.stdout);
  });

  it('shows a live view on a terminal: redrawn in place, with a spinner on running actions and elapsed times', async () => {
    const r = await run(['start', 'shop', '--watch', '--timeout', '40s', '--no-color'], { tty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\u001b\[\d+F/); // cursor back up: the frame is redrawn, not appended
    expect(r.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Compile {2}InProgress {2}\d+s/);
    expect(r.stdout).toContain('✓ Source  Succeeded');
    expect(r.stdout).toContain('waiting for approval: pipec approve shop Release.Approve');
  });

  it('approve --reject fails the execution, and the failure is explained (PF005)', async () => {
    const id = await toApproval();
    const r = await run(['approve', 'shop', 'Release.Approve', '--reject', '-m', 'Not on a Friday']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Rejected Release.Approve of shop (execution ${id}): "Not on a Friday".\n`);
    const w = await run(['watch', 'shop', id]);
    expect(w.code).toBe(1);
    expect(w.stdout).toContain('PF005 approval-rejected: Release.Approve: the approval was rejected by arn:aws:sts::111111111111:assumed-role/pipec-tests/moto: "Not on a Friday"');
  });

  it('approve refuses when nothing is waiting, or what is named is not waiting', async () => {
    const none = await run(['approve', 'shop']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("pipec: nothing to approve: no manual approval of 'shop' is waiting\n");
    await toApproval();
    const wrong = await run(['approve', 'shop', 'Build.Compile']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe("pipec: 'Build.Compile' is not waiting for approval in 'shop'; waiting: Release.Approve\n");
  });

  it('approve with a stale token (answered by someone else meanwhile) says so and exits 1', async () => {
    await toApproval();
    const proxy = await startProxy(emu.moto.port, async (call) => {
      if (call.operation === 'PutApprovalResult')
        await sdk.send(new PutApprovalResultCommand({ pipelineName: 'shop', stageName: 'Release', actionName: 'Approve', token: String(call.body.token), result: { status: 'Approved', summary: 'by a colleague' } }));
      return undefined;
    });
    try {
      const r = await run(['approve', 'shop'], { endpoint: proxy.endpoint });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("pipec: the approval has already been answered (Approval action Approve has already been approved); 'pipec status shop' shows what is waiting now\n");
    } finally {
      await proxy.close();
    }
    const state = await sdk.send(new GetPipelineStateCommand({ name: 'shop' }));
    expect(state.stageStates?.[2]?.actionStates?.[0]?.latestExecution?.summary).toBe('by a colleague');
  });

  it('several approvals waiting (PARALLEL mode): names them when there is no terminal, asks on one', async () => {
    const a = (await run(['start', 'feed'])).stdout.trim();
    const b = (await run(['start', 'feed'])).stdout.trim();
    await emu.advance(15);
    const listed = await run(['approve', 'feed']);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain("2 approvals are waiting in 'feed'");
    expect(listed.stderr).toContain(a.slice(0, 8));
    const asked = await run(['approve', 'feed'], { tty: true, input: '2\n' });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toContain('Which one? [1-2]: ');
    expect(asked.stdout).toMatch(/^Approved Publish\.Approve of feed \(execution [0-9a-f-]{36}\)/);
    const named = await run(['approve', 'feed', b === asked.stdout.match(/execution ([0-9a-f-]{36})/)?.[1] ? a : b]);
    expect(named.code, named.stderr).toBe(0);
  });
});

describe('JSON output of the commands that act', () => {
  it('start, retry --all-actions, approve and rollback print what they did as JSON', async () => {
    await emu.inject('shop', 'Build', 'Lint', { message: 'flaky' });
    const started = await run(['start', 'shop', '--var', 'API_TOKEN=hunter2', '-f', 'json']);
    golden('start.json', started.stdout);
    await emu.advance(35);
    const retried = await run(['retry', 'shop', 'Build', '--all-actions', '-f', 'json']);
    golden('retry.json', retried.stdout);
    await emu.advance(25);
    const approved = await run(['approve', 'shop', '-f', 'json']);
    golden('approve.json', approved.stdout);
    await emu.advance(15);
    const id = JSON.parse(started.stdout).pipelineExecutionId as string;
    const detail = await run(['runs', 'shop', id]);
    expect(detail.stdout).toContain('Compile (2/2)');
    await toApproval();
    await run(['approve', 'shop']);
    await emu.advance(15);
    const rolled = await run(['rollback', 'shop', 'Build', '--to', id, '-f', 'json']);
    expect(rolled.code, rolled.stderr).toBe(0);
    golden('rollback.json', rolled.stdout);
  });

  it('never prints the value of a variable whose name says it is a secret', async () => {
    const id = (await run(['start', 'shop', '--var', 'API_TOKEN=hunter2'])).stdout.trim();
    const detail = await run(['runs', 'shop', id]);
    expect(detail.stdout).toContain('Variable API_TOKEN:  ****');
    expect(detail.stdout + (await run(['runs', 'shop', id, '-f', 'json'])).stdout).not.toContain('hunter2');
  });
});

describe('each failure explanation, from an injected failure to status', () => {
  const causes: Array<[string, string, string]> = [
    ['Build', 'Lint', 'PF001|JobFailed|User: arn:aws:sts::111111111111:assumed-role/pipeline/x is not authorized to perform: codebuild:BatchGetBuilds on resource: shop-Lint'],
    ['Build', 'Lint', 'PF002|JobFailed|CLIENT_ERROR: no matching artifact paths found'],
    ['Build', 'Lint', 'PF003|JobFailed|Artifact [App] exceeds the maximum allowed size'],
    ['Build', 'Lint', 'PF004|TimeoutError|The action timed out after 8 hours'],
    ['Build', 'Lint', 'PF007|JobFailed|Build failed with exit status 2'],
  ];
  for (const [stage, action, spec] of causes) {
    const [code, errorCode, message] = spec.split('|') as [string, string, string];
    it(`${code}: ${message}`, async () => {
      await emu.inject('shop', stage, action, { errorCode, message });
      await run(['start', 'shop']);
      await emu.advance(35);
      const r = await run(['status', 'shop', '-f', 'json']);
      const why = JSON.parse(r.stdout).pipelines[0].explanations;
      expect(why).toHaveLength(1);
      expect(why[0]).toMatchObject({ code, subject: `${stage}.${action}`, location: 'pipelines/shop.yml:18:9' });
    });
  }

  it('PF004: an approval that nobody answered expires after 7 days', async () => {
    await toApproval();
    await emu.advance(7 * 86400);
    const r = await run(['status', 'shop']);
    expect(r.stdout).toContain('PF004 timeout: Release.Approve: the action did not finish within its time limit of 7 days');
  });
});

describe('watch as a separate process, not on a terminal', () => {
  it('appends one line per change with real waits, exits 1 on failure, and prints no SDK warning', async () => {
    await emu.inject('shop', 'Build', 'Lint', { errorCode: 'JobFailed', message: 'tests failed' });
    const id = (await run(['start', 'shop'])).stdout.trim();
    await emu.control('clock', { mode: 'real', scale: 5 }); // 10 s actions take 2 s
    const r = runBin(['watch', 'shop', id, '--interval', '1'], { cwd: WORKSPACE, env: awsTestEnv(emu.endpoint), timeoutMs: 60000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^\[ *\d+s\] shop execution [0-9a-f-]{36}: (InProgress|Failed)\n/); // how far it got before the first look depends on the machine
    expect(r.stdout).toMatch(/\] Build\.Lint: Failed \(10s\): JobFailed: tests failed\n/);
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(r.stderr).toBe(`pipec: execution ${id} of shop failed\n`);
  });
});

describe('runs, retry, stop and rollback', () => {
  it('retries a stage after an injected failure; runs lists the history and shows one execution in full', async () => {
    await emu.inject('shop', 'Build', 'Lint', { errorCode: 'JobFailed', message: 'CLIENT_ERROR: no matching artifact paths found' });
    const id = (await run(['start', 'shop'])).stdout.trim();
    await emu.advance(35);
    const failed = await run(['status', 'shop']);
    golden('status-failed.txt', failed.stdout);
    golden('status-failed.json', (await run(['status', 'shop', '-f', 'json'])).stdout);
    const notFailed = await run(['retry', 'shop', 'Source']);
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toBe(`pipec: stage 'Source' of 'shop' is Succeeded in its latest execution (${id}); only a failed or stopped stage can be retried\n`);
    const typo = await run(['retry', 'shop', 'Buld']);
    expect(typo.stderr).toBe("pipec: pipeline 'shop' has no stage 'Buld'; did you mean 'Build'? (its stages: Source, Build, Release)\n");
    const retried = await run(['retry', 'shop', 'Build']);
    expect(retried.code, retried.stderr).toBe(0);
    golden('retry.txt', retried.stdout);
    await emu.advance(15);
    await run(['approve', 'shop']);
    await emu.advance(15);
    await run(['start', 'shop']);
    await emu.advance(5);
    const runs = await run(['runs', 'shop']);
    golden('runs.txt', runs.stdout);
    golden('runs.json', (await run(['runs', 'shop', '--format', 'json', '--limit', '1'])).stdout);
    const succeeded = await run(['runs', 'shop', '--status', 'succeeded']);
    expect(succeeded.stdout.trim().split('\n')).toHaveLength(2);
    const detail = await run(['runs', 'shop', id]);
    golden('runs-detail.txt', detail.stdout);
    expect(detail.stdout).toContain('Lint (1/2)');
    golden('runs-detail.json', (await run(['runs', 'shop', id, '-f', 'json'])).stdout);
    const bad = await run(['runs', 'shop', '--status', 'Faild']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("did you mean 'Failed'?");
  });

  it('stop waits for running actions (Stopping, then Stopped); again is refused; --abandon abandons; nothing to stop is an error', async () => {
    const id = (await run(['start', 'shop'])).stdout.trim();
    await emu.advance(12);
    const stop = await run(['stop', 'shop', '--reason', 'wrong branch']);
    expect(stop.code, stop.stderr).toBe(0);
    golden('stop.txt', stop.stdout);
    const again = await run(['stop', 'shop', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("pipec: that execution of 'shop' is already stopping; to stop without waiting for its actions, run again with --abandon\n");
    const abandon = await run(['stop', 'shop', id, '--abandon', '-f', 'json']);
    expect(abandon.code, abandon.stderr).toBe(0);
    golden('stop-abandon.json', abandon.stdout);
    const w = await run(['watch', 'shop', id]);
    expect(w.code).toBe(1);
    expect(w.stderr).toBe(`pipec: execution ${id} of shop ended Stopped\n`);
    const nothing = await run(['stop', 'shop']);
    expect(nothing.stderr).toBe("pipec: nothing to stop: no execution of 'shop' is in progress\n");
  });

  it('rolls a stage back to the previous successful execution', async () => {
    const first = await toApproval();
    await run(['approve', 'shop']);
    await emu.advance(15);
    await toApproval();
    await run(['approve', 'shop']);
    await emu.advance(15);
    const r = await run(['rollback', 'shop', 'Build', '--watch']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Rolling back stage Build of shop to execution ${first}`);
    golden('rollback-watch.txt', r.stdout);
    const src = await run(['rollback', 'shop', 'Source', '--to', first]);
    expect(src.code).toBe(1);
    expect(src.stderr).toBe('pipec: cannot roll back: Stage Source is the source stage and cannot be rolled back\n');
  });
});
