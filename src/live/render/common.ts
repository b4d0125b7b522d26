import type { Change } from '../changes.js';
import { isObject, type Json } from '../json.js';
import { planCounts, type Plan, type PipelinePlan } from '../plan.js';
import { SENSITIVE } from '../secrets.js';

/** `Plan: 1 to create, 2 to update, 0 to delete.` */
export function summaryLine(plan: Plan): string {
  const c = planCounts(plan);
  return `Plan: ${c.create} to create, ${c.update} to update, ${c.delete} to delete.`;
}

/** True when applying the plan would change anything. */
export function hasChanges(plan: Plan): boolean {
  return plan.pipelines.some((p) => p.action === 'create' || p.action === 'update' || p.action === 'delete');
}

/** A value as it reads in a plan: JSON, on one line; a masked secret as `(sensitive)`. */
export function formatValue(v: Json | undefined): string {
  return v === undefined ? '(none)' : v === SENSITIVE ? SENSITIVE : JSON.stringify(v);
}

/** `Project: web (the directory's name; name it with 'project:')`: whose pipelines the plan covers. */
export function projectLine(plan: Plan): string {
  return `Project: ${plan.project}${plan.projectFrom === 'directory' ? " (the directory's name; name it with 'project:' in the configuration)" : ''}`;
}

/** `AWS/CodeBuild/1`, from a normalised action body or a declaration's action. */
export function actionType(body: Json | undefined): string {
  const t = isObject(body) && isObject(body.actionTypeId) ? body.actionTypeId : undefined;
  return t ? `${String(t.owner)}/${String(t.provider)}/${String(t.version)}` : '?';
}

/** Every leaf of a value with its dotted path (maps are walked, lists are leaves). */
export function flatten(v: Json, path = ''): Array<[string, Json]> {
  if (isObject(v) && Object.keys(v).length > 0) return Object.keys(v).flatMap((k) => flatten(v[k] as Json, path ? `${path}.${k}` : k));
  return [[path, v]];
}

/** A pipeline's changes arranged for reading: its own fields, then stage by stage, action by action. */
export interface GroupedChanges {
  pipeline: Change[];
  stages: Array<{ name: string; own: Change[]; actions: Array<{ name: string; changes: Change[] }> }>;
}

export function groupChanges(changes: readonly Change[]): GroupedChanges {
  const out: GroupedChanges = { pipeline: [], stages: [] };
  for (const c of changes) {
    if (c.stage === undefined) {
      out.pipeline.push(c);
      continue;
    }
    let s = out.stages.find((x) => x.name === c.stage);
    if (!s) {
      s = { name: c.stage, own: [], actions: [] };
      out.stages.push(s);
    }
    if (c.action === undefined) {
      s.own.push(c);
      continue;
    }
    let a = s.actions.find((x) => x.name === c.action);
    if (!a) {
      a = { name: c.action, changes: [] };
      s.actions.push(a);
    }
    a.changes.push(c);
  }
  return out;
}

/** The stages of a declaration with their actions, for showing what a create makes. */
export function stageOutline(p: PipelinePlan): Array<{ stage: string; actions: Array<{ name: string; type: string; runOrder: number }> }> {
  const stages = p.desired?.pipeline.stages;
  if (!Array.isArray(stages)) return [];
  return stages.filter(isObject).map((s) => ({
    stage: String(s.name),
    actions: (Array.isArray(s.actions) ? s.actions.filter(isObject) : []).map((a) => ({ name: String(a.name), type: actionType(a), runOrder: typeof a.runOrder === 'number' ? a.runOrder : 1 })),
  }));
}

/** Words for a stage's or action's own change (rename, move), e.g. `renamed from "Test"`. */
export function headerNotes(own: readonly Change[]): string[] {
  const notes: string[] = [];
  for (const c of own) {
    if (c.op === 'rename') notes.push(`renamed from ${formatValue(c.old)}`);
    if (c.op === 'move' && c.action === undefined) notes.push(`moved from position ${formatValue(c.old)} to ${formatValue(c.new)}`);
    if (c.op === 'move' && c.action !== undefined) notes.push(`moved here from stage ${formatValue(c.old)}`);
  }
  return notes;
}
