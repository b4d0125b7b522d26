import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClientProvider } from '../live/client.js';
import { AwsFailure } from '../live/errors.js';
import { compareInputs, parsePlan, type SavedPlan } from '../live/plan-file.js';
import type { AwsSettings } from '../live/settings.js';
import type { CliContext } from './context.js';
import { currentInputs, printFailures } from './live-options.js';

/** The file's text, or '' when it cannot be read (readSavedPlan then says why). */
export function readSavedText(ctx: CliContext, path: string): string {
  try {
    return readFileSync(resolve(ctx.cwd, path), 'utf8');
  } catch {
    return '';
  }
}

/** Reads and parses a saved plan (digest checked); undefined after printing why it cannot be used. */
export function readSavedPlan(ctx: CliContext, path: string): SavedPlan | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, path), 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    ctx.stderr.write(`pipec: cannot read the plan ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message}\n`);
    return undefined;
  }
  const parsed = parsePlan(text);
  if (!parsed.ok) {
    ctx.stderr.write(`pipec: cannot use ${path} as a plan: ${parsed.problem}\n`);
    return undefined;
  }
  return parsed.saved;
}

/** One phrase per way the input files differ from those the plan was made from. */
export function inputsDiffer(ctx: CliContext, saved: SavedPlan): string[] {
  return compareInputs(saved.inputs, currentInputs(ctx, saved.inputs));
}

/**
 * Checks that the plan is applied where it was made: the same account (STS GetCallerIdentity),
 * the same endpoint, the same default region. False after printing the refusal (or the failure
 * to find out).
 */
export async function checkBinding(ctx: CliContext, path: string, saved: SavedPlan, settings: AwsSettings, clients: ClientProvider, regionFlag: string | undefined): Promise<boolean> {
  const problems: string[] = [];
  const endpoint = settings.endpoint ?? null;
  if (normalUrl(endpoint) !== normalUrl(saved.target.endpoint)) problems.push(`it was made against ${saved.target.endpoint ?? "AWS's own endpoints"}, and this apply would go to ${endpoint ?? "AWS's own endpoints"}${settings.endpointFrom ? ` (${settings.endpointFrom})` : ''}`);
  try {
    if (saved.target.defaultRegion !== null) {
      const region = await clients.defaultRegion();
      if (region !== saved.target.defaultRegion) problems.push(`it was made for region ${saved.target.defaultRegion}, and this apply is in ${region}${settings.regionFrom ? ` (${settings.regionFrom})` : ''}`);
    } else if (regionFlag !== undefined) problems.push(`--region ${regionFlag} has no effect on it: each of its pipelines names its own region`);
    if (problems.length === 0) {
      const account = await clients.account();
      if (account !== saved.target.account) problems.push(`it was made in account ${saved.target.account}, and these credentials are account ${account}`);
    }
  } catch (e) {
    printFailures(ctx, [e instanceof AwsFailure ? e : new AwsFailure(String(e), 'other')]);
    return false;
  }
  if (problems.length === 0) return true;
  ctx.stderr.write(`pipec: refusing to apply ${path}: ${problems.join('; ')}. Nothing was changed. Make the plan where it is to be applied.\n`);
  return false;
}

function normalUrl(u: string | null): string | null {
  if (u === null) return null;
  try {
    const url = new URL(u);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return u;
  }
}
