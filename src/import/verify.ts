/**
 * The round trip: compile the text import is about to write and compare each pipeline with the
 * declaration it came from, under plan's normalisation (the same comparison `pipec plan` makes).
 */
import { compile } from '../compiler/compile.js';
import { Diagnostics, type Diagnostic } from '../compiler/diagnostics.js';
import type { IrPipeline } from '../compiler/ir.js';
import type { Change } from '../live/changes.js';
import { diffPipeline } from '../live/diff.js';
import { isObject, stableJson, type Json, type JsonObject } from '../live/json.js';
import { normaliseDeclaration } from '../live/normalise.js';
import { createPipelineInput } from '../targets/codepipeline.js';
import type { SourcePipeline } from './pipeline.js';
import { excuseMasked } from './secrets.js';

/** What compiling the written text gave for one pipeline, and how it differs from its source. */
export interface RoundTrip {
  name: string;
  /** The compiled CreatePipeline input, when the pipeline compiled. */
  compiled?: JsonObject;
  differences: Change[];
}

/** The result of checking one text: per source pipeline, and the compiler's errors if any. */
export interface Verification {
  pipelines: RoundTrip[];
  errors: Diagnostic[];
}

/** Fills in what the service assumes for an absent field before comparing (`pipelineType` absent is V1). */
export function withServiceDefaults(decl: JsonObject): JsonObject {
  return { ...decl, pipelineType: decl.pipelineType ?? 'V1' };
}

/** Compiles `text` (named `path` in messages) and compares each pipeline with its source. */
export function verify(text: string, path: string, sources: readonly SourcePipeline[]): Verification {
  const diags = new Diagnostics();
  const result = compile([{ path, bytes: Buffer.from(text, 'utf8') }], diags);
  const errors = diags.list.filter((d) => d.severity === 'error');
  const byName = new Map<string, IrPipeline>();
  for (const p of result.pipelines) byName.set(p.ir.name, p.ir);
  const pipelines = sources.map((src): RoundTrip => {
    const name = String(src.declaration.name ?? '');
    const ir = byName.get(name);
    if (!ir) return { name, differences: [{ op: 'remove', old: name }] };
    const input = createPipelineInput(ir) as { pipeline: JsonObject; tags?: { key: string; value: string }[] };
    return { name, compiled: input as unknown as JsonObject, differences: compare(src, ir, input.pipeline, input.tags ?? []) };
  });
  return { pipelines, errors };
}

function compare(src: SourcePipeline, ir: IrPipeline, compiled: JsonObject, tags: { key: string; value: string }[]): Change[] {
  const region = src.region ?? ir.region ?? 'us-east-1';
  const want = normaliseDeclaration(withServiceDefaults(excuseMasked(src.declaration, compiled)), region);
  const got = normaliseDeclaration(compiled, region);
  const changes = diffPipeline(got, want);
  const wantTags = Object.fromEntries(src.tags.map((t) => [t.key, t.value]));
  const gotTags = Object.fromEntries(tags.map((t) => [t.key, t.value]));
  for (const k of [...new Set([...Object.keys(wantTags), ...Object.keys(gotTags)])].sort())
    if (wantTags[k] !== gotTags[k]) changes.push({ op: wantTags[k] === undefined ? 'add' : gotTags[k] === undefined ? 'remove' : 'change', field: `tags.${k}`, ...(wantTags[k] !== undefined ? { old: wantTags[k] } : {}), ...(gotTags[k] !== undefined ? { new: gotTags[k] } : {}) });
  const wantDisabled = src.disabledInbound ?? {};
  const gotDisabled: Record<string, string> = {};
  for (const s of ir.stages) if (s.disableInbound) gotDisabled[s.name] = s.disableInbound.reason;
  for (const k of [...new Set([...Object.keys(wantDisabled), ...Object.keys(gotDisabled)])].sort())
    if (wantDisabled[k] !== gotDisabled[k]) changes.push({ op: 'change', stage: k, field: 'disable-inbound', ...(wantDisabled[k] !== undefined ? { old: wantDisabled[k] } : {}), ...(gotDisabled[k] !== undefined ? { new: gotDisabled[k] } : {}) });
  return changes;
}

/** One difference as a line for a message or a comment: where, and old -> new. */
export function describeChange(c: Change): string {
  const where = [c.stage !== undefined ? `stage '${c.stage}'` : undefined, c.action !== undefined ? `action '${c.action}'` : undefined, c.field].filter(Boolean).join(', ') || 'the pipeline';
  const show = (v: Json | undefined): string => {
    const t = typeof v === 'string' ? v : stableJson(v ?? null);
    return t.length > 120 ? `${t.slice(0, 117)}...` : t;
  };
  if (c.op === 'change') return `${where}: ${show(c.old)} in the source, ${show(c.new)} as imported`;
  if (c.op === 'add') return `${where}: ${show(c.new)} as imported, not in the source`;
  if (c.op === 'remove') return `${where}: ${show(c.old)} in the source, missing as imported`;
  if (c.op === 'rename') return `${where}: named ${show(c.old)} in the source`;
  return `${where}: moved (${show(c.old)} -> ${show(c.new)})`;
}

/** True when a value is a mapping (for callers that read compiled JSON). */
export { isObject };
