import { z } from 'zod';
import { check, salvage } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { Span } from '../source.js';
import { didYouMean } from '../suggest.js';
import { copyKeySpan, spanOf, valueSpan } from '../positions.js';
import { ENVIRONMENT, WAVE } from '../schema/environments.js';
import { isObj, mergeDeploy, put, rebuild, type Obj } from './values.js';

/** What a later environment takes from the one before it (stage settings such as approvals are never inherited). */
const INHERITED = ['account', 'region', 'role', 'deploy', 'before', 'after'] as const;

/** One environment as read from `environments:` (a wave's environments included). */
export interface EnvEntry {
  /** The environment's mapping (its readable keys, when some had errors). */
  env: Obj;
  /** The mapping as written in `environments:`. */
  item: unknown;
  name: string;
  wave?: string;
}

/** Reads each entry (environment or wave, as written -> as read), reporting duplicates. */
export function readEntries(items: unknown[], diags: Diagnostics): { entries: EnvEntry[]; waves: Map<unknown, Obj> } {
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
export function groupUnits(items: unknown[], entries: EnvEntry[], waves: Map<unknown, Obj>): Array<{ wave?: Obj; members: EnvEntry[] }> {
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
export function inherit(entries: EnvEntry[], diags: Diagnostics): Map<EnvEntry, Obj> {
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
