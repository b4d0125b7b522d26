import { API_FIELDS, type ApiField } from '../api-limits.js';
import type { IrAction, IrCondition, IrPipeline, IrRule, IrStage } from '../ir.js';
import type { Span } from '../source.js';
import { createPipelineInput } from '../../targets/codepipeline.js';
import type { Rule } from './types.js';

/** Where a field of the CreatePipeline input came from, and how a message names its owner. */
interface Place {
  span: Span;
  owner: string;
}

type Step = string | number;

/** A pattern of the model as the service applies it: the whole value must match (`.` takes any character). */
const patterns = new Map<string, RegExp>();
function matches(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 's');
    patterns.set(pattern, re);
  }
  return re.test(value);
}

const quote = (v: string): string => `'${v.length > 60 ? `${v.slice(0, 60)}...` : v}'`;

/** The problem with one value against its model field, if any. */
function problem(field: ApiField, value: unknown): string | undefined {
  if (field.type === 'string' && typeof value === 'string') {
    const length = [...value].length;
    if (field.enum && !field.enum.includes(value)) return `is ${quote(value)}; the API takes ${field.enum.map((e) => `'${e}'`).join(', ')}`;
    if (field.min !== undefined && length < field.min) return field.min === 1 ? 'is empty' : `${quote(value)} has ${length} characters; at least ${field.min}`;
    if (field.max !== undefined && length > field.max) return `${quote(value)} has ${length} characters; at most ${field.max}`;
    if (field.pattern && !matches(field.pattern, value)) return `${quote(value)} does not match the API's pattern ${field.pattern}`;
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

/**
 * Every field pipec writes into CreatePipeline's input is held to the API model's limits (lengths,
 * counts, patterns, enums: src/compiler/api-limits.ts, generated from botocore's model). Most are
 * checked earlier with a message of their own; this catches the rest, so nothing the service would
 * refuse with a ValidationException leaves pipec. A problem already reported at the same place is not repeated.
 */
export const apiModel: Rule = (p, diags) => {
  const input = createPipelineInput(p);
  // Without a role the codepipeline target reports PC4001 and the cloudformation target makes one.
  if (!p.roleArn) delete (input.pipeline as Record<string, unknown>).roleArn;
  const reported = new Set(diags.list.filter((d) => d.severity === 'error' && d.span).map((d) => `${d.span?.file.path}:${d.span?.start}`));
  const visit = (value: unknown, path: string, steps: Step[]): void => {
    const field = API_FIELDS[path];
    if (!field || value === undefined) return;
    // An action whose spec had errors (reported already) is written only so the rest can be checked.
    if (path === 'pipeline.stages[].actions[]' && p.stages[steps[2] as number]?.actions[steps[4] as number]?.invalid) return;
    // So is a condition one of whose rules had errors.
    if (path.endsWith('.conditions[]') && conditionOf(p.stages[steps[2] as number], steps[3])?.incomplete) return;
    const wrong = problem(field, value);
    if (wrong) {
      const place = locate(p, steps);
      const key = `${place.span.file.path}:${place.span.start}`;
      if (!reported.has(key)) {
        reported.add(key);
        diags.add('PC3034', `${place.owner}: ${fieldName(steps)} ${wrong} (CodePipeline API, ${field.shape})`, place.span);
      }
    }
    if (field.type === 'structure' && typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`, [...steps, k]);
    else if (field.type === 'list' && Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[]`, [...steps, i]));
    else if (field.type === 'map' && typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) {
        visit(k, `${path}{key}`, [...steps, k]);
        visit(v, `${path}{value}`, [...steps, k]);
      }
  };
  for (const [k, v] of Object.entries(input)) visit(v, k, [k]);
};
