import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROVIDERS, RULES } from '../src/compiler/catalog/index.js';
import { accepted, REFUSED } from '../src/compiler/check-accept.js';
import { Diagnostics } from '../src/compiler/diagnostics.js';
import { ACTION_KINDS } from '../src/compiler/model.js';
import { parseSource } from '../src/compiler/parse.js';
import { actionSchema, providerSchema, ruleSchema } from '../src/compiler/schema/actions.js';
import { SourceFile } from '../src/compiler/source.js';
import { pipelineYaml } from '../bench/workspace.mjs';
import { ROOT } from './support/cli.js';
import { prng } from './support/mutate.js';
import { yamlFiles } from './support/yaml-files.js';

/**
 * `accepted` (check.ts's reading of a value its schema takes, without zod) against zod's own
 * `safeParse`: for every schema of the compiler and every schema inside them, over values read from
 * every YAML file of the repository and values generated from each schema's definition (mostly
 * valid, with seeded slips: a key left out or added, a scalar of another type, a bad string), the
 * two agree on whether the value is taken, and where it is, on the value read (the same values,
 * keys in the same order, lists of the same length).
 */

type Def = Record<string, unknown> & { type: string };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const isSchema = (v: unknown): v is z.ZodType => typeof v === 'object' && v !== null && '_zod' in v && 'safeParse' in v;

/** Each schema and every schema inside it (shapes, elements, options, wrapped and piped types), once. */
function withParts(roots: readonly z.ZodType[]): z.ZodType[] {
  const seen = new Set<z.ZodType>();
  const visit = (s: unknown): void => {
    if (!isSchema(s) || seen.has(s)) return;
    seen.add(s);
    const d = defOf(s);
    if (d.type === 'object') for (const v of Object.values(d.shape as Record<string, unknown>)) visit(v);
    for (const k of ['element', 'innerType', 'in', 'out', 'keyType', 'valueType', 'catchall']) visit(d[k]);
    for (const o of (d.options as unknown[] | undefined) ?? []) visit(o);
  };
  roots.forEach(visit);
  return [...seen];
}

/**
 * The schemas the compiler checks with: every one its modules export (alone or in a record or map of
 * them, or made on first use by `lazy`: `export const X = lazy(...)`) and the per-kind ones.
 */
async function compilerSchemas(): Promise<z.ZodType[]> {
  const roots: z.ZodType[] = [];
  const dir = join(ROOT, 'src', 'compiler');
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
  for (const f of files) {
    const mod = (await import(join(dir, f))) as Record<string, unknown>;
    const lazies = [...readFileSync(join(dir, f), 'utf8').matchAll(/^export const (\w+) = lazy\(/gm)].map((m) => m[1] as string);
    for (const v of [...Object.values(mod), ...lazies.map((name) => (mod[name] as () => unknown)())]) {
      if (isSchema(v)) roots.push(v);
      else if (v instanceof Map) for (const x of v.values()) if (isSchema(x)) roots.push(x);
      else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) if (isSchema(x)) roots.push(x);
    }
  }
  for (const list of Object.values(PROVIDERS)) for (const p of list) roots.push(providerSchema(p));
  for (const r of RULES) roots.push(providerSchema(r), ruleSchema(r.kind));
  for (const k of ACTION_KINDS) roots.push(actionSchema(k));
  return withParts(roots);
}

