import { inWrittenOrder } from './check.js';
import { readDeploymentGroups } from './deployment-groups.js';
import type { Diagnostics } from './diagnostics.js';
import { withStores } from './macros/common.js';
import { MACROS, type MacroContext } from './macros/index.js';
import type { ExPipeline, ExStage } from './model.js';
import type { ParsedFile } from './parse.js';
import { blockedSince, readPipelines, type PipelineInput } from './schema/pipeline-input.js';
import type { PipelineRead } from './schema/pipeline.js';

/**
 * Reads one parsed file into pipelines in explicit form: each read by the schema phase, its shared
 * settings applied and its macros expanded. `only`: which entries of `pipelines:` to read (see
 * readPipelines; a share of a file's pipelines compiled on one thread).
 */
export function desugarFile(parsed: ParsedFile, diags: Diagnostics, only?: (index: number) => boolean): ExPipeline[] {
  const out: ExPipeline[] = [];
  for (const input of readPipelines(parsed, diags, only)) out.push(desugarPipeline(input, diags));
  return out;
}

/** `execution:` in CodePipeline's words. */
const EXECUTION = { superseded: 'SUPERSEDED', queued: 'QUEUED', parallel: 'PARALLEL', SUPERSEDED: 'SUPERSEDED', QUEUED: 'QUEUED', PARALLEL: 'PARALLEL' } as const;

function desugarPipeline(input: PipelineInput, diags: Diagnostics): ExPipeline {
  const { read, at, settings, file } = input;
  const span = at.node();
  const mark = diags.list.length;
  const tags = { ...(file?.read.tags ?? {}), ...(read.tags ?? {}) };
  const stages: ExStage[] = [];
  const ctx: MacroContext = { stages, stores: {}, deploymentGroups: [] };
  for (const macro of MACROS) {
    const made = macro(input, diags, ctx);
    if (made) stages.push(...(Array.isArray(made) ? made : [made]));
  }
  stages.push(...input.stages);
  const artifacts = withStores(settings.artifacts, ctx.stores);
  const type = settings.type?.toUpperCase() === 'V1' ? 'V1' : 'V2';
  const execution = settings.execution === undefined ? undefined : EXECUTION[settings.execution];
  const incomplete = !input.complete || blockedSince(diags, mark);
  // Triggers as written, unknown keys included (reported already): lowering reads a misspelled 'pull_request'
  // as meant rather than report a trigger without one. Their schema transforms nothing, so they are its output otherwise.
  const triggers = read.triggers === undefined ? undefined : (input.written.triggers as PipelineRead['triggers']);
  // Checked once every stage is read: a group's mistakes are its own and leave the pipeline's rules running.
  const written = (read['deployment-groups'] ?? []).map((group, i) => ({ group, at: at.child('deployment-groups').child(i) }));
  const deploymentGroups = readDeploymentGroups([...written, ...ctx.deploymentGroups], diags);
  return {
    name: read.name ?? '(unnamed)',
    ...(incomplete ? { incomplete } : {}),
    ...(settings.role !== undefined ? { role: settings.role } : {}),
    ...(settings['role-policy'] !== undefined ? { rolePolicy: settings['role-policy'] } : {}),
    ...(settings.region !== undefined ? { region: settings.region } : {}),
    ...(settings.account !== undefined ? { account: settings.account } : {}),
    ...(settings.connection !== undefined ? { connection: settings.connection } : {}),
    ...(settings.project !== undefined ? { project: settings.project } : {}),
    ...(artifacts !== undefined ? { artifacts } : {}),
    ...(Object.keys(ctx.stores).length > 0 ? { addedStores: ctx.stores } : {}),
    type,
    ...(execution !== undefined ? { execution } : {}),
    ...(read.variables !== undefined ? { variables: read.variables } : {}),
    ...(triggers !== undefined ? { triggers } : {}),
    ...(read.notifications !== undefined ? { notifications: inWrittenOrder(read.notifications, input.written.notifications) } : {}),
    ...(read.permissions !== undefined ? { permissions: read.permissions } : {}),
    ...(read['managed-policies'] !== undefined ? { managedPolicies: read['managed-policies'] } : {}),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    ...(deploymentGroups.length > 0 ? { deploymentGroups } : {}),
    stages,
    source: input.written,
    sourceAt: at,
    ...(file ? { shared: file.written, sharedAt: file.at } : {}),
    span,
  };
}
