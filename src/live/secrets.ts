import { PROVIDERS } from '../compiler/catalog/index.js';
import type { Change } from './changes.js';
import { isObject, type Json } from './json.js';

/** What a plan shows in place of a secret value. */
export const SENSITIVE = '(sensitive)';

/** Configuration keys the catalog marks as secrets (OAuthToken, ClientSecret, ...). */
const CATALOG_SECRET_KEYS = new Set(Object.values(PROVIDERS).flatMap((list) => list.flatMap((p) => p.secretKeys ?? [])));

/** Names that hold secrets by convention: `*Token`, `*Secret*`, `*Password*`, and their snake/kebab spellings. */
const SECRET_NAME = /(token$|secret|passw(or)?d|private[-_]?key|api[-_]?key|credential)/i;

/** True when a key or variable of this name holds a secret: the catalog's secret keys, or a secret-like name. */
export function isSecretName(name: string): boolean {
  return CATALOG_SECRET_KEYS.has(name) || SECRET_NAME.test(name);
}

/**
 * A copy of a value with every secret replaced by {@link SENSITIVE}: values under secret-named
 * keys, the `value` (or `defaultValue`) of `{ name, value }` items whose name is secret-like
 * (environment variables, pipeline variables), and the same inside JSON held in strings
 * (CodeBuild's `EnvironmentVariables`).
 */
export function maskSecrets(v: Json, key?: string): Json {
  if (key !== undefined && isSecretName(key) && !isObject(v) && !Array.isArray(v) && v !== null) return SENSITIVE;
  if (Array.isArray(v)) return v.map((x) => maskSecrets(x));
  if (isObject(v)) {
    const named = secretItem(v);
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = named && (k === 'value' || k === 'defaultValue') && x !== null ? SENSITIVE : maskSecrets(x as Json, k);
    return out;
  }
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try {
      const parsed = JSON.parse(v) as Json;
      const masked = maskSecrets(parsed);
      return JSON.stringify(masked) === JSON.stringify(parsed) ? v : JSON.stringify(masked);
    } catch {
      return v;
    }
  }
  return v;
}

/** An item `{ name | key, value }` (an environment variable, a pipeline variable, a tag) whose name is secret-like. */
function secretItem(o: Record<string, Json>): boolean {
  return (typeof o.name === 'string' && isSecretName(o.name)) || (typeof o.key === 'string' && isSecretName(o.key));
}

/** A change with its secrets masked: a secret field shows as `(sensitive)` on both sides. */
export function maskChange(c: Change): Change {
  const secretField = c.field !== undefined && c.field.split('.').some(isSecretName);
  const mask = (v: Json | undefined): Json | undefined => (v === undefined ? undefined : secretField ? SENSITIVE : maskSecrets(v));
  const out: Change = { ...c };
  if ('old' in c) out.old = mask(c.old) as Json;
  if ('new' in c) out.new = mask(c.new) as Json;
  // Only a secret inside differs (an environment variable's value): say that, not "X -> X".
  if (c.op === 'change' && JSON.stringify(out.old) === JSON.stringify(out.new)) {
    out.old = SENSITIVE;
    out.new = SENSITIVE;
  }
  return out;
}

/** Every secret value in a value (at least 4 characters long), to scrub from messages. */
export function secretValues(v: Json): string[] {
  const out = new Set<string>();
  const walk = (x: Json, key?: string) => {
    if (typeof x === 'string') {
      if (key !== undefined && isSecretName(key) && x.length >= 4) out.add(x);
      else if (/^\s*[[{]/.test(x))
        try {
          walk(JSON.parse(x) as Json);
        } catch {
          // not JSON
        }
    } else if (Array.isArray(x)) x.forEach((y) => walk(y));
    else if (isObject(x)) {
      const named = secretItem(x);
      for (const [k, y] of Object.entries(x)) walk(y as Json, named && (k === 'value' || k === 'defaultValue') ? 'secret' : k);
    }
  };
  walk(v);
  return [...out].filter((s) => s !== '****');
}

/** A writer that replaces each of the secret values with `(sensitive)` before passing text on. */
export function scrubbing(w: { write(s: string): unknown; isTTY?: boolean }, secrets: () => readonly string[]): { write(s: string): unknown; isTTY?: boolean } {
  return {
    write: (s: string) => {
      let text = s;
      for (const secret of secrets()) if (text.includes(secret)) text = text.split(secret).join(SENSITIVE);
      return w.write(text);
    },
    ...(w.isTTY !== undefined ? { isTTY: w.isTTY } : {}),
  };
}
