/**
 * One action of a pipeline declaration back into pipeline.yml: its kind key and settings, in the
 * typed form of the provider catalog where every configuration key has a setting, else raw.
 */
import { CATEGORY_KEYS, PROVIDERS, providerByType, type Field, type Provider } from '../compiler/catalog/index.js';
import type { ActionKind } from '../compiler/model.js';
import { isObject, stableJson, type Json, type JsonObject } from '../live/json.js';
import { MASKED } from '../live/normalise-config.js';
import { secretPlaceholder } from './notes.js';
import { plainEnvValue, secretKeys } from './secrets.js';
import { Noted } from './yaml.js';

/** An action's kind key and what goes under it, with comments the user should read. */
export interface ImportedSpec {
  kind: ActionKind;
  spec: unknown;
  /** The spec is the catalog's typed form (so the compiler's default inputs/outputs apply). */
  typed: boolean;
  notes: string[];
}

const KIND_OF: Record<string, ActionKind> = Object.fromEntries(Object.entries(CATEGORY_KEYS).map(([k, c]) => [c, k as ActionKind]));

/** Configuration values as text, as the API holds them. */
export function configOf(a: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(a.configuration)) for (const [k, v] of Object.entries(a.configuration)) if (v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** The typed spec of an action when the catalog can say everything in it, else the raw form. */
export function importSpec(a: JsonObject, connection: string | undefined, raw: boolean): ImportedSpec {
  const t = isObject(a.actionTypeId) ? a.actionTypeId : {};
  const category = String(t.category ?? '');
  const owner = String(t.owner ?? 'AWS');
  const provider = String(t.provider ?? '');
  const version = String(t.version ?? '1');
  const config = configOf(a);
  const notes: string[] = [];
  if (!raw) {
    const typed = typedSpec(category, owner, provider, version, config, a, connection, notes);
    if (typed) return { ...typed, typed: true, notes };
  }
  notes.length = 0;
  return { kind: 'action', spec: rawSpec(category, owner, provider, version, config, a, notes), typed: false, notes };
}

function typedSpec(category: string, owner: string, provider: string, version: string, config: Record<string, string>, a: JsonObject, connection: string | undefined, notes: string[]): { kind: ActionKind; spec: unknown } | undefined {
  const kind = KIND_OF[category];
  if (!kind) return undefined;
  if (category === 'Compute' && owner === 'AWS' && provider === 'Commands' && version === '1') return computeSpec(config, a);
  if (a.commands !== undefined || a.outputVariables !== undefined || a.environmentVariables !== undefined) return undefined;
  if (outputFiles(a)) return undefined;
  const known = providerByType(category, owner, provider);
  if (known && known.version === version) {
    const fields = typedFields(known, config, notes);
    if (!fields) return undefined;
    return { kind, spec: shape(known, fields, connection) };
  }
  if (owner === 'Custom') {
    const custom = PROVIDERS[category as keyof typeof PROVIDERS]?.find((p) => p.customProvider && provider.toLowerCase().includes(p.kind));
    if (!custom) return undefined;
    const spec: Record<string, unknown> = { [custom.kind]: provider };
    if (version !== '1') spec.version = version;
    const rest: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      if (k === 'ProjectName' && v !== '') spec.project = v;
      else if (v === '') return undefined;
      else rest[k] = masked(k, v, notes);
    }
    if (Object.keys(rest).length > 0) spec.configuration = rest;
    return { kind, spec };
  }
  return undefined;
}

/** The Commands action: commands, env, exports and output files. */
function computeSpec(config: Record<string, string>, a: JsonObject): { kind: ActionKind; spec: unknown } | undefined {
  if (Object.keys(config).length > 0 || !Array.isArray(a.commands) || a.commands.length === 0) return undefined;
  const spec: Record<string, unknown> = { commands: a.commands.map(String) };
  const env = envOf(a.environmentVariables);
  if (env === null) return undefined;
  if (env) spec.env = env;
  if (Array.isArray(a.outputVariables) && a.outputVariables.length > 0) spec.exports = a.outputVariables.map(String);
  const files = outputFiles(a);
  if (files) spec.files = files;
  return { kind: 'compute', spec };
}

/** The `files` of the action's one output artifact, if it lists any. */
export function outputFiles(a: JsonObject): string[] | undefined {
  const outs = Array.isArray(a.outputArtifacts) ? a.outputArtifacts.filter(isObject) : [];
  const f = outs[0]?.files;
  return Array.isArray(f) && f.length > 0 ? f.map(String) : undefined;
}

