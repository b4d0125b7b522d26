import { API_FIELDS, type ApiField } from '../api-limits.js';
import type { IrAction, IrCondition, IrPipeline, IrRule, IrStage } from '../ir.js';
import type { Diagnostics } from '../diagnostics.js';
import type { Span } from '../source.js';
import { pipelineInputOf } from '../../targets/codepipeline.js';
import type { Rule } from './types.js';

/** Where a field of the CreatePipeline input came from, and how a message names its owner. */
interface Place {
  span: Span;
  owner: string;
}

type Step = string | number;

/** What the walk does with a value, by its field's type (a number: one comparison, not string ones, per value). */
const STRUCTURE = 0;
const LIST = 1;
const MAP = 2;
const SCALAR = 3;

/** Nodes the walk skips when the IR element they were made from had errors (reported already). */
const PLAIN = 0;
const ACTION = 1;
const CONDITION = 2;

/**
 * A field of the CreatePipeline input with its model limits, and the fields below it, found once
 * (not by a path string per value, as a walk by API_FIELDS keys would build). Every node has every
 * property, so the walk reads nodes of one shape.
 */
interface FieldNode {
  field: ApiField;
  path: string;
  /** STRUCTURE, LIST, MAP or SCALAR (the model's `type`). */
  walk: number;
  /** Whether the model limits the value at all (enum, lengths, counts, pattern): values of other fields are not looked at. */
  limited: boolean;
  /** Precompiled `pattern`: the whole value must match (`.` takes any character). */
  re: RegExp | undefined;
  /** An action (`pipeline.stages[].actions[]`) or a condition (`....conditions[]`), which are skipped when invalid; PLAIN otherwise. */
  kind: number;
  /**
   * The last string found without a problem here. `problem` depends on the node and the value only, and
   * the same values come again and again (categories, owners, providers, versions).
   */
  fine: string | undefined;
  /** Members by name, made on first use; null where the model has no such field. */
  members: Map<string, FieldNode | null>;
  /** Items (`[]`), map keys (`{key}`) and values (`{value}`), the same way. */
  parts: Map<string, FieldNode | null>;
}

const ROOTS = new Map<string, FieldNode | null>();

/**
 * The node `step` below the node at `parentPath` (a root when there is none), found in `below`, made
 * once; null when the model has no field there.
 */
function nodeAt(below: Map<string, FieldNode | null>, step: string, parentPath = '', joiner = ''): FieldNode | null {
  const node = below.get(step);
  return node === undefined ? makeNode(below, step, parentPath, joiner) : node;
}

/** nodeAt's first visit: its path (`parentPath` + `joiner` + `step`) is spelled here only, not per value. */
function makeNode(below: Map<string, FieldNode | null>, step: string, parentPath: string, joiner: string): FieldNode | null {
  const path = `${parentPath}${joiner}${step}`;
  const field = API_FIELDS[path];
  const node: FieldNode | null = field
    ? {
        field,
        path,
        walk: field.type === 'structure' ? STRUCTURE : field.type === 'list' ? LIST : field.type === 'map' ? MAP : SCALAR,
        limited: field.enum !== undefined || field.min !== undefined || field.max !== undefined || field.pattern !== undefined,
        re: field.pattern ? new RegExp(`^(?:${field.pattern})$`, 's') : undefined,
        kind: path === 'pipeline.stages[].actions[]' ? ACTION : path.endsWith('.conditions[]') ? CONDITION : PLAIN,
        fine: undefined,
        members: new Map(),
        parts: new Map(),
      }
    : null;
  below.set(step, node);
  return node;
}

const quote = (v: string): string => `'${v.length > 60 ? `${v.slice(0, 60)}...` : v}'`;

