import { choices, didYouMean } from '../suggest.js';
import type { Provider } from '../catalog/index.js';
import type { Rule } from './types.js';

/** Each provider's configuration keys (its fields' keys, their artifact keys, its env key), made once per provider. */
const KEYS = new WeakMap<Provider, Set<string>>();
function keysOf(c: Provider): Set<string> {
  let keys = KEYS.get(c);
  if (!keys) {
    keys = new Set(c.fields.flatMap((f) => (f.artifactKey ? [f.key, f.artifactKey] : [f.key])));
    if (c.env !== undefined) keys.add(c.env);
    KEYS.set(c, keys);
  }
  return keys;
}

/** Required keys per provider, no unknown keys, values of 1..1000 characters, keys of at most 50 (S12, S13). */
export const configuration: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const c = a.catalog;
      const cfg = a.configuration;
      const at = (key?: string) => (key ? (a.configSpans[key] ?? a.span) : a.span);
      if (c && !c.customProvider && !c.noConfiguration) {
        const keys = keysOf(c);
        for (const f of c.fields)
          if (f.required && cfg[f.key] === undefined)
            diags.add('PC3011', `action '${a.name}' (${c.provider}) needs configuration key '${f.key}'`, a.span, {
              suggestion: `set '${f.name}' in its settings`,
            });
        for (const key of Object.keys(cfg))
          if (!keys.has(key)) {
            const guess = didYouMean(key, keys);
            // The raw form reaches keys pipec's catalog may not know yet (a provider's new setting): said, not refused.
            if (a.raw)
              diags.add('PC3033', `${c.provider} actions have no configuration key '${key}' that pipec knows; CodePipeline rejects unknown keys`, at(key), {
                suggestion: guess ? `did you mean '${guess}'?` : `known keys: ${choices([...keys])}`,
              });
            else
              diags.add('PC3012', `${c.provider} actions have no configuration key '${key}'`, at(key), {
                suggestion: guess ? `did you mean '${guess}'?` : `valid keys: ${choices([...keys])}`,
              });
          }
        for (const problem of c.check?.(cfg, a.inputs.map((i) => i.name)) ?? [])
          diags.add(problem.code ?? 'PC3012', `action '${a.name}': ${problem.message}`, at(problem.key));
      }
      for (const [key, value] of Object.entries(cfg)) {
        if (key.length > 50) diags.add('PC3012', `configuration key '${key.slice(0, 60)}' is ${key.length} characters; at most 50`, at(key));
        if (value.length === 0) diags.add('PC3012', `configuration value of '${key}' is empty; CodePipeline rejects empty values`, at(key), { suggestion: 'leave the key out instead' });
        if (value.length > 1000)
          diags.add('PC3012', `configuration value of '${key}' is ${value.length} characters; CodePipeline takes at most 1000`, at(key), {
            suggestion: key === 'EnvironmentVariables' ? 'move long values into Parameter Store and use { parameter: ... }' : undefined,
          } as { suggestion?: string });
      }
    }
};
