import { AwsFailure } from '../../live/errors.js';
import { buildPlan, type Plan } from '../../live/plan.js';
import { savePlanContents, serializePlan } from '../../live/plan-file.js';
import { hasChanges } from '../../live/render/common.js';
import { renderJson } from '../../live/render/json.js';
import { renderMarkdown } from '../../live/render/markdown.js';
import { renderText } from '../../live/render/text.js';
import { sdkClientProvider } from '../../live/sdk-client.js';
import { scrubbing } from '../../live/secrets.js';
import { VERSION } from '../../version.js';
import { parseCommandArgs } from '../args.js';
import { useColor, type CliContext } from '../context.js';
import { printTransitionDrift } from '../transition-notes.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { checkOutputFile, writeFileAtomically } from '../output-path.js';
import { LIVE_FLAGS, LIVE_HELP, awsSettings, compileDesired, concurrency, printFailures } from '../live-options.js';
import { checkDependencies } from '../preflight.js';
import { STACK_FLAGS, STACK_HELP, runStackPlan } from '../stack-mode.js';
import { shellWord } from '../../targets/shell.js';

export const HELP = `Usage: pipec plan [FILES...] [options]

Compares the compiled pipelines with the live ones (GetPipeline, tags) and shows what
'pipec apply' would change: per pipeline, stage, action and field, with old and new values.
Service defaults, masked secrets (****) and key order are not changes; secret values are
shown as (sensitive). The plan names the project its pipelines belong to ('project:', or
the repository directory's name).

With no FILES, reads ./pipeline.yml and ./pipelines/*.yml.

Options:
  -o, --out FILE      save the plan, to apply exactly it later with 'pipec apply FILE'; it is
                      bound to the account (STS GetCallerIdentity), region and endpoint
  -f, --format FMT    text, json or markdown (default text)
      --detailed-exitcode
                      exit 0 with no changes, 2 with changes, 1 on errors
${LIVE_HELP}${STACK_HELP}
With --stack, plans the cloudformation target instead: a change set per stack (support stacks
first), showing the pipeline's field changes, each resource change (replacements marked) and the
IAM and security group changes; --out keeps the change sets for 'pipec apply FILE'.

Before it says a pipeline can be created or updated, plan checks that what the pipeline relies
on exists: its role (IAM GetRole, in the account the pipeline is made in), its artifact buckets
(S3 HeadBucket, in their stores' regions) and the CodeBuild projects its actions name in this
account (BatchGetProjects). Anything missing is an error naming the fix; what these credentials
may not look at is a warning.

Exit status: 0 success, 1 errors (input, AWS, a pipeline that is not this project's, or one that
relies on what does not exist), 2 bad usage or, with --detailed-exitcode, changes to apply.
`;

export const FLAGS = {
  ...LIVE_FLAGS,
  ...STACK_FLAGS,
  out: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f', values: ['text', 'json', 'markdown'] },
  'detailed-exitcode': { type: 'bool' },
} as const;

/** `pipec plan`: reads live state, prints the changes, optionally saves the plan. */
export async function run(argv: string[], rawCtx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, rawCtx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  // Checked before talking to AWS, so a directory in the way is one clear line, not a plan lost after the work.
  if (flags.out === '') throw new UsageError("option '--out' needs a file name");
  const outPath = flags.out ? checkOutputFile(rawCtx.cwd, '--out', flags.out as string) : undefined;
  if (flags.stack) {
    if (flags.prune) throw new UsageError("--prune is for pipeline mode; with --stack, delete a pipeline's stacks with 'aws cloudformation delete-stack'");
    return runStackPlan(rawCtx, flags, positionals);
  }
  if (flags['account-profile']) throw new UsageError('--account-profile goes with --stack');
  if (flags['template-bucket']) throw new UsageError('--template-bucket goes with --stack');
  const settings = awsSettings(flags, rawCtx);
  const limit = concurrency(flags);
  const adopt = (flags.adopt as string[] | undefined) ?? [];
  const compiled = compileDesired(rawCtx, positionals, adopt, flags);
  if (!compiled) return EXIT.PROBLEMS;
  // Whatever reaches the terminal, secret values from the configuration do not.
  const ctx: CliContext = { ...rawCtx, stdout: scrubbing(rawCtx.stdout, () => compiled.secrets), stderr: scrubbing(rawCtx.stderr, () => compiled.secrets) };
  const clients = await sdkClientProvider(settings);
  const result = await buildPlan(compiled.desired, clients, { project: compiled.project, projectFrom: compiled.projectFrom, prune: flags.prune === true, adopt: new Set(adopt), concurrency: limit });
  if (!result.ok) {
    printFailures(ctx, result.failures);
    return EXIT.PROBLEMS;
  }
  const plan = result.plan;
  let account: string | undefined;
  if (outPath) {
    try {
      account = await clients.account();
    } catch (e) {
      printFailures(ctx, [e instanceof AwsFailure ? e : new AwsFailure(String(e), 'other')]);
      ctx.stderr.write('pipec: the plan was not saved: a saved plan records the account it was made against\n');
      return EXIT.PROBLEMS;
    }
  }
  const format = (flags.format as string | undefined) ?? 'text';
  ctx.stdout.write(format === 'json' ? renderJson(plan) : format === 'markdown' ? renderMarkdown(plan) : renderText(plan, { color: useColor(ctx, ctx.stdout, flags.color as boolean | undefined) }));
  if (!flags.quiet) await printTransitionDrift(ctx, settings, plan, positionals, format);
  if (!(await checkDependencies(ctx, settings, clients, plan))) {
    if (outPath) ctx.stderr.write(`pipec: the plan was not saved to ${flags.out as string}: it would make pipelines that cannot run\n`);
    return EXIT.PROBLEMS;
  }
  if (outPath && account !== undefined) {
    const target = { account, endpoint: settings.endpoint ?? null, defaultRegion: plan.defaultRegion ?? null };
    writeFileAtomically(ctx.cwd, outPath, serializePlan(savePlanContents(plan, target, compiled.inputs, { adopt, pipelines: compiled.selection }, VERSION)));
    if (format === 'text' && !flags.quiet) ctx.stderr.write(`Saved the plan to ${flags.out as string} (account ${account}${target.defaultRegion ? `, ${target.defaultRegion}` : ''}); 'pipec apply ${shellWord(flags.out as string)}' applies exactly this plan.\n`);
  }
  return exitStatus(plan, flags['detailed-exitcode'] === true, ctx);
}

/** 1 when a configured pipeline is blocked by one that is not this project's; else 0, or 2 for changes with --detailed-exitcode. */
function exitStatus(plan: Plan, detailed: boolean, ctx: CliContext): number {
  const conflicts = plan.pipelines.filter((p) => p.action === 'conflict');
  for (const p of conflicts) ctx.stderr.write(`pipec: ${p.reason ?? `pipeline '${p.name}' is not this project's`}\n`);
  if (conflicts.length > 0) return EXIT.PROBLEMS;
  return detailed && hasChanges(plan) ? 2 : EXIT.OK;
}
