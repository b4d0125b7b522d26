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
  // Optional keys set one by one, in the order the model has always listed them (no object per absent key).
  const ex = { name: read.name ?? '(unnamed)' } as ExPipeline;
  if (incomplete) ex.incomplete = incomplete;
  if (settings.role !== undefined) ex.role = settings.role;
  if (settings['role-policy'] !== undefined) ex.rolePolicy = settings['role-policy'];
  if (settings.region !== undefined) ex.region = settings.region;
  if (settings.account !== undefined) ex.account = settings.account;
  if (settings.connection !== undefined) ex.connection = settings.connection;
  if (settings.project !== undefined) ex.project = settings.project;
  if (artifacts !== undefined) ex.artifacts = artifacts;
  if (Object.keys(ctx.stores).length > 0) ex.addedStores = ctx.stores;
  ex.type = type;
  if (execution !== undefined) ex.execution = execution;
  if (read.variables !== undefined) ex.variables = read.variables;
  if (triggers !== undefined) ex.triggers = triggers;
  if (read.notifications !== undefined) ex.notifications = inWrittenOrder(read.notifications, input.written.notifications);
  if (read.permissions !== undefined) ex.permissions = read.permissions;
  if (read['managed-policies'] !== undefined) ex.managedPolicies = read['managed-policies'];
  if (Object.keys(tags).length > 0) ex.tags = tags;
  if (deploymentGroups.length > 0) ex.deploymentGroups = deploymentGroups;
  ex.stages = stages;
  ex.source = input.written;
  ex.sourceAt = at;
  if (file) {
    ex.shared = file.written;
    ex.sharedAt = file.at;
  }
  ex.span = span;
  return ex;
}
