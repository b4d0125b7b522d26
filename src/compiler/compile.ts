import type { ReadSpec } from './actions.js';
import { desugarFile } from './desugar.js';
import { Diagnostics, type Diagnostic } from './diagnostics.js';
import type { IrPipeline } from './ir.js';
import { lowerPipeline } from './lower/pipeline.js';
import type { ExAction, ExPipeline } from './model.js';
import { decodeSource, parseSource, type ParsedFile } from './parse.js';
import { resolveArtifacts } from './artifact-defaults.js';
import { LOCAL_RULES, RULES } from './rules/index.js';
import type { SourceFile, Span } from './source.js';
import { stackStem } from './stack-stem.js';

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

/**
 * One file through the phases that need nothing but the file: parse, desugar, resolve, lower and the
 * rules, with the checks across files (a pipeline name used twice, one project) made by `cross` where
 * one pass over every file makes them. Units of different files are independent when made without
 * `cross` (on another thread, say); `fitsWithout` tells whether such a unit is the one `cross` would
 * have made, and `acceptUnit` then records its names.
 */
export interface FileUnit {
  file: SourceFile;
  /** Parse and desugar diagnostics. */
  head: Diagnostic[];
  pipelines: UnitPipeline[];
}

export interface UnitPipeline {
  name: string;
  span: Span;
  nameSpan: Span;
  incomplete: boolean;
  /** The project it names, and where. */
  project?: { name: string; span?: Span };
  /** Resolve and lower diagnostics, the local rules' when incomplete, and the checks across files. */
  body: Diagnostic[];
  /** The pipeline rules' diagnostics (none when the name is a duplicate). */
  rules: Diagnostic[];
  /** Compiled whole and not left out by the checks across files: one of the result's pipelines. */
  kept: boolean;
  /** The pipeline, where it is kept (not a duplicate) and the unit was made on this thread. */
  compiled?: CompiledPipeline;
}

/** Checks of one pipeline against the files before it; false when the pipeline is left out (its rules too). */
export type CrossCheck = (p: UnitPipeline, diags: Diagnostics) => boolean;

/** A file parsed once on a thread, for each share of it that thread compiles: its data, and what parsing reported. */
export interface ParsedRead {
  parsed: ParsedFile | undefined;
  diags: readonly Diagnostic[];
}

/** Parses a file on its own (for the shares of it one thread compiles). */
export function readFileOnce(file: SourceFile): ParsedRead {
  const diags = new Diagnostics();
  return { parsed: parseSource(file, diags), diags: diags.list };
}

/**
 * A share of a file's pipelines, for one thread: part `part` of `parts` equal runs of the entries of
 * its `pipelines:` list (a file of one pipeline is part 0's). `read`: the file already parsed on this
 * thread. The unit of part 0 holds what parsing and the file's top report; the others hold only their
 * own entries' diagnostics, so the units of the parts, one after the other, are the file's unit.
 */
export interface FileShare {
  part: number;
  parts: number;
  read?: ParsedRead;
}

/**
 * Makes a file's unit. `prior`: diagnostics already made for a file of the same path (a file named
 * twice), which a phase may consult and which the same diagnostic is not repeated after. `share`: only
 * that share of the file's pipelines.
 */
