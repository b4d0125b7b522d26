import { explanationsJson } from '../../ops/render/common.js';
import { renderExecutionText } from '../../ops/render/execution-text.js';
import { toJsonText } from '../../ops/render/json.js';
import { renderRunsText } from '../../ops/render/runs-text.js';
import { readExecution } from '../../ops/watch.js';
import { didYouMean } from '../../compiler/suggest.js';
import { useColor, type CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { parseOpsArgs, noMoreArgs, OPS_FLAGS, OPS_HELP, opsSession, pipelineArg, reportingFailures } from '../ops-options.js';

export const HELP = `Usage: pipec runs NAME [EXECUTION-ID] [options]

Lists the pipeline's recent executions, newest first: id, status, what started it, source
revisions, start and duration. With an EXECUTION-ID, shows that execution: its trigger,
revisions, variables and every action run stage by stage, and why failed actions failed.

Options:
  -n, --limit N       how many executions to list (default 10, at most 1000)
      --status S      only executions with this status (repeatable or comma-separated):
                      ${'InProgress, Stopping, Stopped, Succeeded, Superseded, Failed, Cancelled'}
${OPS_HELP}
Exit status: 0 shown, 1 unknown pipeline or execution (or AWS failed), 2 bad usage.
`;

const STATUSES = ['InProgress', 'Stopping', 'Stopped', 'Succeeded', 'Superseded', 'Failed', 'Cancelled'];
const FLAGS = { ...OPS_FLAGS, limit: { type: 'string', short: 'n' }, status: { type: 'list' } } as const;

/** `pipec runs`: execution history, or one execution in full. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'runs', ' [EXECUTION-ID]');
  noMoreArgs(positionals, 2, 'runs');
  const limit = flags.limit === undefined ? 10 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`option '--limit' takes a whole number from 1 to 1000, not '${String(flags.limit)}'`);
  const statuses = ((flags.status as string[] | undefined) ?? []).map((s) => {
    const known = STATUSES.find((k) => k.toLowerCase() === s.toLowerCase());
    if (!known) {
      const guess = didYouMean(s, STATUSES);
      throw new UsageError(`option '--status' takes ${STATUSES.join(', ')}, not '${s}'${guess ? `; did you mean '${guess}'?` : ''}`);
    }
    return known;
  });
  const session = opsSession(ctx, flags);
  const color = useColor(ctx, ctx.stdout, flags.color as boolean | undefined);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    const id = positionals[1];
    if (id) {
      const view = await readExecution(client, name, id, session.config.get(name), false);
      ctx.stdout.write(flags.format === 'json' ? toJsonText({ ...view, explanations: explanationsJson(view.explanations) }) : renderExecutionText(view, { color, now: session.now() }));
      return EXIT.OK;
    }
    const runs = await client.listExecutions(name, { limit, ...(statuses.length > 0 ? { accept: (s) => statuses.includes(s.status ?? '') } : {}) });
    ctx.stdout.write(flags.format === 'json' ? toJsonText({ pipeline: name, region: client.region, executions: runs }) : renderRunsText(name, runs, { color, now: session.now() }));
    return EXIT.OK;
  });
}
