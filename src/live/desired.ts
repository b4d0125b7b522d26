import type { CompiledPipeline } from '../compiler/compile.js';
import type { Diagnostics } from '../compiler/diagnostics.js';
import { checkCodePipeline, createPipelineInput } from '../targets/codepipeline.js';
import { partitionOf, storeKeyArn } from '../targets/kms-key.js';
import { isObject, type JsonObject, type Tag } from './json.js';
import type { DesiredPipeline } from './plan.js';

/** The desired state: each compiled pipeline's codepipeline target, checked like `compile` checks it. */
export function desiredPipelines(compiled: readonly CompiledPipeline[], diags: Diagnostics): DesiredPipeline[] {
  return compiled.map(({ ir }) => {
    checkCodePipeline(ir, diags);
    const input = createPipelineInput(ir) as { pipeline: JsonObject; tags?: Tag[] };
    return { name: ir.name, ...(ir.region ? { region: ir.region } : {}), pipeline: input.pipeline, tags: input.tags ?? [] };
  });
}

/**
 * The declaration as it is made in `region`: a pipeline with no region of its own has one artifact
 * store whose key codepipeline.json may name by alias or key ID (it could not know the region); in
 * its region it is the ARN the stack writes too (see storeKeyArn), so both modes make the same pipeline.
 */
export function inRegion(decl: JsonObject, region: string): JsonObject {
  const store = decl.artifactStore;
  if (!isObject(store) || !isObject(store.encryptionKey) || typeof store.encryptionKey.id !== 'string') return decl;
  const role = typeof decl.roleArn === 'string' ? decl.roleArn : undefined;
  const id = storeKeyArn(store.encryptionKey.id, region, /^arn:[^:]+:iam::(\d{12}):/.exec(role ?? '')?.[1], partitionOf(role));
  return id === store.encryptionKey.id ? decl : { ...decl, artifactStore: { ...store, encryptionKey: { ...store.encryptionKey, id } } };
}
