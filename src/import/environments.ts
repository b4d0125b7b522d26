/**
 * Recognises `environments:` in the stages after the source/build/tests sugar, as the environments
 * macro writes them: a stage per environment (an optional approval `Approve`, `before` steps, the
 * deploy or a blue/green pattern, `after` steps), or a wave: one stage whose actions are named
 * `<env>.<name>`, the environments side by side in groups of `at-a-time`, behind one approval.
 * Environments are written as what differs from the one they inherit (inherit.ts). Whether the
 * result compiles to the same stages is the round trip's to decide; when it does not, the stages
 * are written explicitly.
 */
import { isObject, type JsonObject } from '../live/json.js';
import { phasesOf, placeFor, readBody, type Body, type Named, type ReadContext } from './env-body.js';
import { inheritanceEntries, longDeploy, type EnvValues, type Home } from './inherit.js';
import { stageSettings } from './conditions.js';
import { importSpec } from './spec.js';

const ENV_NAME = /^[A-Za-z0-9_-]{1,60}$/;
const PRODUCTION = /^(prod|production)([-_].*)?$/i;
/** The role an environment in another account assumes unless it names one (promotion.cross-account-role). */
const DEFAULT_CONVENTION = 'arn:aws:iam::${env.account}:role/pipec-deploy';

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const order = (a: JsonObject): number => (typeof a.runOrder === 'number' ? a.runOrder : 1);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const roleAccount = (role: string | undefined): string | undefined => (role ? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(role)?.[1] : undefined);

/** One environment as read from its actions. */
interface Member {
  name: string;
  body: Body;
}

/** A stage of environments: one environment, or a wave of them. */
interface Unit {
  name: string;
  wave: boolean;
  atATime?: number;
  members: Member[];
  approval?: Record<string, unknown>;
  /** rollback-on-alarm, deployment-window, on-failure: the stage's own, never inherited. */
  settings: Record<string, unknown>;
}

/** What recognising environments needs to know about the pipeline. */
export interface EnvContext extends ReadContext {
  account?: string;
}

/** The approval `Approve` as an environment's `approval:` value, or undefined when it is not one. */
function approvalOf(a: JsonObject, ctx: ReadContext): Record<string, unknown> | undefined {
  const spec = importSpec(a, ctx.connection, false);
  if (spec.kind !== 'approval' || !spec.typed || spec.notes.length > 0 || a.roleArn !== undefined || a.region !== undefined || a.namespace !== undefined || list(a.outputArtifacts).length > 0) return undefined;
  return { ...(spec.spec as object), ...(a.timeoutInMinutes !== undefined ? { timeout: Number(a.timeoutInMinutes) } : {}) };
}

/** Where a deploy runs, as the alarm rules of its stage name it. */
function placeKey(b: Body): string {
  return JSON.stringify([b.role ?? null, b.region ?? null]);
}

/** The alarm rules of a stage as `rollback-on-alarm`: each alarm name watched in each place, in order. */
function alarmsOf(v: Record<string, unknown>, places: readonly Body[]): unknown {
  const rules = Array.isArray(v.rules) ? v.rules : [];
  const keys = [...new Set(places.map(placeKey))];
  if (v.result !== 'rollback' || Object.keys(v).length !== 2 || rules.length === 0 || rules.length % keys.length !== 0) return undefined;
  const per = rules.length / keys.length;
  const names: string[] = [];
  const waits = new Set<string>();
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (!isMap(r) || Object.keys(r).some((x) => !['alarm', 'region', 'role'].includes(x)) || JSON.stringify([r.role ?? null, r.region ?? null]) !== keys[Math.floor(i / per)]) return undefined;
    const a = r.alarm;
    if (!isMap(a) || JSON.stringify(a.states) !== '["alarm"]' || typeof a.name !== 'string' || Object.keys(a).some((x) => !['name', 'states', 'wait'].includes(x))) return undefined;
    if (i < per) names.push(a.name);
    else if (names[i % per] !== a.name) return undefined;
    waits.add(JSON.stringify(a.wait ?? null));
  }
  if (waits.size !== 1) return undefined;
  const wait = JSON.parse([...waits][0] as string) as unknown;
  return wait !== null ? { alarms: names, wait } : names.length === 1 ? names[0] : names;
}

