import { Document, isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { sharedArtifacts } from './lower/pipeline.js';
import type { ExAction, ExPipeline, ExStage } from './model.js';
import { yamlBoolean } from './yaml-data.js';

/** Prints pipelines in explicit form: every macro written out as stages, every default made explicit. */
export function expandToYaml(pipelines: readonly ExPipeline[], sourceName: string): string {
  const body = pipelines.length === 1 ? pipelineData(pipelines[0] as ExPipeline) : { pipelines: pipelines.map(pipelineData) };
  const doc = new Document(body);
  doc.commentBefore = ` Expanded by pipec from ${sourceName}: macros are written out as explicit stages.\n Compiling this file gives the same output as compiling ${sourceName}.`;
  const pipelineNodes = pipelines.length === 1 ? [doc.contents as YAMLMap] : ((doc.get('pipelines', true) as YAMLSeq).items as YAMLMap[]);
  pipelines.forEach((p, i) => {
    const stagesNode = pipelineNodes[i]?.get('stages', true);
    if (!isSeq(stagesNode)) return;
    p.stages.forEach((s, j) => {
      const node = stagesNode.items[j];
      if (s.macro && isMap(node)) node.commentBefore = ` from macro '${s.macro}'${s.origin ? `: ${s.origin}` : ''}`;
    });
  });
  flowShortLists(doc.contents);
  return doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}

/** Short lists of plain words read best on one line: `inputs: [Source]`, `commands: [npm ci, npm test]`. */
function flowShortLists(node: unknown): void {
  if (isSeq(node)) {
    const scalars = node.items.every((i) => isScalar(i) && typeof i.value !== 'object');
    const width = node.items.reduce((n: number, i) => n + String((i as { value?: unknown }).value ?? '').length + 2, 0);
    if (scalars && width <= 60) node.flow = true;
    else for (const i of node.items) flowShortLists(i);
  } else if (isMap(node)) for (const pair of node.items) flowShortLists(pair.value);
}

/** Shared buckets are existing ones (see lower); written per pipeline, they say so. */
function markExisting(artifacts: unknown): unknown {
  const mark = (s: unknown): unknown => (typeof s === 'string' ? { bucket: s, existing: true } : { ...(s as object), existing: true });
  if (typeof artifacts === 'string') return mark(artifacts);
  const a = artifacts as { bucket?: string; stores?: Record<string, unknown> };
  return {
    ...a,
    ...(a.bucket !== undefined ? { existing: true } : {}),
    ...(a.stores ? { stores: Object.fromEntries(Object.entries(a.stores).map(([r, s]) => [r, mark(s)])) } : {}),
  };
}

/**
 * `artifacts:` as written (on the pipeline, or at the file's top), with the stores macros added; the
 * model holds them as read, which may spell a value differently (`existing: True` reads as true).
 */
function writtenArtifacts(p: ExPipeline): unknown {
  const written = p.source.artifacts !== undefined ? p.source.artifacts : p.shared?.artifacts;
  const added = p.addedStores ?? {};
  if (Object.keys(added).length === 0) return written;
  const base = typeof written === 'string' ? { bucket: written } : typeof written === 'object' && written !== null ? (written as Record<string, unknown>) : {};
  const named = (base.stores ?? {}) as Record<string, unknown>;
  return { ...base, stores: { ...named, ...Object.fromEntries(Object.entries(added).filter(([r]) => !(r in named))) } };
}

function pipelineData(p: ExPipeline): Record<string, unknown> {
  const artifacts = writtenArtifacts(p);
  return {
    name: p.name,
    ...(p.role !== undefined ? { role: p.role } : {}),
    ...(p.rolePolicy !== undefined ? { 'role-policy': p.rolePolicy } : {}),
    ...(p.region !== undefined ? { region: p.region } : {}),
    ...(p.account !== undefined ? { account: p.account } : {}),
    ...(p.connection !== undefined ? { connection: p.connection } : {}),
    ...(p.project !== undefined ? { project: p.project } : {}),
    ...(artifacts !== undefined ? { artifacts: sharedArtifacts(p) ? markExisting(artifacts) : artifacts } : {}),
    type: p.type,
    ...(p.execution !== undefined ? { execution: p.execution.toLowerCase() } : {}),
    // Printed as written: read, the values would be text ('5' for 5), and the file says 5.
    ...(p.variables !== undefined ? { variables: p.source.variables } : {}),
    ...(p.triggers !== undefined ? { triggers: p.triggers } : {}),
    ...(p.notifications !== undefined ? { notifications: p.notifications } : {}),
    ...(p.permissions !== undefined ? { permissions: p.source.permissions } : {}),
    ...(p.managedPolicies !== undefined ? { 'managed-policies': p.managedPolicies } : {}),
    ...(p.tags !== undefined ? { tags: p.tags } : {}),
    ...(p.deploymentGroups !== undefined ? { 'deployment-groups': p.deploymentGroups.map((g) => g.written) } : {}),
    stages: p.stages.map(stageData),
  };
}

function stageData(s: ExStage): Record<string, unknown> {
  const orders = [...new Set(s.actions.map((a) => a.runOrder))].sort((a, b) => a - b);
  const asSteps = orders.length > 1 && orders.every((o, i) => o === i + 1);
  const out: Record<string, unknown> = { name: s.name };
  if (asSteps) {
    out.steps = orders.map((o) => {
      const group = s.actions.filter((a) => a.runOrder === o).map((a) => actionData(a, false));
      return group.length === 1 ? group[0] : { parallel: group };
    });
  } else out.actions = s.actions.map((a) => actionData(a, true));
  if (s.beforeEntry !== undefined) out['before-entry'] = s.beforeEntry;
  if (s.onSuccess !== undefined) out['on-success'] = s.onSuccess;
  if (s.onFailure !== undefined) out['on-failure'] = s.onFailure;
  if (s.disableInbound !== undefined) out['disable-inbound'] = s.disableInbound;
  return out;
}

function actionData(a: ExAction, withRunOrder: boolean): Record<string, unknown> {
  return {
    name: a.name,
    [a.kind]: a.spec === null || yamlBoolean(a.spec) === true ? {} : a.spec,
    inputs: a.inputs ?? [],
    outputs: a.outputs ?? [],
    ...(a.namespace !== undefined ? { namespace: a.namespace } : {}),
    ...(a.role !== undefined ? { role: a.role } : {}),
    ...(a.region !== undefined ? { region: a.region } : {}),
    ...(a.timeout !== undefined ? { timeout: a.timeout } : {}),
    ...(withRunOrder && a.runOrder !== 1 ? { 'run-order': a.runOrder } : {}),
  };
}
