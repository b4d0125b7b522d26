import { z } from 'zod';
import { check, salvage } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { ExAction, ExStage } from '../model.js';
import { ROLE_ARN } from '../schema/common.js';
import type { Span } from '../source.js';
import { didYouMean } from '../suggest.js';
import { copyKeySpan, keySpan, spanOf, valueSpan } from '../tree.js';
import { blueGreenPlan, isBlueGreen, type DeployPlace, type DeployPlan } from './blue-green.js';
import { actionSource, placeKeys } from './blue-green-codedeploy.js';
import { DEFAULT_CROSS_ACCOUNT_ROLE, ENVIRONMENT, STAGE_SETTINGS, WAVE } from './environment-schema.js';
import { handoffArtifacts, wireArtifacts } from './handoff.js';
import type { MacroContext } from './index.js';
import { interpolateEnv, OnceReporter, readsDeploy, refuseDeployRefs, type EnvFacts } from './interpolate.js';
import { inOrder, inWaves, type Phase } from './layout.js';
import { pipelineFacts, type PipelineFacts } from './promotion.js';
import { approvalAction, isProduction, refuseOnMember, stageConditions, warnUnapproved } from './stage-settings.js';
import { stepActions } from './steps.js';
import { deployKind, isObj, mergeDeploy, put, rebuild, type Obj } from './values.js';

/** What a later environment takes from the one before it (stage settings such as approvals are never inherited). */
const INHERITED = ['account', 'region', 'role', 'deploy', 'before', 'after'] as const;

interface EnvEntry {
  /** The environment's mapping (its readable keys, when some had errors). */
  env: Obj;
  /** The mapping as written in `environments:`. */
  item: unknown;
  name: string;
  wave?: string;
}

/**
 * `environments:` a promotion path. Each environment becomes a stage after the other macro stages,
 * in order; a `wave:` entry deploys several environments in one stage. An environment inherits what
 * the one before it deploys and where (`deploy`, `account`, `region`, `role`, `before`, `after`),
 * overriding any of it; `${env}`, `${env.account}` and `${env.region}` are filled in per environment.
 */
export function environmentsMacro(p: Record<string, unknown>, span: Span, diags: Diagnostics, ctx: MacroContext): ExStage[] | undefined {
  const facts = pipelineFacts(p, ctx.shared, diags);
  if (p.environments === undefined) return undefined;
  const where = keySpan(p, 'environments') ?? span;
  if (p.deploy !== undefined) {
    diags.add('PC2008', "use 'deploy' for one deploy stage or 'environments' for a promotion path, not both", where, {
      suggestion: "move the deploy settings into the first environment: environments: [ { name: dev, deploy: ... } ]",
    });
    return undefined;
  }
  if (p.source === undefined && p.sources === undefined) {
    diags.add('PC2003', "'environments' needs 'source' (or 'sources'): their stages come right after the source, build and tests stages", where);
    return undefined;
  }
  const list = check(diags, z.array(z.unknown()).min(1), p.environments, 'environments', valueSpan(p, 'environments') ?? where);
  if (!list) return undefined;
  const report = new OnceReporter(diags);
  const { entries, waves } = readEntries(p.environments as unknown[], diags);
  const effective = inherit(entries, diags);
  const handoff = handoffArtifacts(ctx.stages, facts.connection, span);
  const artifacts = new Map<ExAction, string>();
  const stages: ExStage[] = [];
  const units = groupUnits(p.environments as unknown[], entries, waves);
  for (const unit of units) {
    if (unit.wave === undefined) {
      const entry = unit.members[0] as EnvEntry;
      const eff = effective.get(entry);
      if (!eff) continue;
      const built = buildEnvironment(entry, eff, facts, handoff, report, diags, ctx, '');
      if (!built) continue;
      const envFacts = factsOf(entry.name, eff, facts);
      const approval = approvalAction(entry.env, envFacts, report);
      if (isProduction(entry.env, entry.name)) warnUnapproved(entry.env, 'environment', entry.name, diags);
      for (const [a, base] of built.plan.artifacts) artifacts.set(a, base);
      stages.push({
        name: entry.name,
        actions: inOrder([approval ? [approval] : [], ...built.phases]),
        ...stageConditions(entry.env, envFacts, report, built.plan.onFailure),
        span: spanOf(entry.env) ?? span,
        macro: 'environments',
        origin: `environment '${entry.name}'${built.plan.label ? `, ${built.plan.label}` : ''}`,
      });
      continue;
    }
    const wave = unit.wave;
    const waveName = String(wave.wave);
    const members: Phase[][] = [];
    let fallbackFailure: Obj | undefined;
    let production = isProduction(wave, waveName);
    for (const entry of unit.members) {
      refuseOnMember(entry.env, entry.name, waveName, STAGE_SETTINGS, diags);
      production ||= isProduction(entry.env, entry.name);
      const eff = effective.get(entry);
      if (!eff) continue;
      const built = buildEnvironment(entry, eff, facts, handoff, report, diags, ctx, entry.name);
      if (!built) continue;
      for (const [a, base] of built.plan.artifacts) artifacts.set(a, base);
      fallbackFailure ??= built.plan.onFailure;
      members.push(built.phases);
    }
    if (production) warnUnapproved(wave, 'wave', waveName, diags);
    const waveFacts: EnvFacts = { name: waveName, ...(facts.account ? { account: facts.account } : {}), ...(facts.region ? { region: facts.region } : {}) };
    const approval = approvalAction(wave, waveFacts, report);
    const atATime = typeof wave['at-a-time'] === 'number' ? wave['at-a-time'] : undefined;
    stages.push({
      name: waveName,
      actions: inWaves(approval ? [approval] : [], members, atATime),
      ...stageConditions(wave, waveFacts, report, fallbackFailure),
      span: spanOf(wave) ?? span,
      macro: 'environments',
      origin: `wave '${waveName}' (${unit.members.map((m) => m.name).join(', ')})${atATime ? `, ${atATime} at a time` : ''}`,
    });
  }
  wireArtifacts(stages, handoff, artifacts, facts.connection, span);
  for (const [region, store] of facts.addedStores) ctx.stores[region] = store;
  return stages;
}

