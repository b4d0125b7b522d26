import type { AlarmPlace } from './stage-settings.js';
import { providerByKind } from '../catalog/index.js';
import { check } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { ExAction, ExStage } from '../model.js';
import { ROLE_ARN } from '../schema/common.js';
import { Built, type Place } from '../positions.js';
import { blueGreenPlan, isBlueGreen, type DeployPlace, type DeployPlan } from './blue-green.js';
import { actionSource, placeKeys } from './blue-green-codedeploy.js';
import { inherit, type Effective } from './environment-entries.js';
import { DEFAULT_CROSS_ACCOUNT_ROLE, STAGE_SETTINGS, type Steps } from '../schema/environments.js';
import type { EnvEntry, PipelineInput } from '../schema/pipeline-input.js';
import type { OnFailure } from '../schema/pipeline.js';
import { handoff, wireArtifacts } from './handoff.js';
import type { MacroContext } from './index.js';
import { interpolateEnv, OnceReporter, readsDeploy, refuseDeployRefs, type EnvFacts } from './interpolate.js';
import { inOrder, inWaves, type Phase } from './layout.js';
import { pipelineFacts, type PipelineFacts } from './promotion.js';
import { approvalAction, isProduction, refuseOnMember, stageConditions, warnUnapproved } from './stage-settings.js';
import { stepActions } from './steps.js';
import { deployKind, type Obj, type Placed } from './values.js';

/**
 * `environments:` a promotion path. Each environment becomes a stage after the other macro stages,
 * in order; a `wave:` entry deploys several environments in one stage. An environment inherits what
 * the one before it deploys and where (`deploy`, `account`, `region`, `role`, `before`, `after`),
 * overriding any of it; `${env}`, `${env.account}` and `${env.region}` are filled in per environment.
 */
export function environmentsMacro(p: PipelineInput, diags: Diagnostics, ctx: MacroContext): ExStage[] | undefined {
  const facts = pipelineFacts(p);
  const input = p.environments;
  if (!input) return undefined;
  const span = p.at.node();
  const report = new OnceReporter(diags);
  const effective = inherit(input.entries, diags);
  const given = handoff(ctx.stages, facts.connection, span);
  const handoffs = given.artifacts;
  const artifacts = new Map<ExAction, string>();
  const stages: ExStage[] = [];
  for (const unit of input.units) {
    if (unit.wave === undefined) {
      const [entry] = unit.members;
      const eff = entry && effective.get(entry);
      if (!entry || !eff) continue;
      const built = buildEnvironment(entry, eff, facts, handoffs, report, diags, ctx, '');
      if (!built) continue;
      const envFacts = factsOf(entry.name, eff.value, facts);
      const placed = { value: entry.env, at: entry.at };
      const approval = approvalAction(placed, envFacts, report);
      if (isProduction(entry.env, entry.name)) warnUnapproved(placed, 'environment', entry.name, diags);
      for (const [a, base] of built.plan.artifacts) artifacts.set(a, base);
      stages.push({
        name: entry.name,
        actions: inOrder([approval ? [approval] : [], ...built.phases]),
        ...stageConditions(placed, envFacts, report, built.plan.onFailure, [built.where]),
        span: entry.at.node(),
        macro: 'environments',
        origin: `environment '${entry.name}'${built.plan.label ? `, ${built.plan.label}` : ''}`,
      });
      continue;
    }
    const { value: wave, at: waveAt } = unit.wave;
    const waveName = String(wave.wave);
    const members: Phase[][] = [];
    let fallbackFailure: OnFailure | undefined;
    const places: AlarmPlace[] = [];
    let production = isProduction(wave, waveName);
    for (const entry of unit.members) {
      refuseOnMember({ value: entry.env, at: entry.at }, entry.name, waveName, STAGE_SETTINGS, diags);
      production ||= isProduction(entry.env, entry.name);
      const eff = effective.get(entry);
      if (!eff) continue;
      const built = buildEnvironment(entry, eff, facts, handoffs, report, diags, ctx, entry.name);
      if (!built) continue;
      for (const [a, base] of built.plan.artifacts) artifacts.set(a, base);
      fallbackFailure ??= built.plan.onFailure;
      places.push(built.where);
      members.push(built.phases);
    }
    if (production) warnUnapproved(unit.wave, 'wave', waveName, diags);
    const waveFacts: EnvFacts = {
      name: waveName,
      ...(facts.account ? { account: facts.account } : {}),
      ...(facts.region ? { region: facts.region } : {}),
      ...(facts.accountUnreadable ? { unreadable: ['account' as const] } : {}),
    };
    const approval = approvalAction(unit.wave, waveFacts, report);
    const atATime = wave['at-a-time'];
    stages.push({
      name: waveName,
      actions: inWaves(approval ? [approval] : [], members, atATime),
      ...stageConditions(unit.wave, waveFacts, report, fallbackFailure, wavePlaces(places)),
      span: waveAt.node(),
      macro: 'environments',
      origin: `wave '${waveName}' (${unit.members.map((m) => m.name).join(', ')})${atATime ? `, ${atATime} at a time` : ''}`,
    });
  }
  const wired = wireArtifacts(stages, handoffs, artifacts, facts.connection, span, given.skipped ? { build: given.skipped, diags } : undefined);
  for (const [region, store] of facts.addedStores) ctx.stores[region] = store;
  return wired;
}