/** The stage's conditions as an environment's (or wave's) settings; undefined when they have no such form. */
function settingsOf(s: JsonObject, region: string | undefined, places: readonly Body[], fallback: Record<string, unknown> | undefined): { settings: Record<string, unknown>; rollback: boolean } | undefined {
  const st = stageSettings(s, region, undefined);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(st)) {
    if (!isMap(v)) return undefined;
    if (k === 'on-success') {
      const alarms = alarmsOf(v, places);
      if (alarms === undefined) return undefined;
      out['rollback-on-alarm'] = alarms;
    } else if (k === 'before-entry') {
      const rules = Array.isArray(v.rules) ? v.rules : [];
      const r = rules[0];
      if (Object.keys(v).length !== 1 || rules.length !== 1 || !isMap(r) || Object.keys(r).length !== 1) return undefined;
      const w = r['deployment-window'];
      if (typeof w === 'string') out['deployment-window'] = w;
      else if (isMap(w) && typeof w.cron === 'string') out['deployment-window'] = Object.keys(w).length === 1 ? w.cron : w;
      else return undefined;
    } else if (k === 'on-failure') {
      if (fallback && JSON.stringify(v) === JSON.stringify(fallback)) continue;
      const key = JSON.stringify(v);
      out['on-failure'] = key === '{"result":"rollback"}' ? 'rollback' : key === '{"result":"retry","retry-mode":"failed-actions"}' ? 'retry' : key === '{"result":"retry","retry-mode":"all-actions"}' ? 'retry-all' : v;
    } else return undefined;
  }
  // a blue/green deploy that rolls back by default, in a stage that does not
  return { settings: out, rollback: !(fallback && st['on-failure'] === undefined) };
}

/** The actions of a stage without its approval, and the approval. */
function splitApproval(s: JsonObject, ctx: ReadContext): { rest: JsonObject[]; approval?: Record<string, unknown> } | undefined {
  const actions = list(s.actions);
  const first = actions.filter((a) => order(a) === 1);
  if (first.length === 1 && first[0]?.name === 'Approve') {
    const approval = approvalOf(first[0], ctx);
    if (!approval) return undefined;
    return { rest: actions.filter((a) => a !== first[0]), approval };
  }
  return { rest: actions };
}

function noRollback(b: Body): Body {
  const bg = b.deploy['blue-green'];
  return isMap(bg) ? { ...b, deploy: { ...b.deploy, 'blue-green': { ...bg, rollback: false } } } : b;
}

/** One stage as one environment. */
function singleUnit(s: JsonObject, ctx: ReadContext): Unit | undefined {
  const name = String(s.name ?? '');
  const split = splitApproval(s, ctx);
  if (!split) return undefined;
  const phases = phasesOf(split.rest.map((action) => ({ base: String(action.name), action })), split.approval ? 2 : 1);
  const body = phases && readBody(phases, placeFor(name), ctx);
  if (!body) return undefined;
  const read = settingsOf(s, ctx.region, [body], body.onFailure);
  if (!read) return undefined;
  return { name, wave: false, members: [{ name, body: read.rollback ? body : noRollback(body) }], ...(split.approval ? { approval: split.approval } : {}), settings: read.settings };
}

/** One stage as a wave: every action but the approval named `<env>.<name>`. */
function waveUnit(s: JsonObject, ctx: ReadContext): Unit | undefined {
  const split = splitApproval(s, ctx);
  if (!split || split.rest.length === 0) return undefined;
  const byMember = new Map<string, Named[]>();
  for (const action of split.rest) {
    const full = String(action.name);
    const dot = full.indexOf('.');
    const member = full.slice(0, dot);
    if (dot < 0 || !ENV_NAME.test(member)) return undefined;
    byMember.set(member, [...(byMember.get(member) ?? []), { base: full.slice(dot + 1), action }]);
  }
  const members: Member[] = [];
  const layout: Array<{ start: number; depth: number }> = [];
  for (const [name, actions] of byMember) {
    const start = Math.min(...actions.map((n) => order(n.action)));
    const phases = phasesOf(actions, start);
    const body = phases && readBody(phases, placeFor(name), ctx);
    if (!phases || !body) return undefined;
    members.push({ name, body });
    layout.push({ start, depth: phases.length });
  }
  // the environments run in groups of at-a-time, one group after the other
  const first = split.approval ? 2 : 1;
  const size = layout.filter((l) => l.start === first).length;
  let base = first;
  for (let g = 0; g < layout.length; g += size) {
    const group = layout.slice(g, g + size);
    if (group.some((l) => l.start !== base)) return undefined;
    base += Math.max(...group.map((l) => l.depth));
  }
  const fallback = members.find((m) => m.body.onFailure)?.body.onFailure;
  const read = settingsOf(s, ctx.region, members.map((m) => m.body), fallback);
  if (!read) return undefined;
  return {
    name: String(s.name ?? ''),
    wave: true,
    ...(size < members.length ? { atATime: size } : {}),
    members: read.rollback ? members : members.map((m) => ({ ...m, body: noRollback(m.body) })),
    ...(split.approval ? { approval: split.approval } : {}),
    settings: read.settings,
  };
}

function readUnit(s: JsonObject, ctx: ReadContext): Unit | undefined {
  if (!ENV_NAME.test(String(s.name ?? '')) || JSON.stringify(s).includes('${')) return undefined;
  const waveLike = list(s.actions).some((a) => String(a.name).includes('.'));
  return waveLike ? waveUnit(s, ctx) : singleUnit(s, ctx);
}

