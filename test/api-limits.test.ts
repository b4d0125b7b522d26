import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_FIELDS } from '../src/compiler/api-limits.js';
import { compile } from '../src/compiler/compile.js';
import { ROOT } from './support/cli.js';
import { expectGolden } from './support/golden.js';
import { runTool } from './support/tools.js';

/**
 * pipec's limits are the CodePipeline API model's (issue 8): src/compiler/api-limits.ts is what
 * scripts/api-limits.py makes of botocore's service-2.json, and at each limit a pipeline compiles
 * while one step past it is an error, for the fields pipec writes.
 */

/** Runs python3 (with botocore, which the AWS CLI brings) and returns its output. */
function python(args: string[]): string {
  const r = runTool('python3', args, { cwd: ROOT });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('src/compiler/api-limits.ts', () => {
  it("is exactly what scripts/api-limits.py makes of botocore's CodePipeline model", () => {
    const generated = python([join('scripts', 'api-limits.py')]);
    // a golden: `npm run snapshots:update` rewrites it after botocore changes
    expectGolden(join(ROOT, 'src', 'compiler', 'api-limits.ts'), generated);
  });

  it("agrees with the model file itself on a few fields (the generator reads what it should)", () => {
    const shapes = JSON.parse(
      python(['-c', "import botocore,gzip,os,sys;sys.stdout.write(gzip.open(os.path.join(os.path.dirname(botocore.__file__),'data','codepipeline','2015-07-09','service-2.json.gz')).read().decode())"]),
    ).shapes as Record<string, { min?: number; max?: number; pattern?: string }>;
    expect(API_FIELDS['pipeline.name']).toMatchObject({ shape: 'PipelineName', max: shapes.PipelineName?.max, pattern: shapes.PipelineName?.pattern });
    expect(API_FIELDS['pipeline.stages[].actions[].environmentVariables']?.max).toBe(shapes.EnvironmentVariableList?.max);
    expect(API_FIELDS['pipeline.variables']?.max).toBe(shapes.PipelineVariableDeclarationList?.max);
  });
});

const HEAD = `role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: codecommit:app@main
`;

function errors(yaml: string): string[] {
  const r = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(yaml) }]);
  return r.diagnostics.list.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}

const max = (path: string): number => {
  const f = API_FIELDS[path];
  if (f?.max === undefined) throw new Error(`no max for ${path}`);
  return f.max;
};
const A = 'pipeline.stages[].actions[]';
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** A pipeline with `n` of something, for each limit checked at and one past the model's maximum. */
const CASES: Record<string, { path: string; yaml: (n: number) => string }> = {
  'pipeline name length': { path: 'pipeline.name', yaml: (n) => `name: ${'p'.repeat(n)}\n${HEAD}build: { commands: [make] }\n` },
  'pipeline variables': { path: 'pipeline.variables', yaml: (n) => `name: v\n${HEAD}variables: { ${range(n).map((i) => `v${i}: x`).join(', ')} }\nbuild: { commands: [make] }\n` },
  'variable default length': { path: 'pipeline.variables[].defaultValue', yaml: (n) => `name: v\n${HEAD}variables: { v: ${'x'.repeat(n)} }\nbuild: { commands: [make] }\n` },
  'environment variables of a Commands action': {
    path: `${A}.environmentVariables`,
    yaml: (n) => `name: c\n${HEAD}stages: [{ name: Run, actions: [{ name: Cmd, compute: { commands: [make], env: { ${range(n).map((i) => `E${i}: x`).join(', ')} } } }] }]\n`,
  },
  'commands of a Commands action': {
    path: `${A}.commands`,
    yaml: (n) => `name: c\n${HEAD}stages: [{ name: Run, actions: [{ name: Cmd, compute: { commands: [${range(n).map((i) => `c${i}`).join(', ')}] } }] }]\n`,
  },
  'output variables of a Commands action': {
    path: `${A}.outputVariables`,
    yaml: (n) => `name: c\n${HEAD}stages: [{ name: Run, actions: [{ name: Cmd, compute: { commands: [make], exports: [${range(n).map((i) => `V${i}`).join(', ')}] } }] }]\n`,
  },
  'output files of a Commands action': {
    path: `${A}.outputArtifacts[].files`,
    yaml: (n) => `name: c\n${HEAD}stages: [{ name: Run, actions: [{ name: Cmd, compute: { commands: [make], files: [${range(n).map((i) => `f${i}`).join(', ')}] } }] }]\n`,
  },
  'run order': { path: `${A}.runOrder`, yaml: (n) => `name: r\n${HEAD}stages: [{ name: Run, actions: [{ name: B, build: { commands: [make] }, run-order: ${n} }] }]\n` },
  'trigger branch patterns': {
    path: 'pipeline.triggers[].gitConfiguration.push[].branches.includes',
    yaml: (n) => `name: t\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: acme-artifacts\nconnection: arn:aws:codestar-connections:us-east-1:111111111111:connection/x\nsource: github:acme/app@main\nbuild: { commands: [make] }\ntriggers: [{ push: { branches: [${range(n).map((i) => `b${i}`).join(', ')}] } }]\n`,
  },
  'tag value length': { path: 'tags[].value', yaml: (n) => `name: t\n${HEAD}tags: { team: ${'x'.repeat(n)} }\nbuild: { commands: [make] }\n` },
};

describe("pipec's limits are the model's", () => {
  for (const [what, c] of Object.entries(CASES))
    it(`${what}: ${max(c.path)} is accepted, ${max(c.path) + 1} is an error`, () => {
      expect(errors(c.yaml(max(c.path)))).toEqual([]);
      expect(errors(c.yaml(max(c.path) + 1))).not.toEqual([]);
    });

  it('role ARNs in stage-condition rules and CloudFormation RoleArn settings follow the role ARN pattern', () => {
    const bad = errors(`name: r\n${HEAD}build: { commands: [make], artifacts: [t.yml] }
stages:
  - name: Deploy
    on-success: { result: rollback, rules: [{ alarm: { name: a }, role: not-a-role }] }
    actions:
      - name: Stack
        deploy: { cloudformation: { stack: s, template: Build::t.yml, stack-role: also-not-a-role } }
      - name: Raw
        action: { category: Deploy, provider: CloudFormation, configuration: { StackName: s2, ActionMode: DELETE_ONLY, RoleArn: "arn:aws:iam::1:role/x" } }
`);
    expect(bad.some((e) => e.includes("'role' cannot be 'not-a-role'"))).toBe(true);
    expect(bad.some((e) => e.includes("'RoleArn' must be an IAM role ARN") && e.includes('also-not-a-role'))).toBe(true);
    expect(bad.some((e) => e.includes("'RoleArn' must be an IAM role ARN") && e.includes('arn:aws:iam::1:role/x'))).toBe(true);
  });

  it('lengths are counted in characters (code points), as the model counts them, not UTF-16 units', () => {
    const n = max('pipeline.variables[].defaultValue');
    const yaml = (k: number) => `name: v\n${HEAD}variables: { v: "${'\u{1F680}'.repeat(k)}" }\nbuild: { commands: [make] }\n`;
    expect(errors(yaml(n))).toEqual([]);
    expect(errors(yaml(n + 1))).not.toEqual([]);
  });

  it('an action reads each input artifact once', () => {
    expect(errors(`name: d\n${HEAD}stages: [{ name: B, actions: [{ name: B, build: { commands: [make] }, inputs: [Source, Source] }] }]\n`)).toEqual([
      "PC3007 action 'B' reads artifact 'Source' twice; input artifacts of an action are unique",
    ]);
  });
});
