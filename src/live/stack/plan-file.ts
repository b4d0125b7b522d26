import { z } from 'zod';
import type { InputsFingerprint } from '../plan-file.js';
import type { StackModePlan } from './plan.js';

export const STACK_PLAN_FORMAT = 'pipec-stack-plan';
export const STACK_PLAN_FORMAT_VERSION = 1;

/** A stack plan saved with `pipec plan --stack --out`: the change sets it keeps, the stacks as planned against, and its inputs. */
export interface SavedStackPlan {
  format: typeof STACK_PLAN_FORMAT;
  formatVersion: typeof STACK_PLAN_FORMAT_VERSION;
  pipecVersion: string;
  inputs: InputsFingerprint;
  /** Account -> profile, as given to plan, so apply reaches the same accounts. */
  accountProfiles: Record<string, string>;
  plan: StackModePlan;
}

/** The plan file's text: two-space JSON with a final newline. */
export function serializeStackPlan(saved: SavedStackPlan): string {
  return JSON.stringify(saved, null, 2) + '\n';
}

/** True when the text is (or claims to be) a stack plan rather than a pipeline plan. */
export function isStackPlanText(text: string): boolean {
  try {
    return (JSON.parse(text) as { format?: unknown }).format === STACK_PLAN_FORMAT;
  } catch {
    return false;
  }
}

const target = z.object({
  pipeline: z.string().min(1),
  kind: z.enum(['artifacts', 'account', 'region', 'pipeline']),
  file: z.string().min(1),
  stackName: z.string().min(1),
  region: z.string().min(1),
  account: z.string().optional(),
  template: z.string(),
  templateUrl: z.string().optional(),
  templateBucket: z.string().optional(),
  inputs: z.record(z.string(), z.object({ stack: z.string(), output: z.string() })),
  tags: z.array(z.object({ key: z.string(), value: z.string() })),
});
const stackPlan = z.looseObject({
  target,
  profile: z.string().optional(),
  action: z.enum(['create', 'update', 'no-op', 'deferred', 'manual', 'blocked']),
  changeSetId: z.string().optional(),
  stackId: z.string().optional(),
  planned: z.object({ status: z.string(), lastChanged: z.string() }).nullable(),
  parameters: z.record(z.string(), z.string()),
  resourceChanges: z.array(z.looseObject({ action: z.string(), logicalId: z.string(), resourceType: z.string() })),
  security: z.array(z.looseObject({ op: z.enum(['add', 'remove']) })),
});
const saved = z.object({
  format: z.literal(STACK_PLAN_FORMAT),
  formatVersion: z.number().int(),
  pipecVersion: z.string(),
  inputs: z.object({ discovered: z.boolean(), files: z.array(z.object({ path: z.string(), sha256: z.string() })), sha256: z.string() }),
  accountProfiles: z.record(z.string(), z.string()),
  plan: z.object({ stacks: z.array(stackPlan) }),
});

/** Reads a stack plan file's text; a problem comes back as one line saying what is wrong. */
export function parseStackPlan(text: string): { ok: true; saved: SavedStackPlan } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `it is not JSON (${(e as Error).message})` };
  }
  const obj = raw as { formatVersion?: unknown };
  if (obj?.formatVersion !== STACK_PLAN_FORMAT_VERSION) return { ok: false, problem: `it has stack plan format version ${String(obj?.formatVersion)}; this pipec reads version ${STACK_PLAN_FORMAT_VERSION}: make the plan again` };
  const parsed = saved.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `it is damaged: ${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, saved: raw as SavedStackPlan };
}
