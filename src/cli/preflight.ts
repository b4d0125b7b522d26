import type { ClientProvider } from '../live/client.js';
import type { Plan } from '../live/plan.js';
import { describeFindings, preflight } from '../live/preflight.js';
import type { AwsSettings } from '../live/settings.js';
import type { CliContext } from './context.js';

/**
 * Pipeline mode's check of what the pipelines it creates or updates rely on (role, artifact
 * buckets, CodeBuild projects): prints what is missing with the fix, and what could not be
 * checked as a warning. Returns false when something is missing. The SDK clients it needs load
 * only when the plan creates or updates a pipeline.
 */
export async function checkDependencies(ctx: CliContext, settings: AwsSettings, clients: ClientProvider, plan: Plan): Promise<boolean> {
  if (!plan.pipelines.some((p) => (p.action === 'create' || p.action === 'update') && p.desired)) return true;
  const { sdkPreflightClient } = await import('../live/preflight-sdk.js');
  const region = plan.defaultRegion ?? plan.pipelines.find((p) => p.region)?.region ?? 'us-east-1';
  const findings = await preflight(plan, sdkPreflightClient(settings, () => clients.account(), region));
  for (const line of describeFindings(findings)) ctx.stderr.write(`pipec: ${line}\n`);
  return findings.every((f) => f.missing.length === 0);
}
