import { resolve } from 'node:path';
import { compile } from '../compiler/compile.js';
import { Diagnostics } from '../compiler/diagnostics.js';
import type { ClientProvider } from '../live/client.js';
import { AwsFailure, describeFailure } from '../live/errors.js';
import { fingerprintInputs, type InputsFingerprint } from '../live/plan-file.js';
import { runPool } from '../live/pool.js';
import { sdkClientProvider } from '../live/sdk-client.js';
import type { StackClientProvider } from '../live/stack/client.js';
import { compileCommand } from '../live/stack/commands.js';
import { discardKept, planPipelineStacks, type StackModePlan, type StackPipeline, type StackPlan } from '../live/stack/plan.js';
import { STACK_PLAN_FORMAT, STACK_PLAN_FORMAT_VERSION, serializeStackPlan } from '../live/stack/plan-file.js';
import { renderStackJson, renderStackMarkdown, renderStackText, stackCounts, stackPlanHasChanges } from '../live/stack/render.js';
import { cloudFormationEndpoint, sdkStackClientProvider } from '../live/stack/sdk-client.js';
import { stackTargets } from '../live/stack/targets.js';
import { accountOf } from '../targets/cloudformation/accounts.js';
import { checkRoleBudget } from '../targets/cloudformation/role-budget.js';
import type { EmitFacts } from '../targets/types.js';
import { VERSION } from '../version.js';
import { useColor, type CliContext } from './context.js';
import { EXIT, UsageError } from './exit-codes.js';
import { readInputs } from './io.js';
import { awsSettings, concurrency, printFailures } from './live-options.js';
import { compileInputs, inputPaths, report, selectPipelines } from './pipeline-input.js';
import { writeFileAtomically } from './output-path.js';
import { checkStackRoles } from './preflight.js';
import { projectOf } from './project.js';
import { shellWord } from '../targets/shell.js';
import { TEMPLATE_BUCKET_FLAGS, TEMPLATE_BUCKET_HELP, templateBuckets } from './template-bucket.js';
import { uploadLargeTemplates } from '../live/stack/template-upload.js';

/** Flags plan and apply take for stack mode. */
export const STACK_FLAGS = {
  stack: { type: 'bool' },
  'account-profile': { type: 'list' },
  ...TEMPLATE_BUCKET_FLAGS,
} as const;

export const STACK_HELP = `      --stack         plan/apply the cloudformation target's stacks through change sets
                      (support stacks first: artifacts, regions, accounts)
      --account-profile ACCOUNT=PROFILE
                      with --stack: the AWS profile for stacks in another account (repeatable)
${TEMPLATE_BUCKET_HELP.replace("limit (", "limit, with --stack (")}`;

/** How long plan waits for CloudFormation to compute a change set, and how often it asks. */
export const CHANGE_SET_WAIT_MS = 5 * 60_000;
export const POLL_MS = 2_000;

/** --account-profile 222222222222=prod,333333333333=test as a map; anything else is a usage error. */
export function accountProfiles(flags: Record<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  for (const raw of (flags['account-profile'] as string[] | undefined) ?? []) {
    const m = /^(\d{12})=(\S+)$/.exec(raw);
    if (!m) throw new UsageError(`option '--account-profile' takes ACCOUNT=PROFILE with a 12-digit account id, as in --account-profile 222222222222=prod, not '${raw}'`);
    if (map.has(m[1] as string) && map.get(m[1] as string) !== m[2]) throw new UsageError(`--account-profile names two profiles for account ${m[1]}`);
    map.set(m[1] as string, m[2] as string);
  }
  return map;
}

/** Compiled pipelines turned into their stacks, with the clients stack mode uses. */
export interface StackSetup {
  pipelines: StackPipeline[];
  inputs: InputsFingerprint;
  clients: StackClientProvider;
  pipelineClients: ClientProvider;
}

/** Compiles the inputs and builds every pipeline's stacks; undefined after printing what is wrong. */
export async function prepareStacks(ctx: CliContext, flags: Record<string, unknown>, positionals: readonly string[]): Promise<StackSetup | undefined> {
  const settings = awsSettings(flags, ctx);
  const buckets = templateBuckets(flags);
  if (positionals.includes('-')) throw new UsageError("plan and apply read pipeline files, not standard input ('-'): a saved plan must be able to read its inputs again");
  const paths = inputPaths(ctx, positionals);
  const diags = paths.length === 0 ? compileInputs(ctx, positionals).diagnostics : new Diagnostics();
  const files = paths.length === 0 ? [] : readInputs(paths, ctx.cwd, diags);
  const all = paths.length === 0 ? { pipelines: [], diagnostics: diags } : compile(files, diags);
  const result = selectPipelines(all, flags.pipeline as string[] | undefined);
  if (report(ctx, result, flags, 'text', 'stderr').failed) return undefined;
  const compiled = result.pipelines;
  // The project of pipeline mode (the same rule, over the whole configuration): the stacks carry its tag.
  const { project } = projectOf(all.pipelines, ctx.cwd, paths);
  const pipelineClients = await sdkClientProvider(settings);
  let defaultRegion = '';
  if (compiled.some((c) => !c.ir.region)) {
    try {
      defaultRegion = await pipelineClients.defaultRegion();
    } catch (e) {
      printFailures(ctx, [describeFailure(e, { operation: 'resolving the AWS region', endpoint: 'AWS' })]);
      return undefined;
    }
  }
  const pipelines: StackPipeline[] = [];
  const unwired: string[] = [];
  const emitDiags = new Diagnostics();
  const facts: EmitFacts = { rolePolicies: [] };
  for (const { ir } of compiled) {
    const built = stackTargets(ir, defaultRegion, emitDiags, project, facts, buckets);
    unwired.push(...built.unwired);
    const account = ir.account ?? accountOf(ir.roleArn);
    pipelines.push({ name: ir.name, ...(account ? { account } : {}), targets: built.targets });
  }
  checkRoleBudget(facts.rolePolicies, emitDiags);
  if (report(ctx, { pipelines: compiled, diagnostics: emitDiags }, flags, 'text', 'stderr').failed) return undefined;
  if (unwired.length > 0) {
    for (const u of unwired) ctx.stderr.write(`pipec: ${u}\n`);
    return undefined;
  }
  if (!(await checkStackRoles(ctx, settings, pipelineClients, compiled.map((c) => c.ir), defaultRegion || compiled[0]?.ir.region || 'us-east-1'))) return undefined;
  // Templates over the inline limit go to their region's bucket first: before any change set, so a bucket that fails changes nothing.
  try {
    await uploadLargeTemplates(pipelines, { buckets, settings, profiles: accountProfiles(flags), defaultRegion });
  } catch (e) {
    printFailures(ctx, [describeFailure(e, { operation: 'uploading a stack template', endpoint: 'S3', service: 'S3' })]);
    return undefined;
  }
  const clients = await sdkStackClientProvider(settings, cloudFormationEndpoint(flags['endpoint-url'] as string | undefined, ctx.env));
  return { pipelines, inputs: fingerprintInputs(files, positionals.length === 0), clients, pipelineClients };
}

