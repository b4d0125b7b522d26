/**
 * A pipeline declaration (CreatePipeline / GetPipeline shape) as a pipeline.yml mapping. What to
 * write explicitly is decided by {@link Choices}, which the round-trip check narrows: first the
 * shortest form (sugar, typed settings, compiler defaults for artifacts), then, action by action,
 * the explicit form wherever the short one compiled to something else.
 */
import { artifactName } from '../compiler/artifact-defaults.js';
import { isObject, type Json, type JsonObject, type Tag } from '../live/json.js';
import { MANAGED_TAG, PROJECT_TAG_KEY } from '../live/ownership.js';
import { stageSettings } from './conditions.js';
import { trigger, variablesOf } from './triggers.js';
import { recogniseEnvironments, type EnvContext } from './environments.js';
import { dropConventionStores, handoffBefore, readTopDeploy } from './release.js';
import { importSpec, type ImportedSpec } from './spec.js';
import { noted } from './yaml.js';

/** One pipeline to import: its declaration and what else is known about it. */
export interface SourcePipeline {
  declaration: JsonObject;
  tags: Tag[];
  /** The pipeline's region, when known (live pipelines, CloudFormation stacks with one, --region). */
  region?: string;
  /** Where it came from, for messages: a file, `file#Resource`, or `live`. */
  origin: string;
  /** Comments for the user, keyed by place: `pipeline`, `stage:<name>`, `action:<stage>/<action>`. */
  notes: Map<string, string[]>;
  /** Stage name -> reason, for transitions that start disabled (CloudFormation input only). */
  disabledInbound?: Record<string, string>;
}

/** How much of the short form to use; keys are `<stage>/<action>`. */
export interface Choices {
  sugar: boolean;
  explicitInputs: Set<string>;
  explicitOutputs: Set<string>;
  raw: Set<string>;
  /** Stages written with `actions:` and `run-order` instead of `steps:`. */
  noSteps: Set<string>;
  /**
   * Try `environments:` (and blue/green deploys) for the stages after the sugar: 1 yes, 2 with the
   * deploys' inputs written, 3 and 4 the same without blue/green patterns, 0 no.
   */
  environments: number;
  /** Stages the last rendering wrote as environments (for narrowing). */
  envStages: Set<string>;
}

/** The shortest form: everything left to the compiler's defaults. */
export function shortestChoices(): Choices {
  return { sugar: true, explicitInputs: new Set(), explicitOutputs: new Set(), raw: new Set(), noSteps: new Set(), environments: 1, envStages: new Set() };
}

/** Pipeline-level settings the file's shared values supply (written once at the top of a multi-pipeline file). */
export interface Inherited {
  role?: string;
  region?: string;
  connection?: string;
  artifacts?: unknown;
  type?: string;
  execution?: string;
  tags?: Record<string, string>;
}

const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const names = (v: Json | undefined): string[] => list(v).map((x) => String(x.name));

/** The pipeline's own settings in pipeline.yml terms (before lifting shared ones to the file's top). */
export function pipelineSettings(src: SourcePipeline): Inherited & { account?: string } {
  const d = src.declaration;
  const out: Inherited = {};
  if (typeof d.roleArn === 'string') out.role = d.roleArn;
  const stores = isObject(d.artifactStores) ? d.artifactStores : undefined;
  if (stores && src.region) out.region = src.region;
  out.artifacts = artifactsOf(d, src.region);
  out.type = String(d.pipelineType ?? 'V1');
  if (d.executionMode !== undefined) out.execution = String(d.executionMode).toLowerCase();
  const conn = connectionOf(d);
  if (conn) out.connection = conn;
  out.tags = Object.fromEntries(src.tags.map((t) => [t.key, t.value]));
  return out;
}

function store(s: Json | undefined): unknown {
  if (!isObject(s)) return undefined;
  const key = isObject(s.encryptionKey) ? s.encryptionKey.id : undefined;
  return key !== undefined ? { bucket: String(s.location), 'kms-key': String(key) } : String(s.location);
}

