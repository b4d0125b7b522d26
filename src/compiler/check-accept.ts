import type { z } from 'zod';

/**
 * The checked reading of a value that its schema accepts, without zod's machinery.
 *
 * zod builds a result record per node and, for every union branch that does not fit (a list given to
 * `string | string[]`), a finalized issue with its message; on a valid pipeline that is most of the
 * time `check` takes. `accepted` walks the schema's own definition instead, once compiled into
 * closures per schema, and gives exactly what zod's `safeParse` gives as `data` when zod accepts the
 * value, or REFUSED when zod would not. Each closure mirrors one zod 4 core type
 * (node_modules/zod/v4/core/schemas.js: $ZodObjectJIT's fastpass and catchall, $ZodArray, $ZodRecord,
 * $ZodUnion, $ZodOptional, $ZodNullable, $ZodDefault, $ZodPipe); every check
 * (`min`, `regex`, `refine`, `superRefine`) is zod's own, run on the value as zod runs it; any other
 * type, a transform included, is handed to zod itself. So REFUSED means zod finds a problem, and the
 * caller asks zod for its issues: every diagnostic is made exactly as before.
 */
export const REFUSED: unique symbol = Symbol('refused');

type Reader = (value: unknown) => unknown;

interface Payload {
  value: unknown;
  issues: unknown[];
}

interface CheckInternals {
  def: { when?: (p: Payload) => boolean };
  check: (p: Payload) => unknown;
}

interface Internals {
  def: Record<string, unknown> & { type: string; checks?: Array<{ _zod: CheckInternals }> };
  traits: Set<string>;
  optin?: string;
  optout?: string;
  values?: Set<unknown>;
  run: (p: Payload, ctx: { async: false }) => Payload | Promise<Payload>;
}

const internals = (s: z.ZodType): Internals => (s as unknown as { _zod: Internals })._zod;

const CTX = { async: false } as const;
const readers = new WeakMap<z.ZodType, Reader>();

/** What `schema.safeParse(value)` gives as `data` when it succeeds; REFUSED when it would fail. */
export function accepted(schema: z.ZodType, value: unknown): unknown {
  return readerOf(schema)(value);
}

function readerOf(schema: z.ZodType): Reader {
  // Schemas are trees here (z.lazy, the one way to a cycle, is left to zod), so building recurses to the leaves.
  let r = readers.get(schema);
  if (!r) {
    r = build(schema);
    readers.set(schema, r);
  }
  return r;
}

/** The zod 4 core types (their `$Zod...` traits) a reader is built for; anything else runs zod. */
const KINDS: Record<string, string> = {
  '$ZodString,$ZodType': 'string',
  '$ZodNumber,$ZodType': 'number',
  '$ZodBoolean,$ZodType': 'boolean',
  '$ZodEnum,$ZodType': 'values',
  '$ZodLiteral,$ZodType': 'values',
  '$ZodUnknown,$ZodType': 'any',
  '$ZodAny,$ZodType': 'any',
  '$ZodObject,$ZodObjectJIT,$ZodType': 'object',
  '$ZodObject,$ZodType': 'object',
  '$ZodArray,$ZodType': 'array',
  '$ZodRecord,$ZodType': 'record',
  '$ZodType,$ZodUnion': 'union',
  '$ZodOptional,$ZodType': 'optional',
  '$ZodNullable,$ZodType': 'nullable',
  '$ZodDefault,$ZodType': 'default',
  '$ZodPipe,$ZodType': 'pipe',
  '$ZodPipe,$ZodPreprocess,$ZodType': 'pipe',
};

function kindOf(zod: Internals): string | undefined {
  const core = [...zod.traits].filter((t) => t.startsWith('$')).sort();
  return KINDS[core.join(',')];
}

