/**
 * What one environment deploys, read back from the actions the environments macro (or the
 * pipeline's own `deploy:`) wrote for it: `before` steps, the deploy (one action, or a blue/green
 * pattern, see blue-green.ts) and `after` steps. Only the shapes the macros write are recognised;
 * whether the result compiles to the same actions is the round trip's to decide.
 */
import { PROVIDERS } from '../compiler/catalog/index.js';
import { isObject, type JsonObject } from '../live/json.js';
import { readBlueGreen } from './blue-green.js';
import { importSpec } from './spec.js';

/** How the macro names what it writes for one deploy: an environment's (`key`) or the pipeline's own (`key` ''). */
export interface Place {
  key: string;
  namespace: (base: string) => string;
  artifact: (base: string) => string;
}

/** The naming of an environment's actions, or (no name) of the pipeline's own `deploy:`. */
export function placeFor(env: string | undefined): Place {
  if (env === undefined) return { key: '', namespace: (b) => b, artifact: (b) => b };
  return { key: env, namespace: (b) => `${env}-${b}`, artifact: (b) => `${b}-${env}` };
}

/** What reading needs to know about the pipeline. */
export interface ReadContext {
  connection?: string;
  /** The pipeline's region. */
  region?: string;
  /** The artifacts the stages before hand over (what deploys read by default). */
  handoff: readonly string[];
  /** Write every deploy's and step's inputs (when the defaults did not round-trip). */
  explicitInputs: boolean;
  /** Recognise blue/green patterns (off when they did not round-trip). */
  blueGreen: boolean;
}

/** An environment's deploy and steps, in pipeline.yml terms. */
export interface Body {
  deploy: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** The deploy's role and region (region only when not the pipeline's). */
  role?: string;
  region?: string;
  /** The stage's on-failure the deploy brings itself (CloudFormation blue/green rolls back). */
  onFailure?: Record<string, unknown>;
}

/** One action with the name the macro gave it before a wave's `<env>.` prefix. */
export interface Named {
  base: string;
  action: JsonObject;
}

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
/** Names of an action's input or output artifacts. */
export const artifactNames = (v: unknown): string[] => list(v).map((x) => String(x.name));
const DEPLOY_KINDS = new Set(PROVIDERS.Deploy.map((p) => p.kind));

/** An action without the keys steps cannot set (role, region, namespace, timeout, outputs). */
export function plainAction(a: JsonObject): boolean {
  return a.roleArn === undefined && a.region === undefined && a.namespace === undefined && a.timeoutInMinutes === undefined && list(a.outputArtifacts).length === 0;
}

const VARIABLE = /#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_-]+)\}/g;

/** `#{namespace.Name}` of the deploy's namespace as `${deploy.Name}`, in every string of a value. */
export function fromVariables(value: unknown, namespace: string): unknown {
  if (typeof value === 'string') return value.replace(VARIABLE, (whole, ns: string, name: string) => (ns === namespace ? `\${deploy.${name}}` : whole));
  if (Array.isArray(value)) return value.map((v) => fromVariables(v, namespace));
  if (isObject(value as never)) return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromVariables(v, namespace)]));
  return value;
}

/** Whether any string of a value reads `${deploy.Name}`. */
export function readsDeploy(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('${deploy.');
}

/** Steps (before, after, validate) by name; undefined when an action is no step the macros write. */
export function readSteps(actions: readonly Named[], ctx: ReadContext, deployNamespace: string | undefined): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const { base, action: a } of actions) {
    const st = importSpec(a, ctx.connection, false);
    if ((st.kind !== 'test' && st.kind !== 'invoke') || !st.typed || st.notes.length > 0 || !plainAction(a) || typeof st.spec !== 'object' || st.spec === null) return undefined;
    if (Object.hasOwn(out, base)) return undefined;
    let spec = st.spec as Record<string, unknown>;
    if (deployNamespace !== undefined) spec = fromVariables(spec, deployNamespace) as Record<string, unknown>;
    if (ctx.explicitInputs) spec = { ...spec, inputs: artifactNames(a.inputArtifacts) };
    out[base] = spec;
  }
  return out;
}

/** The provider key of a deploy value (`cloudformation`, `ecs`, ...). */
export function deployKindOf(spec: Record<string, unknown>): string | undefined {
  const kinds = Object.keys(spec).filter((k) => DEPLOY_KINDS.has(k) || k === 'lambda' || k === 'servers');
  return kinds.length === 1 ? kinds[0] : undefined;
}