/** Plans every pipeline's stacks (pipelines side by side, each pipeline's stacks in order). */
export async function planStacks(setup: StackSetup, flags: Record<string, unknown>, keep: boolean): Promise<{ ok: true; plan: StackModePlan } | { ok: false; failures: AwsFailure[] }> {
  const runId = `plan-${Date.now().toString(36)}`;
  const profiles = accountProfiles(flags);
  const results = await runPool(setup.pipelines, concurrency(flags), (p) =>
    planPipelineStacks(p, setup.clients, {
      accountProfiles: profiles,
      keep,
      adopt: new Set((flags.adopt as string[] | undefined) ?? []),
      runId,
      pipelines: (region) => setup.pipelineClients.forRegion(region),
      waitMs: CHANGE_SET_WAIT_MS,
      pollMs: POLL_MS,
      templatesDir: 'out',
      compileCommand: compileCommand('out', setup.pipelines.flatMap((x) => x.targets)),
    }),
  );
  const stacks: StackPlan[] = [];
  const failures: AwsFailure[] = [];
  results.forEach((r, i) => {
    if (r.status === 'done') stacks.push(...r.value);
    else if (r.status === 'failed') failures.push(describeFailure(r.error, { operation: 'planning the stacks', pipeline: setup.pipelines[i]?.name ?? '', endpoint: 'CloudFormation', service: 'CloudFormation' }));
  });
  if (failures.length === 0) return { ok: true, plan: { stacks } };
  // No plan is saved: the change sets the other pipelines' plans kept would be left behind.
  await discardKept(stacks, setup.clients);
  return { ok: false, failures };
}

/** `pipec plan --stack`: shows each stack's change set; with --out keeps them and saves the plan. */
export async function runStackPlan(ctx: CliContext, flags: Record<string, unknown>, positionals: readonly string[]): Promise<number> {
  const profiles = accountProfiles(flags);
  const setup = await prepareStacks(ctx, flags, positionals);
  if (!setup) return EXIT.PROBLEMS;
  const out = flags.out as string | undefined;
  const result = await planStacks(setup, flags, out !== undefined);
  if (!result.ok) {
    printFailures(ctx, result.failures);
    return EXIT.PROBLEMS;
  }
  const plan = result.plan;
  const format = (flags.format as string | undefined) ?? 'text';
  ctx.stdout.write(format === 'json' ? renderStackJson(plan) : format === 'markdown' ? renderStackMarkdown(plan) : renderStackText(plan, { color: useColor(ctx, ctx.stdout, flags.color as boolean | undefined) }));
  if (out !== undefined) {
    // Whole or not at all, no temporary file left behind; the path was checked before any AWS call (plan.ts).
    writeFileAtomically(ctx.cwd, resolve(ctx.cwd, out), serializeStackPlan({ format: STACK_PLAN_FORMAT, formatVersion: STACK_PLAN_FORMAT_VERSION, pipecVersion: VERSION, inputs: setup.inputs, accountProfiles: Object.fromEntries([...profiles].sort()), plan }));
    if (format === 'text') ctx.stderr.write(`Saved the plan to ${out}, with its change sets kept in CloudFormation; 'pipec apply ${shellWord(out)}' executes exactly them.\n`);
  }
  const blocked = plan.stacks.filter((s) => s.action === 'blocked');
  for (const s of blocked) ctx.stderr.write(`pipec: ${s.reason ?? ''}\n`);
  if (blocked.length > 0) return EXIT.PROBLEMS;
  return flags['detailed-exitcode'] === true && (stackPlanHasChanges(plan) || stackCounts(plan).manual > 0) ? 2 : EXIT.OK;
}

/** Deletes the change sets a plan kept (and the empty stacks CREATE change sets made), e.g. after a cancelled apply. */
export async function discardChangeSets(plan: StackModePlan, clients: StackClientProvider): Promise<void> {
  await discardKept(plan.stacks, clients);
}