/** The distinct places a wave's environments deploy to, in order: its alarms are watched in each. */
function wavePlaces(places: AlarmPlace[]): AlarmPlace[] {
  const seen = new Map<string, AlarmPlace>();
  for (const p of places) if (!seen.has(`${p.role ?? ''}|${p.region ?? ''}`)) seen.set(`${p.role ?? ''}|${p.region ?? ''}`, p);
  return seen.size > 0 ? [...seen.values()] : [{}];
}

function factsOf(name: string, eff: Effective, facts: PipelineFacts): EnvFacts {
  const account = eff.account ?? facts.account;
  const region = eff.region ?? facts.region;
  const unreadable = eff.account === undefined && facts.accountUnreadable ? { unreadable: ['account' as const] } : {};
  return { name, ...(account ? { account } : {}), ...(region ? { region } : {}), ...unreadable };
}

/** One environment's phases: its `before` steps, the deploy (one action, or the blue/green pattern), its `after` steps. */
function buildEnvironment(entry: EnvEntry, effective: Placed<Effective>, facts: PipelineFacts, handoff: readonly string[], report: OnceReporter, diags: Diagnostics, ctx: MacroContext, prefix: string): { phases: Phase[]; plan: DeployPlan; where: AlarmPlace } | undefined {
  const name = entry.name;
  const { value: eff, at: effAt } = effective;
  const at = entry.at.node();
  if (eff.deploy === undefined) {
    diags.add('PC2003', `environment '${name}' has nothing to deploy: give it 'deploy' (later environments inherit it)`, entry.at.child('name'));
    return undefined;
  }
  for (const k of ['role', 'region'])
    if (eff.deploy[k] !== undefined) {
      report.add('PC2008', `deploy.${k}`, `an environment's deploy runs where the environment says: set '${k}' on the environment, not in 'deploy'`, effAt.child('deploy').key(k));
      return undefined;
    }
  const env = factsOf(name, eff, facts);
  const crossAccount = eff.account !== undefined && eff.account !== facts.account;
  const crossRegion = eff.region !== undefined && eff.region !== facts.region;
  // Where the role comes from: the environment's own, promotion.cross-account-role, else its account.
  const roleAt = eff.role !== undefined ? effAt.child('role') : (facts.crossAccountRoleSpan ?? new Built(effAt.key('account')));
  let role = eff.role !== undefined ? interpolateEnv(eff.role, env, report, roleAt) : crossAccount ? interpolateEnv(facts.crossAccountRole ?? DEFAULT_CROSS_ACCOUNT_ROLE, env, report, roleAt) : undefined;
  // The role is known only now, with `${env.account}` filled in: checked here, where the environment's place is known.
  if (role !== undefined && !role.includes('${') && !check(diags, ROLE_ARN(), role, 'role', roleAt)) role = undefined;
  const region = crossRegion ? eff.region : undefined;
  if (region) facts.needStore(region, effAt.key('region'));
  if (crossAccount) facts.needKey(region, name, effAt.key('account'), report);
  const key = prefix || name;
  const place: DeployPlace = {
    macro: 'environments',
    pipeline: facts.name,
    key: name,
    actionName: (b) => (prefix ? `${prefix}.${b}` : b),
    artifactName: (b) => `${b}-${key}`,
    namespace: (b) => `${key}-${b}`,
    ...(role !== undefined ? { role } : {}),
    ...(region ? { region } : {}),
    placeSource: eff,
    placeSourceAt: effAt,
    elsewhere: crossAccount || crossRegion,
    handoff,
    report,
    at: effAt.child('deploy'),
  };
  // Interpolated copies have the shape of what they copy, and so its place.
  const deploy = { value: interpolateEnv(eff.deploy, env, report, place.at), at: place.at };
  const after = interpolateEnv(eff.after, env, report, effAt.child('after'));
  const plan = isBlueGreen(deploy.value) ? blueGreenPlan(deploy, place, diags) : plainDeploy(deploy, place, readsDeploy(after));
  if (!plan) return undefined;
  ctx.deploymentGroups.push(...plan.groups);
  const steps = (value: Steps | null | undefined, which: 'before' | 'after'): Phase => {
    if (!value) return [];
    const actions = stepActions({ value, at: effAt.child(which) }, {
      macro: 'environments',
      actionName: place.actionName,
      ...(which === 'after' && plan.variables ? { deployNamespace: plan.variables } : {}),
      refuse: which === 'before' ? "is in a 'before' step, which runs before the deploy; read it in 'after'" : 'reads an output variable, but only CloudFormation deploys have them',
      report,
    });
    for (const a of actions) plan.artifacts.set(a, place.artifactName(a.name.slice(a.name.lastIndexOf('.') + 1)));
    return actions;
  };
  const before = steps(interpolateEnv(eff.before, env, report, effAt.child('before')), 'before');
  return { phases: [before, ...plan.phases, steps(after, 'after')], plan, where: { ...(place.role ? { role: place.role } : {}), ...(place.region ? { region: place.region } : {}) } };
}

