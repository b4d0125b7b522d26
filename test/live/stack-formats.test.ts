import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createRoles, workspace } from './support.js';

/**
 * `pipec plan --stack` in the formats of pipeline mode (issue 10 item 4: "the same flags, formats,
 * saved plans and exit codes"): text is held by stack-mode.test.ts; here JSON for machines (each
 * stack with its action, resource changes and IAM statements, the summary with its line) and
 * Markdown for a pull-request comment (each stack's block as a diff, the summary line), each with
 * --detailed-exitcode's 2 for changes and 0 for none.
 */
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 120_000);
afterAll(async () => {
  await moto?.stop();
});

const MINIMAL = readFileSync(join(ROOT, 'examples', 'minimal', 'pipeline.yml'), 'utf8');

describe('plan --stack --format', () => {
  it('json: every stack with its action, resource changes and IAM statements; the summary as pipeline mode gives it', { timeout: 300_000 }, async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    // the role pipeline.yml names is the user's: the stack attaches its grants to it
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
    const ws = workspace({ 'pipeline.yml': MINIMAL });
    try {
      const r = await runCli(['plan', '--stack', '--format', 'json', '--detailed-exitcode'], { cwd: ws.dir, env: moto.env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(2);
      const plan = JSON.parse(r.stdout) as { summary: Record<string, unknown>; stacks: Array<Record<string, unknown> & { resourceChanges?: Array<{ action: string; logicalId: string; resourceType: string }>; security?: Array<{ kind: string; resource: string; document: string }> }> };
      expect(plan.summary).toMatchObject({ create: 1, update: 0, changes: true, line: 'Plan: 1 stack to create, 0 to update, 0 unchanged.' });
      expect(plan.stacks).toHaveLength(1);
      const stack = plan.stacks[0]!;
      expect(stack).toMatchObject({ stack: 'web-pipeline', pipeline: 'web', kind: 'pipeline', file: 'cloudformation.yml', region: 'us-east-1', action: 'create' });
      expect(stack.resourceChanges).toContainEqual(expect.objectContaining({ action: 'Add', logicalId: 'Pipeline', resourceType: 'AWS::CodePipeline::Pipeline' }));
      expect(stack.security).toContainEqual(expect.objectContaining({ kind: 'iam', resource: 'BuildBuildRole', document: 'trust' }));
    } finally {
      ws.cleanup();
    }
  });

  it('markdown: a heading, each stack as a diff block, the summary line', { timeout: 300_000 }, async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    // the role pipeline.yml names is the user's: the stack attaches its grants to it
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
    const ws = workspace({ 'pipeline.yml': MINIMAL });
    try {
      const r = await runCli(['plan', '--stack', '--format', 'markdown', '--detailed-exitcode'], { cwd: ws.dir, env: moto.env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/^## pipec plan --stack\n\n```diff\n\+ stack "web-pipeline" \(us-east-1\): create\n/);
      expect(r.stdout).toContain('+ Pipeline AWS::CodePipeline::Pipeline');
      expect(r.stdout).toMatch(/```\n\n\*\*Plan: 1 stack to create, 0 to update, 0 unchanged\.\*\*\n$/);
      expect(r.stdout).not.toMatch(/\u001b\[/);
      // applied, a second plan in each format has nothing to do: exit 0
      const applied = await runCli(['apply', '--stack', '--auto-approve'], { cwd: ws.dir, env: moto.env });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      for (const format of ['json', 'markdown']) {
        const again = await runCli(['plan', '--stack', '--format', format, '--detailed-exitcode'], { cwd: ws.dir, env: moto.env });
        expect(again.code, `${format}: ${again.stdout}${again.stderr}`).toBe(0);
        expect(again.stdout).toContain('Plan: 0 stacks to create, 0 to update, 1 unchanged.');
      }
    } finally {
      ws.cleanup();
    }
  });
});