/** Kinds of zod type the compiler does not use today, so that a schema written with them tomorrow is covered too. */
function otherSchemas(): z.ZodType[] {
  return withParts([
    z.object({ a: z.string(), b: z.number().optional(), c: z.string().default('d'), e: z.string().optional().default('f') }),
    z.object({ a: z.string().nullable(), b: z.boolean().default(false).optional() }),
    z.strictObject({ a: z.literal('x').or(z.literal(3)), b: z.enum(['a', 'b']).optional(), c: z.unknown(), d: z.any().optional() }),
    z.record(z.union([z.string().regex(/^[a-z]+$/), z.number()]), z.string()),
    z.record(z.enum(['a', 'b']), z.string()),
    z.partialRecord(z.enum(['a', 'b']), z.number()),
    z.looseObject({ a: z.string() }),
    z.string().trim().toLowerCase().min(2),
    z.array(z.string()).max(2).refine((l) => l.length !== 1, { message: 'not one' }),
    z.strictObject({ n: z.number().int().min(0).max(10).optional() }).superRefine((v, ctx) => {
      if (v.n === 3) ctx.addIssue({ code: 'custom', message: 'three', path: ['n'] });
    }),
    z.union([z.string().transform((s) => s.length), z.number()]),
    z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1)),
    z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), a: z.string() }), z.object({ kind: z.literal('b') })]),
    z.xor([z.string(), z.string().min(3)]),
    z.tuple([z.string(), z.number()]),
    z.email().optional(),
    z.string().readonly(),
    z.lazy(() => z.array(z.string())),
    z.union([z.string()]),
    z.number().catch(0),
  ]);
}


/** Every value (mappings, lists, scalars) of every YAML file of the repository and of a generated workspace, as the compiler reads them. */
function valuesRead(): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    out.push(v);
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  const texts = yamlFiles(ROOT).map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')] as const);
  texts.push(['bench.yml', pipelineYaml(40, 'files')]);
  for (const [name, text] of texts) {
    const parsed = parseSource(new SourceFile(name, text), new Diagnostics());
    if (parsed) walk(parsed.value);
  }
  return out;
}

const NUMBERS = [0, 1, 2, 5, 30, 60, 100, 2160, 2161, 86400, -1, 1.5, 1e9, Number.NaN, Number.POSITIVE_INFINITY, 123456789012];
const EDGE_TEXTS = ['', 'a', ' a ', 'x'.repeat(1001), 'True', 'no', '3.10', '0x1F', '12', '123456789012', 'us-east-1', 'arn:aws:iam::123456789012:role/x', 'arn:aws:iam::123456789012:role/', '__proto__', 'constructor', 'a@b.co'];

/** Seeded values for one schema, read off its definition: mostly what it takes, with slips. */
function generator(pool: readonly unknown[], texts: readonly string[], rnd: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const gen = (s: z.ZodType, depth: number): unknown => {
    if (rnd() < 0.08 || depth > 6) return pick(pool);
    const d = defOf(s);
    const zod = (s as unknown as { _zod: { values?: Set<unknown> } })._zod;
    switch (d.type) {
      case 'string':
        return rnd() < 0.2 ? pick(EDGE_TEXTS) : pick(texts);
      case 'number':
        return rnd() < 0.8 ? pick(NUMBERS.slice(0, 10)) : pick(NUMBERS);
      case 'boolean':
        return rnd() < 0.9 ? rnd() < 0.5 : pick(['true', 'yes', 1]);
      case 'enum':
      case 'literal':
        return rnd() < 0.85 ? pick([...(zod.values ?? [])]) : pick(texts);
      case 'object': {
        const shape = d.shape as Record<string, z.ZodType>;
        const out: Record<string, unknown> = {};
        const required = (v: z.ZodType): boolean => (v as unknown as { _zod: { optin?: string } })._zod.optin === undefined;
        for (const [k, v] of Object.entries(shape)) if (rnd() < (required(v) ? 0.95 : 0.4)) out[k] = gen(v, depth + 1);
        if (rnd() < 0.1) out[pick(texts)] = pick(pool);
        return out;
      }
      case 'array':
        return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(d.element as z.ZodType, depth + 1));
      case 'tuple':
        return (d.items as z.ZodType[]).map((i) => gen(i, depth + 1));
      case 'record': {
        const out: Record<string, unknown> = {};
        const n = Math.floor(rnd() * 4);
        for (let i = 0; i < n; i++) {
          const key = gen(d.keyType as z.ZodType, depth + 1);
          out[typeof key === 'string' || typeof key === 'number' ? String(key) : pick(texts)] = gen(d.valueType as z.ZodType, depth + 1);
        }
        return out;
      }
      case 'union':
        return gen(pick(d.options as z.ZodType[]), depth);
      case 'optional':
      case 'default':
      case 'nullable':
      case 'catch':
      case 'readonly':
        return rnd() < 0.15 ? pick([undefined, null]) : gen(d.innerType as z.ZodType, depth);
      case 'pipe':
        return gen(d.in as z.ZodType, depth);
      case 'lazy':
        return gen((d.getter as () => z.ZodType)(), depth);
      default:
        return rnd() < 0.5 ? pick(texts) : pick(pool);
    }
  };
  return gen;
}

