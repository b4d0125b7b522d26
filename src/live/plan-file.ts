import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Plan } from './plan.js';

export const PLAN_FORMAT = 'pipec-plan';
export const PLAN_FORMAT_VERSION = 1;

/** The input files a plan was made from, by content hash. */
export interface InputsFingerprint {
  /** True when the files were found (pipeline.yml, pipelines/*.yml) rather than named. */
  discovered: boolean;
  files: Array<{ path: string; sha256: string }>;
  /** One hash over all of them. */
  sha256: string;
}

/** A plan saved with --out: what to send, the live versions it was made against, and its inputs. */
export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  formatVersion: typeof PLAN_FORMAT_VERSION;
  pipecVersion: string;
  inputs: InputsFingerprint;
  plan: Plan;
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

/** The plan file's text: two-space JSON with a final newline, the same plan giving the same bytes. */
export function serializePlan(saved: SavedPlan): string {
  return JSON.stringify(saved, null, 2) + '\n';
}

const tag = z.object({ key: z.string(), value: z.string() });
const change = z.looseObject({ op: z.enum(['add', 'remove', 'change', 'rename', 'move']) });
const pipelinePlan = z.looseObject({
  name: z.string().min(1),
  region: z.string().min(1),
  action: z.enum(['create', 'update', 'delete', 'no-op', 'conflict']),
  liveVersion: z.number().int().nullable(),
  arn: z.string().optional(),
  changes: z.array(change),
  desired: z.object({ pipeline: z.record(z.string(), z.unknown()), tags: z.array(tag) }).optional(),
  declarationChanged: z.boolean().optional(),
  tagsToSet: z.array(tag).optional(),
  tagsToRemove: z.array(z.string()).optional(),
});
const savedPlan = z.object({
  format: z.literal(PLAN_FORMAT),
  formatVersion: z.number().int(),
  pipecVersion: z.string(),
  inputs: z.object({ discovered: z.boolean(), files: z.array(z.object({ path: z.string(), sha256: z.string() })), sha256: z.string() }),
  plan: z.object({ prune: z.boolean(), pipelines: z.array(pipelinePlan) }),
});

/** Reads a plan file's text; a problem comes back as one line saying what is wrong. */
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
  return { ok: true, saved: raw as SavedPlan };
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
