import type { z } from 'zod';
import type { Diagnostics } from './diagnostics.js';
import type { Span } from './source.js';
import { pipecSpellings } from './catalog/index.js';
import { choices, didYouMean } from './suggest.js';
import { descend, placeAt, type Place } from './positions.js';
import { accepted, REFUSED } from './check-accept.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** Describes a value's type the way a YAML author thinks of it. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string ('${value.length > 40 ? value.slice(0, 40) + '...' : value}')`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/**
 * Validates `value` with a zod schema and reports each problem at its place in the YAML.
 * `where` names the construct for messages ("stage", "action"). Returns the parsed value or undefined.
 */
export function check<T>(diags: Diagnostics, schema: z.ZodType<T>, value: unknown, where: string, place: Place): T | undefined {
  // A value the schema takes is read without zod's machinery; zod runs only to say what is wrong.
  const read = accepted(schema, value);
  if (read !== REFUSED) return read as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const unknownAt = issues.filter((i) => i.code === 'unrecognized_keys').map((i) => pathKey(i.path));
  // What each unknown key was probably meant to be: 'rulez' beside a missing 'rules'.
  const meant = new Set<string>();
  for (const i of issues)
    if (i.code === 'unrecognized_keys')
      for (const key of i.keys) {
        const guess = suggestKey(key, knownKeys(schema, i.path));
        if (guess) meant.add(pathKey([...i.path, guess]));
      }
  // A refinement of a mapping with an unknown key ("needs 'commands'" beside 'comands'), and a
  // missing key that an unknown key was meant to be, repeat the typo's error.
  const shown = issues.filter(
    (i) => !(i.code === 'custom' && unknownAt.includes(pathKey(i.path))) && !(meant.has(pathKey(i.path)) && valueAt(value, i.path) === undefined),
  );
  for (const issue of shown) report(diags, schema, value, issue, [], where, place);
  if (!shown.every((i) => i.code === 'unrecognized_keys')) return undefined;
  // Unknown keys are reported, then left out, so the rest of the file is still checked.
  let stripped = value;
  for (const i of issues) if (i.code === 'unrecognized_keys') stripped = withoutKeys(stripped, i.path, i.keys);
  const again = schema.safeParse(stripped);
  return again.success ? again.data : undefined;
}

/** A mapping checked by its schema: the values as read (the schema's output; only the valid keys when some were not) and as written. */
export interface ReadMapping<T> {
  read: Partial<T>;
  /** The mapping as written (only the valid keys when some were not), for positions and for the macros. */
  written: Record<string, unknown>;
  /** Every key was valid. */
  complete: boolean;
  /** The keys written but left out for an error reported there. */
  dropped: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/** Checks a mapping, reporting each problem; what is valid of it is read even when some keys are not. Undefined when it is no mapping. */
export function readMapping<T>(diags: Diagnostics, schema: z.ZodType<T>, value: unknown, where: string, place: Place): ReadMapping<T> | undefined {
  const checked = check(diags, schema, value, where, place);
  if (checked !== undefined) return { read: checked, written: value as Record<string, unknown>, complete: true, dropped: NONE };
  const read: Record<string, unknown> = {};
  const written = salvage(schema, value, read);
  return written ? { read: read as Partial<T>, written, complete: false, dropped: DROPPED.get(written) ?? NONE } : undefined;
}

/**
 * A value a schema read (its output), with its mappings' keys in the order the file wrote them: zod
 * lists an object's keys in the schema's order, and `pipec expand` prints settings as the user wrote
 * them. For schemas that rename and add no key; keys the file did not write come last.
 */
export function inWrittenOrder<T>(read: T, written: unknown): T {
  return reorder(read, written) as T;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function reorder(read: unknown, written: unknown): unknown {
  if (Array.isArray(read)) return Array.isArray(written) ? read.map((v, i) => reorder(v, written[i])) : read;
  if (!isMapping(read) || !isMapping(written)) return read;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(written)) if (Object.hasOwn(read, k)) out[k] = reorder(read[k], written[k]);
  for (const k of Object.keys(read)) if (!Object.hasOwn(out, k)) out[k] = read[k];
  return out;
}

const DROPPED = new WeakMap<object, Set<string>>();

/**
 * After `check` failed on a mapping: a copy holding only the keys whose values are valid by
 * themselves (spans kept), so the parts that can be read still are. Undefined when `value` is no mapping.
 * `read`, when given, receives the checked value (the schema's output) of each key kept.
 */
export function salvage(schema: z.ZodType, value: unknown, read?: Record<string, unknown>): Record<string, unknown> | undefined {
  const s = unwrap(schema);
  if (!s || defOf(s).type !== 'object' || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const shape = defOf(s).shape ?? {};
  // The copy has a subset of the keys, each where it was: the place of `value` is its place too.
  const copy: Record<string, unknown> = {};
  const dropped = new Set<string>();
  DROPPED.set(copy, dropped);
  for (const [k, v] of Object.entries(value)) {
    const field = Object.prototype.hasOwnProperty.call(shape, k) ? shape[k] : undefined;
    const result = field?.safeParse(v);
    if (!result?.success) {
      dropped.add(k);
      continue;
    }
    Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
    if (read) Object.defineProperty(read, k, { value: result.data, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/**
 * The key an unknown key was probably meant to be: the same key in CodePipeline's spelling ('StackName'
 * for 'stack', 'runOrder' for 'run-order'), a near spelling ('comands'), or a valid key that is one of its
 * words ('requre_approval' where 'approval' is a key).
 */
function suggestKey(key: string, known: readonly string[]): string | undefined {
  return apiSpelling(key, known) ?? didYouMean(key, known) ?? known.find((k) => key.toLowerCase().split(/[-_.\s]+/).filter((w) => w.length >= 4).includes(k.toLowerCase()));
}

/** The valid key that `key`, written as CodePipeline's API writes it, stands for. */
function apiSpelling(key: string, known: readonly string[]): string | undefined {
  const names = pipecSpellings(key);
  const fromCatalog = known.find((k) => names.has(k));
  if (fromCatalog) return fromCatalog;
  // The same words in another case or separator: 'RunOrder', 'run_order'.
  const flat = (k: string): string => k.toLowerCase().replace(/[-_]/g, '');
  return known.find((k) => k !== key && flat(k) === flat(key));
}

/** The help line for an unknown key with a likely meaning. */
function keyHelp(key: string, meant: string, known: readonly string[]): string {
  return apiSpelling(key, known) === meant && pipecSpellings(key).has(meant)
    ? `'${key}' is CodePipeline's name for it; pipeline.yml writes '${meant}'`
    : `did you mean '${meant}'?`;
}

