import { AwsFailure } from '../live/errors.js';
import type { Plan } from '../live/plan.js';
import type { AwsSettings } from '../live/settings.js';
import { sdkOpsClient } from '../ops/sdk-ops-client.js';
import { describeDrift, transitionDrift, type TransitionDrift } from '../ops/transition-drift.js';
import type { CliContext } from './context.js';
import { readConfig } from './ops-options.js';

/**
 * After a plan: the live transitions that differ from pipeline.yml's `disable-inbound:`. Apply
 * does not change transitions (a codepipeline.json cannot carry them), so plan says so and names
 * the 'pipec transition' command that makes them match. Text output gets a section on stdout;
 * json and markdown a note per difference on stderr. A pipeline whose state cannot be read gets a note.
 */
export async function printTransitionDrift(ctx: CliContext, settings: AwsSettings, plan: Plan, files: readonly string[], format: string): Promise<void> {
  const live = plan.pipelines.filter((p) => p.action === 'update' || p.action === 'no-op');
  if (live.length === 0) return;
  const { config } = readConfig({ ...ctx, stderr: { write: () => true } }, files.filter((f) => f !== '-'));
  const drifts: TransitionDrift[] = [];
  for (const p of live) {
    const c = config.get(p.name);
    if (!c) continue;
    try {
      const client = await sdkOpsClient(settings, p.region);
      drifts.push(...transitionDrift(c, await client.getState(p.name)));
    } catch (e) {
      if (!(e instanceof AwsFailure)) throw e;
      ctx.stderr.write(`pipec: note: could not compare the transitions of '${p.name}': ${e.message}\n`);
    }
  }
  if (drifts.length === 0) return;
  if (format === 'text') ctx.stdout.write(`\nTransitions ('pipec apply' does not change them):\n${drifts.map((d) => `  ${d.pipeline}: ${describeDrift(d)}\n`).join('')}`);
  else for (const d of drifts) ctx.stderr.write(`pipec: note: ${d.pipeline}: ${describeDrift(d)}\n`);
}