export function compileFileUnit(file: SourceFile, cross: CrossCheck = () => true, prior: readonly Diagnostic[] = [], share?: FileShare): FileUnit {
  const diags = new Diagnostics();
  diags.push(...prior);
  let mark = diags.list.length;
  const take = (): Diagnostic[] => {
    const out = diags.list.slice(mark);
    mark = diags.list.length;
    return out;
  };
  const pipelines: UnitPipeline[] = [];
  let parsed: ParsedFile | undefined;
  if (share) {
    const read = share.read ?? readFileOnce(file);
    diags.push(...read.diags);
    parsed = read.parsed;
  } else parsed = parseSource(file, diags);
  const only = share && share.parts > 1 ? entriesOf(share, parsed, () => (mark = diags.list.length)) : undefined;
  if (only === null) return { file, head: [], pipelines: [] };
  const explicits = parsed ? desugarFile(parsed, diags, only) : [];
  // A later part whose entries were never reached (the file's top has errors): its head is part 0's.
  if (share && share.part > 0 && only && !only.reached) mark = diags.list.length;
  const head = take();
  for (const desugared of explicits) {
    const { pipeline: explicit, specs } = resolveArtifacts(desugared, diags);
    const ir = lowerPipeline(explicit, specs, diags);
    const entry: UnitPipeline = { name: desugared.name, span: desugared.span, nameSpan: explicit.span, incomplete: explicit.incomplete === true, body: [], rules: [], kept: false };
    pipelines.push(entry);
    // Rules about the whole pipeline would only repeat, as missing stages or artifacts, what could not be read;
    // rules about single actions and settings still report, so one mistake hides nothing else.
    if (explicit.incomplete) {
      for (const rule of LOCAL_RULES) rule(ir, diags);
      entry.body = take();
      continue;
    }
    entry.nameSpan = explicit.sourceAt.child('name');
    if (ir.project !== undefined) {
      const span = 'project' in explicit.source ? explicit.sourceAt.child('project') : explicit.shared && 'project' in explicit.shared ? explicit.sharedAt?.child('project') : undefined;
      entry.project = { name: ir.project, ...(span ? { span } : {}) };
    }
    // A file's pipelines are written to <out>/<name>/, which '.' and '..' cannot be (CodePipeline takes both names).
    if (entry.name === '.' || entry.name === '..')
      diags.add('PC3043', `a pipeline named '${entry.name}' cannot have an output directory of its name (pipec writes <out>/<pipeline>/)`, entry.nameSpan, { suggestion: 'name the pipeline with at least one letter or digit' });
    const kept = cross(entry, diags);
    entry.body = take();
    if (!kept) continue;
    entry.kept = true;
    for (const rule of RULES) rule(ir, diags);
    entry.rules = take();
    entry.compiled = { explicit, specs, ir };
  }
  return { file, head, pipelines };
}

/**
 * Which entries of `pipelines:` a share compiles: a filter for desugarFile that calls `start` when the
 * first entry is reached (for a later part, its head starts there); null when the part has nothing to
 * compile (a later part of a file that holds no `pipelines:` list).
 */
function entriesOf(share: FileShare, parsed: ParsedFile | undefined, start: () => void): (((i: number) => boolean) & { reached: boolean }) | null | undefined {
  const value = parsed?.value as { pipelines?: unknown } | undefined;
  const entries = typeof value === 'object' && value !== null && Array.isArray(value.pipelines) ? value.pipelines.length : undefined;
  if (entries === undefined) return share.part > 0 ? null : undefined;
  const from = Math.floor((share.part * entries) / share.parts);
  const to = Math.floor(((share.part + 1) * entries) / share.parts);
  const only = Object.assign(
    (i: number): boolean => {
      if (!only.reached) {
        only.reached = true;
        if (share.part > 0) start();
      }
      return i >= from && i < to;
    },
    { reached: false },
  );
  return only;
}

/** What the files so far hold that later ones are checked against: names, the project, paths. */
export interface MergeState {
  names: Map<string, Span>;
  /** The stack stem (stackStem) of each name so far, and the name it is of. */
  stems: Map<string, { name: string; span: Span }>;
  project?: { name: string; span: Span };
  paths: Set<string>;
}

export function newMergeState(): MergeState {
  return { names: new Map(), stems: new Map(), paths: new Set() };
}

/**
 * The checks across files, against `state`, which they update: PC3020 (a name used twice), PC3042
 * (two names that become one stack name), PC3040 (another project).
 */