/** A typed deploy spec of one action, with `<handoff>::` dropped from its file settings (the default artifact). */
export function typedDeploy(a: JsonObject, ctx: ReadContext): Record<string, unknown> | undefined {
  const spec = importSpec(a, ctx.connection, false);
  if (spec.kind !== 'deploy' || !spec.typed || spec.notes.length > 0 || typeof spec.spec !== 'object' || spec.spec === null) return undefined;
  const out = { ...(spec.spec as Record<string, unknown>) };
  const inputs = artifactNames(a.inputArtifacts);
  const first = ctx.handoff[0];
  if (first !== undefined && inputs[0] === first && !ctx.explicitInputs) {
    const prefix = `${first}::`;
    for (const [k, v] of Object.entries(out)) if (typeof v === 'string' && v.startsWith(prefix) && v.length > prefix.length && !v.slice(prefix.length).includes('::')) out[k] = v.slice(prefix.length);
  }
  return out;
}

/** The one-action deploy `Deploy`, with `after` steps reading its output variables as `${deploy.Name}`. */
function plainDeploy(d: JsonObject, afterActions: readonly Named[], place: Place, ctx: ReadContext): { deploy: Record<string, unknown>; after: Record<string, unknown> } | undefined {
  if (d.timeoutInMinutes !== undefined || list(d.outputArtifacts).length > 0) return undefined;
  const deploy = typedDeploy(d, ctx);
  const kind = deploy && deployKindOf(deploy);
  if (!deploy || !kind) return undefined;
  const ns = typeof d.namespace === 'string' ? d.namespace : undefined;
  const after = readSteps(afterActions, ctx, kind === 'cloudformation' ? ns : undefined);
  if (!after) return undefined;
  // the macro names the namespace itself when steps read the deploy's variables
  if (ns !== undefined && !(kind === 'cloudformation' && ns === place.namespace('deploy') && readsDeploy(after))) deploy.namespace = ns;
  if (ctx.explicitInputs) deploy.inputs = artifactNames(d.inputArtifacts);
  return { deploy, after };
}

/**
 * Reads an environment's phases (its actions grouped by run order, approval excluded): optional
 * `before` steps, the deploy, optional `after` steps. Undefined when they are not that shape.
 */
export function readBody(phases: readonly (readonly Named[])[], place: Place, ctx: ReadContext): Body | undefined {
  for (const start of [0, 1]) {
    const before = start === 1 ? readSteps(phases[0] ?? [], ctx, undefined) : {};
    if (!before) continue;
    const body = readDeployAt(phases, start, place, ctx);
    if (body) return { ...body, before };
  }
  return undefined;
}

function readDeployAt(phases: readonly (readonly Named[])[], start: number, place: Place, ctx: ReadContext): Omit<Body, 'before'> | undefined {
  const first = phases[start];
  const where = (a: JsonObject): { role?: string; region?: string } => ({
    ...(typeof a.roleArn === 'string' ? { role: a.roleArn } : {}),
    ...(typeof a.region === 'string' && a.region !== ctx.region ? { region: a.region } : {}),
  });
  if (first?.length === 1 && first[0]?.base === 'Deploy') {
    const rest = phases.slice(start + 1);
    if (rest.length > 1) return undefined;
    const d = first[0].action;
    const read = plainDeploy(d, rest[0] ?? [], place, ctx);
    return read ? { ...read, ...where(d) } : undefined;
  }
  if (!ctx.blueGreen) return undefined;
  const bg = readBlueGreen(phases, start, place, ctx);
  if (!bg) return undefined;
  const rest = phases.slice(start + bg.length);
  if (rest.length > 1) return undefined;
  const after = readSteps(rest[0] ?? [], ctx, bg.variables);
  if (!after) return undefined;
  return { deploy: bg.deploy, after, ...where(bg.main), ...(bg.onFailure ? { onFailure: bg.onFailure } : {}) };
}

/** Actions grouped by run order; undefined unless the orders are `from`, `from + 1`, ... */
export function phasesOf(actions: readonly Named[], from: number): Named[][] | undefined {
  const order = (n: Named): number => (typeof n.action.runOrder === 'number' ? n.action.runOrder : 1);
  const orders = [...new Set(actions.map(order))].sort((a, b) => a - b);
  if (!orders.every((o, i) => o === from + i)) return undefined;
  return orders.map((o) => actions.filter((n) => order(n) === o));
}
