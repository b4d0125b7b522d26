import { toJsonText } from '../../ops/render/json.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { say, parseOpsArgs, noMoreArgs, OPS_FLAGS, OPS_HELP, OpsProblem, opsSession, pipelineArg, reportingFailures, requireStage } from '../ops-options.js';
import { follow, followTiming, WATCH_FLAGS, WATCH_HELP } from '../watch-output.js';

export const HELP = `Usage: pipec retry NAME STAGE [options]

Retries a failed (or stopped) stage in the latest execution through it: its failed actions,
or with --all-actions every action of the stage. The execution then goes on from there.

Options:
      --all-actions   run every action of the stage again, not only the failed ones
  -w, --watch         follow the execution until it ends
${WATCH_HELP}${OPS_HELP}
Exit status: 0 retry started (with --watch: the execution succeeded), 1 the stage cannot be
retried or AWS refused (with --watch: the execution failed), 2 bad usage.
`;

const FLAGS = { ...OPS_FLAGS, ...WATCH_FLAGS, 'all-actions': { type: 'bool' }, watch: { type: 'bool', short: 'w' } } as const;

/** `pipec retry`: RetryStageExecution for the stage's latest execution. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'retry', ' STAGE');
  const stageName = positionals[1];
  if (!stageName) throw new UsageError(`'pipec retry' needs the stage to retry: pipec retry ${name} STAGE`);
  noMoreArgs(positionals, 2, 'retry');
  if (flags.watch) followTiming(flags);
  const session = opsSession(ctx, flags);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    const stage = requireStage(await client.getState(name), name, stageName);
    const latest = stage.latestExecution;
    if (!latest?.pipelineExecutionId) throw new OpsProblem(`stage '${stageName}' of '${name}' has not run yet; there is nothing to retry`);
    if (latest.status !== 'Failed' && latest.status !== 'Stopped')
      throw new OpsProblem(`stage '${stageName}' of '${name}' is ${latest.status} in its latest execution (${latest.pipelineExecutionId}); only a failed or stopped stage can be retried`);
    const mode = flags['all-actions'] ? 'ALL_ACTIONS' : 'FAILED_ACTIONS';
    const id = await client.retry(name, stageName, latest.pipelineExecutionId, mode);
    if (flags.format === 'json' && !flags.watch) ctx.stdout.write(toJsonText({ pipeline: name, stage: stageName, pipelineExecutionId: id, retryMode: mode }));
    else say(ctx, flags, flags.watch ? 'stderr' : 'stdout', `Retrying ${mode === 'ALL_ACTIONS' ? 'every action' : 'the failed actions'} of stage ${stageName} in execution ${id} of ${name}.\n`);
    return flags.watch ? follow(ctx, session, flags, name, id) : EXIT.OK;
  });
}
