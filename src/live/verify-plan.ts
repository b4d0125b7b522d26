import { stableJson } from './json.js';
import { savedEntry, type SavedEntry, type SavedPlan } from './plan-file.js';
import type { Plan, PipelinePlan } from './plan.js';

/** Why a saved plan cannot be applied: the live pipelines moved on (`drift`), or the file says what its inputs do not (`edits`). */
export interface PlanMismatch {
  drift: string[];
  edits: string[];
}

/**
 * Compares a saved plan with the plan derived again, now, from the same inputs and options.
 * Every saved entry must be exactly what the derivation gives (same action, versions, changes,
 * tags and hash of what would be sent); an entry the inputs do not give, or one missing, is an
 * edit. Entries whose live pipeline changed since are drift, said as such.
 */
export function compareWithDerived(saved: SavedPlan, derived: Plan): PlanMismatch {
  const out: PlanMismatch = { drift: [], edits: [] };
  const head = (p: Omit<Plan, 'pipelines'> | SavedPlan['plan']) => stableJson({ project: p.project, projectFrom: p.projectFrom, prune: p.prune, defaultRegion: p.defaultRegion ?? null });
  if (saved.plan.project !== derived.project) out.edits.push(`it is a plan for project '${saved.plan.project}', but its inputs are project '${derived.project}'`);
  else if (saved.plan.prune !== saved.options.prune) out.edits.push(`it says prune is ${String(saved.plan.prune)} but was made with prune ${String(saved.options.prune)}`);
  else if (head(saved.plan) !== head(derived)) out.edits.push('its project, prune or region settings are not what its inputs and options give');
  const key = (p: { region: string; name: string }) => `${p.region}\0${p.name}`;
  const now = new Map(derived.pipelines.map((p) => [key(p), p]));
  const then = new Map<string, SavedEntry>();
  for (const p of saved.plan.pipelines) {
    if (then.has(key(p))) out.edits.push(`it lists pipeline '${p.name}' (${p.region}) twice`);
    then.set(key(p), p);
  }
  for (const [k, p] of then) {
    const d = now.get(k);
    const where = `pipeline '${p.name}' (${p.region})`;
    if (!d) {
      if (p.action === 'delete') out.drift.push(`${where}: the plan deletes it, but it is no longer a pipeline of project '${saved.plan.project}' that the configuration left (deleted, changed or re-tagged since the plan)`);
      else out.edits.push(`it has an entry for ${where}, which its inputs do not give`);
      continue;
    }
    const live = liveDrift(where, p, d);
    if (live) out.drift.push(live);
    else if (stableJson(p) !== stableJson(savedEntry(d))) out.edits.push(`its entry for ${where} is not what its inputs and the live pipeline give (${differingFields(p, savedEntry(d)).join(', ')} differ)`);
  }
  for (const [k, d] of now) if (!then.has(k)) out.edits.push(d.action === 'delete' ? `it lacks the deletion of pipeline '${d.name}' (${d.region}), which its options give` : `it lacks pipeline '${d.name}' (${d.region}), which its inputs give`);
  return out;
}

/** How the live pipeline moved on since the plan, in words; undefined when it did not. */
function liveDrift(where: string, p: SavedEntry, d: PipelinePlan): string | undefined {
  if (p.liveVersion === d.liveVersion) {
    if ((p.owner ?? 'ours') !== (d.owner ?? 'ours') && p.action !== 'create') return `${where} changed hands since the plan (${p.owner ?? "this project's"} then, ${d.owner ?? "this project's"} now)`;
    return undefined;
  }
  if (p.liveVersion === null) return `${where} was created by someone else since the plan (now version ${d.liveVersion})`;
  if (d.liveVersion === null) return `${where} was deleted since the plan (planned against version ${p.liveVersion})`;
  return `${where} changed since the plan: planned against version ${p.liveVersion}, now version ${d.liveVersion}`;
}

function differingFields(a: SavedEntry, b: SavedEntry): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out = keys.filter((k) => stableJson((a as unknown as Record<string, unknown>)[k]) !== stableJson((b as unknown as Record<string, unknown>)[k]));
  return out.length > 0 ? out : ['its contents'];
}
