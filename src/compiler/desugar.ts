import { check, readMapping, salvage, typeName, type ReadMapping } from './check.js';
import { readDeploymentGroups } from './deployment-groups.js';
import type { Diagnostics } from './diagnostics.js';
import { withStores } from './macros/common.js';
import { MACROS, type MacroContext } from './macros/index.js';
import { ACTION_KINDS, type ActionKind, type ExAction, type ExPipeline, type ExStage } from './model.js';
import type { ParsedFile } from './parse.js';
import { actionSchema } from './schema/actions.js';
import { ACTION_COMMON } from './schema/common.js';
import { PARALLEL, PIPELINE, STAGE, WORKSPACE, type PipelineRead, type SharedSettings, type StageRead, type WorkspaceRead } from './schema/pipeline.js';
import { choices, didYouMean } from './suggest.js';
import { addKeys, rootLoc, type Place } from './positions.js';

/** Reads one parsed file into pipelines in explicit form: shared settings applied, macros expanded. */
export function desugarFile(parsed: ParsedFile, diags: Diagnostics): ExPipeline[] {
  const root = parsed.value;
  const rootAt = rootLoc(parsed.file);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    diags.add('PC2002', `a pipeline file must be a mapping (with 'name' and stages, or 'pipelines'), not ${typeName(root)}`, typeof root === 'object' && root !== null ? rootAt : { file: parsed.file, start: 0, end: 0 });
    return [];
  }
  const top = root as Record<string, unknown>;
  const workspaceTypo = 'name' in top ? undefined : Object.keys(top).find((k) => k !== 'pipelines' && didYouMean(k, ['pipelines']));
  if (workspaceTypo !== undefined) {
    // Read as one pipeline, 'pipeline:' would only be "missing 'name'" and "unknown key" among twenty others.
    diags.add('PC2001', `unknown key '${workspaceTypo}' at the top of the file`, rootAt.key(workspaceTypo), { suggestion: "did you mean 'pipelines'?" });
    return [];
  }
  if (!('pipelines' in top)) {
    // A pipeline whose own keys have errors is still read as far as it can be, so every mistake shows in one run.
    const p = readMapping(diags, PIPELINE, top, 'pipeline', rootAt);
    if (!p) return [];
    const ex = desugarPipeline(p, rootAt, undefined, diags, p.complete);
    return ex ? [ex] : [];
  }
  const ws = readMapping(diags, WORKSPACE, top, 'file', rootAt);
  if (!ws || !Array.isArray(ws.written.pipelines)) return [];
  const out: ExPipeline[] = [];
  const items = ws.written.pipelines as unknown[];
  items.forEach((item, i) => {
    const at = rootAt.child('pipelines').child(i);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      diags.add('PC2002', `each entry of 'pipelines' must be a mapping describing a pipeline`, at);
      return;
    }
    const p = readMapping(diags, PIPELINE, item, 'pipeline', at);
    if (!p) return;
    const ex = desugarPipeline(p, at, { ...ws, at: rootAt }, diags, p.complete && ws.complete);
    if (ex) out.push(ex);
  });
  return out;
}

/** Errors that leave part of a pipeline unread (unknown keys are skipped and leave nothing out). */
function blockingErrors(diags: Diagnostics): number {
  let n = 0;
  for (const d of diags.list) if (d.severity === 'error' && d.code !== 'PC2001') n++;
  return n;
}

const SHARED_KEYS = ['role', 'region', 'account', 'connection', 'artifacts', 'type', 'execution', 'project'] as const;

