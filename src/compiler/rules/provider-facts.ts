import type { Field, JsonShape, Provider } from '../catalog/index.js';

/**
 * What the rules read of a catalog entry, made once per provider rather than per action: the
 * configuration and configuration-types rules would otherwise walk every field of the provider for
 * every action of it, to find the few that say something about the action.
 */
export interface ProviderFacts {
  /** Every configuration key it takes: its fields' keys, their artifact keys, its env key. */
  keys: Set<string>;
  /** Its required fields, in the catalog's order. */
  required: Field[];
  /** Its fields whose values a type check can refuse (a pattern, true/false, a whole number, a word list), in the catalog's order. */
  typed: Field[];
  /** Its JSON-valued keys and the shape each must have, in the catalog's order. */
  json: Array<[string, JsonShape]>;
}

const FACTS = new WeakMap<Provider, ProviderFacts>();

/** The facts of one catalog entry, made on first use. */
export function factsOf(c: Provider): ProviderFacts {
  const facts = FACTS.get(c);
  return facts === undefined ? makeFacts(c) : facts;
}

function makeFacts(c: Provider): ProviderFacts {
  const keys = new Set(c.fields.flatMap((f) => (f.artifactKey ? [f.key, f.artifactKey] : [f.key])));
  if (c.env !== undefined) keys.add(c.env);
  const facts: ProviderFacts = {
    keys,
    required: c.fields.filter((f) => f.required),
    typed: c.fields.filter(typeCheckable),
    json: Object.entries(c.json ?? {}),
  };
  FACTS.set(c, facts);
  return facts;
}

/** Whether configuration-types' fieldProblem can find anything wrong with a value of the field. */
function typeCheckable(f: Field): boolean {
  switch (f.type) {
    case 'string':
      return Boolean(f.pattern);
    case 'bool':
    case 'int':
      return true;
    case 'enum':
    case 'list':
      return Boolean(f.values);
    default:
      return false;
  }
}
