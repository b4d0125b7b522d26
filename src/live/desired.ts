import type { CompiledPipeline } from '../compiler/compile.js';
import type { Diagnostics } from '../compiler/diagnostics.js';
import { checkCodePipeline, createPipelineInput } from '../targets/codepipeline.js';
import type { JsonObject, Tag } from './json.js';
import type { DesiredPipeline } from './plan.js';

/** The desired state: each compiled pipeline's codepipeline target, checked like `compile` checks it. */
export function desiredPipelines(compiled: readonly CompiledPipeline[], diags: Diagnostics): DesiredPipeline[] {
  return compiled.map(({ ir }) => {
    checkCodePipeline(ir, diags);
    const input = createPipelineInput(ir) as { pipeline: JsonObject; tags?: Tag[] };
    return { name: ir.name, ...(ir.region ? { region: ir.region } : {}), pipeline: input.pipeline, tags: input.tags ?? [] };
  });
}
