import type { Diagnostics } from '../diagnostics.js';
import { Built, type Place } from '../positions.js';
import { didYouMean } from '../suggest.js';
import type { EnvironmentRead } from '../schema/environments.js';
import type { EnvEntry } from '../schema/pipeline-input.js';
import { isObj, mergeDeploy, put, type Obj, type Placed } from './values.js';

/** What a later environment takes from the one before it (stage settings such as approvals are never inherited). */
const INHERITED = ['account', 'region', 'role', 'deploy', 'before', 'after'] as const;

/** An environment's settings after inheritance: each its own or inherited from the one before it. */
export type Effective = Partial<Pick<EnvironmentRead, (typeof INHERITED)[number]>>;

/** Each environment's settings after inheritance, in the order written (waves' environments included). */
export function inherit(entries: readonly EnvEntry[], diags: Diagnostics): Map<EnvEntry, Placed<Effective>> {
  const out = new Map<EnvEntry, Placed<Effective>>();
  const byName = new Map<string, Placed<Effective>>();
  let previous: Placed<Effective> | undefined;
  for (const entry of entries) {
    let base = previous;
    if (entry.env.inherit !== undefined) {
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
    const eff: Effective = {};
    const keys = new Map<string, Place>();
    for (const k of INHERITED) {
      const own = Object.prototype.hasOwnProperty.call(entry.env, k);
      const inherited: Placed = { value: base?.value[k], at: (base?.at ?? entry.at).child(k) };
      const written: Placed = { value: entry.env[k], at: entry.at.child(k) };
      const value = own ? (k === 'deploy' ? mergeDeploy(inherited, written) : k === 'before' || k === 'after' ? mergeSteps(inherited, written) : written) : inherited;
      if (value.value === undefined || value.value === null) continue;
      // Merged values have the shape of the values merged (mergeDeploy, mergeSteps).
      Object.assign(eff, { [k]: value.value });
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