/** A deploy that is not blue/green: one action, with a namespace when `after` steps read its variables. */
function plainDeploy({ value: deploy, at: deployAt }: Placed<Obj>, place: DeployPlace, read: boolean): DeployPlan {
  const kind = deployKind(deploy);
  const spec = Object.fromEntries(Object.entries(deploy).filter(([k]) => k !== 'namespace' && k !== 'inputs'));
  refuseDeployRefs(spec, 'is read by the deploy itself; only its environment\'s \'after\' steps can read it', place.report, deployAt);
  const variables = kind !== undefined && providerByKind('Deploy', kind)?.stackOutputs ? (typeof deploy.namespace === 'string' ? deploy.namespace : read ? place.namespace('deploy') : undefined) : undefined;
  const inputs = deploy.inputs;
  const placed = actionSource(place);
  const sourceAt = new Built(placed.at, new Map([...placed.keys, ...['namespace', 'inputs'].filter((k) => Object.prototype.hasOwnProperty.call(deploy, k)).map((k): [string, Place] => [k, deployAt.child(k)])]));
  const action: ExAction = {
    name: place.actionName('Deploy'),
    kind: 'deploy',
    spec,
    ...(inputs !== undefined ? { inputs: (Array.isArray(inputs) ? inputs : [inputs]).map(String) } : {}),
    ...(variables ? { namespace: variables } : typeof deploy.namespace === 'string' ? { namespace: deploy.namespace } : {}),
    ...placeKeys(place),
    runOrder: 1,
    source: {},
    sourceAt,
    specAt: deployAt,
    span: place.at,
    macro: place.macro,
  };
  return { phases: [[action]], ...(variables ? { variables } : {}), groups: [], artifacts: new Map([[action, place.artifactName('Deploy')]]), label: '' };
}