/** Characters as the model counts them (code points), counted only when the UTF-16 length leaves it open. */
function codePoints(value: string, min: number | undefined, max: number | undefined): number {
  // A string of n UTF-16 units has between ceil(n / 2) and n code points.
  if ((max === undefined || value.length <= max) && (min === undefined || (value.length + 1) >> 1 >= min)) return value.length;
  let n = 0;
  for (let i = 0; i < value.length; i++, n++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

/** The problem with one value against its model field, if any. */
function problem(node: FieldNode, value: unknown): string | undefined {
  const field = node.field;
  if (field.type === 'string' && typeof value === 'string') {
    if (field.enum && !field.enum.includes(value)) return `is ${quote(value)}; the API takes ${field.enum.map((e) => `'${e}'`).join(', ')}`;
    if (field.min !== undefined || field.max !== undefined) {
      const length = codePoints(value, field.min, field.max);
      if (field.min !== undefined && length < field.min) return field.min === 1 ? 'is empty' : `${quote(value)} has ${length} characters; at least ${field.min}`;
      if (field.max !== undefined && length > field.max) return `${quote(value)} has ${length} characters; at most ${field.max}`;
    }
    if (node.re && !node.re.test(value)) return `${quote(value)} does not match the API's pattern ${field.pattern}`;
  } else if (field.type === 'integer' && typeof value === 'number') {
    if (field.min !== undefined && value < field.min) return `is ${value}; at least ${field.min}`;
    if (field.max !== undefined && value > field.max) return `is ${value}; at most ${field.max}`;
  } else if ((field.type === 'list' && Array.isArray(value)) || (field.type === 'map' && typeof value === 'object' && value !== null)) {
    const n = Array.isArray(value) ? value.length : Object.keys(value).length;
    const what = field.type === 'list' ? 'items' : 'entries';
    if (field.min !== undefined && n < field.min) return `has ${n} ${what}; at least ${field.min}`;
    if (field.max !== undefined && n > field.max) return `has ${n} ${what}; at most ${field.max}`;
  }
  return undefined;
}

/** The IR element a step into the declaration leads to, so a problem is reported where it was written. */
function locate(p: IrPipeline, steps: readonly Step[]): Place {
  let place: Place = { span: p.span, owner: `pipeline '${p.name}'` };
  const at = (i: number): Step | undefined => steps[i];
  if (at(0) === 'tags') return { span: p.spans.tags ?? p.span, owner: place.owner };
  if (at(1) === 'roleArn') return { span: p.spans.role ?? p.span, owner: place.owner };
  if (at(1) === 'artifactStore' || at(1) === 'artifactStores') return { span: p.spans.artifacts ?? p.span, owner: place.owner };
  if (at(1) === 'variables') {
    const v = typeof at(2) === 'number' ? p.variables[at(2) as number] : undefined;
    return { span: v?.span ?? p.spans.variables ?? p.span, owner: v ? `variable '${v.name}'` : place.owner };
  }
  if (at(1) === 'triggers') {
    const t = typeof at(2) === 'number' ? p.triggers[at(2) as number] : undefined;
    return { span: t?.span ?? p.spans.triggers ?? p.span, owner: t ? `the trigger on '${t.sourceActionName}'` : place.owner };
  }
  if (at(1) !== 'stages' || typeof at(2) !== 'number') return place;
  const stage = p.stages[at(2) as number] as IrStage;
  place = { span: stage.span, owner: `stage '${stage.name}'` };
  if (at(3) === 'actions' && typeof at(4) === 'number') return actionPlace(stage.actions[at(4) as number] as IrAction, steps.slice(5), stage);
  const cond = at(3) === 'onFailure' ? stage.onFailure?.condition : at(3) === 'onSuccess' ? stage.onSuccess : at(3) === 'beforeEntry' ? stage.beforeEntry : undefined;
  if (at(3) === 'onFailure' && at(4) !== 'conditions') return { span: stage.onFailure?.span ?? stage.span, owner: place.owner };
  if (cond) return conditionPlace(cond, steps.slice(5), stage);
  return place;
}

function conditionPlace(cond: IrCondition, steps: readonly Step[], stage: IrStage): Place {
  if (steps[0] !== 'rules' && steps[1] !== 'rules') return { span: cond.span, owner: `a condition of stage '${stage.name}'` };
  const rest = steps[0] === 'rules' ? steps : steps.slice(1);
  const rule = typeof rest[1] === 'number' ? (cond.rules[rest[1]] as IrRule | undefined) : undefined;
  if (!rule) return { span: cond.span, owner: `a condition of stage '${stage.name}'` };
  const owner = `rule '${rule.name}' of stage '${stage.name}'`;
  if (rest[2] === 'inputArtifacts' && typeof rest[3] === 'number') return { span: rule.inputs[rest[3]]?.span ?? rule.span, owner };
  return { span: rule.span, owner };
}

function actionPlace(a: IrAction, steps: readonly Step[], stage: IrStage): Place {
  const owner = `action '${a.name}' of stage '${stage.name}'`;
  const field = steps[0];
  const index = typeof steps[1] === 'number' ? steps[1] : undefined;
  const span =
    field === 'configuration' && typeof steps[1] === 'string' ? a.configSpans[steps[1]] :
    field === 'roleArn' ? a.spans.role :
    field === 'region' ? a.spans.region :
    field === 'namespace' ? a.spans.namespace :
    field === 'timeoutInMinutes' ? a.spans.timeout :
    field === 'inputArtifacts' ? (index !== undefined ? a.inputs[index]?.span : a.spans.inputs) :
    field === 'outputArtifacts' ? (index !== undefined ? a.outputs[index]?.span : a.spans.outputs) :
    field === 'environmentVariables' && index !== undefined ? a.environmentVariables?.[index]?.span :
    undefined;
  return { span: span ?? a.span, owner };
}

function conditionOf(stage: IrStage | undefined, hook: Step | undefined): IrCondition | undefined {
  return hook === 'onFailure' ? stage?.onFailure?.condition : hook === 'onSuccess' ? stage?.onSuccess : hook === 'beforeEntry' ? stage?.beforeEntry : undefined;
}

/** How a message names a field: its path from the owner, in the API's words (`configuration key`, `roleArn`). */
function fieldName(steps: readonly Step[]): string {
  const last = steps.length - 1;
  const parent = steps[last - 1];
  if (parent === 'configuration' && typeof steps[last] === 'string') return `configuration '${String(steps[last])}'`;
  const named = [...steps].reverse().find((s) => typeof s === 'string' && s !== 'member');
  return String(named ?? 'value');
}

/** One walk over one pipeline's input: what a problem's place and the check against earlier diagnostics need. */
class Walk {
  /** The path into the input: members, indexes and map keys. Copied only for a problem's place. */
  readonly steps: Step[] = [];
  /** Places of the errors reported so far, made at the first problem. */
  reported: Set<string> | undefined = undefined;
  constructor(
    readonly p: IrPipeline,
    readonly diags: Diagnostics,
  ) {}
}

/**
 * Every field pipec writes into CreatePipeline's input is held to the API model's limits (lengths,
 * counts, patterns, enums: src/compiler/api-limits.ts, generated from botocore's model). Most are
 * checked earlier with a message of their own; this catches the rest, so nothing the service would
 * refuse with a ValidationException leaves pipec. A problem already reported at the same place is not repeated.
 */
export const apiModel: Rule = (p, diags) => {
  const input = pipelineInputOf(p);
  const w = new Walk(p, diags);
  for (const k in input) {
    // Without a role the codepipeline target reports PC4001 and the cloudformation target makes one.
    const value = k === 'pipeline' && !p.roleArn ? withoutRole(input[k] as Record<string, unknown>) : input[k];
    w.steps.push(k);
    const node = nodeAt(ROOTS, k);
    if (node && value !== undefined) visit(w, node, value);
    w.steps.pop();
  }
};

/** Checks one value and what is below it. */
function visit(w: Walk, node: FieldNode, value: unknown): void {
  if (node.kind !== PLAIN && skipped(w, node)) return;
  if (node.limited && (node.fine === undefined || value !== node.fine)) check(w, node, value);
  switch (node.walk) {
    case STRUCTURE:
      if (typeof value === 'object' && value !== null) visitMembers(w, node, value as Record<string, unknown>);
      break;
    case LIST:
      if (Array.isArray(value)) visitItems(w, node, value);
      break;
    case MAP:
      if (typeof value === 'object' && value !== null) visitEntries(w, node, value as Record<string, unknown>);
      break;
  }
}

function visitMembers(w: Walk, node: FieldNode, value: Record<string, unknown>): void {
  const steps = w.steps;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const member = nodeAt(node.members, k, node.path, '.');
    const v = value[k];
    if (member === null || v === undefined) continue;
    steps.push(k);
    visit(w, member, v);
    steps.pop();
  }
}

function visitItems(w: Walk, node: FieldNode, value: readonly unknown[]): void {
  const item = nodeAt(node.parts, '[]', node.path);
  if (item === null) return;
  const steps = w.steps;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (v === undefined) continue;
    steps.push(i);
    visit(w, item, v);
    steps.pop();
  }
}

