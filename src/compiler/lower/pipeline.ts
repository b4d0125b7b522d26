import type { ReadSpec } from '../actions.js';
import type { Diagnostics } from '../diagnostics.js';
import { lowerDeploymentGroups } from '../deployment-groups.js';
import type { IrAction, IrNotifications, IrPipeline, IrStage, IrStore } from '../ir.js';
import type { ExAction, ExPipeline, ExStage } from '../model.js';
import { NOTIFICATION_EVENTS } from '../schema/pipeline.js';
import type { Span } from '../source.js';
import { keySpan, valueSpan } from '../positions.js';
import { lowerAction } from './action.js';
import { lowerCondition } from './conditions.js';
import { lowerPermissions } from './permissions.js';
import { lowerTriggers } from './triggers.js';

/** Lowers an explicit pipeline and its read specs to the IR the targets emit. */
export function lowerPipeline(ex: ExPipeline, specs: Map<ExAction, ReadSpec>, diags: Diagnostics): IrPipeline {
  const src = ex.source;
  const sharedSpan = (k: string): Span | undefined => (k in src ? keySpan(src, k) : ex.shared ? keySpan(ex.shared, k) : undefined);
  const { store, regionStores } = lowerArtifacts(ex.artifacts, sharedArtifacts(ex));
  const ir: IrPipeline = {
    name: ex.name,
    span: ex.span,
    ...(ex.role ? { roleArn: ex.role } : {}),
    ...(ex.region ? { region: ex.region } : {}),
    ...(ex.account ? { account: ex.account } : {}),
    ...(ex.project ? { project: ex.project } : {}),
    pipelineType: ex.type,
    ...(ex.execution ? { executionMode: ex.execution as 'QUEUED' | 'SUPERSEDED' | 'PARALLEL' } : {}),
    ...(store ? { store } : {}),
    regionStores,
    variables: lowerVariables(ex),
    triggers: [],
    stages: ex.stages.map((s) => lowerStage(ex, s, specs, diags)),
    tags: Object.entries(ex.tags ?? {})
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    spans: {
      role: sharedSpan('role'),
      artifacts: sharedSpan('artifacts'),
      type: sharedSpan('type'),
      execution: sharedSpan('execution'),
      region: sharedSpan('region'),
      variables: sharedSpan('variables'),
      triggers: sharedSpan('triggers'),
      tags: sharedSpan('tags'),
      project: sharedSpan('project'),
    },
  };
  ir.triggers = lowerTriggers(ex, ir, diags);
  if (ex.notifications !== undefined) ir.notifications = lowerNotifications(ex);
  const permissions = lowerPermissions(ex.permissions, ex.managedPolicies);
  if (permissions) {
    ir.permissions = permissions;
    ir.permissionsSpan = keySpan(src, ex.permissions !== undefined ? 'permissions' : 'managed-policies') ?? ex.span;
  }
  if (ex.deploymentGroups?.length) ir.deploymentGroups = lowerDeploymentGroups(ex, diags);
  return ir;
}

/** A bucket named at the top of a file with `pipelines:` is shared, so no one pipeline's stack may create it. */
export function sharedArtifacts(ex: ExPipeline): boolean {
  return !('artifacts' in ex.source) && ex.shared !== undefined && 'artifacts' in ex.shared;
}

function lowerArtifacts(value: unknown, shared: boolean): { store?: IrStore; regionStores: Record<string, IrStore> } {
  const regionStores: Record<string, IrStore> = {};
  const existing = (flag: boolean | undefined): { existing?: true } => (flag || shared ? { existing: true } : {});
  if (value === undefined) return { regionStores };
  if (typeof value === 'string') return { store: { bucket: value, ...existing(false) }, regionStores };
  const a = value as { bucket?: string; 'kms-key'?: string; existing?: boolean; stores?: Record<string, unknown> };
  for (const [region, s] of Object.entries(a.stores ?? {})) {
    const o = (typeof s === 'string' ? { bucket: s } : s) as { bucket: string; 'kms-key'?: string; existing?: boolean };
    regionStores[region] = { bucket: String(o.bucket), ...(o['kms-key'] ? { kmsKey: String(o['kms-key']) } : {}), ...existing(o.existing) };
  }
  return { ...(a.bucket ? { store: { bucket: a.bucket, ...(a['kms-key'] ? { kmsKey: a['kms-key'] } : {}), ...existing(a.existing) } } : {}), regionStores };
}

/** `notifications:` with event names turned into CodeStar event type IDs, in a fixed order. */
function lowerNotifications(ex: ExPipeline): IrNotifications {
  const n = ex.notifications as { topic?: string; events: string[]; detail?: 'basic' | 'full' };
  const order = Object.keys(NOTIFICATION_EVENTS);
  const events = [...new Set(n.events)].sort((x, y) => order.indexOf(x) - order.indexOf(y)).map((e) => NOTIFICATION_EVENTS[e] as string);
  return { ...(n.topic ? { topicArn: n.topic } : {}), events, detail: n.detail === 'basic' ? 'BASIC' : 'FULL', span: valueSpan(ex.source, 'notifications') ?? ex.span };
}

function lowerVariables(ex: ExPipeline): IrPipeline['variables'] {
  const vars = ex.variables ?? {};
  return Object.entries(vars).map(([name, v]) => {
    const span = keySpan(vars, name) ?? ex.span;
    if (v !== null && typeof v === 'object') {
      const o = v as { default?: unknown; description?: string };
      return { name, ...(o.default !== undefined ? { defaultValue: String(o.default) } : {}), ...(o.description !== undefined ? { description: o.description } : {}), span };
    }
    return { name, defaultValue: String(v), span };
  });
}

function lowerStage(ex: ExPipeline, stage: ExStage, specs: Map<ExAction, ReadSpec>, diags: Diagnostics): IrStage {
  const actions: IrAction[] = [];
  for (const a of stage.actions) {
    const spec = specs.get(a);
    if (spec) actions.push(lowerAction(ex, stage, a, spec, diags));
  }
  const obj = stage.source as Record<string, unknown>;
  const out: IrStage = { name: stage.name, span: stage.span, actions };
  if (stage.disableInbound !== undefined) out.disableInbound = { reason: stage.disableInbound, span: valueSpan(obj, 'disable-inbound') ?? stage.span };
  if (stage.beforeEntry !== undefined) out.beforeEntry = lowerCondition(stage.beforeEntry, valueSpan(obj, 'before-entry') ?? stage.span, diags);
  if (stage.onSuccess !== undefined) out.onSuccess = lowerCondition(stage.onSuccess, valueSpan(obj, 'on-success') ?? stage.span, diags);
  if (stage.onFailure !== undefined) {
    const f = stage.onFailure as { result?: string; 'retry-mode'?: string; rules?: unknown[]; condition?: unknown };
    const span = valueSpan(obj, 'on-failure') ?? stage.span;
    // Rules beside 'result' are the condition, and the result is the condition's (as in before-entry and on-success).
    const rulesHere = f.rules !== undefined ? lowerCondition(f, span, diags) : undefined;
    out.onFailure = {
      span,
      ...(rulesHere ? { condition: rulesHere } : {}),
      ...(f.result && !rulesHere ? { result: f.result.toUpperCase() as 'ROLLBACK' } : {}),
      ...(f['retry-mode'] ? { retryMode: f['retry-mode'].toUpperCase().replace('-', '_') as 'FAILED_ACTIONS' } : {}),
      ...(f.condition ? { condition: lowerCondition(f.condition, valueSpan(f, 'condition') ?? span, diags) } : {}),
    };
  }
  return out;
}