/** environmentVariables as an `env` mapping; null when the mapping cannot say it (repeated names). */
export function envOf(list: Json | undefined): Record<string, unknown> | undefined | null {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const env: Record<string, unknown> = {};
  for (const e of list) {
    if (!isObject(e) || typeof e.name !== 'string' || Object.hasOwn(env, e.name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) return null;
    const value = String(e.value ?? '');
    const type = String(e.type ?? 'PLAINTEXT');
    if (type === 'SECRETS_MANAGER') env[e.name] = { secret: value };
    else if (type === 'PARAMETER_STORE') env[e.name] = { parameter: value };
    else if (type === 'PLAINTEXT') env[e.name] = plainEnvValue(e.name, value);
    else return null;
  }
  return env;
}

/** The catalog settings for a configuration map; undefined when a key or value has no typed form. */
function typedFields(p: Provider, config: Record<string, string>, notes: string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const used = new Set<string>();
  for (const f of p.fields) {
    if (f.artifactKey) {
      const file = config[f.key];
      const art = config[f.artifactKey];
      if (file === undefined && art === undefined) continue;
      if (file === undefined || art === undefined || file === '' || art === '') return undefined;
      used.add(f.key).add(f.artifactKey);
      out[f.name] = `${art}::${file}`;
      continue;
    }
    // A key left out means the service's default (`poll` absent: CodePipeline polls), which pipec's
    // default for the setting may not be (pipec writes PollForSourceChanges false): say it.
    const serviceDefault = f.default !== undefined ? p.defaults?.[f.key] : undefined;
    const v = config[f.key] ?? serviceDefault;
    if (v === undefined) continue;
    if (config[f.key] !== undefined) used.add(f.key);
    const value = fieldValue(f, v, notes);
    if (value === undefined) return undefined;
    if (f.default !== undefined && value === f.default) continue;
    out[f.name] = value;
  }
  if (Object.keys(config).some((k) => !used.has(k))) {
    if (p.provider === 'CodeBuild' && config.EnvironmentVariables !== undefined && Object.keys(config).every((k) => used.has(k) || k === 'EnvironmentVariables')) {
      let list: Json;
      try {
        list = JSON.parse(config.EnvironmentVariables) as Json;
      } catch {
        return undefined;
      }
      const env = envOf(list);
      if (!env || !Array.isArray(list) || list.some((e) => !isObject(e) || Object.keys(e).some((k) => !['name', 'value', 'type'].includes(k)))) return undefined;
      // only when compiling `env` gives back the same text, byte for byte - or when a value
      // needs `{ plaintext }` (or a placeholder), which only the typed form can say
      const exact = JSON.stringify(list.map((e) => (isObject(e) ? { name: e.name, type: e.type ?? 'PLAINTEXT', value: e.value } : e))) === config.EnvironmentVariables;
      if (!exact && !Object.values(env).some((v) => typeof v === 'object' && v !== null && ('plaintext' in (v instanceof Noted ? (v.value as object) : v) || v instanceof Noted))) return undefined;
      out.env = env;
      return out;
    }
    return undefined;
  }
  return out;
}

/** One configuration value as its pipeline.yml setting; undefined when it has none. */
function fieldValue(f: Field, v: string, notes: string[]): unknown {
  if (v === '') return undefined;
  switch (f.type) {
    case 'bool':
      return v === 'true' ? true : v === 'false' ? false : undefined;
    case 'int': {
      if (!/^-?\d+$/.test(v)) return undefined;
      const n = Number(v);
      if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max) || String(n) !== v) return undefined;
      return n;
    }
    case 'enum': {
      const friendly = Object.entries(f.values ?? {}).find(([, api]) => api === v)?.[0];
      return friendly;
    }
    case 'list': {
      const items = v.split(f.separator ?? ',');
      if (items.some((x) => x === '')) return undefined;
      if (f.values) {
        const mapped = items.map((x) => Object.entries(f.values ?? {}).find(([, api]) => api === x)?.[0]);
        if (mapped.some((x) => x === undefined)) return undefined;
        return mapped.length === 1 ? mapped[0] : mapped;
      }
      return items.length === 1 ? v : items;
    }
    case 'json': {
      try {
        const parsed = JSON.parse(v) as unknown;
        if (typeof parsed === 'object' && parsed !== null && stableJson(parsed) === v) return parsed;
      } catch {
        // not JSON: kept as the text it is
      }
      return v;
    }
    case 'secret':
      return { secret: secretName(f.name, v, notes) };
    case 'artifact':
      return /^[A-Za-z0-9_-]+$/.test(v) ? v : undefined;
    default:
      return v.length <= 1000 ? v : undefined;
  }
}

/** The Secrets Manager name of a secret setting: from a dynamic reference, else a placeholder to fill in. */
function secretName(setting: string, v: string, notes: string[]): string {
  const ref = /^\{\{resolve:secretsmanager:(.+)\}\}$/.exec(v);
  if (ref) return ref[1] as string;
  notes.push(v === MASKED ? `'${setting}' came back masked (****): name the Secrets Manager secret that holds it` : `'${setting}' was plain text in the input (not copied here): store it in Secrets Manager and name the secret`);
  return secretPlaceholder(setting);
}