function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(path.map(String));
}

/** A copy of `value` without `keys` in the mapping at `path`; only the mappings and lists on the way are copied. */
function withoutKeys(value: unknown, path: readonly PropertyKey[], keys: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (path.length === 0) {
    if (Array.isArray(value)) return value;
    const drop = new Set(keys);
    return Object.fromEntries(Object.entries(value).filter(([k]) => !drop.has(k)));
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? withoutKeys(v, rest, keys) : v));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === head ? withoutKeys(v, rest, keys) : v]));
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return cur;
}

function label(path: Path, where: string): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  return last !== undefined ? `'${String(last)}'` : where;
}

/**
 * Reports one zod issue at its place. `root` is the value `path` starts from; `outer` is the path from the
 * checked value to `root` (inside a union branch), so messages name the key the problem is about.
 */
function report(diags: Diagnostics, schema: z.ZodType, root: unknown, issue: Issue, prefix: Path, where: string, place: Place, outer: Path = []): void {
  const path = [...prefix, ...issue.path];
  const named = [...outer, ...path];
  const actual = valueAt(root, path);
  const span = placeAt(place, path, 'value');
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      for (const key of issue.keys) {
        const suggestion = suggestKey(key, known);
        diags.add('PC2001', `unknown key '${key}' in ${describe(named, where)}`, placeAt(place, [...path, key], 'key'), {
          suggestion: suggestion ? keyHelp(key, suggestion, known) : known.length ? `valid keys here: ${choices(known)}` : undefined,
        } as { suggestion?: string });
      }
      return;
    }
    case 'invalid_type': {
      if (actual === undefined) {
        const key = path[path.length - 1];
        diags.add('PC2003', `missing required key '${String(key)}' in ${describe(named.slice(0, -1), where)}`, startOf(placeAt(place, path.slice(0, -1), 'value')));
        return;
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      // YAML reads `name: 2024` or `branch: true` as a number or boolean; quoted, it is the text it looks like.
      const quote = issue.expected === 'string' && (typeof actual === 'number' || typeof actual === 'boolean');
      diags.add('PC2002', `${label(named, where)} must be ${expected}, not ${typeName(actual)}`, span, quote ? { suggestion: `quote it: "${String(actual)}"` } : {});
      return;
    }
    case 'invalid_value': {
      if (actual === undefined) {
        const key = path[path.length - 1];
        diags.add('PC2003', `missing required key '${String(key)}' in ${describe(named.slice(0, -1), where)}`, startOf(placeAt(place, path.slice(0, -1), 'value')));
        return;
      }
      const values = preferred(issue.values.map(String));
      const suggestion = typeof actual === 'string' ? didYouMean(actual, values) : undefined;
      diags.add('PC2004', `${label(named, where)} must be ${choices(values)}, not ${typeName(actual)}`, span, {
        ...(suggestion ? { suggestion: `did you mean '${suggestion}'?` } : {}),
      });
      return;
    }
    case 'invalid_format':
      diags.add('PC2005', `${label(named, where)} cannot be ${valueText(actual)}: ${issue.message.startsWith('Invalid') ? 'it is not in the expected format' : issue.message}`, span);
      return;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const n = Number(bound);
      const origin = issue.origin;
      const have = Array.isArray(actual) ? ` (it has ${actual.length})` : typeof actual === 'string' && !small ? ` (it has ${actual.length})` : typeof actual === 'number' ? ` (it is ${actual})` : '';
      const name = label(named, where);
      const msg =
        origin === 'string' && small && n === 1 ? `${name} must not be empty` :
        origin === 'number' || origin === 'int' || origin === 'bigint' ? `${name} must be ${small ? 'at least' : 'at most'} ${n}${have}` :
        `${name} must have ${small ? 'at least' : 'at most'} ${n} ${origin === 'array' || origin === 'set' ? (n === 1 ? 'item' : 'items') : 'characters'}${have}`;
      // Too many items: point at the first one too many.
      const extra = !small && Array.isArray(actual) && actual.length > n ? placeAt(place, [...path, n], 'value') : undefined;
      diags.add('PC2006', msg, extra ?? span);
      return;
    }
    case 'invalid_union': {
      if (actual === undefined) {
        const key = path[path.length - 1];
        diags.add('PC2003', `missing required key '${String(key)}' in ${describe(named.slice(0, -1), where)}`, startOf(placeAt(place, path.slice(0, -1), 'value')));
        return;
      }
      // Report the branch that matches the value's shape: an object value gets the object branch's problems,
      // a list the list branch's; of several, the one that knows the keys written, then the one with fewest problems.
      const branches = (issue as unknown as { errors: Issue[][] }).errors;
      const shaped = bestBranch(branches);
      if (shaped) {
        const option = unionOption(schema, path, branches.indexOf(shaped));
        for (const sub of shaped)
          if (option) report(diags, option, actualRoot(root, path), sub, [], where, descend(place, path), named);
          else report(diags, schema, root, sub, path, where, place, outer);
        return;
      }
      const unique = [...new Set(expectedKinds(branches))];
      diags.add('PC2002', `${label(named, where)} must be ${choices(unique, false) || 'a different kind of value'}, not ${typeName(actual)}`, span);
      return;
    }
    case 'invalid_key': {
      // A record's key that its key schema rejects: point at the key and say why in pipec's words.
      const key = String(path[path.length - 1]);
      const why = (issue as unknown as { issues: Issue[] }).issues.map((i) => keyProblem(i)).filter(Boolean);
      diags.add('PC2005', `'${key}' cannot be a key in ${describe(named.slice(0, -1), where)}: ${why[0] ?? 'it is not a valid name here'}`, placeAt(place, path, 'key'));
      return;
    }
    case 'custom': {
      const code = (issue.params as { code?: string } | undefined)?.code;
      // A refinement without a message of its own carries zod's "Invalid input".
      const message = issue.message.startsWith('Invalid input') ? `${label(named, where)} is not valid here` : issue.message;
      diags.add(code === 'PC2006' || code === 'PC2007' || code === 'PC2008' ? code : 'PC2005', message, span);
      return;
    }
    default:
      diags.add('PC2005', `${label(named, where)} is not valid here${issue.message.startsWith('Invalid') ? '' : `: ${issue.message}`}`, span);
  }
}

