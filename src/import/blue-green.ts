/**
 * Blue/green deploys read back from the actions the blue/green macro writes (docs/environments.md):
 * - Lambda: `Publish` (a Commands action that publishes a version and writes appspec.yml) then
 *   `Deploy` (CodeDeploy shifting the alias), written `lambda: {...}` with `blue-green:` naming the
 *   existing CodeDeploy application and group (their traffic and alarm settings are CodeDeploy's,
 *   not the pipeline's);
 * - CloudFormation: `Select-color`, `Create-green`, the `validate` steps, `Shift-traffic`,
 *   `Retire-blue`, written `cloudformation: {...}` with `blue-green: { routing, validate }`.
 * ECS and EC2 blue/green deploys are one CodeDeploy action each, which the plain deploy form
 * (`ecs-blue-green:`, `codedeploy:`) already says exactly and more briefly.
 */
import { isObject, type JsonObject } from '../live/json.js';
import { envOf } from './spec.js';
import { artifactNames, deployKindOf, readSteps, typedDeploy, type Named, type Place, type ReadContext } from './env-body.js';

/** A blue/green deploy: its value, how many phases it spans, and what the stage around it needs. */
export interface BlueGreenRead {
  deploy: Record<string, unknown>;
  length: number;
  /** The action that says where the deploy runs (its role and region). */
  main: JsonObject;
  /** The namespace `${deploy.Name}` reads in the steps after it. */
  variables?: string;
  onFailure?: Record<string, unknown>;
}

const ROLLBACK = { result: 'rollback' };

const single = (phase: readonly Named[] | undefined, base: string): JsonObject | undefined => (phase?.length === 1 && phase[0]?.base === base ? phase[0].action : undefined);
const provider = (a: JsonObject): string => (isObject(a.actionTypeId) ? `${String(a.actionTypeId.category)}/${String(a.actionTypeId.owner)}/${String(a.actionTypeId.provider)}` : '');

/** The plain environment of a Commands action, checking the place variables against the deploy's role and region. */
function helperEnv(a: JsonObject, main: JsonObject, ctx: ReadContext): Record<string, string> | undefined {
  if (provider(a) !== 'Compute/AWS/Commands' || a.roleArn !== undefined || a.region !== undefined || a.timeoutInMinutes !== undefined) return undefined;
  const env = envOf(a.environmentVariables);
  if (!env || Object.values(env).some((v) => typeof v !== 'string')) return undefined;
  const out = env as Record<string, string>;
  const region = typeof main.region === 'string' && main.region !== ctx.region ? main.region : undefined;
  if (out.AWS_DEFAULT_REGION !== region || out.DEPLOY_ROLE !== (typeof main.roleArn === 'string' ? main.roleArn : undefined)) return undefined;
  if (typeof main.region === 'string' && main.region === ctx.region) return undefined;
  delete out.AWS_DEFAULT_REGION;
  delete out.DEPLOY_ROLE;
  return out;
}

/** Reads the blue/green pattern starting at `phases[start]`, if there is one. */
export function readBlueGreen(phases: readonly (readonly Named[])[], start: number, place: Place, ctx: ReadContext): BlueGreenRead | undefined {
  return lambdaBlueGreen(phases, start, place, ctx) ?? cloudFormationBlueGreen(phases, start, place, ctx);
}

function lambdaBlueGreen(phases: readonly (readonly Named[])[], start: number, place: Place, ctx: ReadContext): BlueGreenRead | undefined {
  const publish = single(phases[start], 'Publish');
  const deploy = single(phases[start + 1], 'Deploy');
  if (!publish || !deploy || provider(deploy) !== 'Deploy/AWS/CodeDeploy' || deploy.namespace !== undefined || publish.namespace !== undefined || deploy.timeoutInMinutes !== undefined) return undefined;
  const env = helperEnv(publish, deploy, ctx);
  const config = isObject(deploy.configuration) ? deploy.configuration : {};
  const outputs = Array.isArray(publish.outputArtifacts) ? publish.outputArtifacts.filter(isObject) : [];
  const appspec = place.artifact('Publish');
  if (!env || outputs.length !== 1 || outputs[0]?.name !== appspec || JSON.stringify(outputs[0]?.files) !== '["appspec.yml"]') return undefined;
  if (JSON.stringify(artifactNames(deploy.inputArtifacts)) !== JSON.stringify([appspec]) || (Array.isArray(deploy.outputArtifacts) && deploy.outputArtifacts.length > 0)) return undefined;
  if (Object.keys(config).sort().join() !== 'ApplicationName,DeploymentGroupName') return undefined;
  const { FUNCTION: fn, ALIAS: alias, PACKAGE: pkg, PRE_TRAFFIC_HOOK: pre, POST_TRAFFIC_HOOK: post, ...other } = env;
  const inputs = artifactNames(publish.inputArtifacts);
  if (Object.keys(other).length > 0 || !fn || !alias || !pkg || inputs.length !== 1 || Array.isArray(publish.outputVariables)) return undefined;
  const artifact = inputs[0] as string;
  const block: Record<string, unknown> = { existing: true, application: String(config.ApplicationName), group: String(config.DeploymentGroupName) };
  if (artifact !== ctx.handoff[0] || pkg.includes('::')) block.package = `${artifact}::${pkg}`;
  else if (pkg !== 'function.zip') block.package = pkg;
  if (pre !== undefined || post !== undefined) block.hooks = { ...(pre !== undefined ? { 'pre-traffic': pre } : {}), ...(post !== undefined ? { 'post-traffic': post } : {}) };
  return { deploy: { lambda: { function: fn, alias }, 'blue-green': block }, length: 2, main: deploy };
}

