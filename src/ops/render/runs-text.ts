import type { PipelineExecutionSummary } from '@aws-sdk/client-codepipeline';
import { duration, short, utc } from '../time.js';
import { firstLine, paint, table } from './common.js';

/** Recent executions as a table: id, status, trigger, source revisions, start, duration. */
export function renderRunsText(name: string, runs: readonly PipelineExecutionSummary[], o: { color: boolean; now: number }): string {
  if (runs.length === 0) return `No executions of ${name} match.\n`;
  const rows = runs.map((r) => {
    const running = r.status === 'InProgress' || r.status === 'Stopping';
    const revs = (r.sourceRevisions ?? []).map((s) => `${short(s.revisionId)}${s.revisionSummary ? ` ${firstLine(s.revisionSummary).slice(0, 40)}` : ''}`).join('; ');
    const type = r.executionType === 'ROLLBACK' ? ' (rollback)' : '';
    return [
      r.pipelineExecutionId ?? '',
      paint(r.status ?? '', o.color),
      `${r.trigger?.triggerType ?? ''}${type}`,
      revs,
      utc(r.startTime),
      running ? `${duration(r.startTime, o.now)} so far` : duration(r.startTime, r.lastUpdateTime),
    ];
  });
  return `${table([['EXECUTION', 'STATUS', 'TRIGGER', 'SOURCE', 'STARTED', 'TOOK'], ...rows])}\n`;
}
