import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createPipelineInput } from '../src/targets/codepipeline.js';

/** Issue 8: defaults that would make a pipeline run the wrong thing are changed, or said with the fix. */

type Action = { name: string; configuration: Record<string, string>; inputArtifacts: Array<{ name: string }> };

function build(yaml: string) {
  const r = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(yaml) }]);
  const stages = r.pipelines.map((p) => (createPipelineInput(p.ir) as { pipeline: { stages: Array<{ name: string; actions: Action[] }> } }).pipeline.stages)[0] ?? [];
  return { codes: r.diagnostics.list.map((d) => d.code), actions: stages.flatMap((s) => s.actions) };
}

const HEAD = `name: app
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: codecommit:app@main
`;

describe('tests after a build', () => {
  it('run in the source (primary input) with the build output beside it', () => {
    const { codes, actions } = build(`${HEAD}build: { commands: [make], artifacts: [dist/**] }\ntests: { unit: npm test }\n`);
    expect(codes).toEqual([]);
    const unit = actions.find((a) => a.name === 'unit') as Action;
    expect(unit.inputArtifacts.map((i) => i.name)).toEqual(['Source', 'Build']);
    expect(unit.configuration.PrimarySource).toBe('Source');
  });

  it('read the source alone when nothing was built', () => {
    const { actions } = build(`${HEAD}tests: { unit: npm test }\ndeploy: { s3: { bucket: site, extract: true }, inputs: [Source] }\n`);
    expect(actions.find((a) => a.name === 'unit')?.inputArtifacts.map((i) => i.name)).toEqual(['Source']);
  });

  it('keep what they name', () => {
    const { actions } = build(`${HEAD}build: { commands: [make], artifacts: [dist/**] }\ntests: { e2e: { commands: [run], inputs: [Build] } }\n`);
    expect(actions.find((a) => a.name === 'e2e')?.inputArtifacts.map((i) => i.name)).toEqual(['Build']);
  });
});

describe('a deploy after a build that produces nothing', () => {
  it('is an error instead of deploying the source', () => {
    expect(build(`${HEAD}build: { commands: [make] }\ndeploy: { s3: { bucket: site, extract: true } }\n`).codes).toEqual(['PC3036']);
  });

  it('deploys the build output when the build has artifacts', () => {
    const { codes, actions } = build(`${HEAD}build: { commands: [make], artifacts: [dist/**] }\ndeploy: { s3: { bucket: site, extract: true } }\n`);
    expect(codes).toEqual([]);
    expect(actions.find((a) => a.name === 'Deploy')?.inputArtifacts.map((i) => i.name)).toEqual(['Build']);
  });

  it('deploys the source when inputs say so', () => {
    expect(build(`${HEAD}build: { commands: [make] }\ndeploy: { s3: { bucket: site, extract: true }, inputs: [Source] }\n`).codes).toEqual([]);
  });
});
