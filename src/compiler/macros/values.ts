import { PROVIDERS } from '../catalog/index.js';
import { Built, madeAt, type Place } from '../positions.js';

/** A mapping read from pipeline.yml (or rebuilt from one; its place travels beside it). */
export type Obj = Record<string, unknown>;

/** A value and where it was written (for what a macro built: what caused each part). */
export interface Placed<T = unknown> {
  value: T;
  at: Place;
}

/** A mapping, not a list or a scalar. */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets a key as an own, enumerable property even when it is named `__proto__`. */
export function put(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A new mapping from entries. */
export function rebuild(entries: Iterable<[string, unknown]>): Obj {
  const out: Obj = {};
  for (const [k, v] of entries) put(out, k, v);
  return out;
}

/**
 * A deep copy (of the same shape, so `at` is its place too), with each string passed through `fn`
 * together with where it was written (so a problem found in a rewritten string still points at the text).
 */
export function mapStrings<T, P extends Place | undefined>(value: T, fn: (text: string, at: P) => string, at: P): T {
  return mapAny(value, fn, at) as T;
}

function mapAny<P extends Place | undefined>(value: unknown, fn: (text: string, at: P) => string, at: P): unknown {
  if (typeof value === 'string') return fn(value, at);
  if (Array.isArray(value)) return value.map((v, i) => mapAny(v, fn, at?.child(i) as P));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) put(out, k, mapAny(v, fn, at?.child(k) as P));
    return out;
  }
  return value;
}

/**
 * Settings of a later environment over those it inherits: mappings merge key by key, anything
 * else replaces, and `null` removes an inherited key. Every key keeps the place it was written.
 */
export function mergeSettings(base: Placed, over: Placed): Placed {
  if (over.value === undefined) return base;
  const b = base.value;
  const o = over.value;
  if (!isObj(b) || !isObj(o)) return over;
  const has = (x: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(x, k);
  const out: Obj = {};
  const keys = new Map<string, Place>();
  // Keys keep the order they were first written in, so an override does not move a setting.
  for (const [k, v] of Object.entries(b)) {
    if (!has(o, k)) {
      put(out, k, v);
      keys.set(k, base.at.child(k));
    } else if (o[k] !== null) {
      const merged = mergeSettings({ value: v, at: base.at.child(k) }, { value: o[k], at: over.at.child(k) });
      put(out, k, merged.value);
      keys.set(k, merged.at);
    }
  }
  for (const [k, v] of Object.entries(o)) if (v !== null && !has(b, k)) put(out, k, v);
  return { value: out, at: new Built(over.at.node(), keys, over.at, over.at.asKey()) };
}

/** Keys of a deploy value that are about the action or the strategy, not the provider's settings. */
export const DEPLOY_OWN_KEYS = ['strategy', 'blue-green', 'namespace', 'inputs', 'role', 'region'] as const;

/** Provider keys that only blue/green deploys use (they describe what CodeDeploy shifts traffic for). */
export const BLUE_GREEN_KINDS: Readonly<Record<string, { primary?: string }>> = { lambda: { primary: 'function' }, servers: {} };

/** The provider key a deploy value names (`cloudformation`, `ecs`, ...), if exactly one. */
export function deployKind(value: Obj): string | undefined {
  const kinds = Object.keys(value).filter((k) => PROVIDERS.Deploy.some((p) => p.kind === k) || Object.hasOwn(BLUE_GREEN_KINDS, k));
  return kinds.length === 1 ? kinds[0] : undefined;
}

/**
 * The long form of a deploy value: the provider's settings all inside its key
 * (`{ cloudformation: api, template: t.yml }` -> `{ cloudformation: { stack: api, template: t.yml } }`),
 * so that an environment can override one setting of the one it inherits from.
 */
export function longDeploy(deploy: Placed<Obj>): Placed<Obj> {
  const { value, at } = deploy;
  const kind = deployKind(value);
  if (!kind) return deploy;
  const inner = value[kind];
  const innerAt = at.child(kind);
  const primary = BLUE_GREEN_KINDS[kind]?.primary ?? PROVIDERS.Deploy.find((p) => p.kind === kind)?.primary;
  // Where each setting moved inside the provider key was written.
  const moved = new Map<string, Place>();
  let settings: Obj;
  let settingsAt: Place;
  if (isObj(inner)) {
    settings = rebuild(Object.entries(inner));
    settingsAt = innerAt;
  } else {
    settings = {};
    settingsAt = madeAt(innerAt);
    if (inner !== undefined && inner !== null && inner !== true && primary) {
      put(settings, primary, inner);
      moved.set(primary, innerAt);
    }
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === kind) continue;
    // A setting given both beside and inside the provider key stays beside it, for the spec reader to report.
    if ((DEPLOY_OWN_KEYS as readonly string[]).includes(k) || Object.prototype.hasOwnProperty.call(settings, k)) put(out, k, v);
    else {
      put(settings, k, v);
      moved.set(k, at.child(k));
    }
  }
  put(out, kind, settings);
  const settingsPlace = moved.size > 0 || settingsAt !== innerAt ? new Built(settingsAt.node(), moved, settingsAt instanceof Built ? undefined : settingsAt, innerAt.asKey()) : innerAt;
  return { value: out, at: new Built(at.node(), new Map([[kind, settingsPlace]]), at, at.asKey()) };
}

/** An environment's deploy over the one it inherits: a different provider replaces it, the same one merges. */
export function mergeDeploy(base: Placed, over: Placed): Placed {
  if (!isObj(over.value)) return over.value === undefined ? base : over;
  const long = longDeploy({ value: over.value, at: over.at });
  if (!isObj(base.value)) return long;
  const a = deployKind(base.value);
  const b = deployKind(long.value);
  if (b && a !== b) return long;
  return mergeSettings(base, long);
}

/** The account in an IAM role ARN. */
export function roleAccount(role: unknown): string | undefined {
  return typeof role === 'string' ? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(role)?.[1] : undefined;
}