function build(schema: z.ZodType): Reader {
  const zod = internals(schema);
  const kind = kindOf(zod);
  const base = kind ? typed(zod, kind) : undefined;
  if (!base) return byZod(schema);
  const checks = zod.def.checks ?? [];
  if (checks.length === 0) return base;
  const list = checks.map((c) => c._zod);
  return (v) => {
    const out = base(v);
    return out === REFUSED ? REFUSED : runChecks(list, out);
  };
}

/** zod's own run of a schema this module does not mirror (a transform, a custom type, a format). */
function byZod(schema: z.ZodType): Reader {
  const zod = internals(schema);
  return (v) => {
    const r = zod.run({ value: v, issues: [] }, CTX);
    if (r instanceof Promise) throw new Error('pipec: an asynchronous schema cannot be checked');
    return r.issues.length === 0 ? r.value : REFUSED;
  };
}

/** A type's checks in order, as zod runs them on a value with no issue yet (each may rewrite the value). */
function runChecks(list: readonly CheckInternals[], value: unknown): unknown {
  const payload: Payload = { value, issues: [] };
  for (const ch of list) {
    if (ch.def.when && !ch.def.when(payload)) continue;
    const r = ch.check(payload);
    if (r instanceof Promise) throw new Error('pipec: an asynchronous check cannot be run');
    if (payload.issues.length > 0) return REFUSED;
  }
  return payload.value;
}

function typed(zod: Internals, kind: string): Reader | undefined {
  const def = zod.def;
  switch (kind) {
    case 'string':
      if (def.coerce) return undefined;
      return (v) => (typeof v === 'string' ? v : REFUSED);
    case 'number':
      if (def.coerce) return undefined;
      return (v) => (typeof v === 'number' && !Number.isNaN(v) && Number.isFinite(v) ? v : REFUSED);
    case 'boolean':
      if (def.coerce) return undefined;
      return (v) => (typeof v === 'boolean' ? v : REFUSED);
    case 'values': {
      const values = zod.values;
      if (!values) return undefined;
      return (v) => (values.has(v) ? v : REFUSED);
    }
    case 'any':
      return (v) => v;
    case 'object':
      return objectReader(zod);
    case 'array': {
      const element = readerOf(def.element as z.ZodType);
      return (v) => {
        if (!Array.isArray(v)) return REFUSED;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const r = element(v[i]);
          if (r === REFUSED) return REFUSED;
          out[i] = r;
        }
        return out;
      };
    }
    case 'record':
      return recordReader(zod);
    case 'union': {
      if (def.discriminator !== undefined || def.inclusive === false) return undefined;
      const options = (def.options as z.ZodType[]).map(readerOf);
      if (options.length === 1) return options[0];
      // The first branch that takes the value wins; later ones are not tried.
      return (v) => {
        for (const option of options) {
          const r = option(v);
          if (r !== REFUSED) return r;
        }
        return REFUSED;
      };
    }
    case 'optional': {
      const innerSchema = def.innerType as z.ZodType;
      const inner = readerOf(innerSchema);
      const defaulted = internals(innerSchema).optin === 'defaulted';
      return (v) => {
        if (v !== undefined) return inner(v);
        if (!defaulted) return undefined;
        // A substituting inner schema that fails on absence yields undefined, its issues dropped.
        const r = inner(undefined);
        return r === REFUSED ? undefined : r;
      };
    }
    case 'nullable': {
      const inner = readerOf(def.innerType as z.ZodType);
      return (v) => (v === null ? null : inner(v));
    }
    case 'default': {
      const inner = readerOf(def.innerType as z.ZodType);
      return (v) => {
        if (v === undefined) return def.defaultValue;
        const r = inner(v);
        return r === REFUSED ? REFUSED : r === undefined ? def.defaultValue : r;
      };
    }
    case 'pipe': {
      const first = readerOf(def.in as z.ZodType);
      const then = readerOf(def.out as z.ZodType);
      return (v) => {
        const r = first(v);
        return r === REFUSED ? REFUSED : then(r);
      };
    }
  }
  return undefined;
}

