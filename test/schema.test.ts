import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaText } from '../src/cli/schema-text.js';
import { ROOT, runCli } from './support/cli.js';
import { expectGolden } from './support/golden.js';

/**
 * The JSON Schema of pipeline.yml (`pipec schema`, shipped as schema/pipeline.schema.json) is held
 * against a standard validator (ajv, draft-07): every example and ok-fixture validates, and every
 * bad-input fixture whose problems are all schema-class (unknown key PC2001, wrong type PC2002, a
 * value outside the choices PC2004) fails it. (A fixture that mixes in rule errors may owe its PC2004
 * to a macro's own check, such as a traffic word, which a JSON Schema of free text cannot make.)
 */

const SHIPPED = join(ROOT, 'schema', 'pipeline.schema.json');
/** The schema as the compiler's schemas generate it now; the shipped file is its golden. */
const generated = schemaText();
const schema = JSON.parse(generated) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const SCHEMA_CLASS = new Set(['PC2001', 'PC2002', 'PC2004']);

const read = (path: string): unknown => parse(readFileSync(path, 'utf8'));
const errorsOf = (value: unknown): string => JSON.stringify(validate.errors?.slice(0, 5), null, 1);

describe('pipec schema', () => {
  it('the shipped schema (which pipec schema prints) is what the compiler\'s schemas generate now (`npm run docs` or `npm run snapshots:update` refreshes it)', () => {
    expectGolden(SHIPPED, generated);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('prints the shipped JSON Schema, exit 0', async () => {
    const printed = await runCli(['schema']);
    expect(printed.code).toBe(0);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toBe(readFileSync(SHIPPED, 'utf8'));
  });

  it('describes every key', () => {
    const missing: string[] = [];
    const walk = (n: unknown, path: string): void => {
      if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${path}/${i}`));
      if (typeof n !== 'object' || n === null) return;
      const o = n as Record<string, unknown>;
      if (o.properties) for (const [k, v] of Object.entries(o.properties as Record<string, { description?: string }>)) if (!v.description) missing.push(`${path}/${k}`);
      for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });

  it('gives every key an example, and every example is valid for its key', () => {
    const missing: string[] = [];
    const invalid: string[] = [];
    const id = schema.$id as string;
    const checks = new Ajv({ allErrors: false, strict: false });
    checks.addSchema(schema);
    const walk = (n: unknown, path: string): void => {
      if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${path}/${i}`));
      if (typeof n !== 'object' || n === null) return;
      const o = n as Record<string, unknown>;
      if (o.properties)
        for (const [k, v] of Object.entries(o.properties as Record<string, { examples?: unknown[] }>)) {
          if (!v.examples?.length) missing.push(`${path}/${k}`);
          const check = checks.compile({ $ref: `${id}${path}/properties/${k.replace(/~/g, '~0').replace(/\//g, '~1')}` });
          for (const e of v.examples ?? []) if (!check(e)) invalid.push(`${path}/properties/${k}: ${JSON.stringify(e)} ${JSON.stringify(check.errors?.[0])}`);
        }
      for (const [k, v] of Object.entries(o)) if (k !== 'examples') walk(v, `${path}/${k}`);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
    expect(invalid).toEqual([]);
  });

  it('lists the choices of enumerated settings and the provider keys of each action kind', () => {
    const text = generated;
    for (const word of ['"create-update"', '"superseded"', '"junitxml"', '"pipeline-failed"', '"codecommit"', '"cloudformation"', '"ecs-blue-green"', '"step-functions"']) expect(text).toContain(word);
  });

  for (const example of readdirSync(join(ROOT, 'examples')).sort())
    it(`example ${example} validates`, () => {
      const ok = validate(read(join(ROOT, 'examples', example, 'pipeline.yml')));
      expect(ok, errorsOf(null)).toBe(true);
    });

  for (const file of readdirSync(join(ROOT, 'test', 'fixtures', 'ok')).filter((f) => /\.ya?ml$/.test(f)).sort())
    it(`ok fixture ${file} validates`, () => {
      const ok = validate(read(join(ROOT, 'test', 'fixtures', 'ok', file)));
      expect(ok, errorsOf(null)).toBe(true);
    });

  const errorsDir = join(ROOT, 'test', 'fixtures', 'errors');
  const schemaClass = readdirSync(errorsDir)
    .filter((f) => f.endsWith('.out'))
    .filter((f) => {
      const codes = [...readFileSync(join(errorsDir, f), 'utf8').matchAll(/^[-\d]+:[-\d]+ (PC\d{4}) /gm)].map((m) => m[1] as string);
      return codes.length > 0 && codes.every((c) => SCHEMA_CLASS.has(c));
    })
    .map((f) => f.replace(/\.out$/, '.yml'))
    .sort();

  it('finds schema-class error fixtures', () => {
    expect(schemaClass.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of schemaClass)
    it(`error fixture ${file} fails it`, () => {
      expect(validate(read(join(errorsDir, file)))).toBe(false);
    });
});
