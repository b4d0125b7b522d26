import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../src/cli/stack-apply.js';
import type { CliContext } from '../../src/cli/context.js';
import { applyStackPlan } from '../../src/live/stack/apply.js';
import type { LiveStack, StackClient, StackEvent } from '../../src/live/stack/client.js';
import { stackCommand } from '../../src/live/stack/commands.js';
import { planPipelineStacks, type StackPlan } from '../../src/live/stack/plan.js';
import type { StackTarget } from '../../src/live/stack/targets.js';

/**
 * What plan and apply --stack tell a user to run for a stack in a state they cannot change, for
 * every state, against a fake CloudFormation (the commands themselves are run verbatim against
 * moto in printed-commands.test.ts: delete-stack, continue-update-rollback with and without
 * --resources-to-skip, describe-stack-events, all made by stackCommand).
 */

const TARGET: StackTarget = {
  pipeline: 'web',
  kind: 'pipeline',
  file: 'cloudformation.yml',
  stackName: 'web-pipeline',
  region: 'eu-west-1',
  template: 'Resources: {}',
  inputs: {},
  tags: [
    { key: 'managed-by', value: 'pipec' },
    { key: 'pipec:project', value: 'shop' },
  ],
};
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/web-pipeline/1';

function ev(status: string, logicalId = 'web-pipeline', reason?: string): StackEvent {
  const stack = logicalId === 'web-pipeline';
  return { eventId: `${logicalId}-${status}`, timestamp: '2026-12-02T00:00:00Z', logicalId, physicalId: stack ? STACK_ID : `${logicalId}-id`, resourceType: stack ? 'AWS::CloudFormation::Stack' : 'AWS::S3::Bucket', status, ...(reason ? { reason } : {}) };
}

function client(live: Partial<LiveStack>, events: StackEvent[] | Error): StackClient {
  const stack: LiveStack = { stackId: STACK_ID, status: 'CREATE_COMPLETE', lastChanged: '2026-12-02T00:00:00Z', outputs: {}, parameters: {}, tags: TARGET.tags, ...live };
  const no = () => Promise.reject(new Error('not expected'));
  return {
    region: 'eu-west-1',
    describeStack: () => Promise.resolve(stack),
    getTemplate: no,
    createChangeSet: no,
    describeChangeSet: no,
    deleteChangeSet: no,
    executeChangeSet: () => Promise.resolve(),
    events: () => (events instanceof Error ? Promise.reject(events) : Promise.resolve(events)),
    deleteStack: no,
  };
}

async function reasonFor(c: StackClient): Promise<string> {
  const plans = await planPipelineStacks({ name: 'web', targets: [TARGET] }, { forLocation: () => Promise.resolve(c), describeEndpoint: () => 'moto' }, {
    accountProfiles: new Map(),
    keep: false,
    adopt: new Set(),
    runId: 'r',
    pipelines: () => Promise.reject(new Error('not expected')),
    waitMs: 0,
    pollMs: 0,
    templatesDir: 'out',
  });
  expect(plans[0]?.action).toBe('blocked');
  return plans[0]?.reason ?? '';
}

const WHERE = '--region eu-west-1 --stack-name web-pipeline';

