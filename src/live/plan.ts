import type { Change } from './changes.js';
import type { ClientProvider, LivePipeline } from './client.js';
import { diffPipeline } from './diff.js';
import { AwsFailure, FATAL_KINDS, describeFailure } from './errors.js';
import { jsonEqual, type JsonObject, type Tag } from './json.js';
import { normaliseDeclaration } from './normalise.js';
import { MANAGED_TAG, desiredTags, notOursReason, ownership, type Ownership } from './ownership.js';
import { inRegion } from './desired.js';
import { runPool } from './pool.js';
import { maskChange } from './secrets.js';

export { MANAGED_TAG, desiredTags };

/** A pipeline as the configuration wants it: the CreatePipeline input pipec compiled. */
export interface DesiredPipeline {
  name: string;
  /** The pipeline's own `region:`, if it names one. */
  region?: string;
  pipeline: JsonObject;
  /** Tags from the configuration (pipec adds its own). */
  tags: Tag[];
}

export type PlanAction = 'create' | 'update' | 'delete' | 'no-op' | 'conflict';

/** What plan decided for one pipeline, and everything apply needs to carry it out. */
export interface PipelinePlan {
  name: string;
  region: string;
  action: PlanAction;
  /** The live `version` when planned; null when there was no such pipeline. */
  liveVersion: number | null;
  arn?: string;
  /** Takes over an existing pipeline that is not this project's (asked for with --adopt). */
  adopt?: boolean;
  /** Whose the live pipeline was when planned, when it was not this project's (see {@link Ownership}). */
  owner?: Exclude<Ownership, 'ours'>;
  /** For a conflict: why pipec leaves the pipeline alone. */
  reason?: string;
  /** The changes, with secret values masked (`(sensitive)`): safe to print and save. */
  changes: Change[];
  /** What apply sends (create, update; kept for no-op so a saved plan is complete). Holds secrets: never printed or saved. */
  desired?: { pipeline: JsonObject; tags: Tag[] };
  /** Whether UpdatePipeline is needed, or only the tags changed. */
  declarationChanged?: boolean;
  tagsToSet?: Tag[];
  tagsToRemove?: string[];
}

/** A whole plan: one entry per configured pipeline, then the deletions --prune found. */
export interface Plan {
  /** The project the pipelines belong to: what apply tags them with and prune stays inside. */
  project: string;
  /** Where the project name came from: `project:` in the configuration, or the directory's name. */
  projectFrom: ProjectSource;
  prune: boolean;
  /** The region of pipelines that name none, when one was needed. */
  defaultRegion?: string;
  pipelines: PipelinePlan[];
}

/** Where a project name came from. */
export type ProjectSource = 'configuration' | 'directory';

export interface PlanOptions {
  project: string;
  projectFrom: ProjectSource;
  prune: boolean;
  /** Names of existing unmanaged pipelines to take over. */
  adopt: ReadonlySet<string>;
  concurrency: number;
}

/** A plan, or the reasons live state could not be read (each failure once). */
export type PlanResult = { ok: true; plan: Plan } | { ok: false; failures: AwsFailure[] };

export { FATAL_KINDS };

/** Reads the live state of every configured pipeline (and, with prune, every other one) and compares. */
export async function buildPlan(desired: readonly DesiredPipeline[], clients: ClientProvider, opts: PlanOptions): Promise<PlanResult> {
  const failures: AwsFailure[] = [];
  let fatal = false;
  const fail = (e: unknown, operation: string, region: string, pipeline?: string) => {
    const f = describeFailure(e, { operation, endpoint: clients.describeEndpoint(region), ...(pipeline ? { pipeline } : {}) });
    if (FATAL_KINDS.has(f.kind)) fatal = true;
    failures.push(f);
  };
  let defaultRegion: string;
  try {
    defaultRegion = desired.every((d) => d.region) && !opts.prune ? '' : await clients.defaultRegion();
  } catch (e) {
    return { ok: false, failures: [describeFailure(e, { operation: 'resolving the AWS region', endpoint: 'AWS' })] };
  }
  const regionOf = (d: DesiredPipeline) => d.region ?? defaultRegion;
  /** Notes a fatal failure as soon as it happens, so no further call starts. */
  const watch = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (e instanceof AwsFailure && FATAL_KINDS.has(e.kind)) fatal = true;
      throw e;
    });
  const reads = await runPool(
    desired,
    opts.concurrency,
    (d) =>
      watch(
        (async () => {
          const region = regionOf(d);
          const client = await clients.forRegion(region);
          const live = await client.getPipeline(d.name);
          const tags = live ? await client.listTags(live.arn) : [];
          return planPipeline(d, region, live, tags, { adopt: opts.adopt.has(d.name), project: opts.project });
        })(),
      ),
    () => fatal,
  );
  const pipelines: PipelinePlan[] = [];
  reads.forEach((r, i) => {
    const d = desired[i] as DesiredPipeline;
    if (r.status === 'done') pipelines.push(r.value);
    else if (r.status === 'failed') fail(r.error, 'reading', regionOf(d), d.name);
  });
  if (opts.prune && !fatal) pipelines.push(...(await findPrunable(desired, regionOf, clients, opts, fail, watch, () => fatal)));
  if (failures.length > 0) return { ok: false, failures: unique(failures) };
  return { ok: true, plan: { project: opts.project, projectFrom: opts.projectFrom, prune: opts.prune, ...(defaultRegion ? { defaultRegion } : {}), pipelines } };
}

