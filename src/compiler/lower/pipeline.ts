import type { ReadSpec } from '../actions.js';
import type { Diagnostics } from '../diagnostics.js';
import { lowerDeploymentGroups } from '../deployment-groups.js';
import type { IrAction, IrNotifications, IrPipeline, IrStage, IrStore } from '../ir.js';
import type { ExAction, ExPipeline, ExStage } from '../model.js';
import { NOTIFICATION_EVENTS, type Artifacts, type Notifications, type Store } from '../schema/pipeline.js';
import type { Span } from '../source.js';
import { lowerAction } from './action.js';
import { lowerCondition } from './conditions.js';
import { lowerPermissions } from './permissions.js';
import { lowerTriggers } from './triggers.js';

/** Lowers an explicit pipeline and its read specs to the IR the targets emit. */
export function lowerPipeline(ex: ExPipeline, specs: Map<ExAction, ReadSpec>, diags: Diagnostics): IrPipeline {
  const src = ex.source;
  const sharedSpan = (k: string): Span | undefined => (k in src ? ex.sourceAt.key(k) : ex.sharedAt ? ex.sharedAt.key(k) : undefined);
  const { store, regionStores } = lowerArtifacts(ex.artifacts, sharedArtifacts(ex));
  // Optional keys set one by one, in the order the IR has always listed them (no object per absent key).
  const ir = { name: ex.name, span: ex.span } as IrPipeline;
  if (ex.role) ir.roleArn = ex.role;
  if (ex.rolePolicy === 'none') ir.rolePolicy = 'none';
  if (ex.region) ir.region = ex.region;
  if (ex.account) ir.account = ex.account;
  if (ex.project) ir.project = ex.project;
  ir.pipelineType = ex.type;
  if (ex.execution) ir.executionMode = ex.execution;
  if (store) ir.store = store;
  ir.regionStores = regionStores;
  ir.variables = lowerVariables(ex);
  ir.triggers = [];
  ir.stages = ex.stages.map((s) => lowerStage(ex, s, specs, diags));
  ir.tags = Object.entries(ex.tags ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  ir.spans = {
    role: sharedSpan('role'),
    rolePolicy: sharedSpan('role-policy'),
    artifacts: sharedSpan('artifacts'),
    type: sharedSpan('type'),
    execution: sharedSpan('execution'),
    region: sharedSpan('region'),
    variables: sharedSpan('variables'),
    triggers: sharedSpan('triggers'),
    tags: sharedSpan('tags'),
    project: sharedSpan('project'),
  };
  ir.triggers = lowerTriggers(ex, ir, diags);
  if (ex.notifications !== undefined) ir.notifications = lowerNotifications(ex, ex.notifications);
  const permissions = lowerPermissions(ex.permissions, ex.managedPolicies);
  if (permissions) {
    ir.permissions = permissions;
    ir.permissionsSpan = ex.sourceAt.key(ex.permissions !== undefined ? 'permissions' : 'managed-policies');
  }
  if (ex.deploymentGroups?.length) ir.deploymentGroups = lowerDeploymentGroups(ex, diags);
  return ir;
}

/** A bucket named at the top of a file with `pipelines:` is shared, so no one pipeline's stack may create it. */
export function sharedArtifacts(ex: ExPipeline): boolean {
  return !('artifacts' in ex.source) && ex.shared !== undefined && 'artifacts' in ex.shared;
}

function lowerArtifacts(value: Artifacts | undefined, shared: boolean): { store?: IrStore; regionStores: Record<string, IrStore> } {
  const regionStores: Record<string, IrStore> = {};
  const existing = (flag: boolean | undefined): { existing?: true } => (flag || shared ? { existing: true } : {});
  const store = (s: Store): IrStore =>
    typeof s === 'string' ? { bucket: s, ...existing(false) } : { bucket: s.bucket, ...(s['kms-key'] ? { kmsKey: s['kms-key'] } : {}), ...existing(s.existing) };
  if (value === undefined) return { regionStores };
  if (typeof value === 'string') return { store: store(value), regionStores };
  for (const [region, s] of Object.entries(value.stores ?? {})) regionStores[region] = store(s);
  return { ...(value.bucket ? { store: store({ ...value, bucket: value.bucket }) } : {}), regionStores };
}

/** `notifications:` with event names turned into CodeStar event type IDs, in a fixed order. */
function lowerNotifications(ex: ExPipeline, n: Notifications): IrNotifications {
  const order = Object.keys(NOTIFICATION_EVENTS);
  const events = [...new Set(n.events)].sort((x, y) => order.indexOf(x) - order.indexOf(y)).flatMap((e) => NOTIFICATION_EVENTS[e] ?? []);
  return { ...(n.topic ? { topicArn: n.topic } : {}), events, detail: n.detail === 'basic' ? 'BASIC' : 'FULL', span: ex.sourceAt.child('notifications') };
}

function lowerVariables(ex: ExPipeline): IrPipeline['variables'] {
  // Checked values are copies without positions: each variable's place is read from the mapping as written.
  const written = ex.sourceAt.child('variables');
  return Object.entries(ex.variables ?? {}).map(([name, v]) => {
    const span = written.key(name);
    if (typeof v === 'object') return { name, ...(v.default !== undefined ? { defaultValue: v.default } : {}), ...(v.description !== undefined ? { description: v.description } : {}), span };
    return { name, defaultValue: v, span };
  });
}

const STAGE_RESULTS = { rollback: 'ROLLBACK', fail: 'FAIL', retry: 'RETRY', skip: 'SKIP' } as const;
const RETRY_MODES = { 'failed-actions': 'FAILED_ACTIONS', 'all-actions': 'ALL_ACTIONS' } as const;

function lowerStage(ex: ExPipeline, stage: ExStage, specs: Map<ExAction, ReadSpec>, diags: Diagnostics): IrStage {
  const actions: IrAction[] = [];
  for (const a of stage.actions) {
    const spec = specs.get(a);
    if (spec) actions.push(lowerAction(ex, stage, a, spec, diags));
  }
  const at = stage.sourceAt;
  const out: IrStage = { name: stage.name, span: stage.span, actions };
  if (stage.disableInbound !== undefined) out.disableInbound = { reason: stage.disableInbound, span: at.child('disable-inbound') };
  if (stage.beforeEntry !== undefined) out.beforeEntry = lowerCondition(stage.beforeEntry, at.child('before-entry'), diags);
  if (stage.onSuccess !== undefined) out.onSuccess = lowerCondition(stage.onSuccess, at.child('on-success'), diags);
  if (stage.onFailure !== undefined) {
    const f = stage.onFailure;
    const span = at.child('on-failure');
    // Rules beside 'result' are the condition, and the result is the condition's (as in before-entry and on-success).
    const rulesHere = f.rules !== undefined ? lowerCondition({ ...f, rules: f.rules }, span, diags) : undefined;
    out.onFailure = {
      span,
      ...(rulesHere ? { condition: rulesHere } : {}),
      ...(f.result && !rulesHere ? { result: STAGE_RESULTS[f.result] } : {}),
      ...(f['retry-mode'] ? { retryMode: RETRY_MODES[f['retry-mode']] } : {}),
      ...(f.condition ? { condition: lowerCondition(f.condition, span.child('condition'), diags) } : {}),
    };
  }
  return out;
}
