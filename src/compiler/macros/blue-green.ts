import { z } from 'zod';
import { check } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { ExAction, ExStage } from '../model.js';
import type { Span } from '../source.js';
import { choices } from '../suggest.js';
import { keySpan, setSpan, spanOf, valueSpan } from '../positions.js';
import { yamlBoolean } from '../yaml-data.js';
import { cloudFormationBlueGreen } from './blue-green-cloudformation.js';
import { codeDeployBlueGreen } from './blue-green-codedeploy.js';
import { handoff, wireArtifacts } from './handoff.js';
import type { MacroContext } from './index.js';
import { OnceReporter } from './interpolate.js';
import { inOrder, type Phase } from './layout.js';
import { deployKind, isObj, longDeploy, rebuild, roleAccount, type Obj } from './values.js';

/** Where a blue/green deploy runs and how the actions it writes are named. */
export interface DeployPlace {
  macro: string;
  pipeline: string;
  /** The environment's name, or '' for the pipeline's own `deploy:`. */
  key: string;
  /** Names an action (a wave's environments prefix theirs with the environment's name). */
  actionName: (base: string) => string;
  /** Names an artifact, unique in the pipeline. */
  artifactName: (base: string) => string;
  /** Names a variable namespace, unique in the pipeline. */
  namespace: (base: string) => string;
  /** The action role and region (set when the deploy is in another account or region). */
  role?: string;
  region?: string;
  /** The mapping whose `role` and `region` keys the actions point at. */
  placeSource: Obj;
  /** The deploy is in another account or region than the pipeline, where pipec creates no CodeDeploy groups. */
  elsewhere: boolean;
  /** The artifacts the build handed over (the default package, image, templates). */
  handoff: readonly string[];
  report: OnceReporter;
  /** The deploy mapping as written. */
  at: Span;
}

/** What a deploy becomes: the phases of its stage, and what else the pipeline needs for it. */
export interface DeployPlan {
  phases: Phase[];
  /** The namespace `${deploy.Name}` reads, when the deploy has output variables. */
  variables?: string;
  /** `deployment-groups:` entries (explicit form) the cloudformation target creates. */
  groups: Obj[];
  /** The stage's `on-failure` (the four-step pattern rolls back). */
  onFailure?: Obj;
  /** The output artifact name of each action, for the artifact wiring. */
  artifacts: Map<ExAction, string>;
  /** For `pipec expand` comments. */
  label: string;
}

/** Whether a deploy value asks for blue/green (`strategy: blue-green` or a `blue-green:` block). */
export function isBlueGreen(deploy: unknown): boolean {
  return isObj(deploy) && (deploy.strategy !== undefined || deploy['blue-green'] !== undefined);
}

const STRATEGY = z.literal('blue-green');

/** The kinds of deploy that have a blue/green form, and what each becomes. */
export const BLUE_GREEN_FORMS: Readonly<Record<string, string>> = {
  ecs: 'CodeDeployToECS with a blue/green deployment group',
  lambda: 'a published version and a CodeDeploy traffic shift of the alias',
  servers: 'CodeDeploy to an EC2/on-premises blue/green deployment group',
  cloudformation: 'create green, validate green, shift traffic, retire blue',
};

/** Turns a blue/green deploy (long form, `${env}` filled in) into the phases of its stage. */
export function blueGreenPlan(deploy: Obj, place: DeployPlace, diags: Diagnostics): DeployPlan | undefined {
  const at = keySpan(deploy, 'blue-green' in deploy ? 'blue-green' : 'strategy') ?? place.at;
  if (deploy.strategy !== undefined && !check(diags, STRATEGY, deploy.strategy, 'strategy', valueSpan(deploy, 'strategy') ?? at)) return undefined;
  const block = deploy['blue-green'] === undefined || yamlBoolean(deploy['blue-green']) === true ? setSpan({}, at) : deploy['blue-green'];
  if (!isObj(block)) {
    diags.add('PC2002', `'blue-green' must be a mapping of settings (or true), not ${Array.isArray(block) ? 'a list' : typeof block}`, valueSpan(deploy, 'blue-green') ?? at);
    return undefined;
  }
  const kind = deployKind(deploy);
  // Own keys only: a deploy keyed 'toString' is no blue/green form.
  if (!kind || !Object.hasOwn(BLUE_GREEN_FORMS, kind)) {
    const hint = kind === 'ecs-blue-green' || kind === 'codedeploy' ? `; '${kind}' is already a CodeDeploy action, use it without 'strategy'` : '';
    place.report.add('PC5006', `kind:${kind ?? ''}`, `blue/green deploys are ${choices(Object.keys(BLUE_GREEN_FORMS))}${kind ? `, not '${kind}'${hint}` : ''}`, kind ? (keySpan(deploy, kind) ?? at) : (spanOf(deploy) ?? at), {
      suggestion: kind === 'ec2' || kind === 'codedeploy' ? "for EC2 instances behind a load balancer write 'servers: { auto-scaling-groups: [...], target-group: ... }'" : `for example: deploy: { ecs: { cluster: main, service: web }, blue-green: { container: web, ... } }`,
    });
    return undefined;
  }
  const settings = deploy[kind];
  if (kind === 'cloudformation') return cloudFormationBlueGreen(isObj(settings) ? settings : setSpan({}, at), block, deploy, place, diags, at);
  return codeDeployBlueGreen(kind as 'ecs' | 'lambda' | 'servers', isObj(settings) ? settings : setSpan({}, at), block, place, diags, at);
}

/** `deploy:` with `strategy: blue-green` (or `blue-green:`) becomes a "Deploy" stage of the blue/green pattern of its kind. */
export function blueGreenMacro(p: Record<string, unknown>, span: Span, diags: Diagnostics, ctx: MacroContext): ExStage | undefined {
  if (!isBlueGreen(p.deploy)) return undefined;
  const deploy = longDeploy(p.deploy as Obj);
  const at = valueSpan(p, 'deploy') ?? span;
  const connection = ctx.settings.connection;
  const given = handoff(ctx.stages, connection, span);
  const handoffs = given.artifacts;
  const role = typeof deploy.role === 'string' ? deploy.role : undefined;
  const region = typeof deploy.region === 'string' ? deploy.region : undefined;
  const account = ctx.settings.account ?? roleAccount(ctx.settings.role);
  const place: DeployPlace = {
    macro: 'blue-green',
    pipeline: typeof p.name === 'string' ? p.name : 'pipeline',
    key: '',
    actionName: (b) => b,
    artifactName: (b) => b,
    namespace: (b) => b,
    ...(role ? { role } : {}),
    ...(region ? { region } : {}),
    placeSource: deploy,
    elsewhere: (region !== undefined && region !== ctx.settings.region) || (role !== undefined && roleAccount(role) !== account),
    handoff: handoffs,
    report: new OnceReporter(diags),
    at,
  };
  const plan = blueGreenPlan(deploy, place, diags);
  if (!plan) return undefined;
  ctx.deploymentGroups.push(...plan.groups);
  const stage: ExStage = {
    name: 'Deploy',
    actions: inOrder(plan.phases),
    ...(plan.onFailure ? { onFailure: plan.onFailure } : {}),
    // The stage's on-failure (four-step rollback) points at the deploy that asked for blue/green.
    source: rebuild(undefined, [], at),
    span: keySpan(p, 'deploy') ?? span,
    macro: 'blue-green',
    origin: plan.label,
  };
  return wireArtifacts([stage], handoffs, plan.artifacts, connection, span, given.skipped ? { build: given.skipped, diags } : undefined)[0];
}
