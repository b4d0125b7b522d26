import type { Diagnostics } from '../diagnostics.js';
import type { ExAction, ExStage } from '../model.js';
import { Built, madeAt, type Place } from '../positions.js';
import type { StageSettingsRead } from '../schema/environments.js';
import type { OnFailure } from '../schema/pipeline.js';
import { interpolateEnv, refuseDeployRefs, type EnvFacts, type OnceReporter } from './interpolate.js';
import type { Placed } from './values.js';

/** Names that mark an environment as production when `production:` does not say. */
const PRODUCTION = /^(prod|production)([-_].*)?$/i;

/** Whether an environment (or wave) deploys to production. */
export function isProduction(entry: StageSettingsRead, name: string): boolean {
  return entry.production ?? PRODUCTION.test(name);
}

/** The manual approval action an `approval:` value asks for, if any. */
export function approvalAction({ value: entry, at: entryAt }: Placed<StageSettingsRead>, env: EnvFacts, report: OnceReporter): ExAction | undefined {
  const value = entry.approval;
  if (value === undefined || value === false) return undefined;
  const at = entryAt.child('approval');
  const approve = value === true;
  const spec = value === true ? {} : interpolateEnv(value, env, report, at);
  const specAt = approve ? madeAt(at) : at;
  refuseDeployRefs(spec, 'is in an approval, which comes before the deploy', report, specAt);
  return { name: 'Approve', kind: 'approval', spec, runOrder: 1, source: {}, sourceAt: madeAt(at), specAt, span: at, macro: 'environments' };
}

/** Warns about a production environment or wave that nobody approves, unless `approval: false` says that is meant. */
export function warnUnapproved({ value: entry, at }: Placed<StageSettingsRead>, kind: 'environment' | 'wave', name: string, diags: Diagnostics): void {
  if (entry.approval !== undefined) return;
  const key = kind === 'wave' ? 'wave' : 'name';
  diags.add('PC5002', `${kind} '${name}' deploys to production without a manual approval`, at.child(key), {
    suggestion: "add 'approval: { notify: <sns-topic-arn> }', or write 'approval: false' to deploy to production without one",
  });
}

/** Where an environment deploys: the role that reaches its account, and its region, when not the pipeline's. */
export interface AlarmPlace {
  role?: string;
  region?: string;
}

/**
 * The stage conditions an environment or wave asks for: alarms after the deploy, a window before it,
 * what to do on failure. Alarms live where the environment deploys, so an alarm rule of an
 * environment in another account or region is read there (the rule's role and region); a wave that
 * deploys to several watches each alarm name in each of them.
 */
export function stageConditions(
  { value: entry, at }: Placed<StageSettingsRead>,
  env: EnvFacts,
  report: OnceReporter,
  fallbackFailure: OnFailure | undefined,
  where: readonly AlarmPlace[] = [{}],
): Pick<ExStage, 'beforeEntry' | 'onSuccess' | 'onFailure' | 'source' | 'sourceAt'> {
  // The stage's conditions point at the settings that asked for them.
  const keys = new Map<string, Place>();
  const out: Pick<ExStage, 'beforeEntry' | 'onSuccess' | 'onFailure' | 'source' | 'sourceAt'> = { source: {}, sourceAt: new Built(at.node(), keys) };
  const alarms = interpolateEnv(entry['rollback-on-alarm'] ?? undefined, env, report, at.child('rollback-on-alarm'));
  if (alarms !== undefined && alarms !== null) {
    const list = typeof alarms === 'object' && !Array.isArray(alarms) ? alarms.alarms : alarms;
    const wait = typeof alarms === 'object' && !Array.isArray(alarms) ? alarms.wait : undefined;
    const names = typeof list === 'string' ? [list] : list;
    out.onSuccess = { result: 'rollback' as const, rules: where.flatMap((place) => names.map((name) => ({ alarm: { name, states: ['alarm'], ...(wait !== undefined ? { wait } : {}) }, ...place }))) };
    keys.set('on-success', madeAt(at.child('rollback-on-alarm')));
  }
  const window = interpolateEnv(entry['deployment-window'] ?? undefined, env, report, at.child('deployment-window'));
  if (window !== undefined && window !== null) {
    out.beforeEntry = { rules: [{ 'deployment-window': typeof window === 'string' ? { cron: window } : window }] };
    // Made here, but a window written as a mapping is that mapping.
    const written = at.child('deployment-window');
    const rule = new Built(written, new Map([['deployment-window', typeof window === 'string' ? madeAt(written) : written]]));
    keys.set('before-entry', new Built(written, new Map([['rules', new Built(written, new Map([['0', rule]]))]])));
  }
  const failure = interpolateEnv(entry['on-failure'] ?? undefined, env, report, at.child('on-failure'));
  if (failure === 'rollback') out.onFailure = { result: 'rollback' };
  else if (failure === 'retry') out.onFailure = { result: 'retry', 'retry-mode': 'failed-actions' };
  else if (failure === 'retry-all') out.onFailure = { result: 'retry', 'retry-mode': 'all-actions' };
  else if (typeof failure === 'object' && failure !== null) out.onFailure = failure;
  else if (failure === undefined && fallbackFailure) out.onFailure = fallbackFailure;
  if (out.onFailure && entry['on-failure'] !== undefined) keys.set('on-failure', at.child('on-failure'));
  return out;
}

/** Stage settings written on one environment of a wave, where only the wave can have them. */
export function refuseOnMember({ value: member, at }: Placed<StageSettingsRead>, name: string, wave: string, keys: ReadonlyArray<keyof StageSettingsRead>, diags: Diagnostics): void {
  for (const k of keys)
    if (member[k] !== undefined)
      diags.add('PC5003', `'${k}' is set on environment '${name}', which is part of wave '${wave}'; its environments deploy side by side in one stage, so '${k}' belongs to the wave`, at.key(k), {
        suggestion: `move '${k}' to the wave (beside 'wave: ${wave}')`,
      });
}
