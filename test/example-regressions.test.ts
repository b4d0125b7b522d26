import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createPipelineInput } from '../src/targets/codepipeline.js';

/** Compiler bugs the examples exposed, each pinned by the smallest pipeline that showed it. */

type Action = { name: string; actionTypeId: Record<string, string>; configuration: Record<string, string>; inputArtifacts: Array<{ name: string }> };

function compileYaml(yaml: string) {
  const result = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(yaml) }]);
  const diagnostics = result.diagnostics.list.map((d) => `${d.code} ${d.message}`);
  const stages = result.pipelines.map((p) => (createPipelineInput(p.ir) as { pipeline: { stages: Array<{ name: string; actions: Action[] }> } }).pipeline.stages)[0] ?? [];
  return { diagnostics, stages };
}

const HEAD = `name: app
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
`;
const ARN = 'arn:aws:codestar-connections:us-east-1:111111111111:connection/abc';

describe("a connection source's 'connection:' setting beside its kind", () => {
  it('is the connection ARN, not a second provider (flat form, as in the product sketch)', () => {
    const { diagnostics, stages } = compileYaml(`${HEAD}source: { github: acme/api, branch: main, connection: ${ARN} }
deploy: { s3: site, extract: true }
`);
    expect(diagnostics).toEqual([]);
    const source = stages[0]?.actions[0] as Action;
    expect(source.actionTypeId.provider).toBe('CodeStarSourceConnection');
    expect(source.configuration).toEqual({ BranchName: 'main', ConnectionArn: ARN, FullRepositoryId: 'acme/api' });
  });

  it('still reads the generic connection kind on its own', () => {
    const { diagnostics, stages } = compileYaml(`${HEAD}source: { connection: { repository: acme/api, branch: main, connection: ${ARN} } }
deploy: { s3: site, extract: true }
`);
    expect(diagnostics).toEqual([]);
    expect(stages[0]?.actions[0]?.configuration.ConnectionArn).toBe(ARN);
  });

  it('still reports two real providers in one action', () => {
    const { diagnostics } = compileYaml(`${HEAD}source: { github: acme/api, bitbucket: acme/web, branch: main, connection: ${ARN} }
deploy: { s3: site, extract: true }
`);
    expect(diagnostics).toEqual([expect.stringMatching(/^PC2007 'source' names 2 providers/)]);
  });
});

describe('custom build and test providers (Jenkins, TeamCity)', () => {
  it('read the artifacts of the stage before them by default, like CodeBuild', () => {
    const { diagnostics, stages } = compileYaml(`${HEAD}source: codecommit:app@main
build: { jenkins: AcmeJenkins, project: app-build }
stages:
  - name: Test
    actions: [ { name: Ui, test: { teamcity: AcmeTeamCity, configuration: { BuildConfigurationID: App_Ui } } } ]
`);
    expect(diagnostics).toEqual([]);
    expect(stages.map((s) => s.actions.map((a) => [a.name, a.actionTypeId.owner, a.inputArtifacts.map((i) => i.name)]))).toEqual([
      [['Source', 'AWS', []]],
      [['Build', 'Custom', ['Source']]],
      [['Ui', 'Custom', ['Source']]],
    ]);
  });

  it('keep inputs named explicitly, including none', () => {
    const { diagnostics, stages } = compileYaml(`${HEAD}source: codecommit:app@main
build: { jenkins: AcmeJenkins, project: app-build, inputs: [] }
`);
    expect(diagnostics).toEqual([]);
    expect(stages[1]?.actions[0]?.inputArtifacts).toEqual([]);
  });
});
