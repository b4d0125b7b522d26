import { toJsonText } from '../../ops/render/json.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { say, parseOpsArgs, noMoreArgs, OPS_FLAGS, OPS_HELP, OpsProblem, opsSession, pipelineArg, reportingFailures, requireStage } from '../ops-options.js';
import { follow, followTiming, WATCH_FLAGS, WATCH_HELP } from '../watch-output.js';

export const HELP = `Usage: pipec rollback NAME STAGE [options]

Rolls a stage back: runs it again with the source revisions and artifacts of an earlier
execution that succeeded in it (RollbackStage). By default the newest such execution other
than the stage's current one. CodePipeline rolls back only to executions of the current
pipeline version, not the source stage, and not in PARALLEL mode.

Options:
      --to EXECUTION-ID
                      the execution to roll back to
  -w, --watch         follow the rollback until it ends
${WATCH_HELP}${OPS_HELP}
Exit status: 0 rollback started (with --watch: it succeeded), 1 no execution to roll back to
or AWS refused, 2 bad usage.
`;

const FLAGS = { ...OPS_FLAGS, ...WATCH_FLAGS, to: { type: 'string' }, watch: { type: 'bool', short: 'w' } } as const;

/** `pipec rollback`: RollbackStage to an earlier successful execution. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'rollback', ' STAGE');
  const stageName = positionals[1];
  if (!stageName) throw new UsageError(`'pipec rollback' needs the stage to roll back: pipec rollback ${name} STAGE`);
  noMoreArgs(positionals, 2, 'rollback');
  if (flags.watch) followTiming(flags);
  const session = opsSession(ctx, flags);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    const stage = requireStage(await client.getState(name), name, stageName);
    let target = flags.to as string | undefined;
    if (!target) {
      const current = stage.latestExecution?.pipelineExecutionId;
      const found = await client.listExecutions(name, { limit: 1, succeededInStage: stageName, accept: (s) => s.pipelineExecutionId !== current });
      target = found[0]?.pipelineExecutionId;
      if (!target) throw new OpsProblem(`no earlier execution of '${name}' succeeded in stage '${stageName}'; there is nothing to roll back to`);
    }
    const id = await client.rollback(name, stageName, target);
    if (flags.format === 'json' && !flags.watch) ctx.stdout.write(toJsonText({ pipeline: name, stage: stageName, targetPipelineExecutionId: target, pipelineExecutionId: id }));
    else say(ctx, flags, flags.watch ? 'stderr' : 'stdout', `Rolling back stage ${stageName} of ${name} to execution ${target}: rollback execution ${id}.\n`);
    return flags.watch ? follow(ctx, session, flags, name, id) : EXIT.OK;
  });
}
