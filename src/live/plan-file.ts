import { createHash } from 'node:crypto';
import { z } from 'zod';
import { stableJson, type Json, type Tag } from './json.js';
import type { Plan, PipelinePlan } from './plan.js';
import { maskSecrets } from './secrets.js';

export const PLAN_FORMAT = 'pipec-plan';
/** Bumped whenever the file's meaning changes; docs/plan-format.md describes each version. */
export const PLAN_FORMAT_VERSION = 2;

/** The input files a plan was made from, by content hash. */
export interface InputsFingerprint {
  /** True when the files were found (pipeline.yml, pipelines/*.yml) rather than named. */
  discovered: boolean;
  files: Array<{ path: string; sha256: string }>;
  /** One hash over all of them. */
  sha256: string;
}

/** Where a plan was made: apply refuses the plan anywhere else. */
export interface PlanTarget {
  /** The AWS account of the credentials (STS GetCallerIdentity). */
  account: string;
  /** The CodePipeline endpoint asked for (--endpoint-url, AWS_ENDPOINT_URL...); null: AWS's own. */
  endpoint: string | null;
  /** The region of pipelines that name none; null when every pipeline names its own. */
  defaultRegion: string | null;
}

/**
 * One pipeline's entry as saved: the plan entry without what apply would send (it holds
 * secrets), but with its hash; a create also lists what it creates, secrets masked.
 */
export type SavedEntry = Omit<PipelinePlan, 'desired'> & { desiredSha256?: string; creates?: { pipeline: Json; tags: Json } };

/** A plan saved with --out: where and from what it was made, its entries, and a digest of all of it. */
export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  formatVersion: typeof PLAN_FORMAT_VERSION;
  pipecVersion: string;
  target: PlanTarget;
  inputs: InputsFingerprint;
  /** The options the plan was made with (--prune, --adopt, --pipeline); apply re-derives the plan with the same ones. */
  options: { prune: boolean; adopt: string[]; pipelines: string[] };
  plan: Omit<Plan, 'pipelines'> & { pipelines: SavedEntry[] };
  /** `sha256:` over everything above, as stable JSON: any edit after pipec wrote the file shows. */
  digest: string;
}

