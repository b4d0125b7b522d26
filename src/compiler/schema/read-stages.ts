import { check, inWrittenOrder, readMapping } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import { isObj } from '../macros/values.js';
import { ACTION_KINDS, type ExAction, type ExStage } from '../model.js';
import { addKeys, type Place } from '../positions.js';
import { choices, didYouMean } from '../suggest.js';
import { actionSchema } from './actions.js';
import { ACTION_COMMON } from './common.js';
import { PARALLEL, STAGE } from './pipeline.js';

/*
 * The schema phase for `stages:` (the explicit form): each stage is read by STAGE where it is written,
 * and each of its actions by its kind's schema, so one mistake leaves the rest read. An action's
 * provider settings (`spec`) stay `unknown` until `readSpec` checks them with its provider's schema.
 */

/** Reads one entry of `stages:`. */
export function readStage(value: unknown, span: Place, diags: Diagnostics): ExStage | undefined {
  // A stage with errors in its own keys still has its actions read; the pipeline is then incomplete.
  const checked = readMapping(diags, STAGE(), value, 'stage', span);
  if (!checked || !isObj(value)) return undefined;
  let { read: stage, written: source } = checked;
  let at = span;
  const name = stage.name ?? '(unnamed)';
  const written = { ...value };
  // A misspelled 'actions' or 'steps' (reported as an unknown key) is read as meant, so its actions are still checked.
  for (const list of ['actions', 'steps'] as const)
    if (written[list] === undefined && value[list === 'actions' ? 'steps' : 'actions'] === undefined) {
      const typo = Object.keys(written).find((k) => !(k in STAGE().shape) && didYouMean(k, [list]) === list && Array.isArray(written[k]));
      const meant = typo === undefined ? undefined : written[typo];
      if (typo !== undefined && Array.isArray(meant)) {
        written[list] = meant;
        stage = { ...stage, [list]: meant };
        source = { ...source, [list]: meant };
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
  stage.actions?.forEach((a, i) => {
    const action = readAction(a, at.child('actions').child(i), diags, undefined);
    if (action) actions.push(action);
  });
  stage.steps?.forEach((step, i) => {
    const stepAt = at.child('steps').child(i);
    const order = i + 1;
    if (isObj(step) && 'parallel' in step) {
      check(diags, PARALLEL(), step, 'step', stepAt)?.parallel.forEach((a, j) => {
        const action = readAction(a, stepAt.child('parallel').child(j), diags, order);
        if (action) actions.push(action);
      });
    } else {
      const action = readAction(step, stepAt, diags, order);
      if (action) actions.push(action);
    }
  });
  // In the order written, for `pipec expand`.
  const [beforeEntry, onSuccess, onFailure] = [
    inWrittenOrder(stage['before-entry'], value['before-entry']),
    inWrittenOrder(stage['on-success'], value['on-success']),
    inWrittenOrder(stage['on-failure'], value['on-failure']),
  ];
  const out: ExStage = { name, actions } as ExStage;
  if (beforeEntry !== undefined) out.beforeEntry = beforeEntry;
  if (onSuccess !== undefined) out.onSuccess = onSuccess;
  if (onFailure !== undefined) out.onFailure = onFailure;
  if (stage['disable-inbound'] !== undefined) out.disableInbound = stage['disable-inbound'];
  out.source = source;
  out.sourceAt = at;
  out.span = span;
  return out;
}

/** Reads one action of a stage; `stepOrder` is set for actions in `steps:`, whose order is their place. */
function readAction(value: unknown, span: Place, diags: Diagnostics, stepOrder: number | undefined): ExAction | undefined {
  if (!isObj(value)) {
    diags.add('PC2002', `an action must be a mapping with 'name' and one of ${choices(ACTION_KINDS)}`, span);
    return undefined;
  }
  const obj = value;
  const kinds = ACTION_KINDS.filter((k) => k in obj);
  const [kind, second] = kinds;
  if (kind === undefined || second !== undefined) {
    const others = Object.keys(obj).filter((k) => !(k in ACTION_COMMON()));
    const guess = others.map((k) => didYouMean(k, ACTION_KINDS)).find(Boolean);
    const name = typeof obj.name === 'string' ? `action '${obj.name}'` : 'an action';
    diags.add(
      'PC2007',
      kinds.length === 0 ? `${name} needs one of ${choices(ACTION_KINDS)}` : `${name} has ${kinds.map((k) => `'${k}'`).join(' and ')}; an action has exactly one kind`,
      second === undefined ? span.node() : span.key(second),
      guess ? { suggestion: `did you mean '${guess}'?` } : {},
    );
    return undefined;
  }
  // An action whose own keys have errors keeps the rest, so its spec is still checked (the pipeline is then incomplete).
  const a = readMapping(diags, actionSchema(kind), obj, 'action', span)?.read;
  if (!a || a.name === undefined) return undefined;
  if (stepOrder !== undefined && a['run-order'] !== undefined)
    diags.add('PC2008', "'run-order' is set by the action's place in 'steps'; remove it, or use 'actions' to number actions yourself", span.key('run-order'));
  const inputs = listOf(a.inputs);
  const outputs = listOf(a.outputs);
  // Optional keys set one by one, in the order the model has always listed them (no object per absent key).
  const action = { name: a.name, kind, spec: obj[kind] } as ExAction;
  if (inputs) action.inputs = inputs;
  if (outputs) action.outputs = outputs;
  if (a.namespace !== undefined) action.namespace = a.namespace;
  if (a.role !== undefined) action.role = a.role;
  if (a.region !== undefined) action.region = a.region;
  if (a.timeout !== undefined) action.timeout = a.timeout;
  action.runOrder = stepOrder ?? a['run-order'] ?? 1;
  action.source = obj;
  action.sourceAt = span;
  action.specAt = span.child(kind);
  action.span = span;
  return action;
}

/** `inputs:` or `outputs:` as a new list. */
function listOf(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? [...v] : [v];
}
