import { acceptUnit, compileFileUnit, crossCheck, fitsWithout, mergeUnit, newMergeState, priorOf, type CompileResult, type FoundPipeline } from '../compiler/compile.js';
import { Diagnostics, type Diagnostic } from '../compiler/diagnostics.js';
import { decodeSource } from '../compiler/parse.js';
import type { SourceFile } from '../compiler/source.js';
import { emitPipeline, emitUnit, type PipelineEmission } from './compile-unit.js';
import { compileFiles, requestedJobs, threadCount, wantsWriter } from './compile-pool.js';
import { checkRoleBudget, type RolePolicyUse } from '../targets/cloudformation/role-budget.js';
import type { CliContext } from './context.js';
import type { OutputStage, Staged } from './output-stage.js';
import { directoryProject } from './project.js';
import { readInputs } from './io.js';
import { inputPaths, readStdinInput, selectPipelines } from './pipeline-input.js';
import { tuneV8ForLargeCompile } from './v8-tuning.js';
import type { EmitOptions, OutputFile, Target } from '../targets/index.js';

/** What `compile` and `validate` get: the report, and each selected pipeline's files when nothing failed. */
export interface WorkspaceResult {
  /** Diagnostics, files and pipelines found, after `--pipeline` (its `pipelines` is empty: they are not kept). */
  result: CompileResult;
  /** The selected pipelines compiled, in order. */
  names: string[];
  /** Each selected pipeline's files, when there is no error: staged in the output's stage, or at hand (no stage). */
  outputs: Map<string, { staged?: Staged; files?: OutputFile[] }>;
}

/**
 * Where the files go: `stage`, staged as they are made (compile); else at hand when `keep` (compile
 * when no staging directory could be made), or nowhere (validate).
 */
export interface WorkspaceOutput {
  stage?: OutputStage;
  keep: boolean;
}

/**
 * Reads, compiles and emits every pipeline file: the work of `pipec compile` (and `validate`, which
 * keeps the diagnostics only). Each file is compiled, its pipelines emitted and their files staged as
 * soon as it is read, so memory holds neither every pipeline's model nor its files. A large workspace
 * is shared out to threads file by file (compile-pool.ts); the results are merged in file order, so
 * the files written and the diagnostics are byte for byte those of one thread.
 */
