import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createPipelineInput } from '../src/targets/codepipeline.js';
import { buildspecTarget } from '../src/targets/buildspec.js';
import { Diagnostics } from '../src/compiler/diagnostics.js';

/**
 * Issue 8, "nothing silently changed": a setting written as an unquoted number or boolean keeps
 * the text the file says (YAML would read `3.10` as 3.1 and `True` as true), in every output;
 * settings that are numbers or booleans still read such text as the number or boolean.
 */

type Json = Record<string, unknown>;

function build(yaml: string) {
  const result = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(yaml) }]);
  const diagnostics = result.diagnostics.list.map((d) => `${d.code} ${d.message}`);
  const p = result.pipelines[0];
  const input = p ? (createPipelineInput(p.ir) as { pipeline: Json; tags?: Json[] }) : undefined;
  return { diagnostics, input, ir: p?.ir };
}

const HEAD = `name: app
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
`;

const actions = (input: { pipeline: Json } | undefined): Json[] =>
  ((input?.pipeline.stages as Array<{ actions: Json[] }> | undefined) ?? []).flatMap((s) => s.actions);

describe('unquoted numbers and booleans in text settings', () => {
  const { diagnostics, input, ir } = build(`${HEAD.replace('111111111111', '012345678901')}account: 012345678901
variables:
  release: 1.10
  other: { default: 2.0, description: 3.10 }
tags: { version: 1.20, flag: True, count: 7 }
source: { codecommit: app, branch: 2.0 }
build:
  runtimes: { python: 3.10, golang: 1.20, nodejs: 20 }
  commands: [make]
  timeout: 30.0
  privileged: True
  env: { A: 1.0, B: TRUE, C: 0x1F, D: 12 }
  artifacts: [out/*]
stages:
  - name: Invoke
    actions:
      - name: Call
        invoke: { lambda: { function: fn, params: { threshold: 0.50, n: 1e3, s: "0.50", on: False, list: [1.0, 2] } } }
`);

  it('compiles without a diagnostic', () => expect(diagnostics).toEqual([]));

  it('keeps the text of branch names, variable defaults and descriptions, tags', () => {
    expect(actions(input)[0]?.configuration).toMatchObject({ BranchName: '2.0' });
    expect(input?.pipeline.variables).toEqual([
      { name: 'release', defaultValue: '1.10' },
      { name: 'other', defaultValue: '2.0', description: '3.10' },
    ]);
    expect(input?.tags).toEqual([
      { key: 'count', value: '7' },
      { key: 'flag', value: 'True' },
      { key: 'version', value: '1.20' },
    ]);
  });

  it('keeps the leading zero of an unquoted account ID', () => expect(ir?.account).toBe('012345678901'));

  it('keeps runtime versions and environment values as written', () => {
    const build = actions(input)[1];
    expect(JSON.parse(String((build?.configuration as Json).EnvironmentVariables))).toEqual([
      { name: 'A', type: 'PLAINTEXT', value: '1.0' },
      { name: 'B', type: 'PLAINTEXT', value: 'TRUE' },
      { name: 'C', type: 'PLAINTEXT', value: '0x1F' },
      { name: 'D', type: 'PLAINTEXT', value: '12' },
    ]);
    const files = ir ? buildspecTarget.emit(ir, new Diagnostics(), {}) : [];
    const spec = files.map((f) => f.content).join('\n');
    expect(spec).toContain('python: "3.10"');
    expect(spec).toContain('golang: "1.20"');
  });

  it('reads number and boolean settings written that way as numbers and booleans', () => {
    expect(ir?.stages[1]?.actions[0]?.project?.timeoutInMinutes).toBe(30);
    expect(ir?.stages[1]?.actions[0]?.project?.privileged).toBe(true);
  });

  it('writes JSON settings with the numbers and booleans as the file wrote them', () => {
    expect((actions(input)[2]?.configuration as Json).UserParameters).toBe('{"list":[1.0,2],"n":1e3,"on":false,"s":"0.50","threshold":0.50}');
  });
});

describe('a text setting that must be a string', () => {
  it('asks for quotes when YAML read a number', () => {
    const { diagnostics } = build(`name: 2024
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: codecommit:app@main
build: { commands: [make] }
`);
    expect(diagnostics).toEqual(["PC2002 'name' must be a string, not a number (2024)"]);
  });
});