/** True when a union branch refuses the value's kind itself (a string branch given a list), not something inside it. */
function rejectsShape(branch: readonly Issue[]): boolean {
  return branch.some(
    (i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value' || (i.code === 'invalid_union' && (i as unknown as { errors: Issue[][] }).errors.every(rejectsShape))),
  );
}

/** The union branch whose problems to report: one that takes the value's kind; the fewest unknown keys, then problems. */
function bestBranch(branches: readonly Issue[][]): Issue[] | undefined {
  const unknownKeys = (b: readonly Issue[]): number => b.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 0), 0);
  let best: Issue[] | undefined;
  for (const b of branches) {
    if (b.length === 0 || rejectsShape(b)) continue;
    if (!best || unknownKeys(b) < unknownKeys(best) || (unknownKeys(b) === unknownKeys(best) && b.length < best.length)) best = b;
  }
  return best;
}

/** What the branches of a union take, in words ('a string', 'a list', 'iam or named-iam'), nested unions included. */
function expectedKinds(branches: readonly Issue[][]): string[] {
  return branches.flatMap((b) =>
    b
      .filter((i) => i.path.length === 0)
      .flatMap((i) =>
        i.code === 'invalid_type' ? [i.expected === 'boolean' ? 'a boolean' : (EXPECTED[i.expected] ?? '')] :
        i.code === 'invalid_value' ? [choices(preferred(i.values.map(String)))] :
        i.code === 'invalid_union' ? expectedKinds((i as unknown as { errors: Issue[][] }).errors) :
        [],
      )
      .filter(Boolean),
  );
}

