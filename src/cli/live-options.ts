import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from '../compiler/compile.js';
import { Diagnostics } from '../compiler/diagnostics.js';
import { parseIni, profileView, type IniSections } from '../live/aws-config.js';
import { desiredPipelines } from '../live/desired.js';
import type { AwsFailure } from '../live/errors.js';
import type { Json } from '../live/json.js';
import { fingerprintInputs, type InputsFingerprint } from '../live/plan-file.js';
import type { DesiredPipeline, ProjectSource } from '../live/plan.js';
import { unknownRegion } from '../live/regions.js';
import { secretValues } from '../live/secrets.js';
import { DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_REQUEST_TIMEOUT_S, resolveAwsSettings, type AwsSettings } from '../live/settings.js';
import type { CliContext } from './context.js';
import { UsageError } from './exit-codes.js';
import { readInputs } from './io.js';
import { COMMON_FLAGS, COMMON_HELP, compileInputs, inputPaths, REPORT_FLAGS, REPORT_HELP, report, selectPipelines } from './pipeline-input.js';
import { projectOf } from './project.js';

/** Flags plan and apply share: where AWS is, how long to wait, how many pipelines at once, what to take over. */
export const LIVE_FLAGS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  concurrency: { type: 'string', short: 'j' },
  prune: { type: 'bool' },
  adopt: { type: 'list' },
  pipeline: { type: 'list' },
  ...REPORT_FLAGS,
  ...COMMON_FLAGS,
} as const;

export const LIVE_HELP = `      --region R      region of pipelines that name none (default: AWS_REGION, then the profile's)
      --profile P     AWS profile for credentials, region and endpoint_url (default: AWS_PROFILE)
      --endpoint-url URL
                      endpoint for every AWS call (default: AWS_ENDPOINT_URL_<SERVICE>,
                      AWS_ENDPOINT_URL, then the profile's endpoint_url)
      --connect-timeout S
                      seconds to wait for a connection (default ${DEFAULT_CONNECT_TIMEOUT_S}; PIPEC_CONNECT_TIMEOUT)
      --request-timeout S
                      seconds to wait for each answer (default ${DEFAULT_REQUEST_TIMEOUT_S}; PIPEC_REQUEST_TIMEOUT)
  -j, --concurrency N pipelines read or written at once (default 8)
      --prune         also delete this project's pipelines that the configuration no longer has
      --adopt NAME    take over an existing pipeline that is not this project's (repeatable)
      --pipeline NAME only these pipelines (repeatable); not with --prune
${REPORT_HELP}${COMMON_HELP}`;

export const DEFAULT_CONCURRENCY = 8;

/**
 * The AWS settings from the flags, the environment and the profile, checked before any SDK
 * code loads: a URL that is not http(s), a profile in neither shared file, an unknown region
 * and a bad timeout are one-line usage errors.
 */
export function awsSettings(flags: Record<string, unknown>, ctx: CliContext): AwsSettings {
  const profileName = (flags.profile as string | undefined) ?? (ctx.env.AWS_PROFILE?.trim() || undefined);
  const profile = loadProfile(ctx, profileName ?? 'default', profileName !== undefined);
  const settings = resolveAwsSettings(
    {
      ...(flags.region ? { region: flags.region as string } : {}),
      ...(flags.profile ? { profile: flags.profile as string } : {}),
      ...(flags['endpoint-url'] ? { endpoint: flags['endpoint-url'] as string } : {}),
      connectTimeout: seconds(flags['connect-timeout'], '--connect-timeout', ctx.env.PIPEC_CONNECT_TIMEOUT, 'PIPEC_CONNECT_TIMEOUT', DEFAULT_CONNECT_TIMEOUT_S),
      requestTimeout: seconds(flags['request-timeout'], '--request-timeout', ctx.env.PIPEC_REQUEST_TIMEOUT, 'PIPEC_REQUEST_TIMEOUT', DEFAULT_REQUEST_TIMEOUT_S),
    },
    ctx.env,
    profile,
  );
  for (const url of new Set([settings.endpoint, ...Object.values(settings.endpoints)])) {
    if (url === undefined) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new UsageError(`${url === settings.endpoint ? settings.endpointFrom ?? 'the endpoint' : 'an endpoint'} '${url}' is not an http:// or https:// URL`);
  }
  if (settings.region !== undefined) {
    const problem = unknownRegion(settings.region, settings.regionFrom ?? 'the settings', ctx.env.PIPEC_EXTRA_REGIONS);
    if (problem) throw new UsageError(problem);
  }
  return settings;
}

