/**
 * Helpers for the release macros on import: the artifacts a deploy reads by default, the
 * pipeline's own blue/green `deploy:`, and artifact stores the `region-store` convention makes.
 */
import { isObject, type JsonObject } from '../live/json.js';
import { readBlueGreen } from './blue-green.js';
import { stageSettings } from './conditions.js';
import { phasesOf, placeFor, type ReadContext } from './env-body.js';
import { shortDeploy } from './inherit.js';

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The output artifacts of the nearest stage before `at` that produced any (what a deploy reads by default). */
export function handoffBefore(stages: readonly JsonObject[], at: number): string[] {
  for (let i = at - 1; i >= 0; i--) {
    const produced = list((stages[i] as JsonObject).actions).flatMap((a) => list(a.outputArtifacts).map((o) => String(o.name)));
    if (produced.length > 0) return produced;
  }
  return [];
}

/**
 * The pipeline's `deploy:` with blue/green, from a `Deploy` stage that holds exactly one
 * blue/green pattern (the stage's on-failure is the pattern's own); undefined otherwise.
 */
export function readTopDeploy(s: JsonObject, ctx: ReadContext): Record<string, unknown> | undefined {
  if (!ctx.blueGreen || JSON.stringify(s).includes('${')) return undefined;
  const phases = phasesOf(list(s.actions).map((action) => ({ base: String(action.name), action })), 1);
  if (!phases) return undefined;
  // role and region are the deploy's keys here: the actions carry them as written
  const bg = readBlueGreen(phases, 0, placeFor(undefined), { ...ctx, region: undefined });
  if (!bg || bg.length !== phases.length) return undefined;
  const failure = stageSettings(s, ctx.region, undefined)['on-failure'];
  const deploy: Record<string, unknown> = { ...bg.deploy };
  if (JSON.stringify(failure) !== JSON.stringify(bg.onFailure)) {
    const block = deploy['blue-green'];
    if (failure !== undefined || !isObject(block as never)) return undefined;
    deploy['blue-green'] = { ...(block as object), rollback: false };
  }
  if (typeof bg.main.roleArn === 'string') deploy.role = bg.main.roleArn;
  if (typeof bg.main.region === 'string') deploy.region = bg.main.region;
  return shortDeploy(deploy);
}

/**
 * The pipeline's `artifacts` without the stores of the environments' regions that the default
 * `region-store` convention (`<bucket>-<region>`) makes anyway.
 */
export function dropConventionStores(artifacts: unknown, regions: ReadonlySet<string>): unknown {
  if (!isObject(artifacts as never)) return artifacts;
  const a = artifacts as Record<string, unknown>;
  if (typeof a.bucket !== 'string' || !isObject(a.stores as never)) return artifacts;
  const stores: Record<string, unknown> = {};
  for (const [r, store] of Object.entries(a.stores as Record<string, unknown>)) if (!(regions.has(r) && store === `${a.bucket}-${r}`)) stores[r] = store;
  const { stores: _all, ...rest } = a;
  const out = Object.keys(stores).length > 0 ? { ...rest, stores } : rest;
  return Object.keys(out).length === 1 ? out.bucket : out;
}