function artifactsOf(d: JsonObject, region: string | undefined): unknown {
  if (isObject(d.artifactStore)) return store(d.artifactStore);
  if (!isObject(d.artifactStores)) return undefined;
  const all = d.artifactStores;
  const own = region !== undefined ? all[region] : undefined;
  const base = own !== undefined ? store(own) : undefined;
  const out: Record<string, unknown> = typeof base === 'string' ? { bucket: base } : isObject(base as Json) ? { ...(base as object) } : {};
  const others: Record<string, unknown> = {};
  for (const r of Object.keys(all).sort()) if (r !== region) others[r] = store(all[r]);
  if (Object.keys(others).length > 0) out.stores = others;
  return out;
}

/** The connection most of the pipeline's connection sources use (first in order on a tie). */
function connectionOf(d: JsonObject): string | undefined {
  const counts = new Map<string, number>();
  for (const s of list(d.stages))
    for (const a of list(s.actions)) {
      const t = isObject(a.actionTypeId) ? a.actionTypeId : {};
      const arn = isObject(a.configuration) ? a.configuration.ConnectionArn : undefined;
      if (t.provider === 'CodeStarSourceConnection' && typeof arn === 'string') counts.set(arn, (counts.get(arn) ?? 0) + 1);
    }
  let best: string | undefined;
  for (const [k, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = k;
  return best;
}

/** The pipeline as a pipeline.yml mapping, its settings already in the file's shared values left out. */
export function pipelineDocument(src: SourcePipeline, choices: Choices, shared: Inherited): Record<string, unknown> {
  const d = src.declaration;
  const own = pipelineSettings(src);
  const out: Record<string, unknown> = { name: String(d.name ?? '') };
  const pipelineNotes = src.notes.get('pipeline') ?? [];
  const put = (key: string, v: unknown, dflt: unknown, inherited: unknown): void => {
    const same = JSON.stringify(v) === JSON.stringify(inherited);
    if (v === undefined || same) return;
    if (inherited === undefined && JSON.stringify(v) === JSON.stringify(dflt)) return;
    out[key] = v;
  };
  put('role', own.role, undefined, shared.role);
  put('region', own.region, undefined, shared.region);
  const connection = own.connection ?? shared.connection;
  put('connection', own.connection, undefined, shared.connection);
  put('artifacts', own.artifacts, undefined, shared.artifacts);
  put('type', own.type, 'V2', shared.type);
  put('execution', own.execution ?? (shared.execution !== undefined ? 'superseded' : undefined), undefined, shared.execution);
  const variables = variablesOf(d.variables);
  if (variables) out.variables = variables;
  const triggers = list(d.triggers).map(trigger);
  if (triggers.length > 0) out.triggers = triggers;
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(own.tags ?? {})) if (shared.tags?.[k] !== v) tags[k] = v;
  if (Object.keys(tags).length > 0) out.tags = tags;
  const stages = list(d.stages);
  const region = own.region ?? shared.region ?? src.region;
  let i = 0;
  choices.envStages.clear();
  if (choices.sugar) i = sugar(src, stages, choices, connection, region, out);
  if (choices.sugar && choices.environments > 0 && (out.source !== undefined || out.sources !== undefined) && out.deploy === undefined) {
    const envs = recogniseEnvironments(stages, i, envContext(stages, i, choices, connection, region, own.role ?? shared.role));
    if (envs) {
      if (envs.crossAccountRole) out.promotion = { 'cross-account-role': envs.crossAccountRole };
      out.environments = envs.environments;
      for (const s of stages.slice(i, i + envs.count)) choices.envStages.add(String(s.name));
      i += envs.count;
      if (out.artifacts !== undefined) out.artifacts = dropConventionStores(out.artifacts, envs.regions);
    }
  }
  const explicit = stages.slice(i).map((s) => stageEntry(src, s, choices, connection, region));
  if (explicit.length > 0) out.stages = explicit;
  if (pipelineNotes.length > 0) return { [NOTES_KEY]: pipelineNotes, ...out };
  return out;
}

/** What reading environments and blue/green deploys needs, at the choices' level. */
function envContext(stages: readonly JsonObject[], at: number, choices: Choices, connection: string | undefined, region: string | undefined, role: string | undefined): EnvContext {
  const account = typeof role === 'string' ? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(role)?.[1] : undefined;
  return {
    ...(connection !== undefined ? { connection } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(account !== undefined ? { account } : {}),
    handoff: handoffBefore(stages, at),
    explicitInputs: choices.environments === 2 || choices.environments === 4,
    blueGreen: choices.environments === 1 || choices.environments === 2,
  };
}

/** A pseudo key carrying the pipeline's own comments; the writer puts them before the pipeline. */
export const NOTES_KEY = '\u0000notes';

/** The keys of an action besides its kind: artifacts (where chosen), namespace, role, region, timeout. */
function commonKeys(a: JsonObject, key: string, spec: ImportedSpec, choices: Choices, region: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const inputs = names(a.inputArtifacts);
  const outputs = names(a.outputArtifacts);
  const raw = !spec.typed && spec.kind === 'action';
  if (choices.explicitInputs.has(key) || (raw && inputs.length > 0)) out.inputs = inputs;
  if (choices.explicitOutputs.has(key) || (raw && outputs.length > 0)) out.outputs = outputs;
  if (a.namespace !== undefined) out.namespace = String(a.namespace);
  if (a.roleArn !== undefined) out.role = String(a.roleArn);
  if (a.region !== undefined && a.region !== region) out.region = String(a.region);
  return out;
}

function entryFor(src: SourcePipeline, stage: string, a: JsonObject, choices: Choices, connection: string | undefined, region: string | undefined): { spec: ImportedSpec; common: Record<string, unknown>; key: string } {
  const key = `${stage}/${String(a.name)}`;
  const spec = importSpec(a, connection, choices.raw.has(key));
  const common = commonKeys(a, key, spec, choices, region);
  return { spec, common, key };
}

function actionEntry(src: SourcePipeline, stage: string, a: JsonObject, choices: Choices, connection: string | undefined, region: string | undefined, runOrder: boolean): unknown {
  const { spec, common, key } = entryFor(src, stage, a, choices, connection, region);
  const out: Record<string, unknown> = { name: String(a.name), [spec.kind]: spec.spec, ...common };
  if (a.timeoutInMinutes !== undefined) out.timeout = Number(a.timeoutInMinutes);
  const order = typeof a.runOrder === 'number' ? a.runOrder : 1;
  if (runOrder && order !== 1) out['run-order'] = order;
  return noted(out, [...spec.notes, ...(src.notes.get(`action:${key}`) ?? [])]);
}

function stageEntry(src: SourcePipeline, s: JsonObject, choices: Choices, connection: string | undefined, region: string | undefined): unknown {
  const name = String(s.name ?? '');
  const actions = list(s.actions);
  const orders = actions.map((a) => (typeof a.runOrder === 'number' ? a.runOrder : 1));
  const distinct = [...new Set(orders)];
  const sortedInPlace = orders.every((o, i) => i === 0 || o >= (orders[i - 1] as number));
  const contiguous = distinct.length > 1 && distinct.every((o, i) => o === i + 1);
  const out: Record<string, unknown> = { name };
  const settings = stageSettings(s, region, src.disabledInbound?.[name]);
  if (contiguous && sortedInPlace && !choices.noSteps.has(name)) {
    out.steps = distinct.map((o) => {
      const group = actions.filter((a) => (typeof a.runOrder === 'number' ? a.runOrder : 1) === o).map((a) => actionEntry(src, name, a, choices, connection, region, false));
      return group.length === 1 ? group[0] : { parallel: group };
    });
  } else out.actions = actions.map((a) => actionEntry(src, name, a, choices, connection, region, true));
  Object.assign(out, settings);
  return noted(out, src.notes.get(`stage:${name}`) ?? []);
}

const MACRO_STAGES: { stage: string; kind: string; key: string; single: boolean }[] = [
  { stage: 'Source', kind: 'source', key: 'source', single: true },
  { stage: 'Build', kind: 'build', key: 'build', single: true },
  { stage: 'Test', kind: 'test', key: 'tests', single: false },
  { stage: 'Deploy', kind: 'deploy', key: 'deploy', single: true },
];

/** Writes the leading stages that the top-level sugar makes exactly; returns how many it wrote. */
function sugar(src: SourcePipeline, stages: JsonObject[], choices: Choices, connection: string | undefined, region: string | undefined, out: Record<string, unknown>): number {
  let i = 0;
  for (const m of MACRO_STAGES) {
    const s = stages[i];
    if (!s || s.name !== m.stage) continue;
    const stageOwn = stageSettings(s, region, src.disabledInbound?.[m.stage]);
    if (Object.keys(stageOwn).length > 0 && !(m.kind === 'deploy' && Object.keys(stageOwn).join() === 'on-failure')) break;
    if (src.notes.get(`stage:${m.stage}`)?.length) break;
    if (m.kind === 'deploy' && choices.environments > 0) {
      const bg = readTopDeploy(s, envContext(stages, i, choices, connection, region, undefined));
      if (bg) {
        out.deploy = bg;
        choices.envStages.add(m.stage);
        i++;
        continue;
      }
    }
    const actions = list(s.actions);
    if (actions.length === 0 || actions.some((a) => (a.runOrder ?? 1) !== 1 || a.timeoutInMinutes !== undefined)) break;
    if (Object.keys(stageOwn).length > 0) break;
    const entries = actions.map((a) => entryFor(src, m.stage, a, choices, connection, region));
    if (entries.some((e) => e.spec.kind !== m.kind)) break;
    if (entries.some((e) => e.spec.notes.length > 0 || (src.notes.get(`action:${e.key}`)?.length ?? 0) > 0)) break;
    const value = (e: (typeof entries)[number]): unknown => {
      if (Object.keys(e.common).length === 0) return e.spec.spec;
      const spec = typeof e.spec.spec === 'string' ? longSource(e.spec.spec) : e.spec.spec;
      if (typeof spec !== 'object' || spec === null) return undefined;
      return { ...(spec as object), ...e.common };
    };
    const values = entries.map(value);
    if (values.some((v) => v === undefined)) break;
    if (m.single) {
      if (actions.length !== 1) {
        if (m.kind !== 'source') break;
        out.sources = Object.fromEntries(actions.map((a, j) => [String(a.name), values[j]]));
      } else if (actions[0]?.name !== m.stage) {
        if (m.kind === 'source') out.sources = { [String(actions[0]?.name)]: values[0] };
        else {
          // `name:` in the macro value names the action (the stage keeps the macro's name)
          const v = values[0];
          if (typeof v !== 'object' || v === null || 'name' in v) break;
          out[m.key] = { name: String(actions[0]?.name), ...(v as object) };
        }
      } else out[m.key] = values[0];
    } else {
      if (values.some((v) => typeof v !== 'object')) break;
      out[m.key] = Object.fromEntries(actions.map((a, j) => [String(a.name), values[j]]));
    }
    i++;
  }
  return i;
}

/** `codecommit:repo@main` as `{ codecommit: repo, branch: main }`, so action keys can go beside it. */
function longSource(text: string): unknown {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 's3') {
    return { s3: rest };
  }
  const at = rest.lastIndexOf('@');
  if (at < 0) return { [kind]: rest };
  const name = rest.slice(0, at);
  const ref = rest.slice(at + 1);
  return kind === 'ecr' ? { ecr: name, tag: ref } : { [kind]: name, branch: ref };
}

/** The default output artifact name of an action (what sources and builds produce unless told). */
export { artifactName };

/**
 * The tags pipeline.yml should carry: AWS's own (`aws:`) belong to AWS, and pipec's ownership
 * tags (`managed-by: pipec`, `pipec:project`) are added by apply itself, so none is written.
 */
export function userTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((t) => !t.key.startsWith('aws:') && !(t.key === MANAGED_TAG.key && t.value === MANAGED_TAG.value) && t.key !== PROJECT_TAG_KEY);
}
