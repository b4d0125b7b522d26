import { compileFileUnit, readFileOnce, type FileShare, type FileUnit, type ParsedRead, type UnitPipeline } from '../compiler/compile.js';
import { Diagnostics, type Diagnostic, type Note } from '../compiler/diagnostics.js';
import type { IrPipeline } from '../compiler/ir.js';
import { Loc, type Part } from '../compiler/positions.js';
import type { SourceFile, Span } from '../compiler/source.js';
import type { Path } from '../compiler/yaml-read.js';
import type { EmitFacts, EmitOptions, OutputFile, Target } from '../targets/index.js';
import type { StagePlan, Staged } from './output-stage.js';

/**
 * Each kept pipeline's (by index in its unit) emission: the diagnostics emitting it made, and its files,
 * either staged (written into the output's staging directory by the thread that made them) or, where
 * they were not staged and are wanted, at hand.
 */
export type UnitEmission = Map<number, PipelineEmission>;

export interface PipelineEmission {
  diags: Diagnostic[];
  /** What the targets told about the pipeline, for checks across the pipelines compiled together (the role budget). */
  facts: EmitFacts;
  outputs?: OutputFile[];
  staged?: Staged;
}

/**
 * What becomes of the files a thread emits. `stage`: writes one pipeline's files into the staging
 * directory (undefined once a write has failed). `wanted`: the pipelines `--pipeline` selects (the
 * others are not staged). `keep`: files not staged stay at hand (compile without a stage); else they
 * are dropped once emitted (validate).
 */
export interface EmitSink {
  stage?: (pipeline: string, files: readonly OutputFile[]) => Staged | undefined;
  wanted?: ReadonlySet<string>;
  keep: boolean;
}

/**
 * Emits every kept pipeline of a unit that has no error, each with a Diagnostics of its own (merged
 * later, in order, as one pass would have added them), and stages or keeps its files as `sink` says;
 * undefined when the unit has an error, as nothing is written then.
 */
export function emitUnit(unit: FileUnit, targets: readonly Target[], options: EmitOptions, sink: EmitSink = { keep: true }): UnitEmission | undefined {
  const all = [...unit.head, ...unit.pipelines.flatMap((p) => [...p.body, ...p.rules])];
  if (all.some((d) => d.severity === 'error')) return undefined;
  const out: UnitEmission = new Map();
  unit.pipelines.forEach((p, i) => {
    if (!p.kept || !p.compiled) return;
    const { outputs, diags, facts } = emitPipeline(p.compiled.ir, targets, options);
    const wanted = !sink.wanted || sink.wanted.has(p.name);
    const staged = wanted && sink.stage ? sink.stage(p.name, outputs) : undefined;
    out.set(i, { diags, facts, ...(staged ? { staged } : wanted && sink.keep && !sink.stage ? { outputs } : {}) });
  });
  return out;
}

/** A file's unit (or a share's: see FileShare) made and emitted, its pipelines' models dropped (only what the merge needs is kept). */
export function compileTask(file: SourceFile, share: FileShare | undefined, targets: readonly Target[], options: EmitOptions, sink: EmitSink): { unit: FileUnit; emission?: UnitEmission } {
  const unit = compileFileUnit(file, undefined, undefined, share);
  const emission = emitUnit(unit, targets, options, sink);
  for (const p of unit.pipelines) delete p.compiled;
  return emission ? { unit, emission } : { unit };
}

/**
 * Runs tasks on one thread, in the order they are taken: a file split into parts is parsed once here
 * for every part of it this thread takes (phases do not change what parsing made).
 */
export function taskRunner(fileOf: (index: number) => SourceFile, targets: readonly Target[], options: EmitOptions, sink: EmitSink): (task: Task) => { unit: FileUnit; emission?: UnitEmission } {
  let cache: { file: number; read: ParsedRead } | undefined;
  return (task) => {
    const file = fileOf(task.file);
    if (task.parts === 1) return compileTask(file, undefined, targets, options, sink);
    if (cache?.file !== task.file) cache = { file: task.file, read: readFileOnce(file) };
    return compileTask(file, { part: task.part, parts: task.parts, read: cache.read }, targets, options, sink);
  };
}

/**
 * The units of a file's parts, one after the other, as the file's unit; undefined when a part is
 * missing, or when one part's diagnostics meet another's (the same problem at the same place, or one
 * at the place of another's error): one thread would have kept that problem once, or a rule would have
 * stayed silent there, so the file is compiled again whole. Its emission only when every part had one
 * (one thread emits nothing of a file with an error).
 */
