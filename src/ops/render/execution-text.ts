import type { ExecutionAction, ExecutionView } from '../execution.js';
import { duration, short, utc } from '../time.js';
import { firstLine, paint, renderExplanations, table } from './common.js';

/** Options for an execution's text: colour and the current time (for running durations). */
export interface ExecutionTextOptions {
  color: boolean;
  now: number;
}

/** One execution in full: what started it, its revisions, and every action attempt by stage. */
export function renderExecutionText(v: ExecutionView, o: ExecutionTextOptions): string {
  const lines = [`Execution ${v.id} of ${v.pipeline}: ${paint(v.status, o.color)}`];
  if (v.statusSummary) lines.push(`  ${v.statusSummary}`);
  const info: string[][] = [];
  if (v.trigger?.type) info.push(['Trigger', `${v.trigger.type}${v.trigger.detail ? ` (${v.trigger.detail})` : ''}`]);
  if (v.type || v.mode) info.push(['Type', [v.type, v.mode].filter(Boolean).join(', ')]);
  if (v.rollbackTarget) info.push(['Rolls back to', v.rollbackTarget]);
  if (v.start) info.push(['Started', `${utc(v.start)}, ${v.end ? `took ${duration(v.start, v.end)}` : `running for ${duration(v.start, o.now)}`}`]);
  for (const r of v.sourceRevisions) info.push([`Source ${r.action}`, `${r.id}${r.summary ? ` ${firstLine(r.summary)}` : ''}`]);
  for (const x of v.variables) info.push([`Variable ${x.name}`, x.value]);
  if (info.length > 0) lines.push(table(info.map(([k, val]) => [`${k}:`, val as string]), '  '));
  const rows: string[][] = [];
  for (const s of v.stages) {
    if (s.actions.every((a) => a.attempts.length === 0) && s.status === undefined) continue;
    rows.push([s.name, paint(s.status ?? '-', o.color), '', '', s.waitingReason ?? '']);
    for (const a of s.actions) {
      if (a.attempts.length === 0) rows.push([`  ${a.name}`, '-', '', '', '']);
      a.attempts.forEach((t, i) => {
        const label = a.attempts.length > 1 ? `  ${a.name} (${i + 1}/${a.attempts.length})` : `  ${a.name}`;
        rows.push([label, paint(t.status, o.color), t.start ? utc(t.start) : '', t.start ? duration(t.start, t.end ?? o.now) : '', attemptDetail(v, s.name, a, t)]);
      });
    }
  }
  lines.push('', table([['STAGE / ACTION', 'STATUS', 'STARTED', 'TOOK', 'DETAIL'], ...rows], '  '));
  const why = v.explanations.length > 0 ? `\n${renderExplanations(v.explanations)}` : '';
  return `${lines.join('\n')}\n${why}`;
}

function attemptDetail(v: ExecutionView, stage: string, a: ExecutionAction, t: ExecutionAction['attempts'][number]): string {
  if (a.waitingForApproval && t === a.attempts[a.attempts.length - 1]) return `waiting for approval: pipec approve ${v.pipeline} ${stage}.${a.name}`;
  if (t.error) return `${t.error.code ? `${t.error.code}: ` : ''}${firstLine(t.error.message ?? '')}`;
  if (t.summary) return firstLine(t.summary);
  return t.externalId && /^[0-9a-f]{40}$/.test(t.externalId) ? short(t.externalId) : '';
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The live view's frame on a terminal: stages and actions with elapsed times and a spinner on running ones. */
export function renderWatchFrame(v: ExecutionView, o: ExecutionTextOptions & { tick: number }): string[] {
  const spin = SPINNER[o.tick % SPINNER.length] as string;
  const lines = [`${v.pipeline} ${short(v.id)}  ${paint(v.status, o.color)}  ${v.start ? duration(v.start, v.end ?? o.now) : ''}`.trimEnd()];
  for (const s of v.stages) {
    if (v.type === 'ROLLBACK' && s.status === undefined) continue;
    lines.push(`  ${mark(s.status, spin)} ${s.name}${s.status ? `  ${paint(s.status, o.color)}` : ''}${s.waitingReason ? `  (${s.waitingReason})` : ''}`);
    for (const a of s.actions) {
      const t = a.attempts[a.attempts.length - 1];
      const took = t?.start ? duration(t.start, t.end ?? o.now) : '';
      const note = a.waitingForApproval ? `waiting for approval: pipec approve ${v.pipeline} ${s.name}.${a.name}` : t?.error ? firstLine(t.error.message ?? t.error.code ?? '') : '';
      lines.push(`      ${mark(a.status, spin)} ${a.name}${a.status ? `  ${paint(a.status, o.color)}` : ''}${took ? `  ${took}` : ''}${note ? `  ${note}` : ''}`);
    }
  }
  return lines;
}

function mark(status: string | undefined, spin: string): string {
  switch (status) {
    case 'Succeeded':
      return '✓';
    case 'Failed':
      return '✗';
    case 'InProgress':
    case 'Stopping':
      return spin;
    case 'Waiting':
      return '…';
    case 'Stopped':
    case 'Abandoned':
      return '■';
    default:
      return '·';
  }
}

/** The changes between two views, as plain lines for logs: `[elapsed] Stage.Action: Status`. */
export function renderWatchChanges(before: ExecutionView | undefined, v: ExecutionView, now: number): string[] {
  const out: string[] = [];
  const stamp = `[${v.start ? duration(v.start, v.end ?? now).padStart(7) : '       '}]`;
  if (!before) out.push(`${stamp} ${v.pipeline} execution ${v.id}: ${v.status}`);
  const old = new Map<string, string>();
  const oldStage = new Map<string, string>();
  for (const s of before?.stages ?? []) {
    oldStage.set(s.name, `${s.status}|${s.waitingReason ?? ''}`);
    for (const a of s.actions) old.set(`${s.name}.${a.name}`, `${a.attempts.length}|${a.status}`);
  }
  for (const s of v.stages) {
    if (s.status === 'Waiting' && oldStage.get(s.name) !== `${s.status}|${s.waitingReason ?? ''}`) out.push(`${stamp} ${s.name}: waiting to enter${s.waitingReason ? ` (${s.waitingReason})` : ''}`);
    for (const a of s.actions) {
      if (a.status === undefined || old.get(`${s.name}.${a.name}`) === `${a.attempts.length}|${a.status}`) continue;
      const t = a.attempts[a.attempts.length - 1];
      const detail = a.waitingForApproval ? `, waiting for approval: pipec approve ${v.pipeline} ${s.name}.${a.name}` : t?.error ? `: ${t.error.code ? `${t.error.code}: ` : ''}${firstLine(t.error.message ?? '')}` : '';
      const took = t?.end && t.start ? ` (${duration(t.start, t.end)})` : '';
      out.push(`${stamp} ${s.name}.${a.name}: ${a.status}${took}${detail}`);
    }
  }
  if (before && before.status !== v.status) out.push(`${stamp} execution ${v.status}${v.statusSummary ? `: ${firstLine(v.statusSummary)}` : ''}`);
  return out;
}

