import type { Outcome } from '../apply.js';

/** Counts of what apply did, for its summary line and exit status. */
export function outcomeCounts(outcomes: readonly Outcome[]) {
  const n = (s: Outcome['status']) => outcomes.filter((o) => o.status === s).length;
  return { created: n('created'), updated: n('updated'), deleted: n('deleted'), unchanged: n('unchanged'), skipped: n('skipped'), failed: n('failed'), unknown: n('unknown'), notStarted: n('not-started') };
}

/** True when every pipeline the plan touched ended as planned. */
export function applySucceeded(outcomes: readonly Outcome[]): boolean {
  const c = outcomeCounts(outcomes);
  return c.failed === 0 && c.notStarted === 0 && c.skipped === 0 && c.unknown === 0;
}

/** One line per pipeline apply touched or could not, then a summary line. */
export function renderOutcomesText(outcomes: readonly Outcome[], opts: { color: boolean }): string {
  const wrap = (code: string) => (s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const green = wrap('32');
  const red = wrap('31');
  const magenta = wrap('35');
  const lines: string[] = [];
  for (const o of outcomes) {
    if (o.status === 'unchanged') continue;
    const who = `${JSON.stringify(o.name)} (${o.region})`;
    const note = o.message ? ` (${o.message})` : '';
    if (o.status === 'created' || o.status === 'updated') lines.push(`${green('✓')} ${who}: ${o.status}, now version ${o.version ?? '?'}${note}`);
    else if (o.status === 'deleted') lines.push(`${green('✓')} ${who}: deleted${note}`);
    else if (o.status === 'failed') lines.push(`${red('✗')} ${who}: ${o.action} failed: ${o.message ?? ''}`);
    else if (o.status === 'unknown') lines.push(`${red('?')} ${who}: ${o.action} ${o.message ?? 'outcome unknown'}`);
    else if (o.status === 'not-started') lines.push(`${red('✗')} ${who}: ${o.action} not applied; ${o.message ?? ''}`);
    else lines.push(`${magenta('!')} ${who}: skipped; not this project's (adopt it with --adopt ${o.name})`);
  }
  const c = outcomeCounts(outcomes);
  const done = `${c.created} created, ${c.updated} updated, ${c.deleted} deleted`;
  if (applySucceeded(outcomes)) lines.push(`Apply complete: ${done}.`);
  else {
    const parts = [c.failed > 0 ? `${c.failed} failed` : '', c.unknown > 0 ? `${c.unknown} unknown` : '', c.notStarted > 0 ? `${c.notStarted} not started` : '', c.skipped > 0 ? `${c.skipped} skipped` : ''].filter(Boolean);
    lines.push(red(`Apply incomplete: ${done}; ${parts.join(', ')}.`));
    if (c.failed + c.notStarted + c.unknown > 0) lines.push("Run 'pipec plan' to see what is left to do; applying again is safe.");
  }
  return lines.join('\n') + '\n';
}

/** The outcomes for machines. */
export function renderOutcomesJson(outcomes: readonly Outcome[]): string {
  return JSON.stringify({ summary: { ...outcomeCounts(outcomes), ok: applySucceeded(outcomes) }, pipelines: outcomes }, null, 2) + '\n';
}
