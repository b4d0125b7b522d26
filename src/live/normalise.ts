import { isObject, stableJson, type Json, type JsonObject } from './json.js';
import { normaliseConfiguration } from './normalise-config.js';

/** An action after normalisation: its name and everything else, ready to compare field by field. */
export interface NormAction {
  name: string;
  body: JsonObject;
  /** The body without the service defaults filled in: what to show for an added or removed action. */
  shown: JsonObject;
}

/** A stage after normalisation; `fields` holds the stage's own settings (conditions). */
export interface NormStage {
  name: string;
  fields: JsonObject;
  actions: NormAction[];
}

/** A pipeline declaration in canonical form; `fields` holds everything above the stages. */
export interface NormPipeline {
  name: string;
  fields: JsonObject;
  stages: NormStage[];
}

/**
 * Brings a pipeline declaration (what pipec would send, or what GetPipeline returned) into one
 * canonical form, so equal meaning gives equal values:
 * - `version` and `metadata` are dropped; `executionMode` absent means SUPERSEDED;
 * - `artifactStore` becomes `artifactStores` keyed by the pipeline's region;
 * - `runOrder` absent means 1; empty lists and maps mean the same as absent;
 * - an action or rule `region` equal to the pipeline's region means the same as none;
 * - variables, triggers, output artifacts, output variables and condition rules are sets;
 * - configuration maps go through {@link normaliseConfiguration}.
 * Fields pipec does not know are kept as they are, so they still show up as differences.
 */
export function normaliseDeclaration(decl: JsonObject, region: string): NormPipeline {
  const fields: Record<string, Json> = {};
  for (const [k, v] of Object.entries(decl)) {
    if (['name', 'stages', 'version', 'metadata', 'artifactStore', 'artifactStores', 'variables', 'triggers'].includes(k)) continue;
    put(fields, k, v);
  }
  fields.executionMode ??= 'SUPERSEDED';
  const stores: JsonObject = {};
  if (isObject(decl.artifactStores)) for (const r of Object.keys(decl.artifactStores).sort()) stores[r] = sorted(decl.artifactStores[r] as Json) as Json;
  else if (isObject(decl.artifactStore)) stores[region] = sorted(decl.artifactStore) as Json;
  put(fields, 'artifactStores', stores);
  if (Array.isArray(decl.variables)) put(fields, 'variables', keyed(decl.variables, 'name'));
  if (Array.isArray(decl.triggers)) {
    const triggers: JsonObject = {};
    for (const t of decl.triggers.filter(isObject)) {
      const git = isObject(t.gitConfiguration) ? t.gitConfiguration : {};
      triggers[String(git.sourceActionName ?? '')] = trigger(t);
    }
    put(fields, 'triggers', sortedObject(triggers));
  }
  const stages = Array.isArray(decl.stages) ? decl.stages.filter(isObject).map((s) => stage(s, region)) : [];
  return { name: String(decl.name ?? ''), fields: sortedObject(fields), stages };
}

function stage(s: JsonObject, region: string): NormStage {
  const fields: Record<string, Json> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'name' || k === 'actions') continue;
    put(fields, k, isObject(v) ? condition(v, region) : v);
  }
  const actions = Array.isArray(s.actions) ? s.actions.filter(isObject).map((a) => action(a, region)) : [];
  actions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { name: String(s.name ?? ''), fields: sortedObject(fields), actions };
}

function action(a: JsonObject, region: string): NormAction {
  const body: Record<string, Json> = {};
  const inputs = artifactNames(a.inputArtifacts);
  for (const [k, v] of Object.entries(a)) {
    if (k === 'name' || k === 'configuration' || k === 'inputArtifacts' || k === 'outputArtifacts') continue;
    if (k === 'region' && v === region) continue;
    if (k === 'outputVariables' && Array.isArray(v)) put(body, k, [...v].sort());
    else if (k === 'environmentVariables' && Array.isArray(v)) put(body, k, v.map((e) => (isObject(e) ? sortedObject({ type: 'PLAINTEXT', ...e }) : e)));
    else put(body, k, sorted(v));
  }
  body.runOrder ??= 1;
  put(body, 'inputArtifacts', inputs);
  if (Array.isArray(a.outputArtifacts)) put(body, 'outputArtifacts', outputArtifacts(a.outputArtifacts));
  const typeId = isObject(a.actionTypeId) ? a.actionTypeId : {};
  const shown = sortedObject({ ...body });
  put(shown, 'configuration', normaliseConfiguration(typeId, a.configuration, inputs, false));
  put(body, 'configuration', normaliseConfiguration(typeId, a.configuration, inputs));
  return { name: String(a.name ?? ''), body: sortedObject(body), shown: sortedObject(shown) };
}