function visitEntries(w: Walk, node: FieldNode, value: Record<string, unknown>): void {
  const key = nodeAt(node.parts, '{key}', node.path);
  const val = nodeAt(node.parts, '{value}', node.path);
  const steps = w.steps;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    steps.push(k);
    if (key !== null) visit(w, key, k);
    const v = value[k];
    if (val !== null && v !== undefined) visit(w, val, v);
    steps.pop();
  }
}

/** An action whose spec had errors (reported already) is written only so the rest can be checked; so is a condition one of whose rules had errors. */
function skipped(w: Walk, node: FieldNode): boolean {
  const steps = w.steps;
  const stage = w.p.stages[steps[2] as number];
  if (node.kind === ACTION) return !!stage?.actions[steps[4] as number]?.invalid;
  return !!conditionOf(stage, steps[3])?.incomplete;
}

/** Reports the value's problem, if it has one; remembers a string without one. */
function check(w: Walk, node: FieldNode, value: unknown): void {
  const wrong = problem(node, value);
  if (wrong === undefined) {
    if (typeof value === 'string') node.fine = value;
    return;
  }
  report(w, node, wrong);
}

function report(w: Walk, node: FieldNode, wrong: string): void {
  const { p, diags, steps } = w;
  const place = locate(p, steps);
  const key = `${place.span.file.path}:${place.span.start}`;
  w.reported ??= new Set(diags.list.filter((d) => d.severity === 'error' && d.span).map((d) => `${d.span?.file.path}:${d.span?.start}`));
  if (w.reported.has(key)) return;
  w.reported.add(key);
  diags.add('PC3034', `${place.owner}: ${fieldName(steps)} ${wrong} (CodePipeline API, ${node.field.shape})`, place.span);
}

/** The declaration without its `roleArn` (a shallow copy: the input is shared with the codepipeline target). */
function withoutRole(declaration: Record<string, unknown>): Record<string, unknown> {
  const { roleArn: _roleArn, ...rest } = declaration;
  return rest;
}