/** Reads each entry (environment or wave, as written -> as read), reporting duplicates. */
function readEntries(items: unknown[], diags: Diagnostics): { entries: EnvEntry[]; waves: Map<unknown, Obj> } {
  const out: EnvEntry[] = [];
  const waves = new Map<unknown, Obj>();
  const seen = new Map<string, Span | undefined>();
  const named = (name: string, obj: Obj): boolean => {
    const at = valueSpan(obj, 'wave' in obj ? 'wave' : 'name');
    const first = seen.get(name);
    if (seen.has(name)) {
      diags.add('PC5007', `'${name}' names two environments (or waves); each becomes a stage, and stage names are unique`, at, { notes: [{ message: 'first named here', ...(first ? { span: first } : {}) }] });
      return false;
    }
    seen.set(name, at);
    return true;
  };
  // An entry with errors is still read as far as it can be, so later environments do not report what it lacks.
  const read = (schema: z.ZodType, value: unknown, at: Span | undefined, key: 'name' | 'wave'): Obj | undefined => {
    const obj = check(diags, schema, value, key === 'wave' ? 'wave' : 'environment', at) !== undefined ? (value as Obj) : salvage(schema, value);
    return obj && typeof obj[key] === 'string' && named(obj[key], value as Obj) ? obj : undefined;
  };
  items.forEach((item, i) => {
    const at = valueSpan(items, i);
    if (isObj(item) && 'wave' in item) {
      const wave = read(WAVE, item, at, 'wave');
      if (!wave || !Array.isArray(wave.environments)) return;
      waves.set(item, wave);
      const members = wave.environments;
      members.forEach((m, j) => {
        const env = read(ENVIRONMENT, m, valueSpan(members, j) ?? at, 'name');
        if (env) out.push({ env, item: m, name: env.name as string, wave: wave.wave as string });
      });
      return;
    }
    const env = read(ENVIRONMENT, item, at, 'name');
    if (env) out.push({ env, item, name: env.name as string });
  });
  return { entries: out, waves };
}