/** The plan for one configured pipeline, given what GetPipeline and ListTagsForResource returned. */
export function planPipeline(d: DesiredPipeline, region: string, live: LivePipeline | undefined, liveTags: readonly Tag[], opts: { adopt: boolean; project: string }): PipelinePlan {
  const tags = desiredTags(d.tags, opts.project);
  const pipeline = inRegion(d.pipeline, region);
  const base = { name: d.name, region, desired: { pipeline, tags } };
  if (!live) return { ...base, action: 'create', liveVersion: null, changes: [] };
  const owner = ownership(liveTags, opts.project);
  if (owner !== 'ours' && !opts.adopt)
    return { name: d.name, region, action: 'conflict', liveVersion: live.version, arn: live.arn, owner, reason: notOursReason(d.name, region, owner, liveTags, opts.project), changes: [] };
  const declChanges = diffPipeline(normaliseDeclaration(pipeline, region), normaliseDeclaration(live.declaration, region));
  const declarationChanged = declChanges.length > 0;
  const { set, remove, changes: tagChanges } = diffTags(liveTags, tags);
  // Pipeline-level fields, then tags, then stage by stage; secrets masked once, here, for every renderer.
  const changes = [...declChanges.filter((c) => c.stage === undefined), ...tagChanges, ...declChanges.filter((c) => c.stage !== undefined)].map(maskChange);
  return {
    ...base,
    action: changes.length > 0 ? 'update' : 'no-op',
    liveVersion: live.version,
    arn: live.arn,
    ...(owner !== 'ours' ? { adopt: true, owner } : {}),
    changes,
    declarationChanged,
    ...(set.length > 0 ? { tagsToSet: set } : {}),
    ...(remove.length > 0 ? { tagsToRemove: remove } : {}),
  };
}

/** True when the tags mark the pipeline as pipec's (of any project). */
export function isManaged(tags: readonly Tag[]): boolean {
  return tags.some((t) => t.key === MANAGED_TAG.key && t.value === MANAGED_TAG.value);
}

/** Tags compare as a map; `aws:` tags belong to AWS and are neither compared nor touched. */
function diffTags(live: readonly Tag[], desired: readonly Tag[]): { set: Tag[]; remove: string[]; changes: Change[] } {
  const l = new Map(live.filter((t) => !t.key.startsWith('aws:')).map((t) => [t.key, t.value]));
  const d = new Map(desired.map((t) => [t.key, t.value]));
  const set: Tag[] = [];
  const remove: string[] = [];
  const changes: Change[] = [];
  for (const key of [...new Set([...l.keys(), ...d.keys()])].sort()) {
    const was = l.get(key);
    const now = d.get(key);
    if (jsonEqual(was, now)) continue;
    if (now === undefined) {
      remove.push(key);
      changes.push({ op: 'remove', field: `tags.${key}`, old: was as string });
    } else {
      set.push({ key, value: now });
      changes.push(was === undefined ? { op: 'add', field: `tags.${key}`, new: now } : { op: 'change', field: `tags.${key}`, old: was, new: now });
    }
  }
  return { set, remove, changes };
}

/** This project's pipelines in the regions in play that the configuration no longer has (never another project's). */
async function findPrunable(
  desired: readonly DesiredPipeline[],
  regionOf: (d: DesiredPipeline) => string,
  clients: ClientProvider,
  { concurrency, project }: PlanOptions,
  fail: (e: unknown, operation: string, region: string, pipeline?: string) => void,
  watch: <T>(p: Promise<T>) => Promise<T>,
  stop: () => boolean,
): Promise<PipelinePlan[]> {
  const wanted = new Set(desired.map((d) => `${regionOf(d)}\0${d.name}`));
  const regions = [...new Set([await clients.defaultRegion(), ...desired.map(regionOf)])].sort();
  const candidates: Array<{ region: string; name: string }> = [];
  const lists = await runPool(regions, concurrency, (region) => watch(clients.forRegion(region).then((c) => c.listPipelines())), stop);
  lists.forEach((r, i) => {
    const region = regions[i] as string;
    if (r.status === 'failed') fail(r.error, 'ListPipelines', region);
    if (r.status === 'done') for (const name of [...r.value].sort()) if (!wanted.has(`${region}\0${name}`)) candidates.push({ region, name });
  });
  const reads = await runPool(
    candidates,
    concurrency,
    ({ region, name }) =>
      watch(
        (async (): Promise<PipelinePlan | undefined> => {
          const client = await clients.forRegion(region);
          const live = await client.getPipeline(name);
          if (!live || ownership(await client.listTags(live.arn), project) !== 'ours') return undefined;
          return { name, region, action: 'delete', liveVersion: live.version, arn: live.arn, changes: [] };
        })(),
      ),
    stop,
  );
  const out: PipelinePlan[] = [];
  reads.forEach((r, i) => {
    const c = candidates[i] as { region: string; name: string };
    if (r.status === 'failed') fail(r.error, 'reading', c.region, c.name);
    else if (r.status === 'done' && r.value) out.push(r.value);
  });
  return out;
}

function unique(list: AwsFailure[]): AwsFailure[] {
  const seen = new Set<string>();
  return list.filter((f) => !seen.has(f.message) && seen.add(f.message));
}

/** Counts for the summary line. */
export function planCounts(plan: Plan): { create: number; update: number; delete: number; unchanged: number; conflicts: number } {
  const n = (a: PlanAction) => plan.pipelines.filter((p) => p.action === a).length;
  return { create: n('create'), update: n('update'), delete: n('delete'), unchanged: n('no-op'), conflicts: n('conflict') };
}
