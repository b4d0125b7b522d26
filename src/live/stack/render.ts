import { palette, pipelineBlock } from '../render/text.js';
import type { StackOutcome } from './apply.js';
import type { ResourceChange, StackEvent } from './client.js';
import type { StackModePlan, StackPlan } from './plan.js';
import type { SecurityChange } from './security.js';

type Palette = ReturnType<typeof palette>;

/** Counts for the summary line. */
export function stackCounts(plan: StackModePlan) {
  const n = (a: StackPlan['action']) => plan.stacks.filter((s) => s.action === a).length;
  return { create: n('create'), update: n('update'), unchanged: n('no-op'), deferred: n('deferred'), manual: n('manual'), blocked: n('blocked') };
}

/** True when applying the plan would change anything. */
export function stackPlanHasChanges(plan: StackModePlan): boolean {
  return plan.stacks.some((s) => s.action === 'create' || s.action === 'update' || s.action === 'deferred');
}

/** `Plan: 1 stack to create, 2 to update, 3 unchanged.` (+ deferred, manual, blocked when there are any). */
export function stackSummaryLine(plan: StackModePlan): string {
  const c = stackCounts(plan);
  const extra = [c.deferred ? `${c.deferred} to plan during apply` : '', c.manual ? `${c.manual} to deploy in another account` : '', c.blocked ? `${c.blocked} blocked` : ''].filter(Boolean);
  return `Plan: ${c.create} stack${c.create === 1 ? '' : 's'} to create, ${c.update} to update, ${c.unchanged} unchanged${extra.length ? `, ${extra.join(', ')}` : ''}.`;
}

function title(p: StackPlan): string {
  const t = p.target;
  return `stack ${JSON.stringify(t.stackName)} (${t.region}${t.account ? `, account ${t.account}` : ''}${p.profile ? `, profile ${p.profile}` : ''})`;
}

/** One line per resource change: `+` add, `~` modify, `-` remove, `±` replace. */
export function resourceLine(r: ResourceChange, c: Palette): string {
  const replace = r.action === 'Modify' && (r.replacement === 'True' || r.replacement === 'Conditional');
  const mark = r.action === 'Add' ? c.green('+') : r.action === 'Remove' ? c.red('-') : replace ? c.magenta('±') : c.yellow('~');
  const props = r.properties?.length ? ` (${r.properties.join(', ')})` : '';
  const note = replace ? (r.replacement === 'True' ? c.magenta(' replaced') : c.magenta(' may be replaced')) : '';
  return `${mark} ${r.logicalId} ${r.resourceType}${props}${note}`;
}

/** One IAM statement or security group rule, cdk diff style. */
export function securityLine(s: SecurityChange, c: Palette): string {
  const mark = s.op === 'add' ? c.green('+') : c.red('-');
  if (s.kind === 'security-group') return `${mark} ${s.resource} ${s.document}: ${s.rule ?? ''}`;
  if (s.document === 'managed policy') return `${mark} ${s.resource} managed policy ${(s.resources ?? []).join(', ')}`;
  const who = s.principals?.length ? ` for ${s.principals.join(', ')}` : '';
  const on = s.resources?.length ? ` on ${s.resources.join(', ')}` : '';
  return `${mark} ${s.resource} ${s.document}: ${s.effect ?? 'Allow'} ${(s.actions ?? []).join(', ')}${who}${on}${s.condition ? ` when ${s.condition}` : ''}`;
}

function stackBlock(p: StackPlan, c: Palette): string[] {
  if (p.action === 'manual') return [`${c.magenta('!')} ${title(p)}: deploy it in account ${p.target.account} yourself`, `    ${p.reason ?? ''}`, ...(p.command ? [`    ${p.command}`] : [])];
  if (p.action === 'blocked') return [`${c.magenta('!')} ${title(p)}: blocked`, `    ${p.reason ?? ''}`];
  if (p.action === 'deferred') return [`${c.yellow('…')} ${title(p)}: planned during apply`, `    ${p.reason ?? ''}`];
  const head = p.action === 'create' ? `${c.green('+')} ${title(p)}: create` : `${c.yellow('~')} ${title(p)}: update`;
  const lines = [head];
  if (p.pipelineChanges?.length) {
    lines.push(`    pipeline ${JSON.stringify(p.target.pipeline)}:`);
    for (const l of pipelineBlock({ name: p.target.pipeline, region: p.target.region, action: 'update', liveVersion: null, changes: p.pipelineChanges }, c).slice(1)) lines.push(`    ${l}`);
  }
  if (p.resourceChanges.length > 0) {
    lines.push('    resources:');
    for (const r of p.resourceChanges) lines.push(`        ${resourceLine(r, c)}`);
  }
  const iam = p.security.filter((s) => s.kind === 'iam');
  const groups = p.security.filter((s) => s.kind === 'security-group');
  if (iam.length > 0) {
    lines.push(`    ${c.bold('IAM statement changes')} (review them: they widen or narrow what can be done):`);
    for (const s of iam) lines.push(`        ${securityLine(s, c)}`);
  }
  if (groups.length > 0) {
    lines.push(`    ${c.bold('security group changes')}:`);
    for (const s of groups) lines.push(`        ${securityLine(s, c)}`);
  }
  return lines;
}