export function mergeShares(parts: ReadonlyArray<{ unit: FileUnit; emission?: UnitEmission; writeFailure?: string } | undefined>): { unit: FileUnit; emission?: UnitEmission; writeFailure?: string } | undefined {
  const first = parts[0];
  if (!first || parts.some((p) => !p)) return undefined;
  const seen = new Set<string>();
  const places = new Set<string>();
  const errorPlaces = new Set<string>();
  for (const p of parts as Array<{ unit: FileUnit }>) {
    const list = [...p.unit.head, ...p.unit.pipelines.flatMap((x) => [...x.body, ...x.rules])];
    const mine = list.map((d) => {
      // A place is where a span starts (as api-model's silence at an earlier error compares them); the key is Diagnostics' own.
      const place = d.span ? `${d.span.file.path}\u0000${d.span.start}` : undefined;
      return { d, place, key: d.span ? `${d.code}\u0000${place}\u0000${d.span.end}\u0000${d.message}` : undefined };
    });
    for (const { d, place, key } of mine) {
      if (key !== undefined && seen.has(key)) return undefined;
      if (place !== undefined && (errorPlaces.has(place) || (d.severity === 'error' && places.has(place)))) return undefined;
    }
    for (const { d, place, key } of mine) {
      if (key !== undefined) seen.add(key);
      if (place === undefined) continue;
      places.add(place);
      if (d.severity === 'error') errorPlaces.add(place);
    }
  }
  const done = parts as Array<{ unit: FileUnit; emission?: UnitEmission; writeFailure?: string }>;
  const unit: FileUnit = { file: first.unit.file, head: done.flatMap((p) => p.unit.head), pipelines: done.flatMap((p) => p.unit.pipelines) };
  let emission: UnitEmission | undefined = new Map();
  let offset = 0;
  for (const p of done) {
    if (!p.emission) emission = undefined;
    else for (const [i, e] of p.emission) emission?.set(offset + i, e);
    offset += p.unit.pipelines.length;
  }
  const writeFailure = done.find((p) => p.writeFailure !== undefined)?.writeFailure;
  return { unit, ...(emission ? { emission } : {}), ...(writeFailure !== undefined ? { writeFailure } : {}) };
}

/** One pipeline's files for every target, the diagnostics emitting them made (a Diagnostics of its own), and what the targets told about it. */
export function emitPipeline(ir: IrPipeline, targets: readonly Target[], options: EmitOptions): { outputs: OutputFile[]; diags: Diagnostic[]; facts: EmitFacts } {
  const diags = new Diagnostics();
  const outputs: OutputFile[] = [];
  const facts: EmitFacts = { rolePolicies: [] };
  for (const t of targets) outputs.push(...t.emit(ir, diags, options, facts));
  return { outputs, diags: diags.list, facts };
}

// ---- units as data, between threads: spans as offsets into the unit's own file ----

/** Offsets, or a place not yet resolved (a path, found in the main thread's copy only if something reads it). */
type WireSpan = [number, number] | { path: Path; part: Part; fallback?: WireSpan };
type WireNote = Omit<Note, 'span'> & { span?: WireSpan };
type WireDiagnostic = Omit<Diagnostic, 'span' | 'notes'> & { span?: WireSpan; notes: WireNote[] };
interface WirePipeline extends Omit<UnitPipeline, 'span' | 'nameSpan' | 'project' | 'body' | 'rules' | 'compiled'> {
  span: WireSpan;
  nameSpan: WireSpan;
  project?: { name: string; span?: WireSpan };
  body: WireDiagnostic[];
  rules: WireDiagnostic[];
}
/** A unit made on a worker thread, with its emission. */
export interface WireUnit {
  head: WireDiagnostic[];
  pipelines: WirePipeline[];
  emission?: Array<[number, WireEmission]>;
  /** A write into the staging directory failed on that thread: the OutputError's message. */
  writeFailure?: string;
}
type WireFacts = { rolePolicies: Array<Omit<EmitFacts['rolePolicies'][number], 'span'> & { span?: WireSpan }> };
type WireEmission = Omit<PipelineEmission, 'diags' | 'facts'> & { diags: WireDiagnostic[]; facts: WireFacts };

/** One piece of work: a file, or a part of its pipelines (part of parts, see FileShare). */
export interface Task {
  file: number;
  part: number;
  parts: number;
}

