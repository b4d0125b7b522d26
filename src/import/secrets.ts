/**
 * Environment variables that need the user: a value that came back masked (`****`) is written as a
 * Secrets Manager placeholder to fill in (the round trip cannot know it, so it is excused there),
 * and a plain-text value that looks like a secret is written `{ plaintext: ... }` - the pipeline
 * stays exactly what it is, and pipec's PC3027 does not refuse it - with a comment saying to move
 * it to Secrets Manager or Parameter Store. Neither value is ever printed in a message.
 */
import { providerByType } from '../compiler/catalog/index.js';
import { looksSecret } from '../compiler/rules/plaintext-secret.js';
import { isObject, type Json, type JsonObject } from '../live/json.js';
import { MASKED } from '../live/normalise-config.js';
import { secretPlaceholder } from './notes.js';
import { noted } from './yaml.js';

/** A plain-text environment value as pipeline.yml writes it, with a comment where it needs the user. */
export function plainEnvValue(name: string, value: string): unknown {
  if (value === MASKED) return noted({ secret: secretPlaceholder(name) }, [`'${name}' came back masked (****): name the Secrets Manager secret that holds it (or { parameter: /path } for Parameter Store)`]);
  if (looksSecret(name, value))
    return noted({ plaintext: value }, [`'${name}' looks like a secret kept in plain text in the pipeline: move it to Secrets Manager ({ secret: id }) or Parameter Store ({ parameter: /path })`]);
  return value;
}

/** The configuration keys the provider catalog says hold secrets (a GitHub v1 source's OAuthToken ...). */
export function secretKeys(category: string, owner: string, provider: string): string[] {
  return (providerByType(category, owner, provider)?.fields ?? []).filter((f) => f.type === 'secret').map((f) => f.key);
}

/** One environment variable of an action that needs the user. */
export interface SecretFinding {
  stage: string;
  action: string;
  name: string;
  masked: boolean;
}

const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** An action's environment variables: a Commands action's own, a CodeBuild action's from its configuration. */
function envLists(a: JsonObject): JsonObject[] {
  const own = list(a.environmentVariables);
  const text = isObject(a.configuration) ? a.configuration.EnvironmentVariables : undefined;
  if (typeof text !== 'string') return own;
  try {
    return [...own, ...list(JSON.parse(text) as Json)];
  } catch {
    return own;
  }
}

/** The plain-text variables of a declaration that came back masked or look like secrets. */
export function secretFindings(decl: JsonObject): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const s of list(decl.stages))
    for (const a of list(s.actions)) {
      const t = isObject(a.actionTypeId) ? a.actionTypeId : {};
      const secret = new Set(secretKeys(String(t.category), String(t.owner), String(t.provider)));
      if (isObject(a.configuration))
        for (const [k, v] of Object.entries(a.configuration)) {
          if (v === MASKED) out.push({ stage: String(s.name), action: String(a.name), name: k, masked: true });
          else if (secret.has(k) && typeof v === 'string' && !v.startsWith('{{resolve:')) out.push({ stage: String(s.name), action: String(a.name), name: k, masked: false });
        }
      for (const e of envLists(a)) {
        if ((e.type ?? 'PLAINTEXT') !== 'PLAINTEXT' || typeof e.name !== 'string') continue;
        const value = String(e.value ?? '');
        if (value === MASKED || looksSecret(e.name, value)) out.push({ stage: String(s.name), action: String(a.name), name: e.name, masked: value === MASKED });
      }
    }
  return out;
}

function replaceMasked(vars: JsonObject[], compiled: JsonObject[]): JsonObject[] {
  return vars.map((e) => (e.value === MASKED ? (compiled.find((c) => c.name === e.name) ?? e) : e));
}

/**
 * The source declaration with each masked environment value replaced by what the import wrote for
 * it (a placeholder the user fills in): the round trip compares everything else.
 */
export function excuseMasked(source: JsonObject, compiled: JsonObject): JsonObject {
  if (!JSON.stringify(source).includes(MASKED)) return source;
  const stages = list(source.stages).map((s) => {
    const other = list(compiled.stages).find((c) => c.name === s.name);
    const actions = list(s.actions).map((a) => {
      const twin = list(other?.actions).find((c) => c.name === a.name);
      if (!twin) return a;
      const out: JsonObject = { ...a };
      if (Array.isArray(a.environmentVariables)) out.environmentVariables = replaceMasked(list(a.environmentVariables), list(twin.environmentVariables));
      const text = isObject(a.configuration) ? a.configuration.EnvironmentVariables : undefined;
      const twinText = isObject(twin.configuration) ? twin.configuration.EnvironmentVariables : undefined;
      if (typeof text === 'string' && typeof twinText === 'string' && text.includes(MASKED)) {
        try {
          const fixed = replaceMasked(list(JSON.parse(text) as Json), list(JSON.parse(twinText) as Json));
          out.configuration = { ...(a.configuration as JsonObject), EnvironmentVariables: JSON.stringify(fixed) };
        } catch {
          // not JSON: compared as written
        }
      }
      return out;
    });
    return { ...s, actions };
  });
  return { ...source, stages };
}
