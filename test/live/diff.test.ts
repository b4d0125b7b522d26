import { describe, expect, it } from 'vitest';
import { diffPipeline } from '../../src/live/diff.js';
import { normaliseDeclaration } from '../../src/live/normalise.js';
import type { JsonObject } from '../../src/live/json.js';

type Decl = JsonObject;

const source = (config: JsonObject = { RepositoryName: 'web', BranchName: 'main' }): JsonObject => ({
  name: 'Source',
  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
  runOrder: 1,
  configuration: config,
  outputArtifacts: [{ name: 'Src' }],
  inputArtifacts: [],
});
const build = (name: string, project = name, extra: JsonObject = {}): JsonObject => ({
  name,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  runOrder: 1,
  configuration: { ProjectName: project },
  outputArtifacts: [],
  inputArtifacts: [{ name: 'Src' }],
  ...extra,
});
const approval = (name: string): JsonObject => ({ name, actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder: 1 });

function pipeline(stages: JsonObject[], extra: JsonObject = {}): Decl {
  return { name: 'web', roleArn: 'arn:aws:iam::111111111111:role/p', artifactStore: { type: 'S3', location: 'bucket' }, stages, pipelineType: 'V2', ...extra };
}

const base = () => [
  { name: 'Source', actions: [source()] },
  { name: 'Build', actions: [build('Build')] },
  { name: 'Test', actions: [build('Unit')] },
  { name: 'Deploy', actions: [approval('Approve')] },
];

/** Changes that turn `live` into `desired`. */
function diff(desired: Decl, live: Decl) {
  return diffPipeline(normaliseDeclaration(desired, 'us-east-1'), normaliseDeclaration(live, 'us-east-1'));
}

describe('normalisation: equal meaning is no change', () => {
  it('ignores version, metadata-like fields, key order and absent defaults the service fills', () => {
    const desired = pipeline(base());
    const live = JSON.parse(JSON.stringify(pipeline(base(), { version: 7, executionMode: 'SUPERSEDED' }))) as Decl;
    // moto and the service fill these; the desired side leaves them out
    const approve = ((live.stages as JsonObject[])[3]?.actions as JsonObject[])[0] as JsonObject;
    approve.configuration = {};
    approve.inputArtifacts = [];
    approve.outputArtifacts = [];
    // key order of a configuration map is not meaning
    ((live.stages as JsonObject[])[0]?.actions as JsonObject[])[0]!.configuration = { BranchName: 'main', RepositoryName: 'web' };
    expect(diff(desired, live)).toEqual([]);
  });

  it('treats catalog defaults, boolean case, JSON text and capability order as equal', () => {
    const desired = pipeline([
      { name: 'Source', actions: [source({ RepositoryName: 'web', BranchName: 'main' })] },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Stack',
            actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
            configuration: { ActionMode: 'CREATE_UPDATE', StackName: 's', Capabilities: 'CAPABILITY_IAM,CAPABILITY_NAMED_IAM', ParameterOverrides: '{"A":"1","B":"2"}' },
            inputArtifacts: [{ name: 'Src' }],
          },
        ],
      },
    ]);
    const live = pipeline([
      { name: 'Source', actions: [source({ RepositoryName: 'web', BranchName: 'main', PollForSourceChanges: 'True', OutputArtifactFormat: 'CODE_ZIP' })] },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Stack',
            actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
            runOrder: 1,
            configuration: { StackName: 's', ActionMode: 'CREATE_UPDATE', Capabilities: 'CAPABILITY_NAMED_IAM,CAPABILITY_IAM', ParameterOverrides: '{ "B": "2", "A": "1" }' },
            inputArtifacts: [{ name: 'Src' }],
            outputArtifacts: [],
            region: 'us-east-1',
          },
        ],
      },
    ]);
    expect(diff(desired, live)).toEqual([]);
  });

  it('treats artifactStore and artifactStores for the pipeline region as the same store', () => {
    const desired = pipeline(base());
    const { artifactStore, ...rest } = pipeline(base());
    const live = { ...rest, artifactStores: { 'us-east-1': artifactStore as JsonObject } };
    expect(diff(desired, live)).toEqual([]);
  });

  it('treats CodeBuild PrimarySource of the only input, and env var type PLAINTEXT, as defaults', () => {
    const desired = pipeline([{ name: 'Source', actions: [source()] }, { name: 'Build', actions: [build('B', 'p', { configuration: { ProjectName: 'p', EnvironmentVariables: '[{"name":"A","value":"1"}]' } })] }]);
    const live = pipeline([
      { name: 'Source', actions: [source()] },
      { name: 'Build', actions: [build('B', 'p', { configuration: { ProjectName: 'p', PrimarySource: 'Src', EnvironmentVariables: '[{"name":"A","type":"PLAINTEXT","value":"1"}]' } })] },
    ]);
    expect(diff(desired, live)).toEqual([]);
  });

  it('never reports a masked secret (****) as a change, but does report a change beside it', () => {
    const gh = (token: string, branch: string): JsonObject => ({
      name: 'Source',
      actionTypeId: { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' },
      configuration: { Owner: 'acme', Repo: 'web', Branch: branch, OAuthToken: token },
      outputArtifacts: [{ name: 'Src' }],
    });
    const desired = pipeline([{ name: 'Source', actions: [gh('ghp_real', 'main')] }, { name: 'Build', actions: [build('Build')] }]);
    expect(diff(desired, pipeline([{ name: 'Source', actions: [gh('****', 'main')] }, { name: 'Build', actions: [build('Build')] }]))).toEqual([]);
    expect(diff(desired, pipeline([{ name: 'Source', actions: [gh('****', 'dev')] }, { name: 'Build', actions: [build('Build')] }]))).toEqual([
      { op: 'change', stage: 'Source', action: 'Source', field: 'configuration.Branch', old: 'dev', new: 'main' },
    ]);
  });

  it('treats empty triggers, variables and conditions as absent, and compares trigger filters as sets', () => {
    const trig = (branches: string[]) => [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: branches } }] } }];
    expect(diff(pipeline(base()), pipeline(base(), { triggers: [], variables: [] }))).toEqual([]);
    expect(diff(pipeline(base(), { triggers: trig(['a', 'b']) }), pipeline(base(), { triggers: trig(['b', 'a']) }))).toEqual([]);
  });
});

