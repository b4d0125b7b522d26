/**
 * Environments written as the macro reads them: each one as what differs from the environment it
 * inherits from (the one before it, or an earlier one named by `inherit:`), with `${env}`,
 * `${env.region}` and `${env.account}` where writing them makes later environments inherit a
 * value instead of repeating it. Mappings merge key by key and `null` removes, as in
 * src/compiler/macros/environment-entries.ts; `role`, `account` and `region` cannot be removed,
 * so an environment without a role inherits from one without it.
 */
import { PROVIDERS } from '../compiler/catalog/index.js';
import { deployKindOf } from './env-body.js';

/** What an environment inherits and passes on, in pipeline.yml terms (deploy in the long form). */
export interface Inheritable {
  account?: string;
  region?: string;
  role?: string;
  deploy: Record<string, unknown>;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** One environment to write: its name, what it inherits, and where it deploys (for `${env...}`). */
export interface EnvValues {
  name: string;
  values: Inheritable;
  /** The region and account `${env.region}` and `${env.account}` read. */
  region?: string;
  account?: string;
}

/** The pipeline's own region and account: what an environment without its own has. */
export interface Home {
  region?: string;
  account?: string;
}

type Map = Record<string, unknown>;
const isMap = (v: unknown): v is Map => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const OWN_KEYS = new Set(['strategy', 'blue-green', 'namespace', 'inputs', 'role', 'region']);
const PRIMARY: Record<string, string | undefined> = { ...Object.fromEntries(PROVIDERS.Deploy.map((p) => [p.kind, p.primary])), lambda: 'function' };
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A deploy value in the long form: the provider's settings inside its key. */
export function longDeploy(deploy: Map): Map | undefined {
  const kind = deployKindOf(deploy);
  if (!kind) return undefined;
  const inner = deploy[kind];
  const primary = PRIMARY[kind];
  const settings: Map = isMap(inner) ? { ...inner } : {};
  if (!isMap(inner)) {
    if (typeof inner !== 'string' || !primary) return undefined;
    settings[primary] = inner;
  }
  const out: Map = {};
  for (const [k, v] of Object.entries(deploy)) {
    if (k === kind) continue;
    if (OWN_KEYS.has(k)) out[k] = v;
    else if (Object.hasOwn(settings, k)) return undefined;
    else settings[k] = v;
  }
  return { [kind]: settings, ...out };
}

/** The shortest way to write a (long form) deploy value or delta: the primary setting as the key's value. */
export function shortDeploy(deploy: Map): Map {
  const kind = deployKindOf(deploy);
  const inner = kind ? deploy[kind] : undefined;
  const primary = kind ? PRIMARY[kind] : undefined;
  if (!kind || !primary || !isMap(inner) || typeof inner[primary] !== 'string' || Object.keys(inner).some((k) => OWN_KEYS.has(k))) return deploy;
  const { [primary]: main, ...rest } = inner;
  const out: Map = {};
  for (const [k, v] of Object.entries(deploy)) {
    if (k === kind) Object.assign(out, { [kind]: main }, rest);
    else out[k] = v;
  }
  return out;
}

/** `${env}`, `${env.region}`, `${env.account}` for the environment's name, region and account in every string. */
function templated(value: unknown, env: EnvValues): unknown {
  const words: Array<[string, string]> = [];
  words.push([env.name, '${env}']);
  if (env.region) words.push([env.region, '${env.region}']);
  if (env.account) words.push([env.account, '${env.account}']);
  words.sort((a, b) => b[0].length - a[0].length);
  const pattern = new RegExp(`(?<![A-Za-z0-9])(${words.map(([w]) => escape(w)).join('|')})(?![A-Za-z0-9])`, 'g');
  const table = new globalThis.Map(words);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(pattern, (w) => table.get(w) ?? w);
    if (Array.isArray(v)) return v.map(walk);
    if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

/** Leaf paths (lists are leaves) of a value, with their values. */
function leaves(v: unknown, path: string, out: globalThis.Map<string, unknown>): void {
  if (isMap(v)) for (const [k, x] of Object.entries(v)) leaves(x, `${path}\u0000${k}`, out);
  else out.set(path, v);
}

/** The value with each leaf taken from `literal` or `template` as `useTemplate` says. */
function pick(literal: unknown, template: unknown, path: string, useTemplate: Set<string>): unknown {
  if (isMap(literal) && isMap(template)) return Object.fromEntries(Object.entries(literal).map(([k, v]) => [k, pick(v, template[k], `${path}\u0000${k}`, useTemplate)]));
  return useTemplate.has(path) ? template : literal;
}

/** How many times a sequence of values changes (the first value counts): each change is written once. */
function changes(values: readonly unknown[]): number {
  let n = 0;
  values.forEach((v, i) => {
    if (v !== undefined && (i === 0 || !same(v, values[i - 1]))) n++;
  });
  return n;
}

/** Each environment's values, with `${env...}` wherever it makes fewer values to write. */
export function chooseTemplates(envs: readonly EnvValues[]): Inheritable[] {
  const literal = envs.map((e) => {
    const { account: _a, region: _r, ...rest } = e.values;
    return rest as Map;
  });
  const template = envs.map((e, i) => templated(literal[i], e) as Map);
  const lit = literal.map((v) => {
    const m = new globalThis.Map<string, unknown>();
    leaves(v, '', m);
    return m;
  });
  const tpl = template.map((v) => {
    const m = new globalThis.Map<string, unknown>();
    leaves(v, '', m);
    return m;
  });
  const paths = new Set(lit.flatMap((m) => [...m.keys()]));
  const useTemplate = new Set<string>();
  for (const p of paths) if (changes(tpl.map((m) => m.get(p))) < changes(lit.map((m) => m.get(p)))) useTemplate.add(p);
  return envs.map((e, i) => ({ ...(e.values.account !== undefined ? { account: e.values.account } : {}), ...(e.values.region !== undefined ? { region: e.values.region } : {}), ...(pick(literal[i], template[i], '', useTemplate) as Omit<Inheritable, 'account' | 'region'>) }));
}

/** `next` as what differs from `base`, mappings key by key (null removes). */
function deltaMap(base: Map, next: Map): Map {
  const out: Map = {};
  for (const [k, v] of Object.entries(next)) {
    const b = base[k];
    if (isMap(b) && isMap(v)) {
      const d = deltaMap(b, v);
      if (Object.keys(d).length > 0) out[k] = d;
    } else if (!same(b, v)) out[k] = v;
  }
  for (const k of Object.keys(base)) if (!Object.hasOwn(next, k)) out[k] = null;
  return out;
}

/** Steps by name: a changed step is written whole, a removed one as null. */
function deltaSteps(base: Map | undefined, next: Map | undefined): unknown {
  if (!base) return next;
  if (!next) return null;
  const out: Map = {};
  for (const [k, v] of Object.entries(next)) if (!same(base[k], v)) out[k] = v;
  for (const k of Object.keys(base)) if (!Object.hasOwn(next, k)) out[k] = null;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What `next` writes over `base`; undefined when it cannot be said (a role to remove). */
export function delta(base: Inheritable | undefined, next: Inheritable, home: Home): Map | undefined {
  if (!base) return { ...next, deploy: shortDeploy(next.deploy) };
  const out: Map = {};
  for (const k of ['account', 'region', 'role'] as const) {
    if (same(base[k], next[k])) continue;
    const v = next[k] ?? (k === 'region' ? home.region : k === 'account' ? home.account : undefined);
    if (v === undefined) return undefined;
    out[k] = v;
  }
  if (deployKindOf(base.deploy) !== deployKindOf(next.deploy)) out.deploy = shortDeploy(next.deploy);
  else {
    const d = deltaMap(base.deploy, next.deploy);
    if (Object.keys(d).length > 0) out.deploy = shortDeploy(d);
  }
  for (const k of ['before', 'after'] as const) {
    const d = deltaSteps(base[k], next[k]);
    if (d !== undefined) out[k] = d;
  }
  return out;
}

const size = (v: unknown): number => JSON.stringify(v).length;
const INHERIT_COST = 24;

/**
 * Each environment's entry (without its name): what it writes over the environment it inherits
 * from, choosing the earlier environment that makes the shortest entry. Undefined for an
 * environment that cannot be written at all (and every one after it).
 */
export function inheritanceEntries(envs: readonly EnvValues[], home: Home): Array<Map | undefined> {
  const values = chooseTemplates(envs);
  const out: Array<Map | undefined> = [];
  for (let i = 0; i < values.length; i++) {
    const next = values[i] as Inheritable;
    let best: Map | undefined = i === 0 ? delta(undefined, next, home) : undefined;
    for (let j = i - 1; j >= 0 && i > 0; j--) {
      const d = delta(values[j], next, home);
      if (!d) continue;
      const entry = j === i - 1 ? d : { inherit: (envs[j] as EnvValues).name, ...d };
      // `inherit:` reads harder than a repeated value: only when it saves a line's worth
      if (!best || size(entry) + (j === i - 1 ? 0 : INHERIT_COST) < size(best)) best = entry;
    }
    if (!best) return [...out, ...values.slice(i).map(() => undefined)];
    out.push(best);
  }
  return out;
}