/** The stack plan for people: a block per stack that changes or needs attention, then the summary line. */
export function renderStackText(plan: StackModePlan, opts: { color: boolean }): string {
  const c = palette(opts.color);
  const out: string[] = [];
  for (const p of plan.stacks) if (p.action !== 'no-op') out.push(...stackBlock(p, c), '');
  const c2 = stackCounts(plan);
  if (!stackPlanHasChanges(plan) && c2.manual + c2.blocked === 0) out.push(`No changes. ${c2.unchanged === 1 ? 'The stack matches' : `All ${c2.unchanged} stacks match`} the configuration.`);
  out.push(c.bold(stackSummaryLine(plan)));
  return out.join('\n') + '\n';
}

/** The stack plan as a pull-request comment. */
export function renderStackMarkdown(plan: StackModePlan): string {
  const out = ['## pipec plan --stack', ''];
  const c = palette(false);
  for (const p of plan.stacks) {
    if (p.action === 'no-op') continue;
    out.push('```diff', ...stackBlock(p, c), '```', '');
  }
  out.push(`**${stackSummaryLine(plan)}**`);
  return out.join('\n') + '\n';
}

/** The stack plan for machines: every stack with its action, changes and change set. */
export function renderStackJson(plan: StackModePlan): string {
  const stacks = plan.stacks.map(({ target, ...rest }) => ({ stack: target.stackName, pipeline: target.pipeline, kind: target.kind, file: target.file, region: target.region, ...(target.account ? { account: target.account } : {}), ...rest }));
  return JSON.stringify({ summary: { ...stackCounts(plan), changes: stackPlanHasChanges(plan), line: stackSummaryLine(plan) }, stacks }, null, 2) + '\n';
}

/** One line per stack event, as apply prints them while it waits. */
export function eventLine(p: StackPlan, e: StackEvent, c: Palette): string {
  const status = /FAILED$/.test(e.status) ? c.red(e.status) : /COMPLETE$/.test(e.status) && !/ROLLBACK/.test(e.status) ? c.green(e.status) : /ROLLBACK/.test(e.status) ? c.magenta(e.status) : e.status;
  return `  ${p.target.stackName} | ${status} | ${e.resourceType} | ${e.logicalId}${e.reason && e.reason !== 'User Initiated' ? ` | ${e.reason}` : ''}`;
}

/** True when every stack ended as planned. */
export function stackApplySucceeded(outcomes: readonly StackOutcome[]): boolean {
  return outcomes.every((o) => o.status === 'created' || o.status === 'updated' || o.status === 'unchanged');
}

/** One line per stack (with its failing resources), then the summary. */
export function renderStackOutcomesText(outcomes: readonly StackOutcome[], opts: { color: boolean }): string {
  const c = palette(opts.color);
  const lines: string[] = [];
  for (const o of outcomes) {
    const who = `stack ${JSON.stringify(o.stack)} (${o.region})`;
    if (o.status === 'created' || o.status === 'updated') lines.push(`${c.green('✓')} ${who}: ${o.status} (${o.stackStatus ?? ''})`);
    else if (o.status === 'unchanged') lines.push(`${c.green('✓')} ${who}: unchanged`);
    else if (o.status === 'failed' || o.status === 'timed-out') {
      lines.push(`${c.red('✗')} ${who}: ${o.status === 'failed' ? 'failed' : 'timed out'}${o.stackStatus ? `; the stack is ${o.stackStatus}${/ROLLBACK_COMPLETE$/.test(o.stackStatus) ? ' (CloudFormation rolled it back)' : ''}` : ''}${o.message ? `: ${o.message}` : ''}`);
      for (const f of o.failures ?? []) lines.push(`    ${f.logicalId} (${f.resourceType}) ${f.status}: ${f.reason}`);
    } else if (o.status === 'skipped') lines.push(`${c.magenta('!')} ${who}: not deployed: ${o.message ?? ''}`);
    else lines.push(`${c.red('✗')} ${who}: ${o.message ?? 'not started'}`);
  }
  const n = (s: StackOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const done = `${n('created')} created, ${n('updated')} updated, ${n('unchanged')} unchanged`;
  if (stackApplySucceeded(outcomes)) lines.push(`Apply complete: ${done}.`);
  else {
    const rest = [n('failed') ? `${n('failed')} failed` : '', n('timed-out') ? `${n('timed-out')} timed out` : '', n('not-started') ? `${n('not-started')} not started` : '', n('skipped') ? `${n('skipped')} not deployed` : ''].filter(Boolean);
    lines.push(c.red(`Apply incomplete: ${done}; ${rest.join(', ')}.`));
  }
  return lines.join('\n') + '\n';
}

/** The outcomes for machines. */
export function renderStackOutcomesJson(outcomes: readonly StackOutcome[]): string {
  return JSON.stringify({ summary: { ok: stackApplySucceeded(outcomes) }, stacks: outcomes }, null, 2) + '\n';
}
