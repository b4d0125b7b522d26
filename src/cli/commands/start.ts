import type { RevisionOverride } from '../../ops/client.js';
import { toJsonText } from '../../ops/render/json.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { say, parseOpsArgs, noMoreArgs, OpsProblem, OPS_FLAGS, OPS_HELP, opsSession, pipelineArg, reportingFailures } from '../ops-options.js';
import { follow, followTiming, WATCH_FLAGS, WATCH_HELP } from '../watch-output.js';

export const HELP = `Usage: pipec start NAME [options]

Starts an execution of the pipeline and prints its id on stdout (so 'id=$(pipec start web)'
works); with --watch, follows it like 'pipec watch' and exits as it ends.

Options:
      --var NAME=VALUE
                      a pipeline variable for this execution (repeatable)
      --source-revision ACTION=REVISION
                      run this revision of a source action instead of the latest (repeatable):
                      a commit id, an S3 object version id, or an image digest (sha256:...)
  -w, --watch         follow the execution until it ends
${WATCH_HELP}${OPS_HELP}
Exit status: 0 started (with --watch: succeeded), 1 AWS refused (or with --watch: the
execution failed or was stopped), 2 bad usage.
`;

const FLAGS = { ...OPS_FLAGS, ...WATCH_FLAGS, var: { type: 'repeat' }, 'source-revision': { type: 'repeat' }, watch: { type: 'bool', short: 'w' } } as const;

/** `pipec start`: StartPipelineExecution with variables and source revisions. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'start');
  noMoreArgs(positionals, 1, 'start');
  const variables = pairs(flags.var as string[] | undefined, '--var', 'NAME=VALUE').map(([n, value]) => ({ name: n, value }));
  const revisions = pairs(flags['source-revision'] as string[] | undefined, '--source-revision', 'ACTION=REVISION');
  if (flags.watch) followTiming(flags);
  const session = opsSession(ctx, flags);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    const sourceRevisions: RevisionOverride[] = [];
    if (revisions.length > 0) {
      const declaration = await client.getPipeline(name);
      const sources = (declaration.stages?.[0]?.actions ?? []).filter((a) => a.actionTypeId?.category === 'Source');
      for (const [action, value] of revisions) {
        const a = sources.find((s) => s.name === action);
        if (!a) throw new OpsProblem(`--source-revision '${action}': pipeline '${name}' has no source action of that name (its sources: ${sources.map((s) => s.name).join(', ') || 'none'})`);
        sourceRevisions.push({ actionName: action, revisionType: revisionType(a.actionTypeId?.provider ?? '', value), revisionValue: value });
      }
    }
    const id = await client.start(name, { variables, sourceRevisions });
    if (flags.format === 'json' && !flags.watch) ctx.stdout.write(toJsonText({ pipeline: name, region: client.region, pipelineExecutionId: id }));
    else if (!flags.watch) {
      ctx.stdout.write(`${id}\n`);
      say(ctx, flags, 'stderr', `Started ${name} (${client.region}); follow it with: pipec watch ${name} ${id}\n`);
    }
    if (!flags.watch) return EXIT.OK;
    if (flags.format !== 'json') say(ctx, flags, 'stderr', `Started ${name} (${client.region}): execution ${id}\n`);
    return follow(ctx, session, flags, name, id);
  });
}

/** KEY=VALUE arguments, checked. */
function pairs(values: string[] | undefined, flag: string, form: string): Array<[string, string]> {
  return (values ?? []).map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`option '${flag}' takes ${form}, not '${v}'`);
    return [v.slice(0, eq), v.slice(eq + 1)];
  });
}

/** The revision type StartPipelineExecution needs for a source provider (API model: SourceRevisionType). */
function revisionType(provider: string, value: string): RevisionOverride['revisionType'] {
  if (provider === 'ECR' || value.startsWith('sha256:')) return 'IMAGE_DIGEST';
  if (provider === 'S3') return 'S3_OBJECT_VERSION_ID';
  return 'COMMIT_ID';
}
