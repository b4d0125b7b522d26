import { providerByType } from '../compiler/catalog/index.js';
import { isObject, stableJson, type Json, type JsonObject } from './json.js';

/** The marker GetPipeline returns in place of a secret configuration value. */
export const MASKED = '****';

/**
 * An action's configuration in one canonical form, so that what pipec generates and what
 * GetPipeline returns compare equal when they mean the same. Both sides go through this:
 * - values the service assumes when a key is absent (the catalog's `defaults`) are filled in;
 * - boolean words compare case-insensitively (`True` and `true` are both written by consoles and docs);
 * - JSON-valued strings compare by meaning (parsed, re-serialised with sorted keys);
 * - `Capabilities` is a set (comma-separated, order-free);
 * - CodeBuild's `PrimarySource` defaults to the only input artifact, and its environment
 *   variables' `type` to PLAINTEXT.
 */
export function normaliseConfiguration(typeId: JsonObject, config: Json | undefined, inputs: readonly string[], fillDefaults = true): JsonObject {
  const out: Record<string, string> = {};
  if (isObject(config))
    for (const [k, v] of Object.entries(config)) {
      if (v === null || v === undefined) continue;
      out[k] = typeof v === 'string' ? v : stableJson(v);
    }
  const provider = providerByType(String(typeId.category), String(typeId.owner), String(typeId.provider));
  if (provider) {
    if (fillDefaults) for (const [k, v] of Object.entries(provider.defaults ?? {})) if (out[k] === undefined) out[k] = v;
    for (const f of provider.fields) {
      const v = out[f.key];
      if (v === undefined) continue;
      if (f.type === 'bool' && /^(true|false)$/i.test(v)) out[f.key] = v.toLowerCase();
      else if (f.type === 'json') out[f.key] = canonicalJsonText(v);
    }
  }
  if (out.Capabilities !== undefined) out.Capabilities = out.Capabilities.split(',').map((s) => s.trim()).filter(Boolean).sort().join(',');
  if (typeId.provider === 'CodeBuild' && typeId.owner === 'AWS') {
    if (fillDefaults && out.PrimarySource === undefined && inputs.length === 1) out.PrimarySource = inputs[0] as string;
    if (out.EnvironmentVariables !== undefined) out.EnvironmentVariables = canonicalEnvironment(out.EnvironmentVariables);
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k] as string]));
}

/** JSON text re-serialised compactly with sorted keys; text that is not JSON stays as written. */
export function canonicalJsonText(text: string): string {
  try {
    return stableJson(JSON.parse(text));
  } catch {
    return text;
  }
}

function canonicalEnvironment(text: string): string {
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return canonicalJsonText(text);
    return stableJson(list.map((e) => (isObject(e) && e.type === undefined ? { ...e, type: 'PLAINTEXT' } : e)));
  } catch {
    return text;
  }
}