/** The same value: same types, lists of the same length, mappings with the same keys in the same order. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.isFrozen(a) !== Object.isFrozen(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Whether the call throws. */
function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

describe('accepted: the checked reading without zod', async () => {
  const schemas = [...(await compilerSchemas()), ...otherSchemas()];
  const pool = valuesRead();
  const texts = [...new Set(pool.filter((v): v is string => typeof v === 'string'))].sort();
  const mappings = pool.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));

  it('finds the compiler schemas and the values to feed them', () => {
    expect(schemas.length).toBeGreaterThan(200);
    expect(pool.length).toBeGreaterThan(20000);
  });

  it('agrees with zod on every schema, for read and generated values', () => {
    const rnd = prng(14);
    const gen = generator(pool, texts, rnd);
    let taken = 0;
    let tried = 0;
    let schemasTaking = 0;
    const wrong: string[] = [];
    for (const [i, s] of schemas.entries()) {
      // Mappings read from the files that have keys of an object schema are what it meets in a compile.
      const d = defOf(s);
      const keys = d.type === 'object' ? Object.keys(d.shape as object) : [];
      const fitting = keys.length > 0 ? mappings.filter((m) => keys.some((k) => k in m)) : [];
      const values = [
        ...Array.from({ length: 250 }, () => gen(s, 0)),
        ...Array.from({ length: 100 }, () => pool[Math.floor(rnd() * pool.length)]),
        ...Array.from({ length: Math.min(100, fitting.length) }, () => fitting[Math.floor(rnd() * fitting.length)]),
      ];
      let takes = 0;
      for (const v of values) {
        // A bare transform (the String of a scalar's pipe, here fed any value) throws in zod and in ours alike on an
        // object whose toString is not a function (the pool holds one, from unknown-key-prototype-names): both must throw.
        const threw = [throws(() => s.safeParse(v)), throws(() => accepted(s, v))];
        if (threw[0] || threw[1]) {
          if (!threw[0] || !threw[1]) wrong.push(`schema #${i} (${defOf(s).type}) on ${JSON.stringify(v)?.slice(0, 200)}: ${threw[0] ? 'zod' : 'accepted'} throws, the other does not`);
          continue;
        }
        const z4 = s.safeParse(v);
        const ours = accepted(s, v);
        tried++;
        if (z4.success) takes++;
        if (z4.success !== (ours !== REFUSED) || (z4.success && !same(z4.data, ours)))
          wrong.push(`schema #${i} (${defOf(s).type}) on ${JSON.stringify(v)?.slice(0, 200)}: zod ${z4.success ? JSON.stringify(z4.data)?.slice(0, 200) : 'refuses'}, accepted ${ours === REFUSED ? 'refuses' : JSON.stringify(ours)?.slice(0, 200)}`);
      }
      taken += takes;
      if (takes > 0) schemasTaking++;
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // Neither all refused nor all taken: both paths of each kind were compared.
    expect(taken / tried).toBeGreaterThan(0.3);
    expect(taken / tried).toBeLessThan(0.95);
    // (z.never, the catchall of every strict object, takes nothing.)
    expect(schemasTaking / schemas.filter((s) => defOf(s).type !== 'never').length).toBeGreaterThan(0.95);
  });
});
