import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { EVENT_SOURCES } from '../../ops/explain/rule-match.js';
import type { PipelineStatus } from '../../ops/status.js';
import { buildStatus } from '../../ops/status.js';
import { explanationsJson } from '../../ops/render/common.js';
import { toJsonText } from '../../ops/render/json.js';
import { renderStatusSummary, renderStatusText } from '../../ops/render/status-text.js';
import { parseCommandArgs } from '../args.js';
import { useColor, type CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { OPS_FLAGS, OPS_HELP, opsSession, reportingFailures, type OpsSession } from '../ops-options.js';

export const HELP = `Usage: pipec status [NAME...] [options]

Shows each pipeline's stages and actions with their latest status, how long ago, the source
revision, disabled transitions and, for failures, why they failed and what to do
(PF codes, see docs/failures.md). With no NAME, every pipeline of the configuration
(./pipeline.yml and ./pipelines/*.yml); with several, a one-line summary of each follows.

Options:
${OPS_HELP}
Exit status: 0 shown, 1 a pipeline could not be read (unknown name, AWS failure), 2 bad usage.
`;

/** `pipec status`: the state of one or more pipelines. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, OPS_FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const session = opsSession(ctx, flags);
  const chosen = [...positionals, ...((flags.pipeline as string[] | undefined) ?? [])];
  const names = chosen.length > 0 ? [...new Set(chosen)] : [...session.config.keys()];
  if (names.length === 0) throw new UsageError(session.configured ? 'the configuration has no pipelines' : 'no pipeline named and no pipeline.yml here: pipec status NAME...');
  return reportingFailures(ctx, async () => {
    const statuses: PipelineStatus[] = [];
    for (const name of names) statuses.push(await readStatus(session, name));
    const now = session.now();
    if (flags.format === 'json') {
      ctx.stdout.write(toJsonText({ pipelines: statuses.map((s) => ({ ...s, explanations: explanationsJson(s.explanations) })) }));
      return EXIT.OK;
    }
    const o = { color: useColor(ctx, ctx.stdout, flags.color as boolean | undefined), now };
    ctx.stdout.write(statuses.map((s) => renderStatusText(s, o)).join('\n'));
    if (statuses.length > 1) ctx.stdout.write(`\n${renderStatusSummary(statuses, o)}`);
    return EXIT.OK;
  });
}

/** Reads what status shows of one pipeline: state, declaration and recent executions. */
export async function readStatus(session: OpsSession, name: string): Promise<PipelineStatus> {
  const client = await session.clientFor(name);
  const state = await client.getState(name);
  const declaration = await client.getPipeline(name);
  const recent = await client.listExecutions(name, { limit: 10 });
  const config = session.config.get(name);
  const rules = needsRules(declaration) ? await session.rules(await client.pipelineArn(name), client.region) : undefined;
  return buildStatus({ name, region: client.region, state, declaration, recent, ...(config ? { config } : {}), ...(rules ? { rules } : {}) });
}

/** Whether a source of the pipeline has polling off and so depends on an EventBridge rule. */
function needsRules(declaration: PipelineDeclaration): boolean {
  return (declaration.stages?.[0]?.actions ?? []).some(
    (a) => a.actionTypeId?.category === 'Source' && EVENT_SOURCES.has(a.actionTypeId.provider ?? '') && String(a.configuration?.PollForSourceChanges ?? (a.actionTypeId.provider === 'ECR' ? 'false' : 'true')).toLowerCase() !== 'true',
  );
}
