import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { pipecArgv, printedCommand } from '../support/shell-words.js';
import { createRoles, pipec, provisionDependencies, workspace } from './support.js';

/**
 * The `pipec ...` commands plan, apply, unlock, init and the operating commands' notes print for a
 * user to run next, run verbatim (split by bash, as pasted) against moto, each doing what the
 * message says: saved plans, the usage errors that say how to plan again, the preflight's
 * stack-mode commands, the lock's unlock, init's validate and its other-file suggestions.
 */
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 120_000);
afterAll(async () => {
  await moto?.stop();
});

const MINIMAL = readFileSync(join(ROOT, 'examples', 'minimal', 'pipeline.yml'), 'utf8');

describe('plan and apply, pipeline mode', () => {
  it('the saved-plan commands of apply without a terminal, of plan --out, and of the usage errors that say how to plan again', { timeout: 300_000 }, async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const ws = workspace({ 'pipeline.yml': `${MINIMAL}project: shop\n` });
    const run = (args: string[], opts: { tty?: boolean; input?: string } = {}) =>
      opts.tty ? runCli(args, { cwd: ws.dir, env: { ...moto.env }, tty: true, ...(opts.input !== undefined ? { input: opts.input } : {}) }) : pipec(args, { cwd: ws.dir, endpoint: moto.endpoint });
    const runPrinted = async (line: string, code = 0) => {
      const r = await run(pipecArgv(line));
      expect(r.code, `${line}\n${r.stdout}${r.stderr}`).toBe(code);
      return r;
    };
    try {
      await provisionDependencies(moto.endpoint, ws.dir);
      // apply with no terminal: plan --out, then apply the file (which plan --out names again)
      const noTty = await run(['apply']);
      expect(noTty.code).toBe(2);
      const planOut = printedCommand(noTty.stderr, /\('(pipec plan --out plan\.json)', then '(?:pipec apply plan\.json)'\)/);
      const applyOut = printedCommand(noTty.stderr, /, then '(pipec apply plan\.json)'\)/);
      const planned = await runPrinted(planOut);
      expect(printedCommand(planned.stderr, /'(pipec apply plan\.json)' applies exactly this plan/)).toBe(applyOut);
      await runPrinted(applyOut);
      // a saved plan applied with what is decided when planning
      ws.write({ 'pipeline.yml': `${MINIMAL}project: shop\ntags: { team: web }\n` });
      expect((await run(['plan', '--out', 'next.json'])).code).toBe(0);
      const withPipeline = await run(['apply', 'next.json', '--pipeline', 'web']);
      expect(withPipeline.code).toBe(2);
      await runPrinted(printedCommand(withPipeline.stderr, /make the plan again with '(pipec plan [^']+)'/));
      const withAdopt = await run(['apply', 'next.json', '--adopt', 'web']);
      await runPrinted(printedCommand(withAdopt.stderr, /make the plan again with '(pipec plan [^']+)'/));
      const withPrune = await run(['apply', 'next.json', '--prune']);
      const prune = printedCommand(withPrune.stderr, /make the plan again with '(pipec plan [^']+)'/);
      expect(prune).toBe('pipec plan --prune --out next.json');
      await runPrinted(prune);
      await runPrinted('pipec apply next.json --prune');
      const withStack = await run(['apply', '--stack', 'next.json']);
      const stackPlan = printedCommand(withStack.stderr, /plan again with '(pipec plan --stack [^']+)'/);
      expect(stackPlan).toBe('pipec plan --stack --out next.json');
      await runPrinted(stackPlan);
      expect(readFileSync(join(ws.dir, 'next.json'), 'utf8')).toContain('"changeSetId"');

      // a lock left behind: unlock, on a terminal, as the message says
      const stale = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', project: 'shop', operation: 'apply', who: 'ci@runner-7', pid: 4242, since: '2026-12-01T20:00:00Z', pipecVersion: '0.1.0' });
      const put = await fetch(`${moto.endpoint}/acme-artifacts/.pipec/locks/shop.json`, { method: 'PUT', body: stale, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' } });
      expect(put.ok).toBe(true);
      const locked = await run(['apply', '--auto-approve', '--lock-timeout', '1s']);
      expect(locked.code).toBe(1);
      const unlock = printedCommand(locked.stderr, /remove its lock with '(pipec unlock)'/);
      const removed = await run(pipecArgv(unlock), { tty: true, input: 'yes\n' });
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toContain('Removed the lock');

      // an operating command with a broken pipeline.yml: 'pipec validate' shows why
      ws.write({ 'pipeline.yml': `${MINIMAL}project: shop\nstages: 3\n` });
      const status = await run(['status', 'web']);
      const validate = printedCommand(status.stderr, /\('(pipec validate)' shows them\)/);
      const shown = await runPrinted(validate, 1);
      expect(shown.stdout + shown.stderr).toMatch(/error\[PC\d{4}\]/);
    } finally {
      ws.cleanup();
    }
  });
});

