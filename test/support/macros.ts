import { compile } from '../../src/compiler/compile.js';
import { expandToYaml } from '../../src/compiler/expand.js';
import { createPipelineInput } from '../../src/targets/codepipeline.js';

/** A diagnostic as a test states it: code, 1-based line and column, severity and message. */
export interface Found {
  code: string;
  line: number;
  col: number;
  severity: string;
  message: string;
  suggestion?: string;
}

export type Action = {
  name: string;
  runOrder: number;
  actionTypeId: Record<string, string>;
  configuration: Record<string, string>;
  inputArtifacts: Array<{ name: string }>;
  outputArtifacts: Array<{ name: string }>;
  namespace?: string;
  roleArn?: string;
  region?: string;
  timeoutInMinutes?: number;
  commands?: string[];
  outputVariables?: string[];
  environmentVariables?: Array<{ name: string; value: string }>;
};
export type Stage = { name: string; actions: Action[]; onSuccess?: unknown; onFailure?: unknown; beforeEntry?: unknown };

/** The head every test pipeline shares: a role, a bucket, a source and a build with one artifact. */
export const HEAD = `name: app
region: us-east-1
account: "111111111111"
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: codecommit:app@main
build:
  commands: [make]
  artifacts: [template.yml]
`;

/** Compiles one pipeline.yml text; diagnostics with their positions, and the codepipeline declaration. */
export function compileYaml(yaml: string) {
  const result = compile([{ path: 'pipeline.yml', bytes: new TextEncoder().encode(yaml) }]);
  const found: Found[] = result.diagnostics.list.map((d) => {
    const pos = d.span ? d.span.file.position(d.span.start) : { line: 0, col: 0 };
    return { code: d.code, line: pos.line, col: pos.col, severity: d.severity, message: d.message, ...(d.suggestion ? { suggestion: d.suggestion } : {}) };
  });
  const compiled = result.pipelines[0];
  const declaration = compiled ? (createPipelineInput(compiled.ir) as { pipeline: Record<string, unknown> & { stages: Stage[] } }).pipeline : undefined;
  return {
    found,
    codes: found.map((f) => `${f.code} ${f.line}:${f.col}`),
    pipeline: declaration,
    stages: declaration?.stages ?? [],
    ir: compiled?.ir,
    expanded: compiled ? expandToYaml([compiled.explicit], 'pipeline.yml') : '',
  };
}

/** The 1-based line of the first line of `yaml` that contains `text` (so expectations survive edits above it). */
export function lineOf(yaml: string, text: string, nth = 1): number {
  let seen = 0;
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++)
    if ((lines[i] as string).includes(text) && ++seen === nth) return i + 1;
  throw new Error(`'${text}' is not in the test pipeline`);
}

/** The 1-based column where `text` starts on its line. */
export function colOf(yaml: string, text: string, nth = 1): number {
  const line = yaml.split('\n')[lineOf(yaml, text, nth) - 1] as string;
  return line.indexOf(text) + 1;
}

/** `code line:col` of where `text` is written. */
export function at(code: string, yaml: string, text: string, nth = 1): string {
  return `${code} ${lineOf(yaml, text, nth)}:${colOf(yaml, text, nth)}`;
}
