import type { PipelineDeclaration, PipelineExecutionSummary } from '@aws-sdk/client-codepipeline';
import type { PipelineRule } from '../event-rules.js';
import type { Explanation } from './catalog.js';
import { EVENT_SOURCES, ruleMatchesSource } from './rule-match.js';

/** Triggers that mean a source change started the execution. */
const SOURCE_TRIGGERS = new Set(['CloudWatchEvent', 'Webhook', 'WebhookV2', 'PollForSourceChanges', 'PutActionRevision']);

/**
 * Source actions whose changes will not start the pipeline, from the live declaration: a
 * connection source with DetectChanges off and no trigger, a trigger whose branch filters leave
 * out the action's branch, and polling turned off where only an EventBridge rule (or a webhook)
 * could start it: with `rules` (the EventBridge rules targeting the pipeline) when no enabled
 * one matches the source; without them (EventBridge could not be read), when none of the recent
 * executions was started by a source change. Sources: the user guide's "Change detection methods" and
 * "Add triggers with code push or pull request event types".
 */
export function explainSourceDetection(
  pipeline: string,
  declaration: PipelineDeclaration,
  recent: readonly PipelineExecutionSummary[],
  locate: (stage: string, action: string) => string | undefined,
  rules?: readonly PipelineRule[],
): Explanation[] {
  const out: Explanation[] = [];
  const first = declaration.stages?.[0];
  const sawSourceStart = recent.some((r) => SOURCE_TRIGGERS.has(r.trigger?.triggerType ?? ''));
  for (const a of first?.actions ?? []) {
    if (a.actionTypeId?.category !== 'Source' || !a.name) continue;
    const c = a.configuration ?? {};
    const subject = `${first?.name}.${a.name}`;
    const where = locate(first?.name ?? '', a.name);
    const base = { code: 'PF006' as const, subject, ...(where ? { location: where } : {}) };
    const provider = a.actionTypeId.provider;
    const triggers = (declaration.triggers ?? []).filter((t) => t.gitConfiguration?.sourceActionName === a.name);
    if (provider === 'CodeStarSourceConnection') {
      const branch = c.BranchName ?? '';
      if (triggers.length > 0) {
        const pushes = triggers.flatMap((t) => t.gitConfiguration?.push ?? []);
        if (pushes.length > 0 && !pushes.some((p) => branchMatches(branch, p.branches?.includes, p.branches?.excludes)))
          out.push({ ...base, message: `a push to branch '${branch}' matches none of the trigger's push filters, so it does not start ${pipeline}`, fix: `add '${branch}' to the trigger's branches includes (pipeline.yml triggers:), or build the branch the triggers name` });
      } else if (String(c.DetectChanges ?? 'true').toLowerCase() === 'false')
        out.push({ ...base, message: `DetectChanges is false and no trigger names this action, so pushes to '${c.FullRepositoryId ?? 'the repository'}@${branch}' do not start ${pipeline}`, fix: 'turn change detection on for this source (detect-changes), or add a push trigger for it; until then start it with pipec start' });
      continue;
    }
    const polling = String(c.PollForSourceChanges ?? (provider === 'ECR' ? 'false' : 'true')).toLowerCase() === 'true';
    if (polling) continue;
    const what = provider === 'CodeCommit' ? `pushes to ${c.RepositoryName}@${c.BranchName}` : provider === 'S3' ? `new versions of s3://${c.S3Bucket}/${c.S3ObjectKey}` : provider === 'ECR' ? `image pushes to ${c.RepositoryName}:${c.ImageTag ?? 'latest'}` : `changes to ${c.Repo ?? a.name}`;
    if (rules && EVENT_SOURCES.has(provider ?? '')) {
      const enabled = rules.filter((r) => r.enabled);
      if (enabled.some((r) => r.pattern === undefined || ruleMatchesSource(a, r.pattern))) continue;
      const one = rules.length === 1;
      const names = rules.map((r) => `'${r.name}'${r.enabled ? '' : ' (disabled)'}`).join(', ');
      const others = rules.length > 0 ? ` (${one ? 'the rule that targets it' : `the ${rules.length} rules that target it`}, ${names}, ${one ? 'matches' : 'match'} other changes${enabled.length < rules.length ? ` or ${one ? 'is' : 'are'} disabled` : ''})` : '';
      out.push({
        ...base,
        message: `polling is off and no EventBridge rule starts ${pipeline} on ${what}${others}, so those changes do not start it`,
        fix: `deploy the pipeline with the cloudformation target (its stack creates the rule), create an EventBridge rule for ${what} that targets the pipeline, or turn polling on for this source; meanwhile start it with pipec start ${pipeline}`,
      });
      continue;
    }
    if (sawSourceStart) continue;
    const needs = provider === 'GitHub' ? 'a webhook' : 'an EventBridge rule';
    out.push({
      ...base,
      message: `polling is off, so only ${needs} starts ${pipeline} on ${what}; none of its recent executions was started by a source change, so that ${needs === 'a webhook' ? 'webhook' : 'rule'} is probably missing (pipec apply does not create it; the cloudformation target does)`,
      fix: `deploy the pipeline with the cloudformation target (its stack creates the rule), create ${needs} yourself, or turn polling on for this source; meanwhile start it with pipec start ${pipeline}`,
    });
  }
  return out;
}

/** Whether a branch passes include/exclude glob filters (CodePipeline's triggers use glob patterns). */
export function branchMatches(branch: string, includes: readonly string[] | undefined, excludes: readonly string[] | undefined): boolean {
  const hit = (patterns: readonly string[] | undefined) => (patterns ?? []).some((p) => glob(p).test(branch));
  if (hit(excludes)) return false;
  return includes === undefined || includes.length === 0 || hit(includes);
}

function glob(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