describe('a stack plan cannot change, with what to run', () => {
  it('UPDATE_ROLLBACK_FAILED: the resources the rollback could not restore (since the latest rollback), continue-update-rollback, and the skip', async () => {
    // newest first: the latest attempt failed on Pipeline only; an earlier one on Topic too
    const events = [ev('UPDATE_ROLLBACK_FAILED'), ev('UPDATE_FAILED', 'Pipeline', 'not found'), ev('UPDATE_ROLLBACK_IN_PROGRESS'), ev('UPDATE_FAILED', 'Topic', 'old'), ev('UPDATE_ROLLBACK_IN_PROGRESS')];
    const reason = await reasonFor(client({ status: 'UPDATE_ROLLBACK_FAILED' }, events));
    expect(reason).toBe(
      `stack web-pipeline is in UPDATE_ROLLBACK_FAILED: its rollback could not restore Pipeline (not found); fix that, then finish the rollback: aws cloudformation continue-update-rollback ${WHERE}, and plan again. ` +
        `If it cannot be restored (deleted outside CloudFormation, ...), the rollback can skip it instead (CloudFormation then takes it to be as before the update; make that true before the next apply): aws cloudformation continue-update-rollback ${WHERE} --resources-to-skip Pipeline`,
    );
  });

  it('UPDATE_ROLLBACK_FAILED with events it cannot read: the events command, then continue-update-rollback', async () => {
    const reason = await reasonFor(client({ status: 'UPDATE_ROLLBACK_FAILED' }, new Error('AccessDenied')));
    expect(reason).toContain(`find the cause in its events (aws cloudformation describe-stack-events ${WHERE}), fix it, then finish the rollback: aws cloudformation continue-update-rollback ${WHERE}, and plan again`);
  });

  it('DELETE_FAILED and ROLLBACK_FAILED: what could not be deleted, delete-stack, and the events', async () => {
    const deleting = await reasonFor(client({ status: 'DELETE_FAILED' }, [ev('DELETE_FAILED'), ev('DELETE_FAILED', 'ArtifactBucket', 'The bucket you tried to delete is not empty'), ev('DELETE_IN_PROGRESS')]));
    expect(deleting).toBe(`stack web-pipeline could not be deleted (DELETE_FAILED): ArtifactBucket (The bucket you tried to delete is not empty); fix that, then delete the stack again: aws cloudformation delete-stack ${WHERE}, and plan again (its events: aws cloudformation describe-stack-events ${WHERE})`);
    const creating = await reasonFor(client({ status: 'ROLLBACK_FAILED' }, [ev('ROLLBACK_FAILED'), ev('DELETE_FAILED', 'Key', 'pending'), ev('ROLLBACK_IN_PROGRESS')]));
    expect(creating).toBe(`stack web-pipeline failed to create, and its rollback could not delete Key (pending); fix that, then delete the stack: aws cloudformation delete-stack ${WHERE}, and plan again (its events: aws cloudformation describe-stack-events ${WHERE})`);
  });

  it('another FAILED state: its reason and the events command; ROLLBACK_COMPLETE: delete-stack', async () => {
    expect(await reasonFor(client({ status: 'UPDATE_FAILED', statusReason: 'rollback disabled' }, []))).toBe(`stack web-pipeline is in UPDATE_FAILED (rollback disabled); see its events: aws cloudformation describe-stack-events ${WHERE}`);
    expect(await reasonFor(client({ status: 'ROLLBACK_COMPLETE' }, []))).toContain(`CloudFormation can only delete it: aws cloudformation delete-stack ${WHERE}, then plan again`);
  });
});

describe('apply --stack', () => {
  it('says, for a stack still in progress when its time is up, how to follow it', async () => {
    const c = client({ status: 'UPDATE_IN_PROGRESS' }, []);
    const plan: StackPlan = { target: TARGET, action: 'update', changeSetId: 'cs-1', stackId: STACK_ID, planned: null, parameters: {}, resourceChanges: [], security: [] };
    const quiet = { started: () => {}, event: () => {}, planned: () => {}, waiting: () => {} };
    const [outcome] = await applyStackPlan({ stacks: [plan] }, { forLocation: () => Promise.resolve(c), describeEndpoint: () => 'moto' }, { timeoutMs: 0, pollMs: 1, runId: 'r', progress: quiet });
    expect(outcome?.status).toBe('timed-out');
    expect(outcome?.message).toBe(`still UPDATE_IN_PROGRESS after 0 s; CloudFormation goes on without pipec: ${stackCommand('describe-stack-events', TARGET)}`);
    expect(stackCommand('describe-stack-events', TARGET)).toBe(`aws cloudformation describe-stack-events ${WHERE}`);
  });
});

describe('apply --stack progress', () => {
  const plan: StackPlan = { target: TARGET, action: 'update', stackId: STACK_ID, planned: null, parameters: {}, resourceChanges: [], security: [] };
  const printer = (isTTY: boolean) => {
    let text = '';
    const out = { write: (s: string) => (text += s), isTTY };
    return { p: progressPrinter({} as CliContext, out as CliContext['stdout'], false), text: () => text };
  };

  it('on a terminal: a spinner line while a stack is in progress, rewritten in place and cleared before each event line', () => {
    const { p, text } = printer(true);
    p.started(plan);
    p.waiting(plan, 'UPDATE_IN_PROGRESS');
    p.waiting(plan, 'UPDATE_IN_PROGRESS');
    p.event(plan, ev('UPDATE_COMPLETE', 'Pipeline'));
    p.stop();
    const t = text();
    expect(t).toMatch(/^Deploying stack web-pipeline \(eu-west-1\)\.\.\.\n⠋ waiting for web-pipeline: UPDATE_IN_PROGRESS \(\d+ s\)\r\x1b\[K⠙ waiting for web-pipeline: UPDATE_IN_PROGRESS \(\d+ s\)\r\x1b\[K.*Pipeline.*\n$/s);
  });

  it('elsewhere: event lines only, no spinner and no control characters', () => {
    const { p, text } = printer(false);
    p.started(plan);
    p.waiting(plan, 'UPDATE_IN_PROGRESS');
    p.event(plan, ev('UPDATE_COMPLETE', 'Pipeline'));
    p.stop();
    expect(text()).not.toMatch(/[\r\x1b⠋]/);
    expect(text().split('\n').filter(Boolean)).toHaveLength(2);
  });
});
