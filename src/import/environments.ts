/**
 * Recognises `environments:` in the stages after the source/build/tests sugar: consecutive stages
 * that each hold an optional approval `Approve`, one deploy `Deploy` and optional steps after it,
 * as the environments macro writes them. Each environment is written as what differs from the one
 * before it (the macro's inheritance: settings merge key by key, `null` removes). Whether the
 * result compiles to the same stages is the round trip's to decide; when it does not, the stages
 * are written explicitly.
 */
import { isObject, type JsonObject } from '../live/json.js';
import { stageSettings } from './pipeline.js';
import { importSpec } from './spec.js';

const ENV_NAME = /^[A-Za-z0-9_-]+$/;
const PRODUCTION = /^(prod|production)(-.*)?$/;

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const order = (a: JsonObject): number => (typeof a.runOrder === 'number' ? a.runOrder : 1);

/** One stage read as an environment, or undefined when it is not one. */
interface Env {
  name: string;
  approval?: Record<string, unknown>;
  deploy: Record<string, unknown>;
  role?: string;
  region?: string;
  after: Record<string, unknown>;
  /** rollback-on-alarm, deployment-window, on-failure: the stage's own, never inherited. */
  settings: Record<string, unknown>;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stage's conditions as an environment's settings; undefined when they have no such form. */
function envSettings(s: JsonObject, region: string | undefined, envRegion: string | undefined, envRole: string | undefined): Record<string, unknown> | undefined {
  const st = stageSettings(s, region, undefined);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(st)) {
    if (!isMap(v)) return undefined;
    if (k === 'on-success') {
      const rules = Array.isArray(v.rules) ? v.rules : [];
      if (v.result !== 'rollback' || Object.keys(v).length !== 2 || rules.length === 0) return undefined;
      const alarms: string[] = [];
      const waits = new Set<string>();
      for (const r of rules) {
        // the alarms are watched where the environment deploys
        const placed = isMap(r) && r.region === envRegion && r.role === envRole;
        const a = isMap(r) && placed && Object.keys(r).every((x) => x === 'alarm' || x === 'region' || x === 'role') ? r.alarm : undefined;
        if (!isMap(a) || JSON.stringify(a.states) !== '["alarm"]' || typeof a.name !== 'string' || Object.keys(a).some((x) => !['name', 'states', 'wait'].includes(x))) return undefined;
        alarms.push(a.name);
        waits.add(JSON.stringify(a.wait ?? null));
      }
      if (waits.size !== 1) return undefined;
      const wait = JSON.parse([...waits][0] as string) as unknown;
      out['rollback-on-alarm'] = wait !== null ? { alarms, wait } : alarms.length === 1 ? alarms[0] : alarms;
    } else if (k === 'before-entry') {
      const rules = Array.isArray(v.rules) ? v.rules : [];
      const r = rules[0];
      if (Object.keys(v).length !== 1 || rules.length !== 1 || !isMap(r) || Object.keys(r).length !== 1) return undefined;
      const w = r['deployment-window'];
      if (typeof w === 'string') out['deployment-window'] = w;
      else if (isMap(w) && typeof w.cron === 'string') out['deployment-window'] = Object.keys(w).length === 1 ? w.cron : w;
      else return undefined;
    } else if (k === 'on-failure') {
      const key = JSON.stringify(v);
      out['on-failure'] = key === '{"result":"rollback"}' ? 'rollback' : key === '{"result":"retry","retry-mode":"failed-actions"}' ? 'retry' : key === '{"result":"retry","retry-mode":"all-actions"}' ? 'retry-all' : v;
    } else return undefined;
  }
  return out;
}

function plain(a: JsonObject): boolean {
  return a.roleArn === undefined && a.region === undefined && a.namespace === undefined && a.timeoutInMinutes === undefined && list(a.outputArtifacts).length === 0;
}

