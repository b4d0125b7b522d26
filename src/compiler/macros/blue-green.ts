import { check } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { ExAction, ExStage } from '../model.js';
import type { Span } from '../source.js';
import { madeAt, type Place } from '../positions.js';
import { choices } from '../suggest.js';
import { yamlBoolean } from '../yaml-data.js';
import { cloudFormationBlueGreen } from './blue-green-cloudformation.js';
import { codeDeployBlueGreen } from './blue-green-codedeploy.js';
import { handoff, wireArtifacts } from './handoff.js';
import { STRATEGY } from '../schema/blue-green.js';
import type { PipelineInput } from '../schema/pipeline-input.js';
import type { OnFailure } from '../schema/pipeline.js';
import type { MacroContext } from './index.js';
import { OnceReporter } from './interpolate.js';
import { inOrder, type Phase } from './layout.js';
import { deployKind, isObj, longDeploy, roleAccount, type Obj, type Placed } from './values.js';

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
  /** The mapping whose `role` and `region` keys the actions point at, and where it is. */
  placeSource: Obj;
  placeSourceAt: Place;
  /** The deploy is in another account or region than the pipeline, where pipec creates no CodeDeploy groups. */
  elsewhere: boolean;
  /** The artifacts the build handed over (the default package, image, templates). */
  handoff: readonly string[];
  report: OnceReporter;
  /** The deploy mapping as written. */
  at: Place;
}

/** What a deploy becomes: the phases of its stage, and what else the pipeline needs for it. */
export interface DeployPlan {
  phases: Phase[];
  /** The namespace `${deploy.Name}` reads, when the deploy has output variables. */
  variables?: string;
  /** `deployment-groups:` entries (explicit form, checked by DEPLOYMENT_GROUP as written ones are) the cloudformation target creates, each at the deploy that asked for it. */
  groups: Array<{ group: Obj; at: Place }>;
  /** The stage's `on-failure` (the four-step pattern rolls back). */
  onFailure?: OnFailure;
  /** The output artifact name of each action, for the artifact wiring. */
  artifacts: Map<ExAction, string>;
  /** For `pipec expand` comments. */
  label: string;
}

/** Whether a deploy value asks for blue/green (`strategy: blue-green` or a `blue-green:` block). */
export function isBlueGreen(deploy: unknown): deploy is Obj {
  return isObj(deploy) && (deploy.strategy !== undefined || deploy['blue-green'] !== undefined);
}

/** The kinds of deploy that have a blue/green form, and what each becomes. */
export const BLUE_GREEN_FORMS: Readonly<Record<string, string>> = {
  ecs: 'CodeDeployToECS with a blue/green deployment group',
  lambda: 'a published version and a CodeDeploy traffic shift of the alias',
  servers: 'CodeDeploy to an EC2/on-premises blue/green deployment group',
  cloudformation: 'create green, validate green, shift traffic, retire blue',
};

/** Turns a blue/green deploy (long form, `${env}` filled in) into the phases of its stage. */
export function blueGreenPlan({ value: deploy, at: deployAt }: Placed<Obj>, place: DeployPlace, diags: Diagnostics): DeployPlan | undefined {
  const at = deployAt.key('blue-green' in deploy ? 'blue-green' : 'strategy');
  if (deploy.strategy !== undefined && !check(diags, STRATEGY(), deploy.strategy, 'strategy', deployAt.child('strategy'))) return undefined;
  const made = deploy['blue-green'] === undefined || yamlBoolean(deploy['blue-green']) === true;
  const block = made ? {} : deploy['blue-green'];
  const blockAt = made ? madeAt(at) : deployAt.child('blue-green');
  if (!isObj(block)) {
    diags.add('PC2002', `'blue-green' must be a mapping of settings (or true), not ${Array.isArray(block) ? 'a list' : typeof block}`, deployAt.child('blue-green'));
    return undefined;
  }
  const kind = deployKind(deploy);
  // Own keys only: a deploy keyed 'toString' is no blue/green form.
  if (!kind || !Object.hasOwn(BLUE_GREEN_FORMS, kind)) {
    const hint = kind === 'ecs-blue-green' || kind === 'codedeploy' ? `; '${kind}' is already a CodeDeploy action, use it without 'strategy'` : '';
    place.report.add('PC5006', `kind:${kind ?? ''}`, `blue/green deploys are ${choices(Object.keys(BLUE_GREEN_FORMS))}${kind ? `, not '${kind}'${hint}` : ''}`, kind ? deployAt.key(kind) : deployAt.node(), {
      suggestion: kind === 'ec2' || kind === 'codedeploy' ? "for EC2 instances behind a load balancer write 'servers: { auto-scaling-groups: [...], target-group: ... }'" : `for example: deploy: { ecs: { cluster: main, service: web }, blue-green: { container: web, ... } }`,
    });
    return undefined;
  }
  const written = deploy[kind];
  const settings: Placed<Obj> = isObj(written) ? { value: written, at: deployAt.child(kind) } : { value: {}, at: madeAt(at) };
  if (kind === 'cloudformation') return cloudFormationBlueGreen(settings, { value: block, at: blockAt }, deploy, place, diags, at);
  return codeDeployBlueGreen(kind as 'ecs' | 'lambda' | 'servers', settings, { value: block, at: blockAt }, place, diags, at);
}

/** `deploy:` with `strategy: blue-green` (or `blue-green:`) becomes a "Deploy" stage of the blue/green pattern of its kind. */
export function blueGreenMacro({ read: p, at: pAt, settings }: PipelineInput, diags: Diagnostics, ctx: MacroContext): ExStage | undefined {
  if (!isBlueGreen(p.deploy)) return undefined;
  const at = pAt.child('deploy');
  const long = longDeploy({ value: p.deploy, at });
  const deploy = long.value;
  const span: Span = pAt.node();
  const connection = settings.connection;
  const given = handoff(ctx.stages, connection, span);
  const handoffs = given.artifacts;
  const role = typeof deploy.role === 'string' ? deploy.role : undefined;
  const region = typeof deploy.region === 'string' ? deploy.region : undefined;
  const account = settings.account ?? roleAccount(settings.role);
  const place: DeployPlace = {
    macro: 'blue-green',
    pipeline: p.name ?? 'pipeline',
    key: '',
    actionName: (b) => b,
    artifactName: (b) => b,
    namespace: (b) => b,
    ...(role ? { role } : {}),
    ...(region ? { region } : {}),
    placeSource: deploy,
    placeSourceAt: long.at,
    elsewhere: (region !== undefined && region !== settings.region) || (role !== undefined && roleAccount(role) !== account),
    handoff: handoffs,
    report: new OnceReporter(diags),
    at,
  };
  const plan = blueGreenPlan(long, place, diags);
  if (!plan) return undefined;
  ctx.deploymentGroups.push(...plan.groups);
  const stage: ExStage = {
    name: 'Deploy',
    actions: inOrder(plan.phases),
    ...(plan.onFailure ? { onFailure: plan.onFailure } : {}),
    // The stage's on-failure (four-step rollback) points at the deploy that asked for blue/green.
    source: {},
    sourceAt: madeAt(at),
    span: pAt.key('deploy'),
    macro: 'blue-green',
    origin: plan.label,
  };
  return wireArtifacts([stage], handoffs, plan.artifacts, connection, span, given.skipped ? { build: given.skipped, diags } : undefined)[0];
}
