import { check, inWrittenOrder, readMapping, typeName, type ReadMapping } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import { isObj } from '../macros/values.js';
import type { ExStage, WrittenMapping } from '../model.js';
import type { ParsedFile } from '../parse.js';
import { rootLoc, type Place } from '../positions.js';
import type { Span } from '../source.js';
import { didYouMean } from '../suggest.js';
import { readStage } from './read-stages.js';
import { ENVIRONMENT, ENVIRONMENTS, PROMOTION, WAVE, type EnvironmentRead, type Promotion, type WaveRead } from './environments.js';
import { PIPELINE, WORKSPACE, type PipelineRead, type SharedSettings, type WorkspaceRead } from './pipeline.js';

/*
 * The schema phase for one pipeline: its own keys are read by PIPELINE (desugar.ts), and here the
 * parts the macros consume are read with their own schemas, each where it is written, so that a
 * mistake in one part (one environment, the promotion conventions) leaves the others read and every
 * mistake shows in one run. The macros take what this returns: values typed by the schemas' outputs.
 */

/** The settings a pipeline may take from its file's top level (tags merge and are read apart). */
export const SHARED_KEYS = ['role', 'role-policy', 'region', 'account', 'connection', 'artifacts', 'type', 'execution', 'project'] as const;

/** A mapping checked by its schema (only its valid keys when some were not), and where it was written. */
export interface ReadPart<T> {
  read: Partial<T>;
  at: Place;
  /** Keys written there but left out for an error reported where they are. */
  dropped: ReadonlySet<string>;
}

/** One environment of `environments:` (a wave's environments included), as read. */
export interface EnvEntry {
  /** Its settings (the valid ones, when some had errors). */
  env: Partial<EnvironmentRead>;
  /** Where it was written. */
  at: Place;
  name: string;
  /** The wave it deploys in, if any. */
  wave?: string;
}

/** What becomes one stage: an environment, or a wave with the environments it deploys. */
export interface EnvUnit {
  wave?: { value: Partial<WaveRead>; at: Place };
  members: EnvEntry[];
}

/** `environments:` as read: every readable environment in order, and the stages they make. */
export interface EnvironmentsInput {
  entries: EnvEntry[];
  units: EnvUnit[];
}

/** A pipeline as the macros consume it: each part read by its schema, with its place. */
export interface PipelineInput extends ReadPart<PipelineRead> {
  /** Its mapping as written (only the valid keys when some were not), for what `pipec expand` prints. */
  written: WrittenMapping;
  /** Every part was read whole: no error left anything of it out (unknown keys are left out and count not). */
  complete: boolean;
  /** The file's top-level settings, when the pipeline is one of several in it. */
  file?: ReadPart<WorkspaceRead> & { written: WrittenMapping };
  /** The settings it may share with its file: its own, else the file's. */
  settings: SharedSettings;
  /** `promotion:` (the pipeline's, else the file's); empty when not written or not valid. */
  promotion: Promotion;
  /** Where `promotion:` is (or would be) written. */
  promotionAt: Place;
  /** `environments:`, when written and in a pipeline that can have them. */
  environments?: EnvironmentsInput;
  /** `stages:` (the explicit form), each stage read. */
  stages: ExStage[];
}

/**
 * Reads a parsed file's pipelines: one, or `pipelines:` with the file's shared settings. Each is read
 * when asked for, so whatever expands it runs before the next one is read. `only`: asked once per
 * entry of `pipelines:`, in order and before the entry is read (after the file's top); an entry it
 * refuses is skipped, with no diagnostic (a share of a file's pipelines compiled on one thread).
 */
