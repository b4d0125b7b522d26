import { createInterface } from 'node:readline';
import { pendingApprovals, type PendingApproval } from '../../ops/approvals.js';
import { toJsonText } from '../../ops/render/json.js';
import { ago, short } from '../../ops/time.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { say, parseOpsArgs, noMoreArgs, OPS_FLAGS, OPS_HELP, OpsProblem, opsSession, pipelineArg, reportingFailures, type OpsSession } from '../ops-options.js';

export const HELP = `Usage: pipec approve NAME [STAGE.ACTION] [options]

Approves (or with --reject rejects) a manual approval waiting in the pipeline. pipec finds
the waiting approval and its token itself. When several are waiting, name one as
STAGE.ACTION (or just ACTION, or the execution id); on a terminal pipec asks which.

Options:
      --reject        reject instead of approve: the action fails, and so does the execution
  -m, --summary TEXT  the comment recorded with the answer (default: "Approved with pipec" /
                      "Rejected with pipec")
${OPS_HELP}
Exit status: 0 answered, 1 nothing (or not that) waiting, an approval already answered or
expired, or AWS refused, 2 bad usage.
`;

const FLAGS = { ...OPS_FLAGS, reject: { type: 'bool' }, summary: { type: 'string', short: 'm' } } as const;

/** `pipec approve`: PutApprovalResult for the waiting approval. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseOpsArgs(argv, FLAGS, HELP, ctx);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const name = pipelineArg(positionals, 'approve', ' [STAGE.ACTION]');
  noMoreArgs(positionals, 2, 'approve');
  const wanted = positionals[1];
  const session = opsSession(ctx, flags);
  return reportingFailures(ctx, async () => {
    const client = await session.clientFor(name);
    const declaration = await client.getPipeline(name);
    const state = await client.getState(name);
    const actions = declaration.executionMode === 'PARALLEL' ? await client.listActionExecutions(name) : undefined;
    const pending = pendingApprovals(declaration, state, actions);
    const chosen = await choose(ctx, session, name, pending, wanted);
    const status = flags.reject ? 'Rejected' : 'Approved';
    const summary = (flags.summary as string | undefined) ?? `${status} with pipec`;
    await client.putApproval(name, chosen.stage, chosen.action, chosen.token, { status, summary });
    if (flags.format === 'json') ctx.stdout.write(toJsonText({ pipeline: name, stage: chosen.stage, action: chosen.action, pipelineExecutionId: chosen.executionId ?? null, status, summary }));
    else say(ctx, flags, 'stdout', `${status} ${chosen.stage}.${chosen.action} of ${name}${chosen.executionId ? ` (execution ${chosen.executionId})` : ''}: "${summary}".\n`);
    return EXIT.OK;
  });
}

/** The approval to answer: the one named, the only one, or the one picked on a terminal. */
async function choose(ctx: CliContext, session: OpsSession, name: string, pending: PendingApproval[], wanted: string | undefined): Promise<PendingApproval> {
  const label = (p: PendingApproval) => `${p.stage}.${p.action}`;
  const describe = (p: PendingApproval) => `${label(p)}${p.executionId ? ` (execution ${short(p.executionId)}` : ' ('}${p.since ? `, waiting since ${ago(p.since, session.now())}` : ''})${p.message ? `: ${p.message}` : ''}`;
  if (pending.length === 0) throw new OpsProblem(`nothing to approve: no manual approval of '${name}' is waiting`);
  let candidates = pending;
  if (wanted) {
    candidates = pending.filter((p) => label(p) === wanted || p.action === wanted || p.executionId === wanted);
    if (candidates.length === 0) throw new OpsProblem(`'${wanted}' is not waiting for approval in '${name}'; waiting: ${pending.map(label).join(', ')}`);
  }
  if (candidates.length === 1) return candidates[0] as PendingApproval;
  if (!(ctx.stdinIsTTY && ctx.stderr.isTTY))
    throw new OpsProblem(`${candidates.length} approvals are waiting in '${name}': ${candidates.map(describe).join('; ')}. Name one: pipec approve ${name} STAGE.ACTION`);
  ctx.stderr.write(`${candidates.length} approvals are waiting in ${name}:\n${candidates.map((p, i) => `  ${i + 1}) ${describe(p)}\n`).join('')}Which one? [1-${candidates.length}]: `);
  const rl = createInterface({ input: ctx.stdin ?? process.stdin, terminal: false });
  const answer = await new Promise<string>((done) => {
    rl.once('line', done);
    rl.once('close', () => done(''));
  });
  rl.close();
  const n = Number(answer.trim());
  const pick = Number.isInteger(n) ? candidates[n - 1] : undefined;
  if (!pick) throw new OpsProblem(`no approval chosen ('${answer.trim()}'); nothing was answered`);
  return pick;
}