function desugarPipeline(pipeline: ReadMapping<PipelineRead>, at: Place, file: (ReadMapping<WorkspaceRead> & { at: Place }) | undefined, diags: Diagnostics, complete: boolean): ExPipeline | undefined {
  const p = pipeline.written;
  const read = pipeline.read;
  const shared = file?.written;
  const span = at.node();
  const before = blockingErrors(diags);
  const sharedRead: Partial<Pick<PipelineRead, (typeof SHARED_KEYS)[number] | 'tags'>> | undefined = file?.read;
  const pick = <K extends (typeof SHARED_KEYS)[number]>(k: K): PipelineRead[K] | undefined => (read[k] !== undefined ? read[k] : sharedRead?.[k]);
  const tags = { ...(sharedRead?.tags ?? {}), ...(read.tags ?? {}) };
  // Checked keys whose schemas transform nothing are, as written, their own output: kept so, positions and all.
  const asWritten = p as Partial<Pick<PipelineRead, 'triggers' | 'notifications' | 'managed-policies'>>;
  const stages: ExStage[] = [];
  const settings: SharedSettings = {};
  for (const k of SHARED_KEYS) if (pick(k) !== undefined) Object.assign(settings, { [k]: pick(k) });
  const ctx: MacroContext = { ...(shared && file ? { shared, sharedAt: file.at } : {}), settings, stages, stores: {}, deploymentGroups: [] };
  for (const macro of MACROS) {
    const made = macro(p, at, diags, ctx);
    if (made) stages.push(...(Array.isArray(made) ? made : [made]));
  }
  const artifacts = withStores(pick('artifacts'), ctx.stores);
  const explicit = p.stages as unknown[] | undefined;
  explicit?.forEach((s, i) => {
    const stage = readStage(s, at.child('stages').child(i), diags);
    if (stage) stages.push(stage);
  });
  const type = pick('type')?.toUpperCase() === 'V1' ? 'V1' : 'V2';
  const execution = pick('execution')?.toUpperCase() as ExPipeline['execution'];
  const incomplete = !complete || blockingErrors(diags) > before;
  // Checked once every stage is read: a group's mistakes are its own and leave the pipeline's rules running.
  const written = (read['deployment-groups'] ?? []).map((group, i) => ({ group, at: at.child('deployment-groups').child(i) }));
  const deploymentGroups = readDeploymentGroups([...written, ...ctx.deploymentGroups], diags);
  return {
    name: typeof read.name === 'string' ? read.name : '(unnamed)',
    ...(incomplete ? { incomplete } : {}),
    ...(pick('role') !== undefined ? { role: pick('role') } : {}),
    ...(pick('region') !== undefined ? { region: pick('region') } : {}),
    ...(pick('account') !== undefined ? { account: pick('account') } : {}),
    ...(pick('connection') !== undefined ? { connection: pick('connection') } : {}),
    ...(pick('project') !== undefined ? { project: pick('project') } : {}),
    ...(artifacts !== undefined ? { artifacts } : {}),
    ...(Object.keys(ctx.stores).length > 0 ? { addedStores: ctx.stores } : {}),
    type,
    ...(execution !== undefined ? { execution } : {}),
    ...(read.variables !== undefined ? { variables: read.variables } : {}),
    ...(asWritten.triggers !== undefined ? { triggers: asWritten.triggers } : {}),
    ...(asWritten.notifications !== undefined ? { notifications: asWritten.notifications } : {}),
    ...(read.permissions !== undefined ? { permissions: read.permissions } : {}),
    ...(asWritten['managed-policies'] !== undefined ? { managedPolicies: asWritten['managed-policies'] } : {}),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    ...(deploymentGroups.length > 0 ? { deploymentGroups } : {}),
    stages,
    source: p,
    sourceAt: at,
    ...(shared && file ? { shared, sharedAt: file.at } : {}),
    span,
  };
}