/** A raw configuration value; a masked one gets a comment, since applying it would write '****'. */
function masked(key: string, v: string, notes: string[]): string {
  if (v === MASKED) notes.push(`'${key}' came back masked (****): put the real value here before applying`);
  return v;
}

/** The settings in the provider's shape: the primary setting as the kind key's value. */
function shape(p: Provider, fields: Record<string, unknown>, connection: string | undefined): unknown {
  const rest = { ...fields };
  if (connection !== undefined && rest.connection === connection) delete rest.connection;
  if (p.category === 'Source') {
    const short = shorthand(p, rest);
    if (short) return short;
  }
  if (p.category === 'Approval') return rest;
  const kindName = p.category === 'Source' && p.provider === 'CodeStarSourceConnection' ? 'connection' : p.kind;
  if (p.primarySplit) {
    const [a, b] = p.primarySplit;
    const av = rest[a];
    const bv = rest[b];
    if (typeof av === 'string' && typeof bv === 'string' && !av.includes('/') && av !== '' && bv !== '') {
      delete rest[a];
      delete rest[b];
      return { [kindName]: `${av}/${bv}`, ...rest };
    }
    return { [kindName]: rest };
  }
  if (p.primary && typeof rest[p.primary] === 'string') {
    const primary = rest[p.primary];
    delete rest[p.primary];
    // connection sources: `connection: owner/repo` reads as the ARN beside another kind, so nest then
    if (kindName === 'connection' && rest.connection !== undefined) return { connection: { repository: primary, ...rest } };
    return { [kindName]: primary, ...rest };
  }
  return { [kindName]: rest };
}

/** `codecommit:repo@branch`, `connection:owner/repo@branch`, `s3:bucket/key`, `ecr:repo@tag` when nothing else is set. */
function shorthand(p: Provider, rest: Record<string, unknown>): string | undefined {
  const keys = Object.keys(rest).sort().join(',');
  const clean = (s: unknown): s is string => typeof s === 'string' && s !== '' && !/[@\s#]/.test(s);
  if (p.kind === 'codecommit' && keys === 'branch,repository' && clean(rest.repository) && typeof rest.branch === 'string' && rest.branch !== '' && !/\s/.test(rest.branch))
    return `codecommit:${rest.repository}@${rest.branch}`;
  if (p.provider === 'CodeStarSourceConnection' && keys === 'branch,repository' && clean(rest.repository) && typeof rest.branch === 'string' && rest.branch !== '' && !/\s/.test(rest.branch))
    return `connection:${rest.repository}@${rest.branch}`;
  if (p.kind === 's3' && keys === 'bucket,key' && clean(rest.bucket) && !String(rest.bucket).includes('/') && typeof rest.key === 'string' && rest.key !== '' && !/\s/.test(rest.key)) return `s3:${rest.bucket}/${rest.key}`;
  if (p.kind === 'ecr' && (keys === 'repository' || keys === 'repository,tag') && clean(rest.repository) && !String(rest.repository).includes(':') && (rest.tag === undefined || clean(rest.tag)))
    return `ecr:${rest.repository}${rest.tag !== undefined ? `@${rest.tag}` : ''}`;
  return undefined;
}

/** The raw `action:` form: any type, configuration as text. */
function rawSpec(category: string, owner: string, provider: string, version: string, config: Record<string, string>, a: JsonObject, notes: string[]): unknown {
  const spec: Record<string, unknown> = { category };
  if (owner !== 'AWS') spec.owner = owner;
  spec.provider = provider;
  if (version !== '1') spec.version = version;
  const cfg: Record<string, string> = {};
  const secrets = new Set(secretKeys(category, owner, provider));
  for (const [k, v] of Object.entries(config)) {
    cfg[k] = masked(k, v, notes);
    if (secrets.has(k) && v !== MASKED && !v.startsWith('{{resolve:')) notes.push(`'${k}' is a secret kept in plain text in the pipeline: store it in Secrets Manager and refer to it ({{resolve:secretsmanager:<secret-id>}} here, or the typed form's { secret: <secret-id> })`);
  }
  if (Object.keys(cfg).length > 0) spec.configuration = cfg;
  if (Array.isArray(a.commands) && a.commands.length > 0) spec.commands = a.commands.map(String);
  if (Array.isArray(a.outputVariables) && a.outputVariables.length > 0) spec['output-variables'] = a.outputVariables.map(String);
  const env = envOf(a.environmentVariables);
  if (env) spec.env = env;
  const files = outputFiles(a);
  if (files) spec.files = files;
  if (!providerByType(category, owner, provider)) notes.push(`${owner}/${provider} v${version} is an action type pipec knows only in the raw form`);
  return spec;
}
