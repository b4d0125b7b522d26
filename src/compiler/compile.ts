import type { ReadSpec } from './actions.js';
import { desugarFile } from './desugar.js';
import { Diagnostics } from './diagnostics.js';
import type { IrPipeline } from './ir.js';
import { lowerPipeline } from './lower/pipeline.js';
import type { ExAction, ExPipeline } from './model.js';
import { decodeSource, parseSource } from './parse.js';
import { resolveArtifacts } from './artifact-defaults.js';
import { LOCAL_RULES, RULES } from './rules/index.js';
import type { SourceFile, Span } from './source.js';
import { valueSpan } from './positions.js';

/** An input file's name and raw bytes; the CLI reads them, the compiler never touches the disk. */
export interface InputFile {
  path: string;
  bytes: Uint8Array;
}

/** One pipeline through every phase. */
export interface CompiledPipeline {
  explicit: ExPipeline;
  specs: Map<ExAction, ReadSpec>;
  ir: IrPipeline;
}

/** A pipeline as read, compiled or not: its name and where it is (for `--pipeline` selection). */
export interface FoundPipeline {
  name: string;
  span: Span;
}

export interface CompileResult {
  pipelines: CompiledPipeline[];
  diagnostics: Diagnostics;
  /** Every input file that could be decoded (for `# pipec-ignore` comments). */
  files?: SourceFile[];
  /** Every pipeline read, including those with errors. */
  found?: FoundPipeline[];
}

/** Parses, checks, expands and lowers every input file; every problem found is in `diagnostics`. */
export function compile(inputs: readonly InputFile[], diags = new Diagnostics()): CompileResult {
  const pipelines: CompiledPipeline[] = [];
  const names = new Map<string, Span>();
  const files: SourceFile[] = [];
  const found: FoundPipeline[] = [];
  let project: { name: string; span: Span } | undefined;
  for (const input of inputs) {
    const file = decodeSource(input.bytes, input.path, diags);
    if (!file) continue;
    files.push(file);
    const parsed = parseSource(file, diags);
    if (!parsed) continue;
    for (const desugared of desugarFile(parsed, diags)) {
      found.push({ name: desugared.name, span: desugared.span });
      const { pipeline: explicit, specs } = resolveArtifacts(desugared, diags);
      const ir = lowerPipeline(explicit, specs, diags);
      // Rules about the whole pipeline would only repeat, as missing stages or artifacts, what could not be read;
      // rules about single actions and settings still report, so one mistake hides nothing else.
      if (explicit.incomplete) {
        for (const rule of LOCAL_RULES) rule(ir, diags);
        continue;
      }
      const nameSpan = valueSpan(explicit.source, 'name') ?? explicit.span;
      const first = names.get(explicit.name);
      if (first) {
        diags.add('PC3020', `pipeline name '${explicit.name}' is used twice; pipeline names are unique in an account and region`, nameSpan, {
          notes: [{ message: 'first used here', span: first }],
        });
        continue;
      }
      names.set(explicit.name, nameSpan);
      if (ir.project !== undefined) {
        const span = 'project' in explicit.source ? valueSpan(explicit.source, 'project') : explicit.shared && 'project' in explicit.shared ? valueSpan(explicit.shared, 'project') : undefined;
        if (!project) project = { name: ir.project, span: span ?? nameSpan };
        else if (project.name !== ir.project)
          diags.add('PC3040', `pipeline '${explicit.name}' names project '${ir.project}', but '${project.name}' was named first; the pipelines compiled together are one project`, span ?? nameSpan, {
            notes: [{ message: `project '${project.name}' named here`, span: project.span }],
            suggestion: `name one project for all of them ('project: ${project.name}'), or plan and apply the other project's files separately`,
          });
      }
      for (const rule of RULES) rule(ir, diags);
      pipelines.push({ explicit, specs, ir });
    }
  }
  return { pipelines, diagnostics: diags, files, found };
}
