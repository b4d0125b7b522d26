import { compile } from '../compiler/compile.js';
import { Diagnostics } from '../compiler/diagnostics.js';
import { AwsFailure } from '../live/errors.js';
import { sdkClientProvider } from '../live/sdk-client.js';
import type { AwsSettings } from '../live/settings.js';
import type { OpsClient, PipelineState, StageState } from '../ops/client.js';
import { didYouMean } from '../compiler/suggest.js';
import { opsConfig, type OpsPipelineConfig } from '../ops/config.js';
import { sdkOpsClient } from '../ops/sdk-ops-client.js';
import { eventBridgeEndpoint, sdkRulesReader, type RulesReader } from '../ops/event-rules.js';
import { parseCommandArgs, type FlagSpec, type ParsedArgs } from './args.js';
import type { CliContext } from './context.js';
import { EXIT, UsageError } from './exit-codes.js';
import { discoverFiles, readInputs } from './io.js';
import { awsSettings, printFailures } from './live-options.js';
import { COMMON_FLAGS, COMMON_HELP } from './pipeline-input.js';

/** Flags every operating command shares with plan/apply: where AWS is, and how to print. */
export const OPS_FLAGS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  format: { type: 'string', short: 'f', values: ['text', 'json'] },
  pipeline: { type: 'list' },
  ...COMMON_FLAGS,
} as const;

export const OPS_HELP = `  -f, --format FMT    text or json (default text)
      --region R      region of pipelines pipeline.yml does not place (default: AWS_REGION, then the profile's)
      --profile P     AWS profile for credentials and region (default: AWS_PROFILE, then the usual chain)
      --endpoint-url URL
                      CodePipeline endpoint (default: AWS_ENDPOINT_URL_CODEPIPELINE, AWS_ENDPOINT_URL)
      --pipeline NAME the pipeline (instead of NAME as the first argument)
${COMMON_HELP}`;

/** What an operating command works with: AWS settings, pipeline.yml (if any), a clock. */
export interface OpsSession {
  settings: AwsSettings;
  /** The configuration's pipelines; empty when there is no pipeline.yml (or it has errors). */
  config: Map<string, OpsPipelineConfig>;
  /** Whether pipeline.yml was found and compiled without errors. */
  configured: boolean;
  /** The client for the region the pipeline lives in (its `region:` in pipeline.yml, else the default). */
  clientFor(pipeline: string): Promise<OpsClient>;
  /** The EventBridge rules targeting a pipeline (undefined when EventBridge cannot be read). */
  rules: RulesReader;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Resolves settings and reads pipeline.yml quietly (errors only noted: these commands can run without it). */
export function opsSession(ctx: CliContext, flags: Record<string, unknown>): OpsSession {
  const settings = awsSettings(flags, ctx);
  const { config, configured } = readConfig(ctx);
  const clients = new Map<string, Promise<OpsClient>>();
  let defaultRegion: Promise<string> | undefined;
  return {
    settings,
    config,
    configured,
    async clientFor(pipeline) {
      const region = config.get(pipeline)?.region ?? settings.region ?? (await (defaultRegion ??= sdkClientProvider(settings).then((p) => p.defaultRegion())));
      let c = clients.get(region);
      if (!c) {
        c = sdkOpsClient(settings, region);
        clients.set(region, c);
      }
      return c;
    },
    rules: sdkRulesReader(settings, eventBridgeEndpoint(flags['endpoint-url'] as string | undefined, ctx.env)),
    now: ctx.now ?? (() => Date.now()),
    sleep: ctx.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
  };
}

/** pipeline.yml (or the files named) as the operating commands need it; empty, with a note, when it has errors. */
export function readConfig(ctx: CliContext, named: readonly string[] = []): { config: Map<string, OpsPipelineConfig>; configured: boolean } {
  const paths = named.length > 0 ? [...named] : discoverFiles(ctx.cwd);
  if (paths.length === 0) return { config: new Map(), configured: false };
  const diags = new Diagnostics();
  const compiled = compile(readInputs(paths, ctx.cwd, diags), diags);
  if (diags.hasErrors()) {
    ctx.stderr.write("pipec: note: pipeline.yml has errors ('pipec validate' shows them); going on without it\n");
    return { config: new Map(), configured: false };
  }
  return { config: opsConfig(compiled.pipelines), configured: true };
}

/**
 * The arguments with the pipeline first: `--pipeline NAME` (also given before the command, as a
 * global option) stands for the NAME argument of commands that operate one pipeline.
 */
export function withPipelineFlag(positionals: readonly string[], flags: Record<string, unknown>): string[] {
  const named = (flags.pipeline as string[] | undefined) ?? [];
  if (named.length === 0) return [...positionals];
  if (named.length > 1) throw new UsageError(`this command operates one pipeline; --pipeline names ${named.length}`);
  if (positionals[0] === named[0]) return [...positionals];
  return [named[0] as string, ...positionals];
}

/**
 * Parses the arguments of a command that operates one pipeline, with the pipeline first;
 * `undefined` when `--help` was asked for and answered.
 */
export function parseOpsArgs(argv: readonly string[], spec: Record<string, FlagSpec>, help: string, ctx: CliContext): { flags: ParsedArgs['flags']; positionals: string[] } | undefined {
  const parsed = parseCommandArgs(argv, spec, help, ctx.stdout);
  return parsed && { flags: parsed.flags, positionals: withPipelineFlag(parsed.positionals, parsed.flags) };
}

/** The one pipeline name a command takes as its first argument. */
export function pipelineArg(positionals: readonly string[], command: string, rest = ''): string {
  const name = positionals[0];
  if (!name) throw new UsageError(`'pipec ${command}' needs a pipeline name: pipec ${command} NAME${rest}`);
  return name;
}

/** Writes a success line unless --quiet (errors and data are never quietened). */
export function say(ctx: CliContext, flags: Record<string, unknown>, stream: 'stdout' | 'stderr', text: string): void {
  if (flags.quiet !== true) ctx[stream].write(text);
}

/** Refuses arguments beyond those a command takes. */
export function noMoreArgs(positionals: readonly string[], max: number, command: string): void {
  if (positionals.length > max) throw new UsageError(`'pipec ${command}' got an unexpected argument '${positionals[max]}'`);
}

/** Something the user asked for that cannot be done (nothing to approve, no such stage): exit 1 with one line. */
export class OpsProblem extends Error {}

/** Runs a command body; an AWS failure (or an OpsProblem) becomes `pipec: message` on stderr and exit 1. */
export async function reportingFailures(ctx: CliContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof AwsFailure) {
      printFailures(ctx, [e]);
      return EXIT.PROBLEMS;
    }
    if (e instanceof OpsProblem) {
      ctx.stderr.write(`pipec: ${e.message}\n`);
      return EXIT.PROBLEMS;
    }
    throw e;
  }
}

/** The stage of that name in the live state, or an OpsProblem naming the stages there are. */
export function requireStage(state: PipelineState, pipeline: string, stage: string): StageState {
  const found = state.stageStates.find((s) => s.stageName === stage);
  if (found) return found;
  const names = state.stageStates.map((s) => s.stageName ?? '');
  const guess = didYouMean(stage, names);
  throw new OpsProblem(`pipeline '${pipeline}' has no stage '${stage}'${guess ? `; did you mean '${guess}'?` : ''} (its stages: ${names.join(', ')})`);
}