describe('plan when what the pipeline relies on is missing', () => {
  it("runs its stack-mode commands: 'pipec plan --stack', then 'pipec apply --stack' (and, with no terminal, the saved plan it names)", { timeout: 300_000 }, async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    // the bucket and the project are missing; the role ('role:', the user's own) exists, as stack mode needs it to
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
    const ws = workspace({ 'pipeline.yml': MINIMAL });
    const run = (args: string[]) => pipec(args, { cwd: ws.dir, endpoint: moto.endpoint });
    try {
      const plan = await run(['plan']);
      expect(plan.code).toBe(1);
      const stackPlan = printedCommand(plan.stderr, /\('(pipec plan --stack)', then '(?:pipec apply --stack)'/);
      const stackApply = printedCommand(plan.stderr, /, then '(pipec apply --stack)'/);
      const planned = await run(pipecArgv(stackPlan));
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain('+ stack "web-pipeline" (us-east-1): create');
      const applied = await run(pipecArgv(stackApply));
      // no terminal to confirm on: it names a saved plan to make and apply
      expect(applied.code).toBe(2);
      const save = printedCommand(applied.stderr, /\('(pipec plan --stack --out plan\.json)', then/);
      const apply = printedCommand(applied.stderr, /, then '(pipec apply plan\.json)'\)/);
      const saved = await run(pipecArgv(save));
      expect(saved.code, saved.stderr).toBe(0);
      expect(printedCommand(saved.stderr, /'(pipec apply plan\.json)' executes exactly them/)).toBe(apply);
      const done = await run(pipecArgv(apply));
      expect(done.code, done.stdout + done.stderr).toBe(0);
      expect(done.stdout).toContain('✓ stack "web-pipeline" (us-east-1): created (CREATE_COMPLETE)');
    } finally {
      ws.cleanup();
    }
  });
});

describe('init', () => {
  it("runs its 'pipec validate' and, for a file that exists, 'pipec init other.yml' and 'pipec init -'", async () => {
    const ws = workspace({});
    try {
      const run = (args: string[]) => runCli(args, { cwd: ws.dir });
      const made = await run(['init']);
      expect(made.code, made.stderr).toBe(0);
      const validate = printedCommand(made.stderr, /then run '(pipec validate[^']*)'/);
      const checked = await run(pipecArgv(validate));
      expect(checked.code, checked.stdout + checked.stderr).toBe(0);
      const again = await run(['init']);
      expect(again.code).toBe(1);
      const other = printedCommand(again.stderr, /name another file \((pipec init \S+)\)/);
      expect((await run(pipecArgv(other))).code).toBe(0);
      expect(readFileSync(join(ws.dir, 'other.yml'), 'utf8')).toMatch(/^# /);
      const print = await run(pipecArgv(printedCommand(again.stderr, /print it with '(pipec init -)'/)));
      expect(print.code).toBe(0);
      expect(print.stdout).toMatch(/name: /);
    } finally {
      ws.cleanup();
    }
  });
});
