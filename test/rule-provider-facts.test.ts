import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../src/compiler/catalog/index.js';
import { fieldProblem } from '../src/compiler/rules/configuration-types.js';
import { factsOf } from '../src/compiler/rules/provider-facts.js';

const providers = Object.values(PROVIDERS).flat();
const VALUES = ['', 'x', 'true', 'FALSE', 'maybe', '12', '-3', '1.5', 'a,b', 'not an arn', 'arn:aws:iam::123456789012:role/r', 'y'.repeat(300), '😀', '#{a.b}'];

describe('provider facts (what the configuration rules read once per provider)', () => {
  it('lists as typed every field whose values a type check can refuse, in the catalog order', () => {
    for (const c of providers) {
      const typed = factsOf(c).typed;
      expect(typed).toEqual(c.fields.filter((f) => typed.includes(f)));
      for (const f of c.fields) if (!typed.includes(f)) for (const v of VALUES) expect(fieldProblem(f, v), `${c.kind} ${f.key} ${v}`).toBeUndefined();
    }
  });

  it('holds every key, the required fields and the JSON keys of each provider', () => {
    for (const c of providers) {
      const facts = factsOf(c);
      expect([...facts.keys].sort()).toEqual([...new Set([...c.fields.flatMap((f) => (f.artifactKey ? [f.key, f.artifactKey] : [f.key])), ...(c.env !== undefined ? [c.env] : [])])].sort());
      expect(facts.required).toEqual(c.fields.filter((f) => f.required));
      expect(facts.json).toEqual(Object.entries(c.json ?? {}));
      expect(factsOf(c)).toBe(facts);
    }
  });
});