export function* readPipelines(parsed: ParsedFile, diags: Diagnostics, only?: (index: number) => boolean): Generator<PipelineInput> {
  const root = parsed.value;
  const rootAt = rootLoc(parsed.file);
  if (!isObj(root)) {
    diags.add('PC2002', `a pipeline file must be a mapping (with 'name' and stages, or 'pipelines'), not ${typeName(root)}`, typeof root === 'object' && root !== null ? rootAt : { file: parsed.file, start: 0, end: 0 });
    return;
  }
  const workspaceTypo = 'name' in root ? undefined : Object.keys(root).find((k) => k !== 'pipelines' && didYouMean(k, ['pipelines']));
  if (workspaceTypo !== undefined) {
    // Read as one pipeline, 'pipeline:' would only be "missing 'name'" and "unknown key" among twenty others.
    diags.add('PC2001', `unknown key '${workspaceTypo}' at the top of the file`, rootAt.key(workspaceTypo), { suggestion: "did you mean 'pipelines'?" });
    return;
  }
  if (!('pipelines' in root)) {
    // A pipeline whose own keys have errors is still read as far as it can be, so every mistake shows in one run.
    const p = readMapping(diags, PIPELINE(), root, 'pipeline', rootAt);
    if (p) yield readPipelineInput(p, rootAt, undefined, diags);
    return;
  }
  const ws = readMapping(diags, WORKSPACE(), root, 'file', rootAt);
  const items = ws?.read.pipelines;
  if (!ws || !items) return;
  const file = { ...ws, at: rootAt };
  for (const [i, item] of items.entries()) {
    if (only && !only(i)) continue;
    const at = rootAt.child('pipelines').child(i);
    if (!isObj(item)) {
      diags.add('PC2002', `each entry of 'pipelines' must be a mapping describing a pipeline`, at);
      continue;
    }
    const p = readMapping(diags, PIPELINE(), item, 'pipeline', at);
    if (p) yield readPipelineInput(p, at, file, diags);
  }
}

/**
 * Whether an error that leaves part of a pipeline unread was added since `mark` (a length of
 * `diags.list`, which only grows); unknown keys are skipped and leave nothing out.
 */
export function blockedSince(diags: Diagnostics, mark: number): boolean {
  for (let i = mark; i < diags.list.length; i++) {
    const d = diags.list[i];
    if (d && d.severity === 'error' && d.code !== 'PC2001') return true;
  }
  return false;
}

/** Reads the parts of a pipeline (its own keys already checked by PIPELINE) that the macros consume. */
function readPipelineInput(pipeline: ReadMapping<PipelineRead>, at: Place, file: (ReadMapping<WorkspaceRead> & { at: Place }) | undefined, diags: Diagnostics): PipelineInput {
  const mark = diags.list.length;
  const read = pipeline.read;
  const fileRead: Partial<WorkspaceRead> | undefined = file?.read;
  const settings: SharedSettings = {};
  for (const k of SHARED_KEYS) {
    const v = read[k] !== undefined ? read[k] : fileRead?.[k];
    if (v !== undefined) Object.assign(settings, { [k]: v });
  }
  const p: PipelineInput = {
    read,
    at,
    dropped: pipeline.dropped,
    written: pipeline.written,
    complete: false,
    ...(file ? { file: { read: file.read, at: file.at, dropped: file.dropped, written: file.written } } : {}),
    settings,
    ...readPromotion(read, at, file, diags),
    stages: [],
  };
  const environments = readEnvironments(p, diags);
  read.stages?.forEach((s, i) => {
    const stage = readStage(s, at.child('stages').child(i), diags);
    if (stage) p.stages.push(stage);
  });
  const complete = pipeline.complete && (file?.complete ?? true) && !blockedSince(diags, mark);
  return { ...p, complete, ...(environments ? { environments } : {}) };
}

/** `promotion:` values of a file's top level already found valid: a shared `promotion:` is checked once, not once per pipeline. */
const validPromotions = new WeakMap<object, Promotion>();

