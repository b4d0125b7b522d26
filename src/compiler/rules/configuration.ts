import { choices, didYouMean } from '../suggest.js';
import type { Provider } from '../catalog/index.js';
import type { Diagnostics } from '../diagnostics.js';
import type { IrAction } from '../ir.js';
import type { Span } from '../source.js';
import { factsOf } from './provider-facts.js';
import type { Rule } from './types.js';

/** Required keys per provider, no unknown keys, values of 1..1000 characters, keys of at most 50 (S12, S13). */
export const configuration: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const c = a.catalog;
      if (c && !c.customProvider && !c.noConfiguration) checkKeys(a, c, diags);
      const cfg = a.configuration;
      for (const key in cfg) {
        if (!Object.hasOwn(cfg, key)) continue;
        const n = (cfg[key] as string).length;
        if (key.length > 50 || n === 0 || n > 1000) reportLengths(a, key, diags);
      }
    }
};

/** Where a problem with configuration key `key` (or with the whole configuration) is reported. */
const at = (a: IrAction, key?: string): Span => (key ? (a.configSpans[key] ?? a.span) : a.span);

/** The keys of a known provider's action: the required ones there, no others, and the provider's own check. */
function checkKeys(a: IrAction, c: Provider, diags: Diagnostics): void {
  const cfg = a.configuration;
  const facts = factsOf(c);
  const required = facts.required;
  for (let i = 0; i < required.length; i++) {
    const f = required[i]!;
    if (cfg[f.key] === undefined)
      diags.add('PC3011', `action '${a.name}' (${c.provider}) needs configuration key '${f.key}'`, a.span, {
        suggestion: `set '${f.name}' in its settings`,
      });
  }
  const keys = facts.keys;
  for (const key in cfg) if (Object.hasOwn(cfg, key) && !keys.has(key)) reportUnknown(a, c, keys, key, diags);
  if (c.check !== undefined)
    for (const problem of c.check(cfg, a.inputs.map((i) => i.name)) ?? [])
      diags.add(problem.code ?? 'PC3012', `action '${a.name}': ${problem.message}`, at(a, problem.key));
}

function reportUnknown(a: IrAction, c: Provider, keys: Set<string>, key: string, diags: Diagnostics): void {
  const guess = didYouMean(key, keys);
  // The raw form reaches keys pipec's catalog may not know yet (a provider's new setting): said, not refused.
  if (a.raw)
    diags.add('PC3033', `${c.provider} actions have no configuration key '${key}' that pipec knows; CodePipeline rejects unknown keys`, at(a, key), {
      suggestion: guess ? `did you mean '${guess}'?` : `known keys: ${choices([...keys])}`,
    });
  else
    diags.add('PC3012', `${c.provider} actions have no configuration key '${key}'`, at(a, key), {
      suggestion: guess ? `did you mean '${guess}'?` : `valid keys: ${choices([...keys])}`,
    });
}

function reportLengths(a: IrAction, key: string, diags: Diagnostics): void {
  const value = a.configuration[key] as string;
  if (key.length > 50) diags.add('PC3012', `configuration key '${key.slice(0, 60)}' is ${key.length} characters; at most 50`, at(a, key));
  if (value.length === 0) diags.add('PC3012', `configuration value of '${key}' is empty; CodePipeline rejects empty values`, at(a, key), { suggestion: 'leave the key out instead' });
  if (value.length > 1000)
    diags.add('PC3012', `configuration value of '${key}' is ${value.length} characters; CodePipeline takes at most 1000`, at(a, key), {
      suggestion: key === 'EnvironmentVariables' ? 'move long values into Parameter Store and use { parameter: ... }' : undefined,
    } as { suggestion?: string });
}