/** A member's values for inheritance: account and role from its deploy role, the deploy in the long form. */
function valuesOf(m: Member, ctx: EnvContext, convention: string): EnvValues | undefined {
  const deploy = longDeploy(m.body.deploy);
  if (!deploy) return undefined;
  const roleAcct = roleAccount(m.body.role);
  const account = roleAcct !== undefined && roleAcct !== ctx.account ? roleAcct : undefined;
  const role = account !== undefined && m.body.role === convention.split('${env.account}').join(account) ? undefined : m.body.role;
  const before = Object.keys(m.body.before).length > 0 ? m.body.before : undefined;
  const after = Object.keys(m.body.after).length > 0 ? m.body.after : undefined;
  return {
    name: m.name,
    values: { ...(account ? { account } : {}), ...(m.body.region ? { region: m.body.region } : {}), ...(role ? { role } : {}), deploy, ...(before ? { before } : {}), ...(after ? { after } : {}) },
    ...((m.body.region ?? ctx.region) ? { region: m.body.region ?? ctx.region } : {}),
    ...((account ?? ctx.account) ? { account: account ?? ctx.account } : {}),
  };
}

/** `arn:aws:iam::${env.account}:role/<name>` when every deploy in another account assumes such a role (one name). */
function crossAccountPattern(members: readonly Member[], ctx: EnvContext): string | undefined {
  const patterns = new Set<string>();
  for (const m of members) {
    const account = roleAccount(m.body.role);
    if (account === undefined || account === ctx.account) continue;
    patterns.add((m.body.role as string).split(`::${account}:`).join('::${env.account}:'));
  }
  const [only] = patterns;
  return patterns.size === 1 && only !== DEFAULT_CONVENTION ? only : undefined;
}

/**
 * The `environments:` list for the longest run of environment stages starting at `stages[from]`
 * (two or more environments), and how many stages it covers; undefined when there is none.
 */
export function recogniseEnvironments(stages: readonly JsonObject[], from: number, ctx: EnvContext): { environments: unknown[]; count: number; regions: Set<string>; crossAccountRole?: string } | undefined {
  const units: Unit[] = [];
  for (let i = from; i < stages.length; i++) {
    const u = readUnit(stages[i] as JsonObject, ctx);
    if (!u) break;
    units.push(u);
  }
  const members = units.flatMap((u) => u.members);
  const home: Home = { ...(ctx.region ? { region: ctx.region } : {}), ...(ctx.account ? { account: ctx.account } : {}) };
  const entriesWith = (convention: string): Array<Record<string, unknown> | undefined> => {
    const values = members.map((m) => valuesOf(m, ctx, convention));
    const firstBad = values.findIndex((v) => v === undefined);
    return inheritanceEntries((firstBad < 0 ? values : values.slice(0, firstBad)) as EnvValues[], home);
  };
  let entries = entriesWith(DEFAULT_CONVENTION);
  // the deploy roles of the other accounts follow one pattern: say it once as the convention
  let convention = crossAccountPattern(members, ctx);
  if (convention) {
    const other = entriesWith(convention);
    const written = (list: typeof entries): number => list.findIndex((e) => e === undefined) >>> 0;
    if (written(other) > written(entries) || (written(other) === written(entries) && JSON.stringify(other).length + convention.length + 40 < JSON.stringify(entries).length)) entries = other;
    else convention = undefined;
  }
  // whole stages only: a unit is written when every environment in it can be
  let index = 0;
  const out: unknown[] = [];
  let count = 0;
  const regions = new Set<string>();
  for (const u of units) {
    const mine = entries.slice(index, index + u.members.length);
    if (mine.length < u.members.length || mine.some((e) => e === undefined)) break;
    index += u.members.length;
    for (const m of u.members) if (m.body.region) regions.add(m.body.region);
    const envs = u.members.map((m, i) => ({ name: m.name, ...(mine[i] as Record<string, unknown>) }));
    const production = PRODUCTION.test(u.name) || u.members.some((m) => PRODUCTION.test(m.name));
    const approval = u.approval ? (Object.keys(u.approval).length === 0 ? true : u.approval) : production ? false : undefined;
    const stageOwn = { ...(approval !== undefined ? { approval } : {}), ...u.settings };
    if (u.wave) out.push({ wave: u.name, ...(u.atATime !== undefined ? { 'at-a-time': u.atATime } : {}), ...stageOwn, environments: envs });
    else out.push({ ...envs[0], ...stageOwn });
    count++;
  }
  if (index < 2) return undefined;
  return { environments: out.slice(0, count), count, regions, ...(convention ? { crossAccountRole: convention } : {}) };
}
