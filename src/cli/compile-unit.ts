import type { FileUnit, UnitPipeline } from '../compiler/compile.js';
import { Diagnostics, type Diagnostic, type Note } from '../compiler/diagnostics.js';
import type { IrPipeline } from '../compiler/ir.js';
import { Loc, type Part } from '../compiler/positions.js';
import type { SourceFile, Span } from '../compiler/source.js';
import type { Path } from '../compiler/yaml-read.js';
import type { EmitOptions, OutputFile, Target } from '../targets/index.js';

/** Each kept pipeline's (by index in its unit) output files and the diagnostics emitting them made. */
export type UnitEmission = Map<number, { outputs: OutputFile[]; diags: Diagnostic[] }>;

/**
 * Emits every kept pipeline of a unit that has no error, each with a Diagnostics of its own (merged
 * later, in order, as one pass would have added them); undefined when the unit has an error, as
 * nothing is written then.
 */
export function emitUnit(unit: FileUnit, targets: readonly Target[], options: EmitOptions): UnitEmission | undefined {
  const all = [...unit.head, ...unit.pipelines.flatMap((p) => [...p.body, ...p.rules])];
  if (all.some((d) => d.severity === 'error')) return undefined;
  const out: UnitEmission = new Map();
  unit.pipelines.forEach((p, i) => {
    if (p.kept && p.compiled) out.set(i, emitPipeline(p.compiled.ir, targets, options));
  });
  return out;
}

/** One pipeline's files for every target, and the diagnostics emitting them made (a Diagnostics of its own). */
export function emitPipeline(ir: IrPipeline, targets: readonly Target[], options: EmitOptions): { outputs: OutputFile[]; diags: Diagnostic[] } {
  const diags = new Diagnostics();
  const outputs: OutputFile[] = [];
  for (const t of targets) outputs.push(...t.emit(ir, diags, options));
  return { outputs, diags: diags.list };
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
  emission?: Array<[number, { outputs: OutputFile[]; diags: WireDiagnostic[] }]>;
}

/** What a worker is given: the files (decoded), the counter they are taken by, what to emit. */
export interface WorkerInput {
  files: Array<{ path: string; text: string }>;
  counter: Int32Array;
  targets: string[];
  options: EmitOptions;
}

/** A worker's messages: a file's unit (undefined when it cannot travel as data: made again here), then done. */
export type WorkerMessage = { index: number; unit: WireUnit | undefined } | { done: true };

/** Thrown for a span into another file, which a wire unit cannot carry; the file is compiled again on the main thread. */
class NotPortable extends Error {}

/** A unit and its emission as plain data; undefined when a span points outside the unit's file. */
export function toWire(unit: FileUnit, emission: UnitEmission | undefined): WireUnit | undefined {
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
      ...(emission ? { emission: [...emission].map(([i, e]): [number, { outputs: OutputFile[]; diags: WireDiagnostic[] }] => [i, { outputs: e.outputs, diags: e.diags.map(diag) }]) } : {}),
    };
  } catch (e) {
    if (e instanceof NotPortable) return undefined;
    throw e;
  }
}

/** A wire unit back as a unit of `file` (the main thread's copy of the same text). */
export function fromWire(w: WireUnit, file: SourceFile): { unit: FileUnit; emission?: UnitEmission } {
  const span = (s: WireSpan): Span => (Array.isArray(s) ? { file, start: s[0], end: s[1] } : new Loc(file, s.path, s.part, s.fallback ? span(s.fallback) : undefined));
  const note = ({ span: at, ...rest }: WireNote): Note => (at ? { ...rest, span: span(at) } : rest);
  const diag = ({ span: at, notes, ...rest }: WireDiagnostic): Diagnostic => ({ ...rest, ...(at ? { span: span(at) } : {}), notes: notes.map(note) });
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
  return { unit, ...(w.emission ? { emission: new Map(w.emission.map(([i, e]) => [i, { outputs: e.outputs, diags: e.diags.map(diag) }])) } : {}) };
}
