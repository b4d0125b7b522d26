import type { Json } from '../json.js';
import { planCounts, type Plan } from '../plan.js';
import { maskSecrets } from '../secrets.js';
import { hasChanges, summaryLine } from './common.js';

/**
 * The plan for machines: a summary, the project, and every pipeline (unchanged ones too) with
 * its action, the live version it was planned against, its changes as {@link Change} objects,
 * and for a create what it creates. Secrets are masked as `(sensitive)`.
 */
export function renderJson(plan: Plan): string {
  const doc = {
    summary: { ...planCounts(plan), changes: hasChanges(plan), line: summaryLine(plan) },
    project: plan.project,
    projectFrom: plan.projectFrom,
    prune: plan.prune,
    pipelines: plan.pipelines.map((p) => ({
      name: p.name,
      region: p.region,
      action: p.action,
      liveVersion: p.liveVersion,
      ...(p.adopt ? { adopt: true } : {}),
      ...(p.owner ? { owner: p.owner } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
      changes: p.changes,
      // What a create makes, secrets masked: the declaration CreatePipeline receives and its tags.
      ...(p.action === 'create' && p.desired ? { create: { pipeline: maskSecrets(p.desired.pipeline), tags: maskSecrets(p.desired.tags as unknown as Json) } } : {}),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