/** Hashes the input files' bytes, so apply can tell whether they changed since the plan. */
export function fingerprintInputs(files: ReadonlyArray<{ path: string; bytes: Uint8Array }>, discovered: boolean): InputsFingerprint {
  const list = files.map((f) => ({ path: f.path, sha256: sha256(f.bytes) })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { discovered, files: list, sha256: sha256(list.map((f) => `${f.path}\0${f.sha256}\n`).join('')) };
}

/** How the current inputs differ from the planned ones, one phrase each; empty when they match. */
export function compareInputs(planned: InputsFingerprint, current: InputsFingerprint): string[] {
  if (planned.sha256 === current.sha256) return [];
  const now = new Map(current.files.map((f) => [f.path, f.sha256]));
  const then = new Map(planned.files.map((f) => [f.path, f.sha256]));
  const out: string[] = [];
  for (const [path, hash] of then) {
    const h = now.get(path);
    if (h === undefined) out.push(`'${path}' is gone`);
    else if (h !== hash) out.push(`'${path}' changed`);
  }
  for (const path of now.keys()) if (!then.has(path)) out.push(`'${path}' is new`);
  return out.length > 0 ? out : ['the input files differ'];
}

/**
 * A plan entry as the file holds it: what apply would send is replaced by its SHA-256 (it can
 * hold secrets; apply recompiles it from the inputs and checks the hash), tag values are masked
 * like the changes. Apply compares these, byte for byte, with the entries it derives again.
 */
export function savedEntry(p: PipelinePlan): SavedEntry {
  const { desired, ...rest } = p;
  return {
    ...rest,
    ...(rest.tagsToSet ? { tagsToSet: maskSecrets(rest.tagsToSet as unknown as Json) as unknown as Tag[] } : {}),
    ...(desired ? { desiredSha256: sha256(stableJson(desired)) } : {}),
    ...(rest.action === 'create' && desired ? { creates: { pipeline: maskSecrets(desired.pipeline), tags: maskSecrets(desired.tags as unknown as Json) } } : {}),
  };
}

/** The saved form of a plan made against `target` from `inputs`, digest included. */
export function savePlanContents(plan: Plan, target: PlanTarget, inputs: InputsFingerprint, chosen: { adopt: readonly string[]; pipelines?: readonly string[] }, pipecVersion: string): SavedPlan {
  const { pipelines, ...head } = plan;
  const body: Omit<SavedPlan, 'digest'> = {
    format: PLAN_FORMAT,
    formatVersion: PLAN_FORMAT_VERSION,
    pipecVersion,
    target,
    inputs,
    options: { prune: plan.prune, adopt: [...chosen.adopt].sort(), pipelines: [...(chosen.pipelines ?? [])].sort() },
    plan: { ...head, pipelines: pipelines.map(savedEntry) },
  };
  return { ...body, digest: digestOf(body) };
}

/** `sha256:<hex>` of the plan without its digest, as stable JSON. */
export function digestOf(saved: Omit<SavedPlan, 'digest'> & { digest?: string }): string {
  const { digest: _ignored, ...body } = saved;
  return `sha256:${sha256(stableJson(body))}`;
}

/** The plan file's text: two-space JSON with a final newline, the same plan giving the same bytes. */
export function serializePlan(saved: SavedPlan): string {
  return JSON.stringify(saved, null, 2) + '\n';
}

const tag = z.strictObject({ key: z.string(), value: z.string() });
const change = z.looseObject({ op: z.enum(['add', 'remove', 'change', 'rename', 'move']) });
const entry = z.strictObject({
  name: z.string().min(1),
  region: z.string().min(1),
  action: z.enum(['create', 'update', 'delete', 'no-op', 'conflict']),
  liveVersion: z.number().int().nullable(),
  arn: z.string().optional(),
  adopt: z.boolean().optional(),
  owner: z.enum(['unmanaged', 'other-project', 'no-project']).optional(),
  reason: z.string().optional(),
  changes: z.array(change),
  desiredSha256: z.string().optional(),
  creates: z.strictObject({ pipeline: z.record(z.string(), z.unknown()), tags: z.array(tag) }).optional(),
  declarationChanged: z.boolean().optional(),
  tagsToSet: z.array(tag).optional(),
  tagsToRemove: z.array(z.string()).optional(),
});
const savedPlan = z.strictObject({
  format: z.literal(PLAN_FORMAT),
  formatVersion: z.literal(PLAN_FORMAT_VERSION),
  pipecVersion: z.string(),
  target: z.strictObject({ account: z.string(), endpoint: z.string().nullable(), defaultRegion: z.string().nullable() }),
  inputs: z.strictObject({ discovered: z.boolean(), files: z.array(z.strictObject({ path: z.string(), sha256: z.string() })), sha256: z.string() }),
  options: z.strictObject({ prune: z.boolean(), adopt: z.array(z.string()), pipelines: z.array(z.string()) }),
  plan: z.strictObject({
    project: z.string().min(1),
    projectFrom: z.enum(['configuration', 'directory']),
    prune: z.boolean(),
    defaultRegion: z.string().optional(),
    pipelines: z.array(entry),
  }),
  digest: z.string(),
});

/**
 * Reads a plan file's text and checks its digest; a problem comes back as one line saying what
 * is wrong. A plan that passes is still only a claim: apply derives every entry again.
 */
export function parsePlan(text: string): { ok: true; saved: SavedPlan } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `it is not JSON (${(e as Error).message})` };
  }
  const obj = raw as { format?: unknown; formatVersion?: unknown };
  if (!obj || typeof obj !== 'object' || obj.format !== PLAN_FORMAT) return { ok: false, problem: `it is not a pipec plan (no "format": "${PLAN_FORMAT}")` };
  if (obj.formatVersion !== PLAN_FORMAT_VERSION) return { ok: false, problem: `it has plan format version ${String(obj.formatVersion)}; this pipec reads version ${PLAN_FORMAT_VERSION}: make the plan again` };
  const parsed = savedPlan.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `it is damaged: ${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid'}` };
  }
  const saved = raw as SavedPlan;
  if (digestOf(saved) !== saved.digest) return { ok: false, problem: 'it was changed after pipec wrote it (its digest does not match its contents); make the plan again and review it' };
  return { ok: true, saved };
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
