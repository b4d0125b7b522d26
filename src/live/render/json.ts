import { planCounts, type Plan } from '../plan.js';
import { hasChanges, summaryLine } from './common.js';

/**
 * The plan for machines: a summary, and every pipeline (unchanged ones too) with its action,
 * the live version it was planned against, and its changes as {@link Change} objects.
 */
export function renderJson(plan: Plan): string {
  const doc = {
    summary: { ...planCounts(plan), changes: hasChanges(plan), line: summaryLine(plan) },
    prune: plan.prune,
    pipelines: plan.pipelines.map((p) => ({
      name: p.name,
      region: p.region,
      action: p.action,
      liveVersion: p.liveVersion,
      ...(p.adopt ? { adopt: true } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
      changes: p.changes,
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