/** A CloudFormation deploy's settings in the long form (`stack` inside), or undefined. */
function cfnSettings(a: JsonObject | undefined, ctx: ReadContext): Record<string, unknown> | undefined {
  if (!a || a.timeoutInMinutes !== undefined || (Array.isArray(a.outputArtifacts) && a.outputArtifacts.length > 0)) return undefined;
  const spec = typedDeploy(a, { ...ctx, explicitInputs: false });
  if (!spec || deployKindOf(spec) !== 'cloudformation') return undefined;
  const { cloudformation: stack, ...rest } = spec;
  if (typeof stack !== 'string') return undefined;
  return { stack, ...rest };
}

/** Settings without the colour parameter the pattern adds; undefined when it is not there as the pattern writes it. */
function withoutColor(s: Record<string, unknown>, param: string, idle: string): Record<string, unknown> | undefined {
  const params = s.parameters;
  if (!isObject(params as never) || (params as Record<string, unknown>)[param] !== idle) return undefined;
  const { [param]: _color, ...others } = params as Record<string, unknown>;
  const { parameters: _p, ...rest } = s;
  return Object.keys(others).length > 0 ? { ...rest, parameters: others } : rest;
}

function cloudFormationBlueGreen(phases: readonly (readonly Named[])[], start: number, place: Place, ctx: ReadContext): BlueGreenRead | undefined {
  const select = single(phases[start], 'Select-color');
  const greenAction = single(phases[start + 1], 'Create-green');
  if (!select || !greenAction) return undefined;
  const colorNs = place.namespace('color');
  const env = helperEnv(select, greenAction, ctx);
  if (!env || select.namespace !== colorNs || JSON.stringify(select.outputVariables) !== '["LIVE","IDLE"]' || (Array.isArray(select.outputArtifacts) && select.outputArtifacts.length > 0)) return undefined;
  if (Object.keys(env).sort().join() !== 'COLOR_OUTPUT,ROUTING_STACK' || JSON.stringify(artifactNames(select.inputArtifacts)) !== JSON.stringify(ctx.handoff.slice(0, 1))) return undefined;
  const param = env.COLOR_OUTPUT as string;
  const idle = `#{${colorNs}.IDLE}`;
  const green = cfnSettings(greenAction, ctx);
  const variables = typeof greenAction.namespace === 'string' ? greenAction.namespace : undefined;
  if (!green || !variables || typeof green.stack !== 'string' || !green.stack.endsWith(`-${idle}`)) return undefined;
  const app = withoutColor({ ...green, stack: green.stack.slice(0, -(idle.length + 1)) }, param, idle);
  let at = start + 2;
  let validate: Record<string, unknown> = {};
  if (!single(phases[at], 'Shift-traffic')) {
    const steps = readSteps(phases[at] ?? [], ctx, variables);
    if (!steps) return undefined;
    validate = steps;
    at++;
  }
  const shiftAction = single(phases[at], 'Shift-traffic');
  const retireAction = single(phases[at + 1], 'Retire-blue');
  const shift = cfnSettings(shiftAction, ctx);
  const retire = cfnSettings(retireAction, ctx);
  if (!app || !shift || !retire || !shiftAction || !retireAction || shift.stack !== env.ROUTING_STACK) return undefined;
  for (const a of [shiftAction, retireAction]) if (a.namespace !== undefined || JSON.stringify([a.roleArn, a.region]) !== JSON.stringify([greenAction.roleArn, greenAction.region])) return undefined;
  let routing = withoutColor(shift, param, idle);
  const stackRole = app['stack-role'];
  if (routing && stackRole !== undefined && routing['stack-role'] === stackRole) {
    const { 'stack-role': _same, ...rest } = routing;
    routing = rest;
  }
  const wantRetire = { stack: `${String(app.stack)}-#{${colorNs}.LIVE}`, mode: 'delete-only', ...(stackRole !== undefined ? { 'stack-role': stackRole } : {}) };
  if (!routing || JSON.stringify(retire) !== JSON.stringify(wantRetire)) return undefined;
  const block: Record<string, unknown> = { routing, validate };
  if (param !== 'Color') block['color-parameter'] = param;
  const deploy: Record<string, unknown> = { cloudformation: app, 'blue-green': block };
  if (variables !== place.namespace('deploy')) deploy.namespace = variables;
  return { deploy, length: at + 2 - start, main: greenAction, variables, onFailure: ROLLBACK };
}
