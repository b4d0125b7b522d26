import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeDrift } from '../../src/ops/transition-drift.js';
import { pipecArgv, printedCommand } from '../support/shell-words.js';
import { ops, startEmulator, WORKSPACE, type Emulator } from './support.js';

/**
 * Every `pipec ...` command the operating commands print for a user to run next, run verbatim:
 * split into words by bash itself (as a user pastes it), then run in the same workspace against
 * moto with the execution emulator. Each must do what the message says it does.
 */
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.moto.stop();
});
beforeEach(async () => {
  await emu.reset();
  const applied = await run(['apply', '--auto-approve', '--no-lock']);
  expect(applied.code, applied.stderr).toBe(0);
});

const run = (args: string[]) => ops(emu, args, { cwd: WORKSPACE });

const argv = pipecArgv;
const printed = printedCommand;

const ACCESS_DENIED =
  'Error calling startBuild: User: arn:aws:sts::111111111111:assumed-role/pipeline/1700000000 is not authorized to perform: codebuild:StartBuild on resource: arn:aws:codebuild:us-east-1:111111111111:project/shop-Lint because no identity-based policy allows the codebuild:StartBuild action (Service: AWSCodeBuild; Status Code: 400; Error Code: AccessDeniedException)';

describe('what the operating commands print to run next, run verbatim', () => {
  it("start's 'follow it with: pipec watch' and status's 'pipec approve' follow and answer that execution", async () => {
    const started = await run(['start', 'shop']);
    expect(started.code).toBe(0);
    const watch = printed(started.stderr, /follow it with: (pipec watch .+)$/m);
    expect(watch).toBe(`pipec watch shop ${started.stdout.trim()}`);
    await emu.advance(35);
    const status = await run(['status', 'shop']);
    const approve = printed(status.stdout, /(pipec approve \S+ \S+)/);
    expect(approve).toBe('pipec approve shop Release.Approve');
    const approved = await run(argv(approve));
    expect(approved.code, approved.stderr).toBe(0);
    const watched = await run(argv(watch));
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toContain(started.stdout.trim());
  });

  it("a failure's fix 'then pipec retry' retries the failed stage", async () => {
    await emu.inject('shop', 'Build', 'Lint', { errorCode: 'JobFailed', message: ACCESS_DENIED });
    const failed = await run(['start', 'shop', '--watch']);
    expect(failed.code).toBe(1);
    const retry = printed(failed.stdout, /then (pipec retry \S+ \S+?)(?:\s|$)/);
    expect(retry).toBe('pipec retry shop Build');
    const r = await run(argv(retry));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Build/);
  });

  it("watch without executions: 'start one with: pipec start shop --watch' starts and follows one", async () => {
    const none = await run(['watch', 'shop']);
    expect(none.code).toBe(1);
    const start = printed(none.stderr, /start one with: (pipec start .+)$/m);
    expect(start).toBe('pipec start shop --watch');
    // a run that ends (its build fails), so the watch ends with it
    await emu.inject('shop', 'Build', 'Lint', { errorCode: 'JobFailed', message: ACCESS_DENIED });
    const r = await run(argv(start));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/PF001 access-denied: Build\.Lint/);
  });

  it("plan's transition commands make the live transitions what pipeline.yml says", async () => {
    await run(['transition', 'shop', 'Build', '--disable', '--reason', 'hold']);
    const plan = await run(['plan']);
    const disable = printed(plan.stdout, /to disable it: (pipec transition .+)$/m);
    const enable = printed(plan.stdout, /to enable it: (pipec transition .+)$/m);
    expect(argv(disable)).toEqual(['transition', 'feed', 'Publish', '--disable', '--reason', 'Waiting for the launch']);
    for (const c of [disable, enable]) {
      const r = await run(argv(c));
      expect(r.code, `${c}\n${r.stderr}`).toBe(0);
    }
    expect((await run(['plan'])).stdout).not.toContain('Transitions (');
  });

  it("an unknown pipeline: 'pipec status' lists the configuration's pipelines", async () => {
    const unknown = await run(['status', 'nope']);
    expect(unknown.code).toBe(1);
    const status = printed(unknown.stderr, /\('(pipec status)' lists the configuration's pipelines\)/);
    const r = await run(argv(status));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/shop/);
  });

  it("a transition command keeps a reason holding what bash would expand ('!', '*', '?', parentheses) as written", () => {
    const reason = 'Go live! (v2) *after* QA? ok';
    const line = describeDrift({ pipeline: 'shop', stage: 'Release', configured: { disabled: true, reason }, live: { disabled: false } });
    const command = printed(line, /to disable it: (pipec transition .+)$/);
    expect(argv(command)).toEqual(['transition', 'shop', 'Release', '--disable', '--reason', reason]);
  });
});