describe('diff: each kind of edit is exactly that change', () => {
  const live = pipeline(base());
  const edit = (f: (stages: JsonObject[]) => JsonObject[]) => pipeline(f(base()));

  it('a changed configuration value', () => {
    const desired = pipeline([{ name: 'Source', actions: [source({ RepositoryName: 'web', BranchName: 'dev' })] }, ...base().slice(1)]);
    expect(diff(desired, live)).toEqual([{ op: 'change', stage: 'Source', action: 'Source', field: 'configuration.BranchName', old: 'main', new: 'dev' }]);
  });

  it('an added stage, and a removed one', () => {
    const added = edit((s) => [...s.slice(0, 3), { name: 'Staging', actions: [approval('Ok')] }, ...s.slice(3)]);
    const changes = diff(added, live);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ op: 'add', stage: 'Staging' });
    const removed = edit((s) => [s[0]!, s[1]!, s[3]!]);
    expect(diff(removed, live)).toEqual([{ op: 'remove', stage: 'Test', old: expect.any(Object) }]);
  });

  it('a renamed stage is a rename, also when its action changed', () => {
    expect(diff(edit((s) => s.map((x) => (x.name === 'Test' ? { ...x, name: 'Verify' } : x))), live)).toEqual([{ op: 'rename', stage: 'Verify', old: 'Test', new: 'Verify' }]);
    const renamedAndEdited = edit((s) => s.map((x) => (x.name === 'Test' ? { name: 'Verify', actions: [build('Unit', 'other')] } : x)));
    expect(diff(renamedAndEdited, live)).toEqual([
      { op: 'rename', stage: 'Verify', old: 'Test', new: 'Verify' },
      { op: 'change', stage: 'Verify', action: 'Unit', field: 'configuration.ProjectName', old: 'Unit', new: 'other' },
    ]);
  });

  it('reordered stages are one move', () => {
    const swapped = edit((s) => [s[0]!, s[2]!, s[1]!, s[3]!]);
    const changes = diff(swapped, live);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ op: 'move' });
    const moved = edit((s) => [s[0]!, s[2]!, s[3]!, s[1]!]);
    expect(diff(moved, live)).toEqual([{ op: 'move', stage: 'Build', old: 2, new: 4 }]);
  });

  it('a parallel action added to a stage', () => {
    const desired = edit((s) => s.map((x) => (x.name === 'Test' ? { ...x, actions: [...(x.actions as JsonObject[]), build('Lint')] } : x)));
    expect(diff(desired, live)).toEqual([{ op: 'add', stage: 'Test', action: 'Lint', new: expect.objectContaining({ runOrder: 1 }) }]);
  });

  it('a renamed action, and an action moved to another stage', () => {
    const renamed = edit((s) => s.map((x) => (x.name === 'Test' ? { ...x, actions: [{ ...build('Unit'), name: 'UnitTests' }] } : x)));
    expect(diff(renamed, live)).toEqual([{ op: 'rename', stage: 'Test', action: 'UnitTests', old: 'Unit', new: 'UnitTests' }]);
    const moved = edit((s) => [s[0]!, { name: 'Build', actions: [build('Build'), build('Unit')] }, { name: 'Test', actions: [approval('Gate')] }, s[3]!]);
    expect(diff(moved, live)).toEqual([
      { op: 'move', stage: 'Build', action: 'Unit', old: 'Test', new: 'Build' },
      { op: 'add', stage: 'Test', action: 'Gate', new: expect.any(Object) },
    ]);
  });

  it('a changed artifact store and a changed trigger', () => {
    const store = pipeline(base(), { artifactStore: { type: 'S3', location: 'other' } });
    expect(diff(store, live)).toEqual([{ op: 'change', field: 'artifactStores.us-east-1.location', old: 'bucket', new: 'other' }]);
    const trig = (b: string) => [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: [b] } }] } }];
    expect(diff(pipeline(base(), { triggers: trig('dev') }), pipeline(base(), { triggers: trig('main') }))).toEqual([
      { op: 'change', field: 'triggers.Source.gitConfiguration.push', old: [{ branches: { includes: ['main'] } }], new: [{ branches: { includes: ['dev'] } }] },
    ]);
  });
});