function readPromotion(read: Partial<PipelineRead>, at: Place, file: { read: Partial<WorkspaceRead>; at: Place } | undefined, diags: Diagnostics): { promotion: Promotion; promotionAt: Place } {
  const own = read.promotion !== undefined;
  const value = own ? read.promotion : file?.read.promotion;
  // Where `promotion:` is written: on the pipeline, or at the file's top.
  const promotionAt = (own ? at : (file?.at ?? at)).child('promotion');
  if (!isObj(value)) {
    if (value !== undefined) check(diags, PROMOTION(), value, 'promotion', promotionAt);
    return { promotion: {}, promotionAt };
  }
  let promotion = validPromotions.get(value);
  if (!promotion) {
    promotion = check(diags, PROMOTION(), value, 'promotion', promotionAt);
    if (promotion) validPromotions.set(value, promotion);
  }
  return { promotion: promotion ?? {}, promotionAt };
}

/** Reads `environments:` entry by entry (an entry with errors as far as it can be), reporting names used twice. */
function readEnvironments(p: PipelineInput, diags: Diagnostics): EnvironmentsInput | undefined {
  const { read, at: pAt } = p;
  if (read.environments === undefined) return undefined;
  const where = pAt.key('environments');
  if (read.deploy !== undefined) {
    diags.add('PC2008', "use 'deploy' for one deploy stage or 'environments' for a promotion path, not both", where, {
      suggestion: "move the deploy settings into the first environment: environments: [ { name: dev, deploy: ... } ]",
    });
    return undefined;
  }
  if (read.source === undefined && read.sources === undefined) {
    diags.add('PC2003', "'environments' needs 'source' (or 'sources'): their stages come right after the source, build and tests stages", where);
    return undefined;
  }
  const itemsAt = pAt.child('environments');
  const items = check(diags, ENVIRONMENTS(), read.environments, 'environments', itemsAt);
  if (!items) return undefined;
  const entries: EnvEntry[] = [];
  const units: EnvUnit[] = [];
  const seen = new Map<string, Span | undefined>();
  const named = (name: string, isWave: boolean, place: Place): boolean => {
    const nameAt = place.child(isWave ? 'wave' : 'name');
    const first = seen.get(name);
    if (seen.has(name)) {
      diags.add('PC5007', `'${name}' names two environments (or waves); each becomes a stage, and stage names are unique`, nameAt, { notes: [{ message: 'first named here', ...(first ? { span: first } : {}) }] });
      return false;
    }
    seen.set(name, nameAt);
    return true;
  };
  items.forEach((item, i) => {
    const at = itemsAt.child(i);
    const isWave = typeof item === 'object' && item !== null && !Array.isArray(item) && 'wave' in item;
    if (isWave) {
      const read = readMapping(diags, WAVE(), item, 'wave', at)?.read;
      const wave = read && inWrittenOrder(read, item);
      const waveName = wave?.wave;
      if (!wave || waveName === undefined || !named(waveName, true, at) || !wave.environments) return;
      const members: EnvEntry[] = [];
      wave.environments.forEach((m, j) => {
        const memberAt = at.child('environments').child(j);
        const env = readEnvironment(m, memberAt, diags, named);
        if (env) members.push({ ...env, wave: waveName });
      });
      entries.push(...members);
      if (members.length > 0) units.push({ wave: { value: wave, at }, members });
      return;
    }
    const env = readEnvironment(item, at, diags, named);
    if (env) {
      entries.push(env);
      units.push({ members: [env] });
    }
  });
  return { entries, units };
}

function readEnvironment(value: unknown, at: Place, diags: Diagnostics, named: (name: string, isWave: boolean, place: Place) => boolean): EnvEntry | undefined {
  const read = readMapping(diags, ENVIRONMENT(), value, 'environment', at)?.read;
  const isWave = typeof value === 'object' && value !== null && 'wave' in value;
  // In the order written: a stage setting (on-failure, deployment-window) is printed by `pipec expand` as written.
  return read?.name !== undefined && named(read.name, isWave, at) ? { env: inWrittenOrder(read, value), at, name: read.name } : undefined;
}
