import { PROVIDERS } from '../catalog/index.js';
import type { Span } from '../source.js';
import { copyKeySpan, copySpans, setSpan, valueSpan } from '../positions.js';

/** A mapping read from pipeline.yml (or rebuilt from one, positions kept). */
export type Obj = Record<string, unknown>;

/** A mapping, not a list or a scalar. */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets a key as an own, enumerable property even when it is named `__proto__`. */
export function put(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A new mapping from entries, pointing at `from`'s text for every key it shares with it. */
export function rebuild(from: unknown, entries: Iterable<[string, unknown]>, at?: Span): Obj {
  const out: Obj = {};
  for (const [k, v] of entries) put(out, k, v);
  copySpans(out, from);
  setSpan(out, at);
  return out;
}

/**
 * A deep copy that keeps every position, with each string passed through `fn` together with
 * where it was written (so a problem found in a rewritten string still points at the text).
 */
export function mapStrings(value: unknown, fn: (text: string, at: Span | undefined) => unknown, at?: Span): unknown {
  if (typeof value === 'string') return fn(value, at);
  if (Array.isArray(value)) {
    const out = value.map((v, i) => mapStrings(v, fn, valueSpan(value, i) ?? at));
    copySpans(out, value);
    return out;
  }
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) put(out, k, mapStrings(v, fn, valueSpan(value, k) ?? at));
    copySpans(out, value);
    return out;
  }
  return value;
}

/**
 * Settings of a later environment over those it inherits: mappings merge key by key, anything
 * else replaces, and `null` removes an inherited key. Every key keeps the place it was written.
 */
export function mergeSettings(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isObj(base) || !isObj(over)) return over;
  const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
  const out: Obj = {};
  copySpans(out, over);
  // Keys keep the order they were first written in, so an override does not move a setting.
  for (const [k, v] of Object.entries(base)) {
    if (!has(over, k)) {
      put(out, k, v);
      copyKeySpan(out, base, k);
    } else if (over[k] !== null) put(out, k, mergeSettings(v, over[k]));
  }
  for (const [k, v] of Object.entries(over)) if (v !== null && !has(base, k)) put(out, k, v);
  return out;
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
export function longDeploy(value: Obj): Obj {
  const kind = deployKind(value);
  if (!kind) return value;
  const inner = value[kind];
  const primary = BLUE_GREEN_KINDS[kind]?.primary ?? PROVIDERS.Deploy.find((p) => p.kind === kind)?.primary;
  let settings: Obj;
  if (isObj(inner)) settings = rebuild(inner, Object.entries(inner));
  else {
    settings = rebuild(undefined, [], valueSpan(value, kind));
    if (inner !== undefined && inner !== null && inner !== true && primary) {
      put(settings, primary, inner);
      copyKeySpan(settings, value, kind, primary);
    }
  }
  const out = rebuild(value, []);
  for (const [k, v] of Object.entries(value)) {
    if (k === kind) continue;
    // A setting given both beside and inside the provider key stays beside it, for the spec reader to report.
    if ((DEPLOY_OWN_KEYS as readonly string[]).includes(k) || Object.prototype.hasOwnProperty.call(settings, k)) put(out, k, v);
    else {
      put(settings, k, v);
      copyKeySpan(settings, value, k);
    }
  }
  put(out, kind, settings);
  return out;
}

/** An environment's deploy over the one it inherits: a different provider replaces it, the same one merges. */
export function mergeDeploy(base: unknown, over: unknown): unknown {
  if (!isObj(over)) return over === undefined ? base : over;
  const long = longDeploy(over);
  if (!isObj(base)) return long;
  const a = deployKind(base);
  const b = deployKind(long);
  if (b && a !== b) return long;
  return mergeSettings(base, long);
}

/** The account in an IAM role ARN. */
export function roleAccount(role: unknown): string | undefined {
  return typeof role === 'string' ? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(role)?.[1] : undefined;
}
