import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareInputs } from '../live/plan-file.js';
import { applyStackPlan, checkStackPlanHolds, type StackProgress } from '../live/stack/apply.js';
import type { StackClientProvider } from '../live/stack/client.js';
import { parseStackPlan } from '../live/stack/plan-file.js';
import type { StackModePlan } from '../live/stack/plan.js';
import { eventLine, renderStackOutcomesJson, renderStackOutcomesText, renderStackText, resourceLine, stackApplySucceeded, stackPlanHasChanges } from '../live/stack/render.js';
import { cloudFormationEndpoint, sdkStackClientProvider } from '../live/stack/sdk-client.js';
import { palette } from '../live/render/text.js';
import { confirmYes } from './confirm.js';
import { useColor, type CliContext } from './context.js';
import { EXIT, UsageError } from './exit-codes.js';
import { awsSettings, currentInputs, printFailures } from './live-options.js';
import { accountProfiles, discardChangeSets, planStacks, POLL_MS, prepareStacks } from './stack-mode.js';

/** The longest apply waits for one stack to settle before reporting it as timed out (CloudFormation goes on). */
export const STACK_TIMEOUT_MS = 60 * 60_000;

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Progress for people: a line per stack event as it arrives; on a terminal, a spinner line with
 * the stack being waited on and its status, rewritten in place and cleared before each event line.
 */
export function progressPrinter(ctx: CliContext, out: CliContext['stdout'], color: boolean): StackProgress & { stop(): void } {
  const c = palette(color);
  const tty = out.isTTY === true;
  let spin = 0;
  let shown = false;
  let since = Date.now();
  const clear = () => {
    if (shown) out.write('\r\x1b[K');
    shown = false;
  };
  return {
    started(p) {
      since = Date.now();
      clear();
      out.write(`Deploying stack ${p.target.stackName} (${p.target.region})...\n`);
    },
    event(p, e) {
      clear();
      out.write(`${eventLine(p, e, c)}\n`);
    },
    planned(p) {
      clear();
      out.write(`Planned stack ${p.target.stackName} now that the stacks it reads from are deployed:\n`);
      for (const r of p.resourceChanges) out.write(`    ${resourceLine(r, c)}\n`);
    },
    waiting(p, status) {
      if (!tty) return;
      clear();
      out.write(`${SPINNER[spin++ % SPINNER.length]} waiting for ${p.target.stackName}: ${status} (${Math.round((Date.now() - since) / 1000)} s)`);
      shown = true;
    },
    stop: clear,
  };
}

/** `pipec apply --stack` (or `pipec apply stack-plan.json`): executes the change sets, following each stack's events. */
export async function runStackApply(ctx: CliContext, flags: Record<string, unknown>, positionals: readonly string[], savedPath: string | undefined): Promise<number> {
  const json = flags.format === 'json';
  const color = useColor(ctx, ctx.stdout, flags.color as boolean | undefined);
  let plan: StackModePlan;
  let clients: StackClientProvider;
  if (savedPath !== undefined) {
    const parsed = parseStackPlan(readFileSync(resolve(ctx.cwd, savedPath), 'utf8'));
    if (!parsed.ok) {
      ctx.stderr.write(`pipec: cannot use ${savedPath} as a plan: ${parsed.problem}\n`);
      return EXIT.PROBLEMS;
    }
    const saved = parsed.saved;
    if ((flags['account-profile'] as string[] | undefined)?.length) throw new UsageError(`--account-profile is decided when planning; ${savedPath} uses the profiles it was planned with`);
    const inputs = compareInputs(saved.inputs, currentInputs(ctx, saved.inputs));
    if (inputs.length > 0) {
      ctx.stderr.write(`pipec: refusing to apply ${savedPath}: it was made from other input files (${inputs.join(', ')}); make a new plan\n`);
      return EXIT.PROBLEMS;
    }
    clients = await sdkStackClientProvider(awsSettings(flags, ctx), cloudFormationEndpoint(flags['endpoint-url'] as string | undefined, ctx.env));
    let drift: string[];
    try {
      drift = await checkStackPlanHolds(saved.plan, clients);
    } catch (e) {
      printFailures(ctx, [e as never]);
      return EXIT.PROBLEMS;
    }
    if (drift.length > 0) {
      ctx.stderr.write(`pipec: refusing to apply ${savedPath}: the stacks are no longer what was planned against:\n${drift.map((d) => `  - ${d}\n`).join('')}Nothing was changed. Make a new plan and review it.\n`);
      return EXIT.PROBLEMS;
    }
    plan = saved.plan;
  } else {
    accountProfiles(flags);
    if (!flags['auto-approve'] && !ctx.stdinIsTTY)
      throw new UsageError("apply asks for confirmation, but there is no terminal to ask on: pass --auto-approve, or apply a saved plan ('pipec plan --stack --out plan.json', then 'pipec apply plan.json')");
    if (!flags['auto-approve'] && json) throw new UsageError('--format json shows no plan to confirm: pass --auto-approve, or apply a saved plan');
    const setup = await prepareStacks(ctx, flags, positionals);
    if (!setup) return EXIT.PROBLEMS;
    clients = setup.clients;
    const result = await planStacks(setup, flags, true);
    if (!result.ok) {
      printFailures(ctx, result.failures);
      return EXIT.PROBLEMS;
    }
    plan = result.plan;
    if (!json) ctx.stdout.write(renderStackText(plan, { color }));
    if (stackPlanHasChanges(plan) && !flags['auto-approve'] && !(await confirmYes(ctx, "\nDo you want to deploy these stacks? Only 'yes' is accepted: "))) {
      await discardChangeSets(plan, clients);
      ctx.stdout.write('Apply cancelled; nothing was changed.\n');
      return EXIT.PROBLEMS;
    }
  }
  if (!stackPlanHasChanges(plan) && plan.stacks.every((s) => s.action === 'no-op')) {
    if (!json) ctx.stdout.write('No changes; nothing to apply.\n');
    else ctx.stdout.write(renderStackOutcomesJson(plan.stacks.map((s) => ({ stack: s.target.stackName, pipeline: s.target.pipeline, region: s.target.region, status: 'unchanged' }))));
    return EXIT.OK;
  }
  const progress = progressPrinter(ctx, json ? ctx.stderr : ctx.stdout, json ? false : color);
  const outcomes = await applyStackPlan(plan, clients, { timeoutMs: STACK_TIMEOUT_MS, pollMs: POLL_MS, runId: `apply-${Date.now().toString(36)}`, progress });
  progress.stop();
  ctx.stdout.write(json ? renderStackOutcomesJson(outcomes) : renderStackOutcomesText(outcomes, { color }));
  return stackApplySucceeded(outcomes) ? EXIT.OK : EXIT.PROBLEMS;
}