/** Entries grouped as they become stages: one environment, or a wave with its environments. */
function groupUnits(items: unknown[], entries: EnvEntry[], waves: Map<unknown, Obj>): Array<{ wave?: Obj; members: EnvEntry[] }> {
  const out: Array<{ wave?: Obj; members: EnvEntry[] }> = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    if ('wave' in item) {
      const wave = waves.get(item);
      const members = entries.filter((e) => wave !== undefined && e.wave === wave.wave);
      if (wave && members.length > 0) out.push({ wave, members });
    } else {
      const entry = entries.find((e) => e.item === item);
      if (entry) out.push({ members: [entry] });
    }
  }
  return out;
}

/** Each environment's settings after inheritance, in the order written (waves' environments included). */
function inherit(entries: EnvEntry[], diags: Diagnostics): Map<EnvEntry, Obj> {
  const out = new Map<EnvEntry, Obj>();
  const byName = new Map<string, Obj>();
  let previous: Obj | undefined;
  for (const entry of entries) {
    let base = previous;
    if (typeof entry.env.inherit === 'string') {
      const name = entry.env.inherit;
      base = byName.get(name);
      if (!base) {
        const later = entries.some((e) => e.name === name);
        const guess = didYouMean(name, byName.keys());
        diags.add('PC5001', later ? `environment '${entry.name}' inherits from '${name}', which comes after it; an environment inherits only from one written before it` : `environment '${entry.name}' inherits from '${name}', which is not an environment of this pipeline`, valueSpan(entry.env, 'inherit'), {
          ...(guess ? { suggestion: `did you mean '${guess}'?` } : byName.size > 0 ? { suggestion: `environments before it: ${[...byName.keys()].map((n) => `'${n}'`).join(', ')}` } : {}),
        });
        base = previous;
      }
    }
    const eff = rebuild(undefined, [], spanOf(entry.env));
    for (const k of INHERITED) {
      const own = Object.prototype.hasOwnProperty.call(entry.env, k);
      const value = own ? (k === 'deploy' ? mergeDeploy(base?.deploy, entry.env.deploy) : k === 'before' || k === 'after' ? mergeSteps(base?.[k], entry.env[k]) : entry.env[k]) : base?.[k];
      if (value === undefined || value === null) continue;
      put(eff, k, value);
      copyKeySpan(eff, own ? entry.env : base, k);
    }
    out.set(entry, eff);
    byName.set(entry.name, eff);
    previous = eff;
  }
  return out;
}

/** Steps by name over inherited ones: a step of the same name replaces it, `null` removes it (or all of them). */
function mergeSteps(base: unknown, over: unknown): unknown {
  if (over === null || !isObj(over) || !isObj(base)) return over;
  const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
  const out = rebuild(over, []);
  for (const [k, v] of Object.entries(base)) {
    if (!has(over, k)) {
      put(out, k, v);
      copyKeySpan(out, base, k);
    } else if (over[k] !== null) put(out, k, over[k]);
  }
  for (const [k, v] of Object.entries(over)) if (v !== null && !has(base, k)) put(out, k, v);
  return out;
}