/** Why a record's key schema refused a key, in words. */
function keyProblem(issue: Issue): string {
  if (issue.code === 'too_big') return `a name here has at most ${Number((issue as { maximum: number | bigint }).maximum)} characters`;
  if (issue.code === 'too_small') return 'a name here cannot be empty';
  if (issue.code === 'invalid_value') return `a name here is one of ${choices(preferred(issue.values.map(String)))}`;
  if (issue.message && !/^Invalid/.test(issue.message)) return issue.message;
  return 'it is not a valid name here';
}

/** A value as a message quotes it: strings in quotes (shortened), other scalars as they read. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? value.slice(0, 60) + '...' : value}'`;
  return typeof value === 'object' && value !== null ? typeName(value) : String(value);
}

/** A one-character span at the start of a mapping: where a missing key would go. */
function startOf(span: Span | undefined): Span | undefined {
  return span ? { file: span.file, start: span.start, end: span.start + 1 } : undefined;
}

/** Enum choices without the API spellings that pipec also accepts (CREATE_UPDATE beside create-update). */
function preferred(values: string[]): string[] {
  // Of two spellings of one choice the schema lists the documented one first ('V1' before 'v1', 'queued' before 'QUEUED').
  const same = (v: string): string => v.toLowerCase().replace(/_/g, '-');
  return values.filter((v, i) => !values.slice(0, i).some((w) => same(w) === same(v)));
}

function actualRoot(root: unknown, path: Path): unknown {
  return valueAt(root, path);
}

function describe(path: Path, where: string): string {
  const key = [...path].reverse().find((p) => typeof p === 'string');
  return key !== undefined ? `'${String(key)}'` : where;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Follows a schema along a path through objects, lists, records, optionals and unions. */
function schemaAt(schema: z.ZodType, path: Path): z.ZodType | undefined {
  let cur: z.ZodType | undefined = schema;
  for (const seg of path) {
    cur = unwrap(cur);
    if (!cur) return undefined;
    const d = defOf(cur);
    if (d.type === 'object') cur = d.shape?.[String(seg)];
    else if (d.type === 'array') cur = d.element;
    else if (d.type === 'record') cur = d.valueType;
    else if (d.type === 'union') cur = d.options?.map((o) => schemaAt(o, [seg])).find(Boolean);
    else return undefined;
  }
  return unwrap(cur);
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  for (let i = 0; cur && i < 20; i++) {
    const d = defOf(cur);
    if (d.type === 'optional' || d.type === 'nullable' || d.type === 'default' || d.type === 'readonly' || d.type === 'catch') cur = d.innerType;
    else if (d.type === 'pipe') cur = d.in;
    else if (d.type === 'lazy') cur = d.getter?.();
    else break;
  }
  return cur;
}

function unionOption(schema: z.ZodType, path: Path, index: number): z.ZodType | undefined {
  const u = schemaAt(schema, path);
  if (!u || defOf(u).type !== 'union') return undefined;
  return defOf(u).options?.[index];
}

/** The keys an object schema at `path` defines (for "did you mean"). */
export function knownKeys(schema: z.ZodType, path: Path): string[] {
  const s = schemaAt(schema, path);
  if (!s) return [];
  const d = defOf(s);
  if (d.type === 'object') return Object.keys(d.shape ?? {});
  if (d.type === 'union') return [...new Set(d.options?.flatMap((o) => knownKeys(o, [])) ?? [])];
  return [];
}