/** Reads one entry of `stages:`. */
function readStage(value: unknown, span: Place, diags: Diagnostics): ExStage | undefined {
  // A stage with errors in its own keys still has its actions read; the pipeline is then incomplete.
  let obj = check(diags, STAGE, value, 'stage', span) !== undefined ? (value as Record<string, unknown>) : salvage(STAGE, value);
  if (!obj) return undefined;
  let at = span;
  const name = typeof obj.name === 'string' ? obj.name : '(unnamed)';
  const written = { ...(value as Record<string, unknown>) };
  // A misspelled 'actions' or 'steps' (reported as an unknown key) is read as meant, so its actions are still checked.
  for (const list of ['actions', 'steps'] as const)
    if (written[list] === undefined && (value as Record<string, unknown>)[list === 'actions' ? 'steps' : 'actions'] === undefined) {
      const typo = Object.keys(written).find((k) => !(k in STAGE.shape) && didYouMean(k, [list]) === list && Array.isArray(written[k]));
      if (typo !== undefined) {
        written[list] = written[typo];
        obj = { ...obj, [list]: written[typo] };
        at = addKeys(at, [[list, span.child(typo)]]);
      }
    }
  if ((written.actions === undefined) === (written.steps === undefined)) {
    diags.add(
      'PC2007',
      `stage '${name}' needs exactly one of 'actions' (run together) or 'steps' (run in order)`,
      span.key(written.actions ? 'steps' : 'name'),
      written.actions ? { suggestion: "move the actions into one list: 'steps' runs them in order, 'actions' together" } : {},
    );
  }
  const actions: ExAction[] = [];
  if (obj.actions) {
    const list = obj.actions as unknown[];
    list.forEach((a, i) => {
      const action = readAction(a, at.child('actions').child(i), diags, undefined);
      if (action) actions.push(action);
    });
  }
  if (obj.steps) {
    const steps = obj.steps as unknown[];
    steps.forEach((step, i) => {
      const stepAt = at.child('steps').child(i);
      const order = i + 1;
      if (typeof step === 'object' && step !== null && 'parallel' in step) {
        if (!check(diags, PARALLEL, step, 'step', stepAt)) return;
        const group = (step as { parallel: unknown[] }).parallel;
        group.forEach((a, j) => {
          const action = readAction(a, stepAt.child('parallel').child(j), diags, order);
          if (action) actions.push(action);
        });
      } else {
        const action = readAction(step, stepAt, diags, order);
        if (action) actions.push(action);
      }
    });
  }
  // The conditions' schemas transform nothing: checked, the values as written are their output (positions kept).
  const conditions = obj as Partial<Pick<StageRead, 'before-entry' | 'on-success' | 'on-failure' | 'disable-inbound'>>;
  return {
    name,
    actions,
    ...(conditions['before-entry'] !== undefined ? { beforeEntry: conditions['before-entry'] } : {}),
    ...(conditions['on-success'] !== undefined ? { onSuccess: conditions['on-success'] } : {}),
    ...(conditions['on-failure'] !== undefined ? { onFailure: conditions['on-failure'] } : {}),
    ...(conditions['disable-inbound'] !== undefined ? { disableInbound: conditions['disable-inbound'] } : {}),
    source: obj,
    sourceAt: at,
    span,
  };
}

/** Reads one action of a stage; `stepOrder` is set for actions in `steps:`, whose order is their place. */
function readAction(value: unknown, span: Place, diags: Diagnostics, stepOrder: number | undefined): ExAction | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    diags.add('PC2002', `an action must be a mapping with 'name' and one of ${choices(ACTION_KINDS)}`, span);
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  const kinds = ACTION_KINDS.filter((k) => k in obj);
  if (kinds.length !== 1) {
    const others = Object.keys(obj).filter((k) => !(k in ACTION_COMMON));
    const guess = others.map((k) => didYouMean(k, ACTION_KINDS)).find(Boolean);
    const name = typeof obj.name === 'string' ? `action '${obj.name}'` : 'an action';
    diags.add(
      'PC2007',
      kinds.length === 0 ? `${name} needs one of ${choices(ACTION_KINDS)}` : `${name} has ${kinds.map((k) => `'${k}'`).join(' and ')}; an action has exactly one kind`,
      kinds.length === 0 ? span.node() : span.key(kinds[1] as string),
      guess ? { suggestion: `did you mean '${guess}'?` } : {},
    );
    return undefined;
  }
  const kind = kinds[0] as ActionKind;
  // An action whose own keys have errors keeps the rest, so its spec is still checked (the pipeline is then incomplete).
  const a = readMapping(diags, actionSchema(kind), obj, 'action', span)?.read;
  if (!a || typeof a.name !== 'string') return undefined;
  if (stepOrder !== undefined && a['run-order'] !== undefined)
    diags.add('PC2008', "'run-order' is set by the action's place in 'steps'; remove it, or use 'actions' to number actions yourself", span.key('run-order'));
  const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? [...v] : [v]);
  const inputs = list(a.inputs);
  const outputs = list(a.outputs);
  return {
    name: a.name,
    kind,
    spec: obj[kind],
    ...(inputs ? { inputs } : {}),
    ...(outputs ? { outputs } : {}),
    ...(a.namespace !== undefined ? { namespace: a.namespace } : {}),
    ...(a.role !== undefined ? { role: a.role } : {}),
    ...(a.region !== undefined ? { region: a.region } : {}),
    ...(a.timeout !== undefined ? { timeout: a.timeout } : {}),
    runOrder: stepOrder ?? a['run-order'] ?? 1,
    source: obj,
    sourceAt: span,
    specAt: span.child(kind),
    span,
  };
}
