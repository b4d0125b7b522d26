import type { IrPipeline } from '../compiler/ir.js';
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
  // commands to run are written as they are, indented, to be copied
  for (const line of describeFindings(findings)) ctx.stderr.write(line.startsWith('  ') ? `${line}\n` : `pipec: ${line}\n`);
  return findings.every((f) => f.missing.length === 0);
}

/**
 * Stack mode's check before any change set: a pipeline with `role:` runs as that role, and its
 * stack attaches the pipeline's policy to it (AWS::IAM::Policy), which fails when the role does not
 * exist, or is in another account than the credentials' (where the pipeline stack is deployed).
 * Says what is missing with the fix and returns false; what cannot be looked up is a warning.
 */
export async function checkStackRoles(ctx: CliContext, settings: AwsSettings, clients: ClientProvider, pipelines: readonly IrPipeline[], region: string): Promise<boolean> {
  const roles = [...new Set(pipelines.flatMap((p) => (p.roleArn ? [p.roleArn] : [])))].sort();
  if (roles.length === 0) return true;
  const { sdkPreflightClient } = await import('../live/preflight-sdk.js');
  const client = sdkPreflightClient(settings, () => clients.account(), region);
  const mine = await clients.account().then(
    (a): string | undefined => a,
    () => undefined,
  );
  let ok = true;
  for (const role of roles) {
    const users = pipelines.filter((p) => p.roleArn === role).map((p) => `'${p.name}'`).join(', ');
    const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(role)?.[1];
    if (mine !== undefined && roleAccount !== undefined && roleAccount !== mine) {
      ctx.stderr.write(`pipec: pipeline ${users} runs as role ${role} (pipeline.yml 'role'), which is in account ${roleAccount}, but its stack is deployed in account ${mine} (these credentials): the stack cannot attach the pipeline's policy to a role of another account. Deploy with credentials of account ${roleAccount}, or name a role of account ${mine}\n`);
      ok = false;
      continue;
    }
    const found = await client.roleExists(role);
    if (found === false) {
      ctx.stderr.write(`pipec: pipeline ${users} runs as role ${role} (pipeline.yml 'role'), which does not exist: its stack attaches the pipeline's policy to that role and would fail. Create the role (trusted by codepipeline.amazonaws.com), or leave 'role:' out and the stack makes one\n`);
      ok = false;
    } else if (typeof found === 'object' && 'unknown' in found) ctx.stderr.write(`pipec: warning: could not check that role ${role} exists (${found.unknown})\n`);
  }
  return ok;
}
