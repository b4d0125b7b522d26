// A stack plan that fails part-way leaves nothing in CloudFormation (issue 10: "bad input -> nothing
// half-written"): the change sets it made, those a saved plan (--out) keeps included, and the empty
// REVIEW_IN_PROGRESS stacks their CREATE change sets made, are deleted before the failure is
// reported; so is a change set CloudFormation did not finish computing in time. Against a fake
// CloudFormation that records what is deleted.
import { describe, expect, it } from 'vitest';
import { AwsFailure } from '../../src/live/errors.js';
import type { StackClient } from '../../src/live/stack/client.js';
import { planPipelineStacks } from '../../src/live/stack/plan.js';
import type { StackTarget } from '../../src/live/stack/targets.js';

const target = (region: string): StackTarget => ({
  pipeline: 'web',
  kind: 'region',
  file: `cloudformation.${region}.yml`,
  stackName: `web-pipeline-${region}`,
  region,
  template: 'Resources: {}',
  inputs: {},
  tags: [{ key: 'managed-by', value: 'pipec' }],
});

/** A CloudFormation with no stacks whose second CreateChangeSet fails (or, with `pending`, whose change sets never finish). */
function fake(opts: { pending?: boolean }) {
  const deleted: string[] = [];
  let made = 0;
  const client: StackClient = {
    region: 'eu-west-1',
    describeStack: () => Promise.resolve(undefined),
    getTemplate: () => Promise.reject(new Error('not expected')),
    createChangeSet: () => (++made === 2 && !opts.pending ? Promise.reject(new AwsFailure('CloudFormation refused CreateChangeSet: ValidationError: Template format error', 'rejected')) : Promise.resolve({ id: `cs-${made}`, stackId: `stack-${made}` })),
    describeChangeSet: (id) => Promise.resolve({ id, stackId: `stack-${id.slice(3)}`, status: opts.pending ? 'CREATE_PENDING' : 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', changes: [] }),
    deleteChangeSet: (id) => (deleted.push(`change set ${id}`), Promise.resolve()),
    executeChangeSet: () => Promise.reject(new Error('not expected')),
    events: () => Promise.resolve([]),
    deleteStack: (id) => (deleted.push(`stack ${id}`), Promise.resolve()),
  };
  return { client, deleted };
}

const plan = (client: StackClient, keep: boolean) =>
  planPipelineStacks({ name: 'web', targets: [target('eu-west-1'), target('ap-southeast-2')] }, { forLocation: () => Promise.resolve(client), describeEndpoint: () => 'fake' }, {
    accountProfiles: new Map(),
    keep,
    adopt: new Set(),
    runId: 'r',
    pipelines: () => Promise.reject(new Error('not expected')),
    waitMs: 0,
    pollMs: 0,
    templatesDir: 'out',
  });

describe('a stack plan that fails part-way', () => {
  it('saved (--out): deletes the change set it kept for the first stack, and the empty stack it made', async () => {
    const { client, deleted } = fake({});
    await expect(plan(client, true)).rejects.toThrow('Template format error');
    expect(deleted).toEqual(['change set cs-1', 'stack stack-1']);
  });

  it('not saved: each change set is deleted once read, so nothing is left either', async () => {
    const { client, deleted } = fake({});
    await expect(plan(client, false)).rejects.toThrow('Template format error');
    expect(deleted).toEqual(['change set cs-1', 'stack stack-1']);
  });

  it('a change set CloudFormation does not finish in time: it and its empty stack are deleted', async () => {
    const { client, deleted } = fake({ pending: true });
    await expect(plan(client, true)).rejects.toThrow(/did not finish computing change set cs-1/);
    expect(deleted).toEqual(['change set cs-1', 'stack stack-1']);
  });
});
