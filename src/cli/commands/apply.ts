import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { applyPlan, checkPlanStillHolds } from '../../live/apply.js';
import type { ClientProvider } from '../../live/client.js';
import { compareInputs, parsePlan, type SavedPlan } from '../../live/plan-file.js';
import { buildPlan, type Plan } from '../../live/plan.js';
import { hasChanges } from '../../live/render/common.js';
import { applySucceeded, renderOutcomesJson, renderOutcomesText } from '../../live/render/outcomes.js';
import { renderText } from '../../live/render/text.js';
import { sdkClientProvider } from '../../live/sdk-client.js';
import { parseArgs } from '../args.js';
import { useColor, type CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { LIVE_FLAGS, LIVE_HELP, awsSettings, compileDesired, concurrency, currentInputs, printFailures } from '../live-options.js';
import { runStackApply } from '../stack-apply.js';
import { STACK_FLAGS, STACK_HELP } from '../stack-mode.js';
import { isStackPlanText } from '../../live/stack/plan-file.js';

export const HELP = `Usage: pipec apply [PLAN.json | FILES...] [options]

Brings the live pipelines in line with the configuration: creates the missing ones (tagged
managed-by: pipec), updates the changed ones, and with --prune deletes pipelines pipec manages
that the configuration no longer has. Pipelines pipec did not create are never touched
unless adopted with --adopt NAME.

Given a plan saved with 'pipec plan --out', applies exactly that plan, and refuses it if a
pipeline changed since (its live version differs) or the input files differ.
Given pipeline files (or none: ./pipeline.yml and ./pipelines/*.yml), plans first, shows the
plan, and asks for confirmation on a terminal.

Options:
      --auto-approve  apply without asking (needed when not on a terminal)
  -f, --format FMT    text or json (default text)
${LIVE_HELP}${STACK_HELP}
With --stack (or a plan saved by 'pipec plan --stack --out'), deploys the cloudformation
target's stacks by executing their change sets in order, printing each stack event as it
arrives and each stack's outcome; a failed stack shows its failing resources and the rollback.

Exit status: 0 every pipeline applied, 1 any pipeline failed or was left alone (or an error),
2 bad usage.
`;

export const FLAGS = {
  ...LIVE_FLAGS,
  ...STACK_FLAGS,
  'auto-approve': { type: 'bool' },
  format: { type: 'string', short: 'f', values: ['text', 'json'] },
} as const;

/** `pipec apply`: carries out a saved plan, or plans, confirms and carries out. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help) {
    ctx.stdout.write(HELP);
    return EXIT.OK;
  }
  const settings = awsSettings(flags, ctx);
  const limit = concurrency(flags);
  const adopt = (flags.adopt as string[] | undefined) ?? [];
  const json = flags.format === 'json';
  const color = useColor(ctx, ctx.stdout, flags.color as boolean | undefined);
  const savedPath = positionals.length === 1 && /\.json$/i.test(positionals[0] as string) ? (positionals[0] as string) : undefined;
  if (savedPath !== undefined && isStackPlanText(readSavedText(ctx, savedPath))) return runStackApply(ctx, flags, positionals, savedPath);
  if (flags.stack) {
    if (flags.prune) throw new UsageError('--prune is for pipeline mode; with --stack, delete a pipeline\'s stacks with aws cloudformation delete-stack');
    if (savedPath !== undefined) throw new UsageError(`${savedPath} is a pipeline-mode plan; apply it without --stack, or plan again with 'pipec plan --stack --out ${savedPath}'`);
    return runStackApply(ctx, flags, positionals, undefined);
  }
  if (flags['account-profile']) throw new UsageError('--account-profile goes with --stack');

  let plan: Plan;
  let clients: ClientProvider;
  if (savedPath !== undefined) {
    const saved = readSavedPlan(ctx, savedPath);
    if (!saved) return EXIT.PROBLEMS;
    if ((flags.pipeline as string[] | undefined)?.length) throw new UsageError(`--pipeline is decided when planning; make the plan again with 'pipec plan --pipeline NAME --out ${savedPath}'`);
    if (adopt.length > 0) throw new UsageError(`--adopt is decided when planning; make the plan again with 'pipec plan --adopt ${adopt.join(',')} --out ${savedPath}'`);
    if (flags.prune && !saved.plan.prune) throw new UsageError(`${savedPath} was planned without --prune; make the plan again with 'pipec plan --prune --out ${savedPath}'`);
    const inputs = compareInputs(saved.inputs, currentInputs(ctx, saved.inputs));
    if (inputs.length > 0) {
      ctx.stderr.write(`pipec: refusing to apply ${savedPath}: it was made from other input files (${inputs.join(', ')}); make a new plan\n`);
      return EXIT.PROBLEMS;
    }
    clients = await sdkClientProvider(settings);
    const check = await checkPlanStillHolds(saved.plan, clients, limit);
    if (check.failures.length > 0) {
      printFailures(ctx, check.failures);
      return EXIT.PROBLEMS;
    }
    if (check.drift.length > 0) {
      ctx.stderr.write(`pipec: refusing to apply ${savedPath}: the live pipelines are no longer what was planned against:\n${check.drift.map((d) => `  - ${d}\n`).join('')}Nothing was changed. Make a new plan and review it.\n`);
      return EXIT.PROBLEMS;
    }
    plan = saved.plan;
  } else {
    if (!flags['auto-approve'] && !ctx.stdinIsTTY)
      throw new UsageError("apply asks for confirmation, but there is no terminal to ask on: pass --auto-approve, or apply a saved plan ('pipec plan --out plan.json', then 'pipec apply plan.json')");
    if (!flags['auto-approve'] && json) throw new UsageError('--format json shows no plan to confirm: pass --auto-approve, or apply a saved plan');
    const compiled = compileDesired(ctx, positionals, adopt, flags);
    if (!compiled) return EXIT.PROBLEMS;
    clients = await sdkClientProvider(settings);
    const result = await buildPlan(compiled.desired, clients, { prune: flags.prune === true, adopt: new Set(adopt), concurrency: limit });
    if (!result.ok) {
      printFailures(ctx, result.failures);
      return EXIT.PROBLEMS;
    }
    plan = result.plan;
    if (!json) ctx.stdout.write(renderText(plan, { color }));
    if (hasChanges(plan) && !flags['auto-approve'] && !(await confirm(ctx))) {
      ctx.stdout.write('Apply cancelled; nothing was changed.\n');
      return EXIT.PROBLEMS;
    }
  }
  if (!json && !hasChanges(plan) && !plan.pipelines.some((p) => p.action === 'conflict')) {
    ctx.stdout.write('No changes; nothing to apply.\n');
    return EXIT.OK;
  }
  const outcomes = await applyPlan(plan, clients, { concurrency: limit });
  ctx.stdout.write(json ? renderOutcomesJson(outcomes) : renderOutcomesText(outcomes, { color }));
  return applySucceeded(outcomes) ? EXIT.OK : EXIT.PROBLEMS;
}

/** The file's text, or '' when it cannot be read (readSavedPlan then says why). */
function readSavedText(ctx: CliContext, path: string): string {
  try {
    return readFileSync(resolve(ctx.cwd, path), 'utf8');
  } catch {
    return '';
  }
}

function readSavedPlan(ctx: CliContext, path: string): SavedPlan | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, path), 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    ctx.stderr.write(`pipec: cannot read the plan ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message}\n`);
    return undefined;
  }
  const parsed = parsePlan(text);
  if (!parsed.ok) {
    ctx.stderr.write(`pipec: cannot use ${path} as a plan: ${parsed.problem}\n`);
    return undefined;
  }
  return parsed.saved;
}

/** Asks on the terminal; only `yes` goes ahead. */
async function confirm(ctx: CliContext): Promise<boolean> {
  ctx.stdout.write("\nDo you want to apply these changes? Only 'yes' is accepted: ");
  const rl = createInterface({ input: ctx.stdin ?? process.stdin, terminal: false });
  const answer = await new Promise<string>((done) => {
    rl.once('line', done);
    rl.once('close', () => done(''));
  });
  rl.close();
  return answer.trim() === 'yes';
}