function readEnv(s: JsonObject, connection: string | undefined, region: string | undefined, explicitInputs: boolean): Env | undefined {
  const name = String(s.name ?? '');
  if (!ENV_NAME.test(name)) return undefined;
  const deployAction = list(s.actions).find((a) => a.name === 'Deploy');
  const deployRegion = deployAction?.region;
  const deployRole = deployAction?.roleArn;
  const settings = envSettings(s, region, typeof deployRegion === 'string' && deployRegion !== region ? deployRegion : undefined, typeof deployRole === 'string' ? deployRole : undefined);
  if (!settings) return undefined;
  if (JSON.stringify(s).includes('${')) return undefined;
  const actions = list(s.actions);
  const orders = [...new Set(actions.map(order))].sort((a, b) => a - b);
  if (!orders.every((o, i) => o === i + 1)) return undefined;
  let next = 1;
  const at = (o: number): JsonObject[] => actions.filter((a) => order(a) === o);
  const env: Env = { name, deploy: {}, after: {}, settings };
  const first = at(next);
  if (first.length === 1 && first[0]?.name === 'Approve') {
    const a = first[0] as JsonObject;
    const spec = importSpec(a, connection, false);
    if (spec.kind !== 'approval' || !spec.typed || spec.notes.length > 0 || a.roleArn !== undefined || a.region !== undefined || a.namespace !== undefined) return undefined;
    env.approval = { ...(spec.spec as object), ...(a.timeoutInMinutes !== undefined ? { timeout: Number(a.timeoutInMinutes) } : {}) };
    next++;
  }
  const deploys = at(next);
  const d = deploys[0];
  if (deploys.length !== 1 || !d || d.name !== 'Deploy' || d.timeoutInMinutes !== undefined || list(d.outputArtifacts).length > 0) return undefined;
  const spec = importSpec(d, connection, false);
  if (spec.kind !== 'deploy' || !spec.typed || spec.notes.length > 0 || typeof spec.spec !== 'object') return undefined;
  env.deploy = { ...(spec.spec as object) };
  if (d.namespace !== undefined) env.deploy.namespace = String(d.namespace);
  if (explicitInputs) env.deploy.inputs = list(d.inputArtifacts).map((x) => String(x.name));
  if (d.roleArn !== undefined) env.role = String(d.roleArn);
  if (d.region !== undefined && d.region !== region) env.region = String(d.region);
  next++;
  const after = at(next);
  if (after.length > 0) {
    for (const a of after) {
      const st = importSpec(a, connection, false);
      if ((st.kind !== 'test' && st.kind !== 'invoke') || !st.typed || st.notes.length > 0 || !plain(a) || typeof st.spec !== 'object') return undefined;
      env.after[String(a.name)] = st.spec;
    }
    next++;
  }
  return next - 1 === orders.length ? env : undefined;
}

/** `next` written as what differs from `prev` (mapping keys merge; null removes). */
function delta(prev: Record<string, unknown> | undefined, next: Record<string, unknown>): Record<string, unknown> {
  if (!prev) return next;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) if (JSON.stringify(prev[k]) !== JSON.stringify(v)) out[k] = v;
  for (const k of Object.keys(prev)) if (!(k in next)) out[k] = null;
  return out;
}

/**
 * The `environments:` list for the longest run (two or more) of environment stages starting at
 * `stages[from]`, and how many stages it covers; undefined when there is none.
 */
export function recogniseEnvironments(stages: readonly JsonObject[], from: number, connection: string | undefined, region: string | undefined, explicitInputs: boolean): { environments: unknown[]; count: number } | undefined {
  const envs: Env[] = [];
  for (let i = from; i < stages.length; i++) {
    const e = readEnv(stages[i] as JsonObject, connection, region, explicitInputs);
    if (!e) break;
    envs.push(e);
  }
  if (envs.length < 2) return undefined;
  const out: unknown[] = [];
  let prev: Env | undefined;
  for (const e of envs) {
    const entry: Record<string, unknown> = { name: e.name };
    const deploy = prev ? delta(prev.deploy, e.deploy) : e.deploy;
    if (!prev || prev.deploy[Object.keys(prev.deploy)[0] as string] === undefined || Object.keys(prev.deploy)[0] !== Object.keys(e.deploy)[0]) {
      // another provider: the whole deploy, with what the earlier one set removed
      if (prev && Object.keys(prev.deploy)[0] !== Object.keys(e.deploy)[0]) Object.assign(deploy, e.deploy);
    }
    if (Object.keys(deploy).length > 0) entry.deploy = deploy;
    for (const k of ['role', 'region'] as const) if (e[k] !== prev?.[k]) entry[k] = e[k] ?? null;
    if (e.approval) entry.approval = Object.keys(e.approval).length === 0 ? true : e.approval;
    else if (PRODUCTION.test(e.name)) entry.approval = false;
    const after = delta(prev?.after, e.after);
    if (Object.keys(after).length > 0) entry.after = after;
    Object.assign(entry, e.settings);
    out.push(entry);
    prev = e;
  }
  return { environments: out, count: envs.length };
}
