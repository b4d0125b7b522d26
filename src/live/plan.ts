import type { Change } from './changes.js';
import type { ClientProvider, LivePipeline } from './client.js';
import { diffPipeline } from './diff.js';
import { AwsFailure, describeFailure } from './errors.js';
import { jsonEqual, type JsonObject, type Tag } from './json.js';
import { normaliseDeclaration } from './normalise.js';
import { runPool } from './pool.js';

/** The tag that marks a pipeline as pipec's: only pipelines carrying it are updated or pruned. */
export const MANAGED_TAG: Readonly<Tag> = { key: 'managed-by', value: 'pipec' };

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
  /** Takes over an existing pipeline that pipec did not create (asked for with --adopt). */
  adopt?: boolean;
  /** For a conflict: why pipec leaves the pipeline alone. */
  reason?: string;
  changes: Change[];
  /** What apply sends (create, update; kept for no-op so a saved plan is complete). */
  desired?: { pipeline: JsonObject; tags: Tag[] };
  /** Whether UpdatePipeline is needed, or only the tags changed. */
  declarationChanged?: boolean;
  tagsToSet?: Tag[];
  tagsToRemove?: string[];
}

/** A whole plan: one entry per configured pipeline, then the deletions --prune found. */
export interface Plan {
  prune: boolean;
  pipelines: PipelinePlan[];
}

export interface PlanOptions {
  prune: boolean;
  /** Names of existing unmanaged pipelines to take over. */
  adopt: ReadonlySet<string>;
  concurrency: number;
}

/** A plan, or the reasons live state could not be read (each failure once). */
export type PlanResult = { ok: true; plan: Plan } | { ok: false; failures: AwsFailure[] };

/** Kinds of failure after which no further call can succeed, so no further call is started. */
export const FATAL_KINDS = new Set(['unreachable', 'credentials', 'region']);

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
          return planPipeline(d, region, live, tags, opts.adopt.has(d.name));
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
  if (opts.prune && !fatal) pipelines.push(...(await findPrunable(desired, regionOf, clients, opts.concurrency, fail, watch, () => fatal)));
  return failures.length > 0 ? { ok: false, failures: unique(failures) } : { ok: true, plan: { prune: opts.prune, pipelines } };
}

/** The plan for one configured pipeline, given what GetPipeline and ListTagsForResource returned. */
export function planPipeline(d: DesiredPipeline, region: string, live: LivePipeline | undefined, liveTags: readonly Tag[], adopt: boolean): PipelinePlan {
  const tags = desiredTags(d.tags);
  const base = { name: d.name, region, desired: { pipeline: d.pipeline, tags } };
  if (!live) return { ...base, action: 'create', liveVersion: null, changes: [] };
  const managed = isManaged(liveTags);
  if (!managed && !adopt)
    return {
      name: d.name,
      region,
      action: 'conflict',
      liveVersion: live.version,
      arn: live.arn,
      reason: `a pipeline named '${d.name}' already exists in ${region} and pipec did not create it (it has no '${MANAGED_TAG.key}: ${MANAGED_TAG.value}' tag); pipec leaves it alone. To let pipec manage it, plan and apply with --adopt ${d.name}`,
      changes: [],
    };
  const declChanges = diffPipeline(normaliseDeclaration(d.pipeline, region), normaliseDeclaration(live.declaration, region));
  const declarationChanged = declChanges.length > 0;
  const { set, remove, changes: tagChanges } = diffTags(liveTags, tags);
  // Pipeline-level fields, then tags, then stage by stage.
  const changes = [...declChanges.filter((c) => c.stage === undefined), ...tagChanges, ...declChanges.filter((c) => c.stage !== undefined)];
  return {
    ...base,
    action: changes.length > 0 ? 'update' : 'no-op',
    liveVersion: live.version,
    arn: live.arn,
    ...(adopt && !managed ? { adopt: true } : {}),
    changes,
    declarationChanged,
    ...(set.length > 0 ? { tagsToSet: set } : {}),
    ...(remove.length > 0 ? { tagsToRemove: remove } : {}),
  };
}

/** The configured tags plus pipec's own, sorted by key. */
export function desiredTags(tags: readonly Tag[]): Tag[] {
  const map = new Map(tags.map((t) => [t.key, t.value]));
  map.set(MANAGED_TAG.key, MANAGED_TAG.value);
  return [...map.keys()].sort().map((key) => ({ key, value: map.get(key) as string }));
}

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

/** Managed pipelines in the regions in play that the configuration no longer has. */
async function findPrunable(
  desired: readonly DesiredPipeline[],
  regionOf: (d: DesiredPipeline) => string,
  clients: ClientProvider,
  concurrency: number,
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
          if (!live || !isManaged(await client.listTags(live.arn))) return undefined;
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