export function crossCheck(state: MergeState): CrossCheck {
  return (p, diags) => {
    const first = state.names.get(p.name);
    if (first) {
      diags.add('PC3020', `pipeline name '${p.name}' is used twice; pipeline names are unique in an account and region`, p.nameSpan, {
        notes: [{ message: 'first used here', span: first }],
      });
      return false;
    }
    state.names.set(p.name, p.nameSpan);
    const stem = stackStem(p.name);
    const same = state.stems.get(stem);
    if (same)
      diags.add('PC3042', `pipelines '${same.name}' and '${p.name}' would both deploy as CloudFormation stack '${stem}-pipeline' (a stack name holds only letters, digits and '-')`, p.nameSpan, {
        notes: [{ message: `pipeline '${same.name}' named here`, span: same.span }],
        suggestion: 'rename one of the pipelines so that they differ in more than . @ _',
      });
    else state.stems.set(stem, { name: p.name, span: p.nameSpan });
    if (p.project) {
      const span = p.project.span ?? p.nameSpan;
      if (!state.project) state.project = { name: p.project.name, span };
      else if (state.project.name !== p.project.name)
        diags.add('PC3040', `pipeline '${p.name}' names project '${p.project.name}', but '${state.project.name}' was named first; the pipelines compiled together are one project`, span, {
          notes: [{ message: `project '${state.project.name}' named here`, span: state.project.span }],
          suggestion: `name one project for all of them ('project: ${state.project.name}'), or plan and apply the other project's files separately`,
        });
    }
    return true;
  };
}

/**
 * True when a unit made without the checks across files is the one they would have made: no name
 * used before, no other project, no earlier file of the same path. Then `acceptUnit` records it.
 */
export function fitsWithout(unit: FileUnit, state: MergeState): boolean {
  if (state.paths.has(unit.file.path)) return false;
  const names = new Set<string>();
  const stems = new Set<string>();
  let project = state.project?.name;
  for (const p of unit.pipelines) {
    if (p.incomplete) continue;
    if (state.names.has(p.name) || names.has(p.name)) return false;
    names.add(p.name);
    const stem = stackStem(p.name);
    if (state.stems.has(stem) || stems.has(stem)) return false;
    stems.add(stem);
    if (p.project) {
      if (project !== undefined && project !== p.project.name) return false;
      project ??= p.project.name;
    }
  }
  return true;
}

/** Records the names and project of a unit that `fitsWithout` the checks. */
export function acceptUnit(unit: FileUnit, state: MergeState): void {
  const check = crossCheck(state);
  const scratch = new Diagnostics();
  for (const p of unit.pipelines) if (!p.incomplete) check(p, scratch);
}

/** Adds a unit's diagnostics, in the order one pass makes them, and what it found and kept. */
export function mergeUnit(unit: FileUnit, state: MergeState, diags: Diagnostics, out: { found: FoundPipeline[]; pipelines?: CompiledPipeline[] }): void {
  state.paths.add(unit.file.path);
  diags.push(...unit.head);
  for (const p of unit.pipelines) {
    out.found.push({ name: p.name, span: p.span });
    diags.push(...p.body, ...p.rules);
    if (p.compiled) out.pipelines?.push(p.compiled);
  }
}

/** Diagnostics so far of files with this path (a file named twice), which its unit starts from. */
export function priorOf(path: string, state: MergeState, diags: Diagnostics): Diagnostic[] {
  return state.paths.has(path) ? diags.list.filter((d) => d.span?.file.path === path) : [];
}

/** Parses, checks, expands and lowers every input file; every problem found is in `diagnostics`. */
export function compile(inputs: readonly InputFile[], diags = new Diagnostics()): CompileResult {
  const pipelines: CompiledPipeline[] = [];
  const files: SourceFile[] = [];
  const found: FoundPipeline[] = [];
  const state = newMergeState();
  for (const input of inputs) {
    const file = decodeSource(input.bytes, input.path, diags);
    if (!file) continue;
    files.push(file);
    mergeUnit(compileFileUnit(file, crossCheck(state), priorOf(file.path, state, diags)), state, diags, { found, pipelines });
  }
  return { pipelines, diagnostics: diags, files, found };
}
