import { toJsonText } from '../../ops/render/json.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { say, parseOpsArgs, noMoreArgs, OPS_FLAGS, OPS_HELP, OpsProblem, opsSession, pipelineArg, reportingFailures } from '../ops-options.js';

export const HELP = `Usage: pipec stop NAME [EXECUTION-ID] [options]

Stops an execution. By default CodePipeline lets the actions in progress finish and starts no
new ones (the execution is Stopping, then Stopped); with --abandon it abandons them at once,
which can leave a deployment half done. With no EXECUTION-ID, the execution in progress
(when there are several, name one: 'pipec runs NAME --status InProgress' lists them).

Options:
      --abandon       abandon the actions in progress instead of waiting for them
      --reason TEXT   why it was stopped (shown in the execution's history)
${OPS_HELP}
Exit status: 0 stop requested, 1 nothing to stop or AWS refused, 2 bad usage.
`;

const FLAGS = { ...OPS_FLAGS, abandon: { type: 'bool' }, reason: { type: 'string' } } as const;

/** `pipec stop`: StopPipelineExecution, finding the execution in progress itself. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'stop', ' [EXECUTION-ID]');
  noMoreArgs(positionals, 2, 'stop');
  const session = opsSession(ctx, flags);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    let id = positionals[1];
    if (!id) {
      const running = await client.listExecutions(name, { limit: 50, accept: (s) => s.status === 'InProgress' || s.status === 'Stopping' });
      if (running.length === 0) throw new OpsProblem(`nothing to stop: no execution of '${name}' is in progress`);
      if (running.length > 1) throw new OpsProblem(`${running.length} executions of '${name}' are in progress (${running.map((r) => `${r.pipelineExecutionId} ${r.status}`).join(', ')}); name the one to stop: pipec stop ${name} EXECUTION-ID`);
      id = running[0]?.pipelineExecutionId ?? '';
    }
    const abandon = flags.abandon === true;
    await client.stop(name, id, { abandon, ...(flags.reason ? { reason: flags.reason as string } : {}) });
    if (flags.format === 'json') ctx.stdout.write(toJsonText({ pipeline: name, pipelineExecutionId: id, abandon }));
    else
      say(ctx, flags, 'stdout',
        abandon
          ? `Stopped execution ${id} of ${name}; its actions in progress were abandoned.\n`
          : `Stopping execution ${id} of ${name}: actions in progress finish first, no new ones start.\nFollow it with: pipec watch ${name} ${id}\n`,
      );
    return EXIT.OK;
  });
}
