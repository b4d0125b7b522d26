import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { parseOpsArgs, noMoreArgs, OpsProblem, OPS_FLAGS, OPS_HELP, opsSession, pipelineArg, reportingFailures } from '../ops-options.js';
import { follow, WATCH_FLAGS, WATCH_HELP } from '../watch-output.js';

export const HELP = `Usage: pipec watch NAME [EXECUTION-ID] [options]

Follows an execution until it ends: on a terminal a live view updated in place (stages,
actions, elapsed times, a spinner on running actions); elsewhere one line per change, for logs.
With no EXECUTION-ID, the newest execution in progress (else the newest one).
Failed actions are explained at the end (PF codes, see docs/failures.md).

Options:
${WATCH_HELP}${OPS_HELP}
Exit status: 0 the execution succeeded, 1 it failed, was stopped, superseded or cancelled (or
--timeout passed, or AWS failed), 2 bad usage.
`;

const FLAGS = { ...OPS_FLAGS, ...WATCH_FLAGS } as const;

/** `pipec watch`: follows an execution; the exit code says how it ended. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'watch', ' [EXECUTION-ID]');
  noMoreArgs(positionals, 2, 'watch');
  const session = opsSession(ctx, flags);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    let id = positionals[1];
    if (!id) {
      const recent = await client.listExecutions(name, { limit: 50 });
      const pick = recent.find((s) => s.status === 'InProgress' || s.status === 'Stopping') ?? recent[0];
      if (!pick?.pipelineExecutionId) throw new OpsProblem(`pipeline '${name}' has no executions to watch; start one with: pipec start ${name} --watch`);
      id = pick.pipelineExecutionId;
    }
    return follow(ctx, session, flags, name, id);
  });
}