function factsOf(name: string, eff: Obj, facts: PipelineFacts): EnvFacts {
  const account = typeof eff.account === 'string' ? eff.account : facts.account;
  const region = typeof eff.region === 'string' ? eff.region : facts.region;
  return { name, ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

/** One environment's phases: its `before` steps, the deploy (one action, or the blue/green pattern), its `after` steps. */
function buildEnvironment(entry: EnvEntry, eff: Obj, facts: PipelineFacts, handoff: readonly string[], report: OnceReporter, diags: Diagnostics, ctx: MacroContext, prefix: string): { phases: Phase[]; plan: DeployPlan } | undefined {
  const name = entry.name;
  const at = spanOf(entry.env) as Span;
  if (!isObj(eff.deploy)) {
    diags.add('PC2003', `environment '${name}' has nothing to deploy: give it 'deploy' (later environments inherit it)`, valueSpan(entry.env, 'name') ?? at);
    return undefined;
  }
  for (const k of ['role', 'region'])
    if (eff.deploy[k] !== undefined) {
      report.add('PC2008', `deploy.${k}`, `an environment's deploy runs where the environment says: set '${k}' on the environment, not in 'deploy'`, keySpan(eff.deploy, k));
      return undefined;
    }
  const env = factsOf(name, eff, facts);
  const crossAccount = typeof eff.account === 'string' && eff.account !== facts.account;
  const crossRegion = typeof eff.region === 'string' && eff.region !== facts.region;
  let role = eff.role !== undefined ? interpolateEnv(eff.role, env, report, valueSpan(eff, 'role')) : crossAccount ? interpolateEnv(facts.crossAccountRole ?? DEFAULT_CROSS_ACCOUNT_ROLE, env, report, facts.crossAccountRoleSpan ?? keySpan(eff, 'account')) : undefined;
  if (typeof role === 'string' && !role.includes('${') && !check(diags, ROLE_ARN, role, 'role', valueSpan(eff, 'role') ?? facts.crossAccountRoleSpan ?? keySpan(eff, 'account'))) role = undefined;
  const region = crossRegion ? (eff.region as string) : undefined;
  if (region) facts.needStore(region, keySpan(eff, 'region'));
  if (crossAccount) facts.needKey(region, name, keySpan(eff, 'account'), report);
  const key = prefix || name;
  const place: DeployPlace = {
    macro: 'environments',
    pipeline: facts.name,
    key: name,
    actionName: (b) => (prefix ? `${prefix}.${b}` : b),
    artifactName: (b) => `${b}-${key}`,
    namespace: (b) => `${key}-${b}`,
    ...(typeof role === 'string' ? { role } : {}),
    ...(region ? { region } : {}),
    placeSource: eff,
    elsewhere: crossAccount || crossRegion,
    handoff,
    report,
    at: valueSpan(eff, 'deploy') ?? at,
  };
  const deploy = interpolateEnv(eff.deploy, env, report, place.at) as Obj;
  const after = interpolateEnv(eff.after, env, report, valueSpan(eff, 'after'));
  const plan = isBlueGreen(deploy) ? blueGreenPlan(deploy, place, diags) : plainDeploy(deploy, place, readsDeploy(after));
  if (!plan) return undefined;
  ctx.deploymentGroups.push(...plan.groups);
  const steps = (value: unknown, which: 'before' | 'after'): Phase => {
    if (!isObj(value)) return [];
    const actions = stepActions(value, {
      macro: 'environments',
      actionName: place.actionName,
      ...(which === 'after' && plan.variables ? { deployNamespace: plan.variables } : {}),
      refuse: which === 'before' ? "is in a 'before' step, which runs before the deploy; read it in 'after'" : 'reads an output variable, but only CloudFormation deploys have them',
      report,
      fallback: valueSpan(eff, which) ?? at,
    });
    for (const a of actions) plan.artifacts.set(a, place.artifactName(a.name.slice(a.name.lastIndexOf('.') + 1)));
    return actions;
  };
  const before = steps(interpolateEnv(eff.before, env, report, valueSpan(eff, 'before')), 'before');
  return { phases: [before, ...plan.phases, steps(after, 'after')], plan };
}

/** A deploy that is not blue/green: one action, with a namespace when `after` steps read its variables. */
function plainDeploy(deploy: Obj, place: DeployPlace, read: boolean): DeployPlan {
  const kind = deployKind(deploy);
  const spec = rebuild(deploy, Object.entries(deploy).filter(([k]) => k !== 'namespace' && k !== 'inputs'));
  refuseDeployRefs(spec, 'is read by the deploy itself; only its environment\'s \'after\' steps can read it', place.report, place.at);
  const variables = kind === 'cloudformation' ? (typeof deploy.namespace === 'string' ? deploy.namespace : read ? place.namespace('deploy') : undefined) : undefined;
  const inputs = deploy.inputs;
  const source = actionSource(place);
  copyKeySpan(source, deploy, 'namespace');
  copyKeySpan(source, deploy, 'inputs');
  const action: ExAction = {
    name: place.actionName('Deploy'),
    kind: 'deploy',
    spec,
    ...(inputs !== undefined ? { inputs: (Array.isArray(inputs) ? inputs : [inputs]).map(String) } : {}),
    ...(variables ? { namespace: variables } : typeof deploy.namespace === 'string' ? { namespace: deploy.namespace } : {}),
    ...placeKeys(place),
    runOrder: 1,
    source,
    span: place.at,
    macro: place.macro,
  };
  return { phases: [[action]], ...(variables ? { variables } : {}), groups: [], artifacts: new Map([[action, place.artifactName('Deploy')]]), label: '' };
}

