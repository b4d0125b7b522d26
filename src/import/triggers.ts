/**
 * The pipeline-level V2 settings of a declaration in pipeline.yml terms: variables and triggers
 * (push and pull-request filters on branches, tags and file paths).
 */
import { isObject, type Json, type JsonObject } from '../live/json.js';

const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The pipeline's variables as `variables:` (a default alone, or default and description). */
export function variablesOf(v: Json | undefined): Record<string, unknown> | undefined {
  const vars = list(v);
  if (vars.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const x of vars) {
    const def = x.defaultValue;
    if (x.description === undefined && def !== undefined) out[String(x.name)] = String(def);
    else out[String(x.name)] = { ...(def !== undefined ? { default: String(def) } : {}), ...(x.description !== undefined ? { description: String(x.description) } : {}) };
  }
  return out;
}

function criteria(c: Json | undefined): unknown {
  if (!isObject(c)) return undefined;
  const inc = Array.isArray(c.includes) && c.includes.length > 0 ? c.includes.map(String) : undefined;
  const exc = Array.isArray(c.excludes) && c.excludes.length > 0 ? c.excludes.map(String) : undefined;
  if (inc && !exc) return inc;
  if (!inc && !exc) return undefined;
  return { ...(inc ? { include: inc } : {}), ...(exc ? { exclude: exc } : {}) };
}

function filter(f: JsonObject, pull: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (pull && Array.isArray(f.events)) {
    const ev = f.events.map((e) => String(e).toLowerCase());
    if (!(ev.length === 3 && ['open', 'updated', 'closed'].every((e) => ev.includes(e)))) out.events = ev;
  }
  for (const [k, key] of [['branches', 'branches'], ['tags', 'tags'], ['filePaths', 'paths']] as const) {
    const c = criteria(f[k]);
    if (c !== undefined) out[key] = c;
  }
  return out;
}

/** A trigger as a `triggers:` entry. */
export function trigger(t: JsonObject): Record<string, unknown> {
  const g = isObject(t.gitConfiguration) ? t.gitConfiguration : {};
  const out: Record<string, unknown> = { source: String(g.sourceActionName ?? '') };
  const push = list(g.push).map((f) => filter(f, false));
  const pull = list(g.pullRequest).map((f) => filter(f, true));
  if (push.length > 0) out.push = push.length === 1 ? push[0] : push;
  if (pull.length > 0) out['pull-request'] = pull.length === 1 ? pull[0] : pull;
  return out;
}
