import { z } from 'zod';
import { PROVIDERS, RULES, type Field, type Provider, type RuleProvider } from '../catalog/index.js';
import { describeKey } from './descriptions.js';
import { CONTEXTS, documentSchema } from './document.js';

/** Where the schema is published (the `$id`), beside the package's own copy in schema/. */
export const SCHEMA_ID = 'https://raw.githubusercontent.com/pipec/pipec/main/schema/pipeline.schema.json';

const MARK = 'x-pipec-context';
type Json = Record<string, unknown>;

/**
 * The JSON Schema (draft-07, which editors' YAML language servers read) of pipeline.yml,
 * generated from the compiler's own zod schemas, with a description (and examples where there are
 * some) on every key. Deterministic: the same text every time.
 */
export function pipelineJsonSchema(): Json {
  const generated = z.toJSONSchema(documentSchema(), {
    target: 'draft-7',
    io: 'input',
    // Shared parts (a provider's settings, the action forms) once under definitions, not copied into every place.
    reused: 'ref',
    unrepresentable: 'any',
    override: (ctx) => {
      const context = CONTEXTS.get(ctx.zodSchema as unknown as z.ZodType);
      if (context) (ctx.jsonSchema as Json)[MARK] = context;
    },
  }) as Json;
  const out = describe(generated) as Json;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'pipec pipeline.yml',
    description: 'A pipeline (or several under pipelines:) for pipec, the compiler for AWS CodePipeline. See https://github.com/pipec/pipec/blob/main/docs/language.md',
    ...Object.fromEntries(Object.entries(out).filter(([k]) => k !== '$schema')),
  };
}

/** A copy of the generated schema with each marked object's keys described, and the marks removed. */
function describe(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(describe);
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Json;
  const context = typeof src[MARK] === 'string' ? (src[MARK] as string) : undefined;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === MARK) continue;
    if (k === 'properties' && typeof v === 'object' && v !== null) {
      const props: Json = {};
      for (const [key, child] of Object.entries(v as Json)) {
        const copy = describe(child) as Json;
        const d = keyDoc(context ?? '', key);
        props[key] = d ? { ...copy, description: d.description, ...(d.examples ? { examples: d.examples } : {}) } : copy;
      }
      out[k] = props;
    } else out[k] = describe(v);
  }
  return out;
}

/** The description of one key in one context: provider settings from the catalog, the rest from the table. */
function keyDoc(context: string, key: string): { description: string; examples?: unknown[] } | undefined {
  const [kind, name] = context.split(':') as [string, string | undefined];
  if (name !== undefined && (kind === 'provider' || kind === 'rule')) {
    // Two providers may share a kind (s3 source and s3 deploy): the one that has the key.
    const all: (Provider | RuleProvider)[] = kind === 'rule' ? RULES.filter((r) => r.kind === name) : Object.values(PROVIDERS).flat().filter((x) => x.kind === name);
    const p = all.find((x) => x.kind === key || x.fields.some((f) => f.name === key)) ?? all[0];
    if (p) {
      if (key === p.kind) {
        const type = 'category' in p ? `${(p as Provider).category} action ${(p as Provider).owner}/${(p as Provider).customProvider ? 'your provider' : p.provider} version ${p.version}` : `rule ${p.provider}`;
        return { description: `${p.doc} (${type}): its settings${p.primary ? `, or its '${p.primary}' as a scalar` : ''}` };
      }
      const f = p.fields.find((x) => x.name === key);
      if (f) return fieldDoc(f);
    }
  }
  const rule = context === 'rule' ? RULES.find((r) => r.kind === key) : undefined;
  if (rule) return { description: `${rule.doc} (rule ${rule.provider})${rule.primary ? `: its settings, or its '${rule.primary}' as a scalar` : ''}` };
  return describeKey(context, key);
}

/** A catalog field as its configuration key, type, choices and default. */
function fieldDoc(f: Field): { description: string; examples?: unknown[] } {
  const values = f.values ? `; one of ${Object.keys(f.values).join(', ')}` : '';
  const dflt = f.default !== undefined ? `; default ${String(f.default)}` : '';
  const type = f.type === 'artifact-path' ? 'an artifact path, Artifact::path/in/it (a bare path reads the first input artifact)' : f.type === 'secret' ? "a Secrets Manager reference { secret: 'id' } (never plain text)" : f.type;
  return { description: `Sets the action configuration key ${f.key}${f.artifactKey ? ` (and ${f.artifactKey})` : ''}: ${type}${f.required ? ', required' : ''}${values}${dflt}.` };
}
