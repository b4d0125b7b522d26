import { toJsonText } from '../../ops/render/json.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { say, parseOpsArgs, noMoreArgs, OPS_FLAGS, OPS_HELP, OpsProblem, opsSession, pipelineArg, reportingFailures, requireStage } from '../ops-options.js';

export const HELP = `Usage: pipec transition NAME STAGE (--disable --reason TEXT | --enable) [options]

Disables or enables the transition into a stage: while it is disabled, executions wait
before the stage (a release freeze); enabling lets the newest waiting one in. pipeline.yml's
'disable-inbound:' sets the same thing when the pipeline is deployed with the cloudformation
target; 'pipec status' and 'pipec plan' say when the live transition differs from it.

Options:
      --disable       stop executions from entering STAGE
      --reason TEXT   why (required with --disable; letters, digits, spaces and !@().*?-,
                      at most 300 characters, as CodePipeline accepts)
      --enable        let executions enter STAGE again
${OPS_HELP}
Exit status: 0 done, 1 unknown stage or AWS refused, 2 bad usage.
`;

const FLAGS = { ...OPS_FLAGS, disable: { type: 'bool' }, enable: { type: 'bool' }, reason: { type: 'string' } } as const;

/** The API model's DisabledReason: 1-300 characters of this set. */
const REASON = /^[a-zA-Z0-9!@ ().*?-]{1,300}$/;

/** `pipec transition`: Disable/EnableStageTransition on the stage's inbound transition. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'transition', ' STAGE --disable --reason TEXT');
  const stageName = positionals[1];
  if (!stageName) throw new UsageError(`'pipec transition' needs the stage whose inbound transition to change: pipec transition ${name} STAGE --disable --reason TEXT`);
  noMoreArgs(positionals, 2, 'transition');
  if (flags.disable === flags.enable || (flags.disable !== true && flags.enable !== true)) throw new UsageError("give exactly one of '--disable' and '--enable'");
  const reason = flags.reason as string | undefined;
  if (flags.disable && reason === undefined) throw new UsageError("'--disable' needs '--reason TEXT': CodePipeline shows the reason to everyone who sees the pipeline");
  if (flags.enable && reason !== undefined) throw new UsageError("'--reason' goes with '--disable'; enabling takes no reason");
  if (reason !== undefined && !REASON.test(reason))
    throw new UsageError(`'--reason' must be 1 to 300 letters, digits, spaces or !@().*?- (CodePipeline refuses others), not '${reason}'`);
  const session = opsSession(ctx, flags);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    const state = await client.getState(name);
    requireStage(state, name, stageName);
    if (state.stageStates[0]?.stageName === stageName) throw new OpsProblem(`stage '${stageName}' is the first stage of '${name}'; it has no inbound transition`);
    const enabled = flags.enable === true;
    await client.setTransition(name, stageName, enabled, reason);
    const configured = session.config.get(name)?.disableInbound;
    const note =
      configured === undefined
        ? undefined
        : enabled && configured.has(stageName)
          ? `note: pipeline.yml disables this transition ("${configured.get(stageName)}"); deploying it again with the cloudformation target disables it again`
          : !enabled && !configured.has(stageName)
            ? "note: pipeline.yml does not disable this transition; 'pipec status' and 'pipec plan' show the difference until it is enabled again"
            : undefined;
    if (flags.format === 'json') ctx.stdout.write(toJsonText({ pipeline: name, stage: stageName, enabled, ...(reason ? { reason } : {}) }));
    else say(ctx, flags, 'stdout', `${enabled ? 'Enabled' : 'Disabled'} the transition into ${stageName} of ${name}${reason ? `: "${reason}"` : ''}.\n`);
    if (note) say(ctx, flags, 'stderr', `${note}\n`);
    return EXIT.OK;
  });
}