/** The named (or default) profile from the shared config and credentials files; a named profile that is in neither is a usage error. */
function loadProfile(ctx: CliContext, name: string, required: boolean) {
  const home = ctx.env.HOME ?? ctx.env.USERPROFILE ?? '';
  const read = (path: string): IniSections => {
    try {
      return parseIni(readFileSync(resolve(ctx.cwd, path), 'utf8'));
    } catch {
      return new Map();
    }
  };
  const configPath = ctx.env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credentialsPath = ctx.env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const view = profileView(name, read(configPath), read(credentialsPath));
  if (required && !view.exists) {
    const from = ctx.env.AWS_PROFILE?.trim() === name ? 'AWS_PROFILE' : '--profile';
    throw new UsageError(`AWS profile '${name}' (from ${from}) is not in ${configPath} or ${credentialsPath}`);
  }
  return view;
}

/** A timeout in seconds from its flag, else its environment variable, else the default; more than 0 and at most an hour. */
function seconds(flag: unknown, flagName: string, env: string | undefined, envName: string, fallback: number): number {
  const [raw, from] = flag !== undefined ? [String(flag), flagName] : env !== undefined && env.trim() !== '' ? [env, envName] : [undefined, ''];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`${from} takes a number of seconds above 0 and at most 3600, not '${raw}'`);
  return n;
}

/** --concurrency as a whole number from 1 to 256. */
export function concurrency(flags: Record<string, unknown>): number {
  const raw = flags.concurrency as string | undefined;
  if (raw === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`option '--concurrency' takes a whole number from 1 to 256, not '${raw}'`);
  return n;
}

/** The configuration compiled: its desired pipelines, project, input fingerprint and the secret values to keep out of output. */
export interface CompiledConfiguration {
  desired: DesiredPipeline[];
  /** The first pipeline of the whole configuration by name (selected or not): its artifact bucket holds the lock. */
  lockHolder: DesiredPipeline;
  /** The --pipeline selection, sorted; empty for all. */
  selection: string[];
  inputs: InputsFingerprint;
  project: string;
  projectFrom: ProjectSource;
  secrets: string[];
}

/** The configuration compiled into the desired state; undefined after printing errors. */
export function compileDesired(ctx: CliContext, positionals: readonly string[], adopt: readonly string[], flags: Record<string, unknown> = {}): CompiledConfiguration | undefined {
  if (positionals.includes('-')) throw new UsageError("plan and apply read pipeline files, not standard input ('-'): a saved plan must be able to read its inputs again");
  const selection = flags.pipeline as string[] | undefined;
  if (selection?.length && flags.prune === true) throw new UsageError('--prune deletes the pipelines the configuration does not have, so it cannot be limited with --pipeline; leave one of them out');
  const paths = inputPaths(ctx, positionals);
  const diags = paths.length === 0 ? compileInputs(ctx, positionals).diagnostics : new Diagnostics();
  const files = paths.length === 0 ? [] : readInputs(paths, ctx.cwd, diags);
  const all = paths.length === 0 ? { pipelines: [], diagnostics: diags } : compile(files, diags);
  const result = selectPipelines(all, selection);
  const desired = result.diagnostics.hasErrors() ? [] : desiredPipelines(result.pipelines, result.diagnostics);
  if (report(ctx, result, flags, 'text', 'stderr').failed) return undefined;
  const names = new Set(desired.map((d) => d.name));
  for (const name of adopt) if (!names.has(name)) throw new UsageError(`--adopt '${name}': the configuration has no pipeline of that name`);
  const { project, projectFrom } = projectOf(all.pipelines, ctx.cwd, paths);
  // Whole configuration, selected or not: the same lock and the same secrets whatever --pipeline says.
  const whole = desiredPipelines(all.pipelines, new Diagnostics());
  const lockHolder = [...whole].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0] as DesiredPipeline;
  const secrets = [...new Set(whole.flatMap((d) => [...secretValues(d.pipeline), ...secretValues(d.tags as unknown as Json)]))].sort((a, b) => b.length - a.length);
  return { desired, lockHolder, selection: [...(selection ?? [])].sort(), inputs: fingerprintInputs(files, positionals.length === 0), project, projectFrom, secrets };
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
