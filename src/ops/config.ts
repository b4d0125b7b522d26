import type { CompiledPipeline } from '../compiler/compile.js';
import type { Span } from '../compiler/source.js';

/** What the operating commands take from pipeline.yml: regions, where each action is written, disabled transitions. */
export interface OpsPipelineConfig {
  name: string;
  region?: string;
  /** file:line:col of each action, keyed `Stage.Action`. */
  actions: Map<string, string>;
  /** Stages pipeline.yml disables the inbound transition of, with the reason. */
  disableInbound: Map<string, string>;
}

/** The configuration's pipelines, by name, as the operating commands need them. */
export function opsConfig(compiled: readonly CompiledPipeline[]): Map<string, OpsPipelineConfig> {
  const out = new Map<string, OpsPipelineConfig>();
  for (const { ir } of compiled) {
    const actions = new Map<string, string>();
    const disableInbound = new Map<string, string>();
    for (const stage of ir.stages) {
      for (const a of stage.actions) actions.set(`${stage.name}.${a.name}`, where(a.span));
      if (stage.disableInbound) disableInbound.set(stage.name, stage.disableInbound.reason);
    }
    out.set(ir.name, { name: ir.name, ...(ir.region ? { region: ir.region } : {}), actions, disableInbound });
  }
  return out;
}

function where(span: Span): string {
  const p = span.file.position(span.start);
  return `${span.file.path}:${p.line}:${p.col}`;
}