export async function compileWorkspace(
  ctx: CliContext,
  positionals: readonly string[],
  flags: Record<string, unknown>,
  targets: readonly Target[],
  options: EmitOptions,
  out: WorkspaceOutput = { keep: false },
): Promise<WorkspaceResult> {
  const jobs = requestedJobs(flags, ctx.env);
  const stdin = await readStdinInput(ctx, positionals, flags);
  const diags = new Diagnostics();
  const paths = inputPaths(ctx, positionals);
  if (paths.length === 0) {
    diags.add('PC0007', `no pipeline files found in ${ctx.cwd}: expected pipeline.yml or pipelines/*.yml`, undefined, {
      suggestion: 'run pipec where pipeline.yml is, or name the files to read (pipec validate path/to/pipeline.yml)',
    });
    return { result: selectPipelines({ pipelines: [], diagnostics: diags }, flags.pipeline as string[] | undefined), names: [], outputs: new Map() };
  }
  // Read on this thread, in order: what cannot be read is reported as one pass reports it.
  const readDiags = new Diagnostics();
  const inputs = paths.flatMap((p) => (p === '-' && stdin ? [stdin] : readInputs([p], ctx.cwd, readDiags)));
  diags.push(...readDiags.list);
  const decoded = inputs.map((input) => {
    const d = new Diagnostics();
    const file = decodeSource(input.bytes, input.path, d);
    return { file, diags: d.list };
  });

  // The project a file that names none is tagged with (the deploy commands in stack headers say it).
  const dirProject = directoryProject(ctx.cwd, paths);
  options = { ...options, ...(dirProject !== undefined ? { project: dirProject } : {}) };
  const files = decoded.flatMap((d) => (d.file ? [d.file] : []));
  const wanted = flags.pipeline ? new Set(flags.pipeline as string[]) : undefined;
  const split = Number(ctx.env.PIPEC_SPLIT_BYTES) || undefined;
  const threads = threadCount(files, jobs);
  const writer = out.stage !== undefined && wantsWriter(files, threads, jobs, ctx.env);
  tuneV8ForLargeCompile(files, threads, ctx.env);
  const { units, stagings } = await compileFiles(files, threads, targets, options, { ...out, ...(wanted ? { wanted } : {}), writer }, split);

  const state = newMergeState();
  const found: FoundPipeline[] = [];
  const emitted = new Map<string, PipelineEmission>();
  /** Where each kept pipeline is: its file and its index there. */
  const kept: Array<{ name: string; file: SourceFile; index: number; named: boolean }> = [];
  let k = 0;
  for (const d of decoded) {
    diags.push(...d.diags);
    if (!d.file) continue;
    let made = units[k++];
    if (made?.writeFailure !== undefined) out.stage?.fail(made.writeFailure);
    if (made && fitsWithout(made.unit, state)) acceptUnit(made.unit, state);
    else {
      // Made on one thread in order, as the checks across files need (a name used twice, another project, a file named twice);
      // its files stay at hand, staged at the end (another pipeline of the same name may have staged some).
      const unit = compileFileUnit(d.file, crossCheck(state), priorOf(d.file.path, state, diags));
      const emission = emitUnit(unit, targets, options, { keep: true });
      for (const p of unit.pipelines) delete p.compiled;
      made = { unit, ...(emission ? { emission } : {}) };
    }
    mergeUnit(made.unit, state, diags, { found });
    const { unit, emission } = made;
    unit.pipelines.forEach((p, i) => {
      if (!p.kept) return;
      kept.push({ name: p.name, file: unit.file, index: i, named: p.project !== undefined });
      const e = emission?.get(i);
      if (e) emitted.set(p.name, e);
    });
  }

  const result = selectPipelines({ pipelines: [], diagnostics: diags, files, found }, flags.pipeline as string[] | undefined);
  const chosen = kept.filter((p) => !wanted || wanted.has(p.name));
  const outputs = new Map<string, { staged?: Staged; files?: OutputFile[] }>();
  // A later file named the project: a pipeline that names none belongs to it too, and was emitted before that was known.
  const named = state.project?.name;
  const late = named !== undefined && named !== options.project ? { ...options, project: named } : undefined;
  if (!result.diagnostics.hasErrors()) {
    const rolePolicies: RolePolicyUse[] = [];
    for (const p of chosen) {
      // Not emitted yet when its file has errors in pipelines that --pipeline left out: compiled again for it.
      const e: PipelineEmission = late && !p.named ? emitOne(p.file, p.index, targets, late) : (emitted.get(p.name) ?? emitOne(p.file, p.index, targets, options));
      result.diagnostics.push(...e.diags);
      rolePolicies.push(...e.facts.rolePolicies);
      if (e.staged && stagings.get(p.name) === 1) outputs.set(p.name, { staged: e.staged });
      else if (out.stage) {
        // Staged by another pipeline of this name too, or not staged yet: staged again, now, on this thread alone.
        out.stage.drop(p.name);
        const staged = e.outputs ? out.stage.put(p.name, e.outputs) : undefined;
        if (staged) outputs.set(p.name, { staged });
      } else if (out.keep && e.outputs) outputs.set(p.name, { files: e.outputs });
    }
    // Across the pipelines written together: the inline policies their stacks attach to a shared role of the user's (PC4009).
    checkRoleBudget(rolePolicies, result.diagnostics);
  }
  return { result, names: chosen.map((p) => p.name), outputs };
}

/** Pipeline `index` of a file, compiled again and emitted (its files at hand). */
function emitOne(file: SourceFile, index: number, targets: readonly Target[], options: EmitOptions): ReturnType<typeof emitPipeline> {
  const compiled = compileFileUnit(file).pipelines[index]?.compiled;
  if (!compiled) throw new Error(`internal error: pipeline ${index} of ${file.path} did not compile again`);
  return emitPipeline(compiled.ir, targets, options);
}