/**
 * What a worker is given: the files (decoded), the tasks and the counter they are taken by, what to
 * emit, and where its files go (the staging directory's plan; none for validate), or whether they
 * come back (`keep`).
 */
export interface WorkerInput {
  files: Array<{ path: string; text: string }>;
  tasks: Task[];
  counter: Int32Array;
  targets: string[];
  options: EmitOptions;
  stage?: StagePlan;
  wanted?: string[];
  keep: boolean;
}

/** A worker's messages: a task's unit (undefined when it cannot travel as data: made again here), then done. */
export type WorkerMessage = { index: number; unit: WireUnit | undefined } | { done: true };

/** Thrown for a span into another file, which a wire unit cannot carry; the file is compiled again on the main thread. */
class NotPortable extends Error {}

/** A unit and its emission as plain data; undefined when a span points outside the unit's file. */
export function toWire(unit: FileUnit, emission: UnitEmission | undefined, writeFailure?: string): WireUnit | undefined {
  const file = unit.file;
  const span = (s: Span): WireSpan => {
    if (s.file !== file) throw new NotPortable();
    // A place travels as its path, so that the main thread parses no file for positions nobody reads.
    if (s instanceof Loc && !s.resolved) return { path: s.path, part: s.part, ...(s.fallback ? { fallback: span(s.fallback) } : {}) };
    return [s.start, s.end];
  };
  const note = ({ span: at, ...rest }: Note): WireNote => (at ? { ...rest, span: span(at) } : rest);
  const diag = ({ span: at, notes, ...rest }: Diagnostic): WireDiagnostic => ({ ...rest, ...(at ? { span: span(at) } : {}), notes: notes.map(note) });
  try {
    return {
      head: unit.head.map(diag),
      pipelines: unit.pipelines.map(({ compiled: _compiled, span: at, nameSpan, project, body, rules, ...rest }) => ({
        ...rest,
        span: span(at),
        nameSpan: span(nameSpan),
        ...(project ? { project: project.span ? { name: project.name, span: span(project.span) } : { name: project.name } } : {}),
        body: body.map(diag),
        rules: rules.map(diag),
      })),
      ...(emission
        ? {
            emission: [...emission].map(([i, e]): [number, WireEmission] => [
              i,
              { ...e, diags: e.diags.map(diag), facts: { rolePolicies: e.facts.rolePolicies.map(({ span: at, ...rest }) => (at ? { ...rest, span: span(at) } : rest)) } },
            ]),
          }
        : {}),
      ...(writeFailure !== undefined ? { writeFailure } : {}),
    };
  } catch (e) {
    if (e instanceof NotPortable) return undefined;
    throw e;
  }
}

/** A wire unit back as a unit of `file` (the main thread's copy of the same text). */
export function fromWire(w: WireUnit, file: SourceFile): { unit: FileUnit; emission?: UnitEmission; writeFailure?: string } {
  const span = (s: WireSpan): Span => (Array.isArray(s) ? { file, start: s[0], end: s[1] } : new Loc(file, s.path, s.part, s.fallback ? span(s.fallback) : undefined));
  const note = ({ span: at, ...rest }: WireNote): Note => (at ? { ...rest, span: span(at) } : rest);
  const diag = ({ span: at, notes, ...rest }: WireDiagnostic): Diagnostic => ({ ...rest, ...(at ? { span: span(at) } : {}), notes: notes.map(note) });
  const facts = (f: WireFacts): EmitFacts => ({ rolePolicies: f.rolePolicies.map(({ span: at, ...rest }) => (at ? { ...rest, span: span(at) } : rest)) });
  const unit: FileUnit = {
    file,
    head: w.head.map(diag),
    pipelines: w.pipelines.map(({ span: at, nameSpan, project, body, rules, ...rest }): UnitPipeline => ({
      ...rest,
      span: span(at),
      nameSpan: span(nameSpan),
      ...(project ? { project: project.span ? { name: project.name, span: span(project.span) } : { name: project.name } } : {}),
      body: body.map(diag),
      rules: rules.map(diag),
    })),
  };
  return {
    unit,
    ...(w.emission ? { emission: new Map(w.emission.map(([i, e]) => [i, { ...e, diags: e.diags.map(diag), facts: facts(e.facts) }])) } : {}),
    ...(w.writeFailure !== undefined ? { writeFailure: w.writeFailure } : {}),
  };
}
