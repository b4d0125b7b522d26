import { compile } from '../compiler/compile.js';
import { Diagnostics } from '../compiler/diagnostics.js';
import { desiredPipelines } from '../live/desired.js';
import type { AwsFailure } from '../live/errors.js';
import { fingerprintInputs, type InputsFingerprint } from '../live/plan-file.js';
import type { DesiredPipeline } from '../live/plan.js';
import { resolveAwsSettings, type AwsSettings } from '../live/settings.js';
import type { CliContext } from './context.js';
import { UsageError } from './exit-codes.js';
import { readInputs } from './io.js';
import { COMMON_FLAGS, COMMON_HELP, compileInputs, inputPaths, REPORT_FLAGS, REPORT_HELP, report, selectPipelines } from './pipeline-input.js';

/** Flags plan and apply share: where AWS is, how many pipelines at once, what to take over. */
export const LIVE_FLAGS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  concurrency: { type: 'string', short: 'j' },
  prune: { type: 'bool' },
  adopt: { type: 'list' },
  pipeline: { type: 'list' },
  ...REPORT_FLAGS,
  ...COMMON_FLAGS,
} as const;

export const LIVE_HELP = `      --region R      region of pipelines that name none (default: AWS_REGION, then the profile's)
      --profile P     AWS profile for credentials and region (default: AWS_PROFILE, then the usual chain)
      --endpoint-url URL
                      CodePipeline endpoint (default: AWS_ENDPOINT_URL_CODEPIPELINE, AWS_ENDPOINT_URL)
  -j, --concurrency N pipelines read or written at once (default 8)
      --prune         also delete pipelines pipec manages that the configuration no longer has
      --adopt NAME    take over an existing pipeline pipec did not create (repeatable)
      --pipeline NAME only these pipelines (repeatable); not with --prune
${REPORT_HELP}${COMMON_HELP}`;

export const DEFAULT_CONCURRENCY = 8;

/** The AWS settings from --region/--profile/--endpoint-url and the environment, checked. */
export function awsSettings(flags: Record<string, unknown>, ctx: CliContext): AwsSettings {
  const settings = resolveAwsSettings(
    {
      ...(flags.region ? { region: flags.region as string } : {}),
      ...(flags.profile ? { profile: flags.profile as string } : {}),
      ...(flags['endpoint-url'] ? { endpoint: flags['endpoint-url'] as string } : {}),
    },
    ctx.env,
  );
  if (settings.endpoint !== undefined) {
    const from = flags['endpoint-url'] ? '--endpoint-url' : ctx.env.AWS_ENDPOINT_URL_CODEPIPELINE ? 'AWS_ENDPOINT_URL_CODEPIPELINE' : 'AWS_ENDPOINT_URL';
    let url: URL | undefined;
    try {
      url = new URL(settings.endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UsageError(`${from} '${settings.endpoint}' is not an http:// or https:// URL`);
  }
  return settings;
}

/** --concurrency as a whole number from 1 to 256. */
export function concurrency(flags: Record<string, unknown>): number {
  const raw = flags.concurrency as string | undefined;
  if (raw === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`option '--concurrency' takes a whole number from 1 to 256, not '${raw}'`);
  return n;
}

/** The configuration compiled into the desired state, with the inputs' fingerprint; undefined after printing errors. */
export function compileDesired(ctx: CliContext, positionals: readonly string[], adopt: readonly string[], flags: Record<string, unknown> = {}): { desired: DesiredPipeline[]; inputs: InputsFingerprint } | undefined {
  if (positionals.includes('-')) throw new UsageError("plan and apply read pipeline files, not standard input ('-'): a saved plan must be able to read its inputs again");
  const selection = flags.pipeline as string[] | undefined;
  if (selection?.length && flags.prune === true) throw new UsageError('--prune deletes the pipelines the configuration does not have, so it cannot be limited with --pipeline; leave one of them out');
  const paths = inputPaths(ctx, positionals);
  const diags = paths.length === 0 ? compileInputs(ctx, positionals).diagnostics : new Diagnostics();
  const files = paths.length === 0 ? [] : readInputs(paths, ctx.cwd, diags);
  const result = selectPipelines(paths.length === 0 ? { pipelines: [], diagnostics: diags } : compile(files, diags), selection);
  const desired = result.diagnostics.hasErrors() ? [] : desiredPipelines(result.pipelines, result.diagnostics);
  if (report(ctx, result, flags, 'text', 'stderr').failed) return undefined;
  const names = new Set(desired.map((d) => d.name));
  for (const name of adopt) if (!names.has(name)) throw new UsageError(`--adopt '${name}': the configuration has no pipeline of that name`);
  return { desired, inputs: fingerprintInputs(files, positionals.length === 0) };
}

/** The current fingerprint of the inputs a saved plan names (or finds, if it found them). */
export function currentInputs(ctx: CliContext, planned: InputsFingerprint): InputsFingerprint {
  const paths = planned.discovered ? inputPaths(ctx, []) : planned.files.map((f) => f.path);
  const diags = new Diagnostics();
  const files = readInputs(paths, ctx.cwd, diags);
  return fingerprintInputs(files, planned.discovered);
}

/** Prints each failure once, as `pipec: message`; with PIPEC_DEBUG=1 also what the SDK threw. */
export function printFailures(ctx: CliContext, failures: readonly AwsFailure[]): void {
  const seen = new Set<string>();
  for (const f of failures) {
    if (seen.has(f.message)) continue;
    seen.add(f.message);
    ctx.stderr.write(`pipec: ${f.message}\n`);
    if (ctx.env.PIPEC_DEBUG === '1' && f.original instanceof Error) ctx.stderr.write(`${f.original.stack ?? f.original.message}\n`);
  }
}
