import type { Field, JsonShape } from '../catalog/index.js';
import { choices, didYouMean } from '../suggest.js';
import type { Diagnostics } from '../diagnostics.js';
import type { IrAction } from '../ir.js';
import { factsOf } from './provider-facts.js';
import type { Rule } from './types.js';

/** Whether a value is resolved only when the pipeline runs (`#{Build.VERSION}`), so its text cannot be checked now. */
const resolvedLater = (value: string): boolean => value.includes('#{');

/** Per catalog field, made once: its pattern compiled and its allowed values (a rule would otherwise make them again for every value). */
const PATTERNS = new WeakMap<Field, RegExp>();
const ALLOWED = new WeakMap<Field, string[]>();

function patternOf(f: Field & { pattern: string }): RegExp {
  let re = PATTERNS.get(f);
  if (!re) {
    re = new RegExp(`^(?:${f.pattern})$`, 's');
    PATTERNS.set(f, re);
  }
  return re;
}

function allowedOf(f: Field & { values: Record<string, string> }): string[] {
  let allowed = ALLOWED.get(f);
  if (!allowed) {
    allowed = [...new Set(Object.values(f.values))];
    ALLOWED.set(f, allowed);
  }
  return allowed;
}

/** What is wrong with one configuration value of a typed field, if anything. */
export function fieldProblem(f: Field, value: string): { message: string; suggestion?: string } | undefined {
  switch (f.type) {
    case 'string':
      if (!f.pattern || patternOf(f as Field & { pattern: string }).test(value)) return undefined;
      return { message: `'${f.key}' must be ${f.patternName ?? `text matching ${f.pattern}`}, not '${value.length > 60 ? value.slice(0, 60) + '...' : value}'` };
    case 'bool':
      return value === 'true' || value === 'false' || /^(true|false)$/i.test(value) ? undefined : { message: `'${f.key}' must be true or false, not '${value}'` };
    case 'int': {
      if (!/^-?[0-9]+$/.test(value)) return { message: `'${f.key}' must be a whole number, not '${value}'` };
      const n = Number(value);
      if (f.min !== undefined && n < f.min) return { message: `'${f.key}' must be at least ${f.min}, not ${value}` };
      if (f.max !== undefined && n > f.max) return { message: `'${f.key}' must be at most ${f.max}, not ${value}` };
      return undefined;
    }
    case 'enum':
    case 'list': {
      if (!f.values) return undefined;
      const allowed = allowedOf(f as Field & { values: Record<string, string> });
      const items = f.type === 'list' ? value.split(f.separator ?? ',').map((v) => v.trim()) : [value];
      const bad = items.find((v) => !allowed.includes(v));
      if (bad === undefined) return undefined;
      const guess = allowed.find((v) => v.toLowerCase() === bad.toLowerCase()) ?? didYouMean(bad, allowed) ?? (f.values[bad] !== undefined ? f.values[bad] : undefined);
      return { message: `'${f.key}' must be ${f.type === 'list' ? 'a list of ' : ''}${choices(allowed)}, not '${bad}'`, ...(guess ? { suggestion: `did you mean '${guess}'?` } : {}) };
    }
    default:
      return undefined;
  }
}

const ENV_TYPES = ['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'];

/** What is wrong with a JSON-valued configuration value, if anything. */
function jsonProblem(key: string, shape: JsonShape, value: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return `'${key}' must be JSON (${shape === 'object' ? 'an object' : 'an array'}), and '${value.length > 60 ? value.slice(0, 60) + '...' : value}' is not JSON`;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (shape === 'object') return isObject(parsed) ? undefined : `'${key}' must be a JSON object ({"Name": "value", ...})`;
  if (!Array.isArray(parsed)) return `'${key}' must be a JSON array`;
  if (shape !== 'codebuild-env') return undefined;
  for (const [i, e] of parsed.entries()) {
    if (!isObject(e)) return `'${key}' entry ${i + 1} must be an object with "name" and "value"`;
    const unknown = Object.keys(e).find((k) => !['name', 'value', 'type'].includes(k));
    if (unknown !== undefined) return `'${key}' entry ${i + 1} has key '${unknown}'; CodeBuild reads only "name", "value" and "type"`;
    if (typeof e.name !== 'string' || e.name === '') return `'${key}' entry ${i + 1} needs a "name" (text)`;
    if (typeof e.value !== 'string') return `'${key}' entry ${i + 1} ('${e.name}') needs a "value" (text)`;
    if (e.type !== undefined && !ENV_TYPES.includes(String(e.type))) return `'${key}' entry ${i + 1} ('${e.name}') has type '${String(e.type)}'; it must be ${choices(ENV_TYPES)}`;
  }
  return undefined;
}

/**
 * Configuration values of a known provider hold what its keys take: true/false, whole numbers in
 * range, one of the API's words, JSON of the right shape. Typed settings are made that way; raw
 * actions (and typed JSON settings written as text) are checked here, as the service would.
 */
export const configurationTypes: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const c = a.catalog;
      if (!c || c.customProvider || a.invalid) continue;
      const facts = factsOf(c);
      // Only the fields a check can refuse: fieldProblem finds nothing wrong with a value of the others.
      const typed = facts.typed;
      for (let i = 0; i < typed.length; i++) {
        const f = typed[i] as Field;
        const value = a.configuration[f.key];
        if (value !== undefined && !resolvedLater(value)) checkField(a, f, value, diags);
      }
      const json = facts.json;
      for (let i = 0; i < json.length; i++) {
        const entry = json[i] as [string, JsonShape];
        const value = a.configuration[entry[0]];
        if (value !== undefined && !resolvedLater(value)) checkJson(a, entry[0], entry[1], value, diags);
      }
    }
};

function checkField(a: IrAction, f: Field, value: string, diags: Diagnostics): void {
  const problem = fieldProblem(f, value);
  if (problem) diags.add('PC3012', `action '${a.name}': ${problem.message}`, a.configSpans[f.key] ?? a.span, problem.suggestion ? { suggestion: problem.suggestion } : {});
}

function checkJson(a: IrAction, key: string, shape: JsonShape, value: string, diags: Diagnostics): void {
  const problem = jsonProblem(key, shape, value);
  if (problem) diags.add('PC3012', `action '${a.name}': ${problem}`, a.configSpans[key] ?? a.span);
}