/** zod's `isObject`: a mapping, not a list. */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Property {
  key: string;
  read: Reader;
  /** zod's optin/optout rungs of the property's schema. */
  optin: string | undefined;
  optionalOut: boolean;
  /** Optional in and out: absent, the key contributes nothing, whatever its schema makes of undefined. */
  skipAbsent: boolean;
}

/**
 * $ZodObjectJIT's fastpass (the shape's keys in order; absence as each property's optin/optout
 * allows) and its catchall: a strict object refuses any other key, a plain one leaves it out.
 */
function objectReader(zod: Internals): Reader | undefined {
  const def = zod.def;
  const shape = def.shape as Record<string, z.ZodType>;
  if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  const catchall = def.catchall as z.ZodType | undefined;
  const strict = catchall !== undefined && internals(catchall).def.type === 'never';
  if (catchall !== undefined && !strict) return undefined;
  const keys = Object.keys(shape);
  const keySet = new Set(keys);
  const props: Property[] = keys
    .filter((key) => key !== '__proto__')
    .map((key) => {
      const s = internals(shape[key] as z.ZodType);
      return { key, read: readerOf(shape[key] as z.ZodType), optin: s.optin, optionalOut: s.optout === 'optional', skipAbsent: s.optin === 'optional' && s.optout === 'optional' };
    });
  return (v) => {
    if (!isObject(v)) return REFUSED;
    const out: Record<string, unknown> = {};
    for (const p of props) {
      const value = v[p.key];
      const present = value !== undefined || p.key in v;
      if (!present && p.skipAbsent) continue;
      const r = p.read(value);
      if (p.optin !== undefined && p.optionalOut) {
        // An absent optional key's problems are ignored, and it contributes nothing.
        if (r === REFUSED) {
          if (present) return REFUSED;
          continue;
        }
        if (p.optin === 'optional' ? present : r !== undefined || present) out[p.key] = r;
      } else if (p.optin === undefined) {
        if (r === REFUSED || !present) return REFUSED;
        out[p.key] = r;
      } else {
        if (r === REFUSED) return REFUSED;
        if (p.optin === 'defaulted' || r !== undefined || present) out[p.key] = r;
      }
    }
    if (strict) for (const key in v) if (!keySet.has(key)) return REFUSED;
    return out;
  };
}

const NUMERIC = /^-?\d+(?:\.\d+)?$/;

/** zod's isPlainObject. */
function isPlainObject(o: unknown): o is Record<PropertyKey, unknown> {
  if (!isObject(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined) return true;
  if (typeof ctor !== 'function') return true;
  const prot = (ctor as { prototype?: unknown }).prototype;
  if (!isObject(prot)) return false;
  return Object.prototype.hasOwnProperty.call(prot, 'isPrototypeOf');
}

/** $ZodRecord with a key schema that lists no values (a pattern, a string): every own enumerable key is checked. */
function recordReader(zod: Internals): Reader | undefined {
  const def = zod.def;
  const keyType = def.keyType as z.ZodType;
  if (internals(keyType).values || def.mode === 'loose') return undefined;
  const key = readerOf(keyType);
  const value = readerOf(def.valueType as z.ZodType);
  return (v) => {
    if (!isPlainObject(v)) return REFUSED;
    const out: Record<PropertyKey, unknown> = {};
    for (const k of Reflect.ownKeys(v)) {
      if (k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(v, k)) continue;
      let outKey = key(k);
      // A numeric key that fails as text is tried as the number it reads as.
      if (outKey === REFUSED && typeof k === 'string' && NUMERIC.test(k)) outKey = key(Number(k));
      if (outKey === REFUSED) return REFUSED;
      if (outKey === '__proto__') continue;
      const r = value(v[k]);
      if (r === REFUSED) return REFUSED;
      out[outKey as PropertyKey] = r;
    }
    return out;
  };
}
