import { z } from 'zod';
import { API_FIELDS } from '../api-limits.js';
import { yamlBoolean, yamlNumber } from '../yaml-data.js';

/**
 * A schema made on its first use, then kept. Building zod schemas was about a fifth of a cold
 * compile (BENCHMARKS.md, History), and one compile uses a part of them: a pipeline without
 * `environments:` or blue/green deploys never builds theirs. The schema is one object for the
 * life of the process, so what keys on it (check-accept's readers, the JSON Schema's contexts)
 * sees one schema, as with a constant.
 */
export function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/**
 * Text held to the limits the CodePipeline API model gives the field at `path` (src/compiler/api-limits.ts):
 * its length and its pattern, matched whole. `message` says what the pattern allows, in users' words.
 */
export function apiText(path: string, message?: string): z.ZodString {
  const f = API_FIELDS[path];
  if (!f || f.type !== 'string') throw new Error(`no string field ${path} in the API model`);
  let s = z.string();
  if (f.min !== undefined) s = s.min(f.min);
  if (f.max !== undefined) s = s.max(f.max);
  if (f.pattern && f.pattern !== '.*') s = s.regex(new RegExp(`^(?:${f.pattern})$`), message ? { message } : undefined);
  return s;
}

/** The count limits the API model gives the list at `path`, for `z.array(...).min().max()`. */
export function apiCount(path: string): { min: number; max: number } {
  const f = API_FIELDS[path];
  if (!f || f.type !== 'list') throw new Error(`no list ${path} in the API model`);
  return { min: f.min ?? 0, max: f.max ?? Number.MAX_SAFE_INTEGER };
}

/** The bounds the API model gives the integer at `path`. */
export function apiRange(path: string): { min: number; max: number } {
  const f = API_FIELDS[path];
  if (!f || f.type !== 'integer') throw new Error(`no integer ${path} in the API model`);
  return { min: f.min ?? Number.MIN_SAFE_INTEGER, max: f.max ?? Number.MAX_SAFE_INTEGER };
}

/** Paths of an action and of a condition rule in the API model. */
export const ACTION = 'pipeline.stages[].actions[]';
export const RULE = 'pipeline.stages[].beforeEntry.conditions[].rules[]';

/**
 * A whole number, also when the file wrote it in a form YAML reads as a number but that the
 * parser keeps as text so text settings stay exact (`30.0`, `0x1E`, `1e3`; see yaml-data.ts `scalarValue`).
 */
export function whole(min?: number, max?: number): z.ZodType<number> {
  let n = z.number().int();
  if (min !== undefined) n = n.min(min);
  if (max !== undefined) n = n.max(max);
  return z.preprocess(keptNumber, n) as unknown as z.ZodType<number>;
}

/**
 * Text the parser kept from a plain number: it reads as a number, but not as its own canonical
 * form (a quoted "60" is still text, as it was written, and reported as such).
 */
function keptNumber(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const n = yamlNumber(v);
  return n !== undefined && String(n) !== v ? n : v;
}

/** true or false, also written `True`/`FALSE` (kept as text by the parser so text settings stay exact). */
export const BOOL = lazy(() => z.preprocess((v) => (typeof v === 'string' && v !== 'true' && v !== 'false' ? (yamlBoolean(v) ?? v) : v), z.boolean()) as unknown as z.ZodType<boolean>);

/** Names of pipelines, stages, actions and rules: 1..100 of A-Z a-z 0-9 . @ - _ (API pattern). */
export const NAME = lazy(() => apiText('pipeline.name', 'names use only letters, digits and . @ - _'));

/** Artifact names: like names, without . and @. */
export const ARTIFACT = lazy(() => apiText(`${ACTION}.inputArtifacts[].name`, 'artifact names use only letters, digits, - and _'));

/** IAM role ARNs (API pattern). Pipeline variables are allowed inside. */
export const ROLE_ARN = lazy(() =>
  z
    .string()
    .max(API_FIELDS['pipeline.roleArn']?.max ?? 1024)
    .regex(new RegExp(`^(?:${API_FIELDS['pipeline.roleArn']?.pattern}|.*#\\{.+\\}.*)$`), { message: 'expected an IAM role ARN (arn:aws:iam::123456789012:role/name)' })
    // The pattern ends in 'role/.*'; a role needs a name.
    .refine((v) => !v.endsWith(':role/'), { message: 'expected an IAM role ARN (arn:aws:iam::123456789012:role/name)' }),
);

export const ACCOUNT = lazy(() =>
  z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account ID (quote it: "012345678901")' })),
);

export const REGION = lazy(() => apiText(`${ACTION}.region`).regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: 'expected an AWS region such as us-east-1' }));

/** A project name (`project:`): what apply tags its pipelines with and prune stays inside; a tag value and an S3 key part. */
export const PROJECT = lazy(() =>
  z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@+=-]*$/, { message: 'project names start with a letter or digit and use only letters, digits and . _ @ + = -' }),
);

export const BUCKET = lazy(() =>
  z
    .string()
    .min(3)
    .max(63)
    .regex(/^[a-zA-Z0-9.-]+$/, { message: 'bucket names use only letters, digits, . and -' }),
);

/** A scalar written where text is expected; numbers and booleans are read as their text. */
export const TEXT = lazy(() => z.union([z.string(), z.number(), z.boolean()]).transform(String));

/** One string or a list of strings. */
export const STRINGS = lazy(() => z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]));

/** A value kept out of output as text: a Secrets Manager reference. */
export const SECRET_REF = lazy(() => z.strictObject({ secret: z.string().min(1) }));

/** An environment variable value: text, a Secrets Manager or Parameter Store reference. */
export const ENV_VALUE = lazy(() => z.union([TEXT(), SECRET_REF(), z.strictObject({ parameter: z.string().min(1) }), z.strictObject({ plaintext: TEXT() })]));
/** `env:` environment variables of a build or Commands action. */
export const ENV = lazy(() => z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'environment variable names use letters, digits and _' }), ENV_VALUE()));

/** Keys an action in `stages:` may carry besides its kind. */
export const ACTION_COMMON = lazy(() => ({
  name: NAME(),
  inputs: z.union([ARTIFACT(), z.array(ARTIFACT())]).optional(),
  outputs: z.union([ARTIFACT(), z.array(ARTIFACT())]).optional(),
  namespace: apiText(`${ACTION}.namespace`, 'namespaces use only letters, digits and @ - _').optional(),
  role: ROLE_ARN().optional(),
  region: REGION().optional(),
  timeout: whole(apiRange(`${ACTION}.timeoutInMinutes`).min, apiRange(`${ACTION}.timeoutInMinutes`).max).optional(),
  'run-order': whole(apiRange(`${ACTION}.runOrder`).min, apiRange(`${ACTION}.runOrder`).max).optional(),
}));

/** The subset of common keys a top-level macro (`build:`, `deploy:`) accepts beside its settings. */
export const MACRO_COMMON = ['name', 'role', 'region', 'namespace', 'inputs', 'outputs'] as const;

/**
 * A macro's action value (`source:`, `build:`, `deploy:`, each entry of `sources:` and `tests:`): a
 * provider's settings beside the action keys of MACRO_COMMON. Which provider it is shows only in its
 * keys, so the value stays `unknown` here: the macros split the action keys off (macros/common.ts),
 * and `readSpec` (artifact-defaults.ts) checks the settings with that provider's schema.
 */
export const MACRO_VALUE = lazy(() => z.unknown());

/** Environment variables as read: text, or a reference to a secret or a parameter. */
export type Env = z.output<ReturnType<typeof ENV>>;
