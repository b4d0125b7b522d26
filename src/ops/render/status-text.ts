import type { PipelineStatus, StageStatus } from '../status.js';
import { ago, short } from '../time.js';
import { describeDrift } from '../transition-drift.js';
import { firstLine, paint, renderExplanations, table } from './common.js';

/** Options for text output: colour, and the time "ago" is measured from. */
export interface TextOptions {
  color: boolean;
  now: number;
}

/** One pipeline's status as a table of stages and actions, then why things failed. */
export function renderStatusText(s: PipelineStatus, o: TextOptions): string {
  const head = [`${s.name} (${s.region}${s.version !== undefined ? `, version ${s.version}` : ''}${s.executionMode ? `, ${s.executionMode}` : ''})`];
  if (s.latest) {
    const l = s.latest;
    const revs = (l.sourceRevisions ?? []).map((r) => `${r.actionName} ${short(r.revisionId)}${r.revisionSummary ? ` "${firstLine(r.revisionSummary)}"` : ''}`).join(', ');
    head.push(`Latest execution ${l.pipelineExecutionId}: ${paint(l.status ?? '', o.color)}, started ${ago(l.startTime, o.now)}${l.trigger?.triggerType ? ` by ${l.trigger.triggerType}` : ''}${revs ? `; ${revs}` : ''}`);
  } else head.push('No executions yet.');
  const lines: string[] = [];
  const rows: string[][] = [];
  const flush = () => {
    if (rows.length > 0) lines.push(table(rows, '  '));
    rows.length = 0;
  };
  for (const stage of s.stages) {
    const notes = transitionNotes(s.name, stage, o.now);
    if (notes.length > 0) {
      flush();
      lines.push(...notes.map((n) => `  ${n}`));
    }
    rows.push([stage.name, paint(stage.status ?? '-', o.color), '', stageDetail(stage)]);
    for (const a of stage.actions) rows.push([`  ${a.name}`, paint(a.waitingForApproval ? 'Waiting for approval' : (a.status ?? '-'), o.color), ago(a.at, o.now), actionDetail(s.name, stage.name, a)]);
  }
  flush();
  const why = s.explanations.length > 0 ? `\n${renderExplanations(s.explanations)}` : '';
  return `${head.join('\n')}\n\n${lines.join('\n')}\n${why}`;
}

/** One line per pipeline: the latest execution and where it is. */
export function renderStatusSummary(list: readonly PipelineStatus[], o: TextOptions): string {
  const rows = list.map((s) => [s.name, paint(s.latest?.status ?? 'never run', o.color), s.latest ? ago(s.latest.startTime, o.now) : '', whereItIs(s)]);
  return `${table(rows)}\n`;
}

function whereItIs(s: PipelineStatus): string {
  const parts: string[] = [];
  for (const stage of s.stages) {
    for (const a of stage.actions) {
      if (a.waitingForApproval) parts.push(`${stage.name}.${a.name} waiting for approval`);
      else if (a.status === 'Failed' && stage.status === 'Failed') parts.push(`${stage.name}.${a.name} failed`);
      else if (a.status === 'InProgress') parts.push(`${stage.name}.${a.name} running`);
    }
    if (!stage.transition.enabled) parts.push(`into ${stage.name} disabled`);
  }
  return parts.join(', ');
}

function stageDetail(stage: StageStatus): string {
  const parts: string[] = [];
  if (stage.executionId) parts.push(`${short(stage.executionId)}${stage.type === 'ROLLBACK' ? ' (rollback)' : ''}`);
  if (stage.waiting.length > 0) parts.push(`waiting to enter: ${stage.waiting.map(short).join(', ')}`);
  return parts.join('; ');
}

function actionDetail(pipeline: string, stage: string, a: StageStatus['actions'][number]): string {
  if (a.waitingForApproval) return `pipec approve ${pipeline} ${stage}.${a.name}`;
  if (a.revision) return `${short(a.revision.id)}${a.revision.summary ? ` ${firstLine(a.revision.summary)}` : ''}`;
  if (a.status === 'Failed' && a.error) return `${a.error.code ? `${a.error.code}: ` : ''}${firstLine(a.error.message ?? '')}`;
  return a.summary ? firstLine(a.summary) : '';
}

function transitionNotes(pipeline: string, stage: StageStatus, now: number): string[] {
  const out: string[] = [];
  const t = stage.transition;
  if (!t.enabled) out.push(`transition into ${stage.name} disabled${t.reason ? `: "${t.reason}"` : ''}${t.by ? ` by ${t.by}` : ''}${t.at ? `, ${ago(t.at, now)}` : ''}`);
  if (stage.configured) out.push(`note: ${describeDrift({ pipeline, stage: stage.name, configured: stage.configured, live: { disabled: !t.enabled } })}`);
  return out;
}

