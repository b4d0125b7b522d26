import { z } from 'zod';
import { check, salvage } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { Span } from '../source.js';
import { Built, type Place } from '../positions.js';
import { didYouMean } from '../suggest.js';
import { ENVIRONMENT, WAVE } from '../schema/environments.js';
import { isObj, mergeDeploy, put, type Obj, type Placed } from './values.js';

/** What a later environment takes from the one before it (stage settings such as approvals are never inherited). */
const INHERITED = ['account', 'region', 'role', 'deploy', 'before', 'after'] as const;

/** One environment as read from `environments:` (a wave's environments included). */
export interface EnvEntry {
  /** The environment's mapping (its readable keys, when some had errors). */
  env: Obj;
  /** Where it was written. */
  at: Place;
  /** The mapping as written in `environments:`. */
  item: unknown;
  name: string;
  wave?: string;
}

/** Reads each entry (environment or wave, as written -> as read) of `environments:` written at `itemsAt`, reporting duplicates. */
export function readEntries(items: unknown[], itemsAt: Place, diags: Diagnostics): { entries: EnvEntry[]; waves: Map<unknown, Placed<Obj>> } {
  const out: EnvEntry[] = [];
  const waves = new Map<unknown, Placed<Obj>>();
  const seen = new Map<string, Span | undefined>();
  const named = (name: string, obj: Obj, place: Place): boolean => {
    const at = place.child('wave' in obj ? 'wave' : 'name');
    const first = seen.get(name);
    if (seen.has(name)) {
      diags.add('PC5007', `'${name}' names two environments (or waves); each becomes a stage, and stage names are unique`, at, { notes: [{ message: 'first named here', ...(first ? { span: first } : {}) }] });
      return false;
    }
    seen.set(name, at);
    return true;
  };
  // An entry with errors is still read as far as it can be, so later environments do not report what it lacks.
  const read = (schema: z.ZodType, value: unknown, at: Place, key: 'name' | 'wave'): Obj | undefined => {
    const obj = check(diags, schema, value, key === 'wave' ? 'wave' : 'environment', at) !== undefined ? (value as Obj) : salvage(schema, value);
    return obj && typeof obj[key] === 'string' && named(obj[key], value as Obj, at) ? obj : undefined;
  };
  items.forEach((item, i) => {
    const at = itemsAt.child(i);
    if (isObj(item) && 'wave' in item) {
      const wave = read(WAVE, item, at, 'wave');
      if (!wave || !Array.isArray(wave.environments)) return;
      waves.set(item, { value: wave, at });
      const members = wave.environments;
      members.forEach((m, j) => {
        const memberAt = at.child('environments').child(j);
        const env = read(ENVIRONMENT, m, memberAt, 'name');
        if (env) out.push({ env, at: memberAt, item: m, name: env.name as string, wave: wave.wave as string });
      });
      return;
    }
    const env = read(ENVIRONMENT, item, at, 'name');
    if (env) out.push({ env, at, item, name: env.name as string });
  });
  return { entries: out, waves };
}

/** Entries grouped as they become stages: one environment, or a wave with its environments. */
export function groupUnits(items: unknown[], entries: EnvEntry[], waves: Map<unknown, Placed<Obj>>): Array<{ wave?: Placed<Obj>; members: EnvEntry[] }> {
  const out: Array<{ wave?: Placed<Obj>; members: EnvEntry[] }> = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    if ('wave' in item) {
      const wave = waves.get(item);
      const members = entries.filter((e) => wave !== undefined && e.wave === wave.value.wave);
      if (wave && members.length > 0) out.push({ wave, members });
    } else {
      const entry = entries.find((e) => e.item === item);
      if (entry) out.push({ members: [entry] });
    }
  }
  return out;
}

/** Each environment's settings after inheritance, in the order written (waves' environments included). */
export function inherit(entries: EnvEntry[], diags: Diagnostics): Map<EnvEntry, Placed<Obj>> {
  const out = new Map<EnvEntry, Placed<Obj>>();
  const byName = new Map<string, Placed<Obj>>();
  let previous: Placed<Obj> | undefined;
  for (const entry of entries) {
    let base = previous;
    if (typeof entry.env.inherit === 'string') {
      const name = entry.env.inherit;
      base = byName.get(name);
      if (!base) {
        const later = entries.some((e) => e.name === name);
        const guess = didYouMean(name, byName.keys());
        diags.add('PC5001', later ? `environment '${entry.name}' inherits from '${name}', which comes after it; an environment inherits only from one written before it` : `environment '${entry.name}' inherits from '${name}', which is not an environment of this pipeline`, entry.at.child('inherit'), {
          ...(guess ? { suggestion: `did you mean '${guess}'?` } : byName.size > 0 ? { suggestion: `environments before it: ${[...byName.keys()].map((n) => `'${n}'`).join(', ')}` } : {}),
        });
        base = previous;
      }
    }
    // The environment's settings: each where it was written, here or in the environment it inherits from.
    const eff: Obj = {};
    const keys = new Map<string, Place>();
    for (const k of INHERITED) {
      const own = Object.prototype.hasOwnProperty.call(entry.env, k);
      const inherited: Placed = { value: base?.value[k], at: (base?.at ?? entry.at).child(k) };
      const written: Placed = { value: entry.env[k], at: entry.at.child(k) };
      const value = own ? (k === 'deploy' ? mergeDeploy(inherited, written) : k === 'before' || k === 'after' ? mergeSteps(inherited, written) : written) : inherited;
      if (value.value === undefined || value.value === null) continue;
      put(eff, k, value.value);
      keys.set(k, value.at);
    }
    const placed = { value: eff, at: new Built(entry.at.node(), keys) };
    out.set(entry, placed);
    byName.set(entry.name, placed);
    previous = placed;
  }
  return out;
}

/** Steps by name over inherited ones: a step of the same name replaces it, `null` removes it (or all of them). */
function mergeSteps(base: Placed, over: Placed): Placed {
  const b = base.value;
  const o = over.value;
  if (o === null || !isObj(o) || !isObj(b)) return over;
  const has = (x: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(x, k);
  const out: Obj = {};
  const keys = new Map<string, Place>();
  for (const [k, v] of Object.entries(b)) {
    if (!has(o, k)) {
      put(out, k, v);
      keys.set(k, base.at.child(k));
    } else if (o[k] !== null) put(out, k, o[k]);
  }
  for (const [k, v] of Object.entries(o)) if (v !== null && !has(b, k)) put(out, k, v);
  return { value: out, at: new Built(over.at.node(), keys, over.at, over.at.asKey()) };
}