/** Stage conditions: rules are a set keyed by name, conditions a set; rule regions as for actions. */
function condition(v: JsonObject, region: string): Json {
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'conditions' && Array.isArray(x)) {
      const list = x.filter(isObject).map((c) => {
        const rules = Array.isArray(c.rules) ? c.rules.filter(isObject).map((r) => rule(r, region)) : [];
        rules.sort((a, b) => stableJson(a.name).localeCompare(stableJson(b.name)));
        return sortedObject({ ...c, rules });
      });
      put(out, k, list.sort((a, b) => stableJson(a).localeCompare(stableJson(b))));
    } else put(out, k, sorted(x));
  }
  return sortedObject(out);
}

function rule(r: JsonObject, region: string): JsonObject {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'region' && v === region) continue;
    if (k === 'inputArtifacts') put(out, k, artifactNames(v));
    else if (k === 'configuration' && isObject(v)) put(out, k, sortedObject(Object.fromEntries(Object.entries(v).map(([ck, cv]) => [ck, typeof cv === 'string' ? cv : stableJson(cv)]))));
    else put(out, k, sorted(v));
  }
  return sortedObject(out);
}

function trigger(t: JsonObject): Json {
  const git = isObject(t.gitConfiguration) ? t.gitConfiguration : undefined;
  if (!git) return sorted(t) as Json;
  const g: Record<string, Json> = {};
  for (const [k, v] of Object.entries(git)) {
    if ((k === 'push' || k === 'pullRequest') && Array.isArray(v)) put(g, k, setOf(v.map(gitFilter)));
    else if (k !== 'sourceActionName') put(g, k, sorted(v));
  }
  return sortedObject({ ...t, gitConfiguration: sortedObject(g) });
}

function gitFilter(f: Json): Json {
  if (!isObject(f)) return f;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(f)) {
    if (k === 'events' && Array.isArray(v)) put(out, k, [...v].sort());
    else if (isObject(v)) {
      const c: Record<string, Json> = {};
      for (const [ck, cv] of Object.entries(v)) put(c, ck, Array.isArray(cv) ? [...cv].sort() : cv);
      put(out, k, sortedObject(c));
    } else put(out, k, v);
  }
  return sortedObject(out);
}

function artifactNames(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => (isObject(x) ? String(x.name) : String(x))) : [];
}

/** Output artifacts as a set by name; a bare name unless the artifact lists files. */
function outputArtifacts(list: Json[]): Json[] {
  return list
    .map((o): Json => (isObject(o) && Array.isArray(o.files) && o.files.length > 0 ? { files: o.files, name: String(o.name) } : isObject(o) ? String(o.name) : o))
    .sort((a, b) => artifactKey(a).localeCompare(artifactKey(b)));
}

function artifactKey(o: Json): string {
  return isObject(o) ? String(o.name) : String(o);
}

/** A list of named items as a map from name to the rest, names sorted. */
function keyed(list: Json[], key: string): JsonObject {
  const out: JsonObject = {};
  const items = list.filter(isObject).sort((a, b) => String(a[key]).localeCompare(String(b[key])));
  for (const item of items) {
    const { [key]: name, ...rest } = item;
    out[String(name)] = sorted(rest) as Json;
  }
  return out;
}

function setOf(list: Json[]): Json[] {
  return [...list].sort((a, b) => stableJson(a).localeCompare(stableJson(b)));
}

/** Sets `key` unless the value means "nothing" (null, empty list, empty map). */
function put(into: Record<string, Json>, key: string, v: Json | undefined): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v) && v.length === 0) return;
  if (isObject(v) && Object.keys(v).length === 0) return;
  into[key] = v;
}

function sortedObject(o: Record<string, Json>): JsonObject {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k] as Json]));
}

/** Object keys sorted all the way down, empty members dropped; arrays keep their order. */
function sorted(v: Json | undefined): Json | undefined {
  if (Array.isArray(v)) return v.map((x) => sorted(x) as Json);
  if (isObject(v)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(v)) put(out, k, sorted(v[k]));
    return sortedObject(out);
  }
  return v;
}
