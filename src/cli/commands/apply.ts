import { applyPlan } from '../../live/apply.js';
import type { ClientProvider } from '../../live/client.js';
import { buildPlan, type Plan } from '../../live/plan.js';
import type { SavedPlan } from '../../live/plan-file.js';
import { hasChanges } from '../../live/render/common.js';
import { applySucceeded, renderOutcomesJson, renderOutcomesText } from '../../live/render/outcomes.js';
import { renderText } from '../../live/render/text.js';
import { sdkClientProvider } from '../../live/sdk-client.js';
import { scrubbing } from '../../live/secrets.js';
import { compareWithDerived } from '../../live/verify-plan.js';
import { parseCommandArgs } from '../args.js';
import { confirmYes } from '../confirm.js';
import { subscribeInterrupt, useColor, type CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { lockLocation, lockTimeoutMs, takeLock, type HeldLock } from '../live-lock.js';
import { LIVE_FLAGS, LIVE_HELP, awsSettings, compileDesired, concurrency, printFailures, type CompiledConfiguration } from '../live-options.js';
import { checkDependencies } from '../preflight.js';
import { checkBinding, inputsDiffer, readSavedPlan, readSavedText } from '../saved-plan.js';
import { runStackApply } from '../stack-apply.js';
import { STACK_FLAGS, STACK_HELP } from '../stack-mode.js';
import { isStackPlanText } from '../../live/stack/plan-file.js';
import { shellWord } from '../../targets/shell.js';

export const HELP = `Usage: pipec apply [PLAN.json | FILES...] [options]

Brings the live pipelines in line with the configuration: creates the missing ones (tagged
managed-by: pipec and pipec:project: <project>), updates the changed ones, and with --prune
deletes this project's pipelines that the configuration no longer has. Pipelines that are not
this project's (made by hand, or by another project) are never touched unless adopted with
--adopt NAME.

Given a plan saved with 'pipec plan --out', applies exactly that plan. It is refused when it
was made in another account, region or endpoint, when the input files differ, when a pipeline
changed since (its live version differs), or when any entry is not what its inputs give (an
edited plan).
Given pipeline files (or none: ./pipeline.yml and ./pipelines/*.yml), plans first, shows the
plan, and asks for confirmation on a terminal.

One apply at a time per project: apply holds a lock object in the artifact bucket
(.pipec/locks/<project>.json) while it plans and writes. Each pipeline is read again right
before it is written. Writes are not retried blindly: after an error pipec reads the pipeline
back and reports what happened. Ctrl-C starts no further writes and waits for those in flight
(a second Ctrl-C abandons them), prints the report and exits 130.

Options:
      --auto-approve  apply without asking (needed when not on a terminal)
  -f, --format FMT    text or json (default text)
      --lock-timeout T
                      wait up to T (e.g. 30s, 5m) for another apply's lock (default 0: do not wait)
      --no-lock       apply without taking the lock (unsafe with concurrent applies)
${LIVE_HELP}${STACK_HELP}
With --stack (or a plan saved by 'pipec plan --stack --out'), deploys the cloudformation
target's stacks by executing their change sets in order, printing each stack event as it
arrives and each stack's outcome; a failed stack shows its failing resources and the rollback.

Before writing, apply checks what the pipelines rely on, as plan does (role, artifact buckets,
CodeBuild projects), and changes nothing when something is missing.

Exit status: 0 every pipeline applied, 1 any pipeline failed, was left alone or has an unknown
outcome, or relies on what does not exist (or an error), 2 bad usage, 130 interrupted.
`;

export const FLAGS = {
  ...LIVE_FLAGS,
  ...STACK_FLAGS,
  'auto-approve': { type: 'bool' },
  format: { type: 'string', short: 'f', values: ['text', 'json'] },
  'lock-timeout': { type: 'string' },
  lock: { type: 'bool' },
} as const;

const INTERRUPTED = 130;

/** `pipec apply`: carries out a saved plan, or plans, confirms and carries out. */
export async function run(argv: string[], rawCtx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, rawCtx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const savedAt = positionals.length === 1 && /\.json$/i.test(positionals[0] as string) ? (positionals[0] as string) : undefined;
  if (savedAt !== undefined && isStackPlanText(readSavedText(rawCtx, savedAt))) return runStackApply(rawCtx, flags, positionals, savedAt);
  if (flags.stack) {
    if (flags.prune) throw new UsageError("--prune is for pipeline mode; with --stack, delete a pipeline's stacks with aws cloudformation delete-stack");
    if (savedAt !== undefined) throw new UsageError(`${savedAt} is a pipeline-mode plan; apply it without --stack, or plan again with 'pipec plan --stack --out ${shellWord(savedAt)}'`);
    return runStackApply(rawCtx, flags, positionals, undefined);
  }
  if (flags['account-profile']) throw new UsageError('--account-profile goes with --stack');
  if (flags['template-bucket']) throw new UsageError('--template-bucket goes with --stack');
  const settings = awsSettings(flags, rawCtx);
  const limit = concurrency(flags);
  const lockWait = lockTimeoutMs(flags['lock-timeout']);
  const adopt = (flags.adopt as string[] | undefined) ?? [];
  const json = flags.format === 'json';
  const savedPath = positionals.length === 1 && /\.json$/i.test(positionals[0] as string) ? (positionals[0] as string) : undefined;

  let saved: SavedPlan | undefined;
  let compiled: CompiledConfiguration | undefined;
  if (savedPath !== undefined) {
    saved = readSavedPlan(rawCtx, savedPath);
    if (!saved) return EXIT.PROBLEMS;
    const named = (flags.pipeline as string[] | undefined) ?? [];
    if (named.length > 0) throw new UsageError(`--pipeline is decided when planning; make the plan again with 'pipec plan ${named.map((n) => `--pipeline ${shellWord(n)}`).join(' ')} --out ${shellWord(savedPath)}'`);
    if (adopt.length > 0) throw new UsageError(`--adopt is decided when planning; make the plan again with 'pipec plan --adopt ${shellWord(adopt.join(','))} --out ${shellWord(savedPath)}'`);
    if (flags.prune && !saved.options.prune) throw new UsageError(`${savedPath} was planned without --prune; make the plan again with 'pipec plan --prune --out ${shellWord(savedPath)}'`);
    const differ = inputsDiffer(rawCtx, saved);
    if (differ.length > 0) {
      rawCtx.stderr.write(`pipec: refusing to apply ${savedPath}: it was made from other input files (${differ.join(', ')}); make a new plan\n`);
      return EXIT.PROBLEMS;
    }
    compiled = compileDesired(rawCtx, saved.inputs.discovered ? [] : saved.inputs.files.map((f) => f.path), saved.options.adopt, { ...flags, pipeline: saved.options.pipelines, prune: saved.options.prune });
  } else {
    if (!flags['auto-approve'] && !rawCtx.stdinIsTTY)
      throw new UsageError("apply asks for confirmation, but there is no terminal to ask on: pass --auto-approve, or apply a saved plan ('pipec plan --out plan.json', then 'pipec apply plan.json')");
    if (!flags['auto-approve'] && json) throw new UsageError('--format json shows no plan to confirm: pass --auto-approve, or apply a saved plan');
    compiled = compileDesired(rawCtx, positionals, adopt, flags);
  }
  if (!compiled) return EXIT.PROBLEMS;
  const config = compiled;
  const ctx: CliContext = { ...rawCtx, stdout: scrubbing(rawCtx.stdout, () => config.secrets), stderr: scrubbing(rawCtx.stderr, () => config.secrets) };
  const color = useColor(ctx, ctx.stdout, flags.color as boolean | undefined);
  if (saved && savedPath && saved.plan.project !== config.project) {
    ctx.stderr.write(`pipec: refusing to apply ${savedPath}: it is a plan for project '${saved.plan.project}', and its input files here are project '${config.project}'${config.projectFrom === 'directory' ? " (the directory's name: name the project with 'project:')" : ''}. Nothing was changed.\n`);
    return EXIT.PROBLEMS;
  }
  const clients = await sdkClientProvider(settings);
  if (saved && savedPath && !(await checkBinding(ctx, savedPath, saved, settings, clients, flags.region as string | undefined))) return EXIT.PROBLEMS;

  // Ctrl-C: while reading, stop at once (nothing written yet); while writing, finish what is in flight.
  let phase: 'reading' | 'writing' = 'reading';
  let interrupts = 0;
  const unsubscribe = subscribeInterrupt(ctx, () => {
    interrupts++;
    if (phase === 'reading') clients.abort();
    else if (interrupts === 1) ctx.stderr.write('\npipec: interrupted: starting no more writes, waiting for those in flight (Ctrl-C again abandons them)\n');
    else {
      ctx.stderr.write('\npipec: interrupted again: abandoning the writes in flight; their outcome is unknown\n');
      clients.abort();
    }
  });
  let lock: HeldLock | undefined;
  try {
    if (flags.lock !== false) {
      let at;
      try {
        at = await lockLocation(config.lockHolder, config.project, clients);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        printFailures(ctx, [e as never]);
        return EXIT.PROBLEMS;
      }
      lock = await takeLock(ctx, clients, at, config.project, lockWait, () => interrupts > 0);
      if (!lock) return interrupts > 0 ? INTERRUPTED : EXIT.PROBLEMS;
    }
    const plan = await derivePlan(ctx, config, clients, limit, saved, savedPath, flags.prune === true, adopt);
    if (interrupts > 0) {
      ctx.stderr.write('pipec: interrupted before any change; nothing was changed\n');
      return INTERRUPTED;
    }
    if (!plan) return EXIT.PROBLEMS;
    if (!saved && !json) ctx.stdout.write(renderText(plan, { color }));
    // What the pipelines rely on is checked now, also for a saved plan: it may have been deleted since.
    if (!(await checkDependencies(ctx, settings, clients, plan))) {
      ctx.stderr.write('pipec: nothing was changed\n');
      return EXIT.PROBLEMS;
    }
    if (!saved && hasChanges(plan) && !flags['auto-approve'] && !(await confirmYes(ctx, "\nDo you want to apply these changes? Only 'yes' is accepted: ", () => interrupts > 0))) {
      ctx.stdout.write('Apply cancelled; nothing was changed.\n');
      return interrupts > 0 ? INTERRUPTED : EXIT.PROBLEMS;
    }
    if (!json && !hasChanges(plan) && !plan.pipelines.some((p) => p.action === 'conflict')) {
      ctx.stdout.write('No changes; nothing to apply.\n');
      return EXIT.OK;
    }
    phase = 'writing';
    interrupts = 0;
    const outcomes = await applyPlan(plan, clients, { concurrency: limit, project: config.project, interrupted: () => interrupts > 0 });
    ctx.stdout.write(json ? renderOutcomesJson(outcomes) : renderOutcomesText(outcomes, { color }));
    if (interrupts > 0) return INTERRUPTED;
    return applySucceeded(outcomes) ? EXIT.OK : EXIT.PROBLEMS;
  } finally {
    await lock?.release();
    unsubscribe();
  }
}

/**
 * The plan to carry out: made now from the configuration, or, for a saved plan, derived again
 * from its inputs and options and compared with it entry by entry. Undefined after printing why not.
 */
async function derivePlan(ctx: CliContext, config: CompiledConfiguration, clients: ClientProvider, limit: number, saved: SavedPlan | undefined, savedPath: string | undefined, prune: boolean, adopt: readonly string[]): Promise<Plan | undefined> {
  const result = await buildPlan(config.desired, clients, {
    project: config.project,
    projectFrom: config.projectFrom,
    prune: saved ? saved.options.prune : prune,
    adopt: new Set(saved ? saved.options.adopt : adopt),
    concurrency: limit,
  });
  if (!result.ok) {
    printFailures(ctx, result.failures);
    return undefined;
  }
  if (!saved) return result.plan;
  const mismatch = compareWithDerived(saved, result.plan);
  if (mismatch.drift.length > 0) {
    ctx.stderr.write(`pipec: refusing to apply ${savedPath}: the live pipelines are no longer what was planned against:\n${mismatch.drift.map((d) => `  - ${d}\n`).join('')}Nothing was changed. Make a new plan and review it.\n`);
    return undefined;
  }
  if (mismatch.edits.length > 0) {
    ctx.stderr.write(`pipec: refusing to apply ${savedPath}: it is not the plan its inputs give (was it edited?):\n${mismatch.edits.map((d) => `  - ${d}\n`).join('')}Nothing was changed. Make a new plan and review it.\n`);
    return undefined;
  }
  return result.plan;
}
