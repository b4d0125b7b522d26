// A saved stack plan is applied only while every stack is as planned (issue 10: "a change set
// whose stack changed since the plan is refused"): each way a stack or its kept change set can
// move on, against a fake CloudFormation. (On moto: stack-mode.test.ts, a stack updated since.)
import { describe, expect, it } from 'vitest';
import { checkStackPlanHolds } from '../../src/live/stack/apply.js';
import type { LiveChangeSet, LiveStack, StackClient } from '../../src/live/stack/client.js';
import type { StackPlan } from '../../src/live/stack/plan.js';

const target = { pipeline: 'web', kind: 'pipeline' as const, file: 'cloudformation.yml', stackName: 'web-pipeline', region: 'us-east-1', template: 'Resources: {}', inputs: {}, tags: [] };
const PLANNED = { status: 'CREATE_COMPLETE', lastChanged: '2026-12-01T00:00:00.000Z' };

function holds(p: Partial<StackPlan>, live: Partial<LiveStack> | undefined, cs?: Partial<LiveChangeSet>) {
  const client: StackClient = {
    region: 'us-east-1',
    describeStack: () => Promise.resolve(live ? { stackId: 'id', status: 'CREATE_COMPLETE', lastChanged: PLANNED.lastChanged, outputs: {}, parameters: {}, tags: [], ...live } : undefined),
    getTemplate: () => Promise.reject(new Error('not expected')),
    createChangeSet: () => Promise.reject(new Error('not expected')),
    describeChangeSet: (id) => Promise.resolve(cs ? { id, stackId: 'id', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', changes: [], ...cs } : undefined),
    deleteChangeSet: () => Promise.reject(new Error('not expected')),
    executeChangeSet: () => Promise.reject(new Error('not expected')),
    events: () => Promise.resolve([]),
    deleteStack: () => Promise.reject(new Error('not expected')),
  };
  const plan: StackPlan = { target, action: 'update', planned: PLANNED, parameters: {}, resourceChanges: [], security: [], changeSetId: 'cs', ...p };
  return checkStackPlanHolds({ stacks: [plan] }, { forLocation: () => Promise.resolve(client), describeEndpoint: () => 'fake' });
}

describe('a saved stack plan, checked before apply', () => {
  it('holds while the stack and its change set are as planned (a planned create: the stack its change set made)', async () => {
    expect(await holds({}, {}, {})).toEqual([]);
    expect(await holds({ action: 'create', planned: null }, { status: 'REVIEW_IN_PROGRESS' }, {})).toEqual([]);
  });

  it('is refused for each way the stack moved on', async () => {
    expect(await holds({ action: 'create', planned: null, changeSetId: undefined }, { status: 'CREATE_COMPLETE' })).toEqual(['stack web-pipeline (us-east-1) was created since the plan (now CREATE_COMPLETE)']);
    expect(await holds({}, undefined)).toEqual(['stack web-pipeline (us-east-1) was deleted since the plan']);
    expect(await holds({}, { status: 'UPDATE_COMPLETE', lastChanged: '2026-12-02T00:00:00.000Z' }, {})).toEqual([
      'stack web-pipeline (us-east-1) changed since the plan (planned against CREATE_COMPLETE of 2026-12-01T00:00:00.000Z, now UPDATE_COMPLETE of 2026-12-02T00:00:00.000Z)',
    ]);
    expect(await holds({}, {}, undefined)).toEqual(["the change set of stack web-pipeline (us-east-1) is gone (CloudFormation deletes a stack's change sets when one of them is executed)"]);
    expect(await holds({}, {}, { executionStatus: 'OBSOLETE', statusReason: 'the stack was updated' })).toEqual(['the change set of stack web-pipeline (us-east-1) can no longer be executed (OBSOLETE: the stack was updated)']);
  });

  it('leaves out stacks another account deploys (no profile: pipec cannot look)', async () => {
    expect(await holds({ action: 'manual' }, undefined)).toEqual([]);
  });
});
