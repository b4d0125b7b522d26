import type { GrantResource, GrantSpec, When } from '../../compiler/catalog/grant-types.js';
import { userKeyGrant } from './storage.js';
import { arnPart, sub, userArn, type Grant, type Json } from './template.js';

/** What the placeholders of catalog grants (src/compiler/catalog/grant-types.ts) stand for in one stack. */
export interface GrantScope {
  /** The action's (or rule's) configuration. */
  config: Readonly<Record<string, string>>;
  /** The region of the resources: a region name or `${AWS::Region}`. */
  region: string;
  pipeline: string;
  /** The CodeBuild project's name (service-role grants of a project). */
  project?: string;
  /** The ARN of the CodeBuild project the stack defines for this action, when it does. */
  projectArn?: Json;
  /** Resource lists the target computed, by fact name (service-role grants). */
  facts?: Readonly<Record<string, readonly Json[]>>;
}

const CONTEXT = new Set(['partition', 'account', 'region', 'pipeline', 'project', 'item']);

/** Whether every test holds for this scope. */
function holds(when: When | readonly When[] | undefined, s: GrantScope): boolean {
  if (!when) return true;
  if (!Array.isArray(when)) return holdsOne(when as When, s);
  for (const w of when as readonly When[]) if (!holdsOne(w, s)) return false;
  return true;
}

function holdsOne(w: When, s: GrantScope): boolean {
  if (w.fact !== undefined && (s.facts?.[w.fact]?.length ?? 0) === 0) return false;
  if (w.key === undefined) return true;
  const v = Object.hasOwn(s.config, w.key) ? s.config[w.key] : undefined;
  if (w.present !== undefined && (v !== undefined) !== w.present) return false;
  if (w.in && !w.in.includes(v ?? null)) return false;
  if (w.notIn && v !== undefined && w.notIn.includes(v)) return false;
  if (w.matches !== undefined && (v === undefined || !regex(w.matches).test(v))) return false;
  if (w.notMatches !== undefined && v !== undefined && regex(w.notMatches).test(v)) return false;
  return true;
}

/** The catalog's patterns compiled once each (none has the g or y flag, so test() keeps no state). */
const REGEXES = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let r = REGEXES.get(source);
  if (!r) {
    r = new RegExp(source);
    REGEXES.set(source, r);
  }
  return r;
}

/**
 * A template with its placeholders filled. In an ARN (`sub`), configuration values are ARN parts
 * (run-time variables widened to `*`, `${` kept literal for Fn::Sub); elsewhere they are as written.
 */
function fill(template: string, s: GrantScope, asArn: boolean, item?: string): string {
  const parts = placeholders(template);
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) out += placeholder(parts[i] as string, s, asArn, item) + (parts[i + 1] as string);
  return out;
}

function placeholder(name: string, s: GrantScope, asArn: boolean, item: string | undefined): string {
  if (CONTEXT.has(name)) {
    if (name === 'partition') return '${AWS::Partition}';
    if (name === 'account') return '${AWS::AccountId}';
    if (name === 'region') return s.region;
    if (name === 'item') return item ?? '*';
    const text = name === 'pipeline' ? s.pipeline : (s.project ?? '*');
    return asArn ? arnPart(text) : text;
  }
  const v = Object.hasOwn(s.config, name) ? s.config[name] : undefined;
  if (v === undefined) return '*';
  return asArn ? arnPart(v) : v;
}

/** Catalog templates split once: text, placeholder name, text, ... (the catalog is data, so this holds a fixed set). */
const PARSED = new Map<string, readonly string[]>();
function placeholders(template: string): readonly string[] {
  let parts = PARSED.get(template);
  if (!parts) {
    parts = template.split(/\{([A-Za-z][A-Za-z0-9]*)\}/);
    PARSED.set(template, parts);
  }
  return parts;
}

/** An ARN template as a template value: Fn::Sub when it names the stack's partition, account or region. */
function arnOf(template: string, s: GrantScope, item?: string): Json {
  if (template === '*') return '*';
  const text = fill(template, s, true, item);
  return text.includes('${AWS::') ? sub(text) : text;
}

function resourcesOf(r: GrantResource, s: GrantScope, conditions: Array<Record<string, Json>>): Json[] {
  if (typeof r === 'string') return [arnOf(r, s)];
  if (!holds(r.when, s)) return [];
  if (r.kmsKey !== undefined) {
    const key = s.config[r.kmsKey];
    const grant = key === undefined ? undefined : userKeyGrant(key, s.region);
    if (grant?.condition) conditions.push(grant.condition);
    return grant?.resources ?? [];
  }
  if (r.fact !== undefined) return [...(s.facts?.[r.fact] ?? [])];
  if (r.stack === 'codebuild-project' && s.projectArn !== undefined) return [s.projectArn];
  if (r.each !== undefined) {
    const list = s.config[r.each];
    if (list === undefined) return [];
    return list.split(',').map((item) => arnOf(r.arn ?? '*', s, arnPart(item.trim())));
  }
  if (r.userArn !== undefined) {
    const v = Object.hasOwn(s.config, r.userArn) ? s.config[r.userArn] : undefined;
    if (v !== undefined && (v.startsWith('arn:') || r.arn === undefined)) {
      const replaced = r.replace ? v.replace(r.replace[0], r.replace[1]) : v;
      return [userArn(`${replaced}${r.suffix ?? ''}`)];
    }
  }
  return r.arn !== undefined ? [arnOf(r.arn, s)] : [];
}

/** The grants catalog data gives in one scope: tests applied, placeholders filled, grants left with no action or resource dropped. */
export function renderGrants(specs: readonly GrantSpec[], s: GrantScope): Grant[] {
  const out: Grant[] = [];
  for (const g of specs) {
    if (!holds(g.when, s)) continue;
    const actions: string[] = [];
    for (const a of g.actions) if (typeof a === 'string') actions.push(a);
    else if (holds(a.when, s)) actions.push(a.action);
    if (actions.length === 0) continue;
    const keyConditions: Array<Record<string, Json>> = [];
    const resources: Json[] = [];
    for (const r of g.resources) for (const x of resourcesOf(r, s, keyConditions)) resources.push(x);
    if (resources.length === 0) continue;
    const grant: Grant = { sid: g.sid, actions, resources };
    if (keyConditions.length > 0 || g.condition) {
      const condition: Record<string, Json> = Object.assign(
        {},
        ...keyConditions,
        ...Object.entries(g.condition ?? {}).map(([op, body]) => ({ [op]: Object.fromEntries(Object.entries(body).map(([k, v]) => [fill(k, s, false), fill(v, s, false)])) })),
      );
      if (Object.keys(condition).length > 0) grant.condition = condition;
    }
    if (g.comment) grant.comment = fill(g.comment, s, false);
    out.push(grant);
  }
  return out;
}
