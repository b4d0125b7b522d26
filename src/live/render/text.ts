import type { Change } from '../changes.js';
import type { Json } from '../json.js';
import type { Plan, PipelinePlan } from '../plan.js';
import { SENSITIVE } from '../secrets.js';
import { actionType, flatten, formatValue, groupChanges, hasChanges, headerNotes, projectLine, stageOutline, summaryLine } from './common.js';

/** Colour on or off; the caller decides (TTY, NO_COLOR, --color). */
export interface TextOptions {
  color: boolean;
}

/**
 * The plan for people: one block per pipeline that changes (`+` create, `~` update, `-` delete,
 * `!` left alone), field by field with old and new values, and the summary line.
 */
export function renderText(plan: Plan, opts: TextOptions): string {
  const c = palette(opts.color);
  const out: string[] = [projectLine(plan), ''];
  for (const p of plan.pipelines) {
    if (p.action === 'no-op') continue;
    out.push(...pipelineBlock(p, c), '');
  }
  const unchanged = plan.pipelines.filter((p) => p.action === 'no-op').length;
  const conflicts = plan.pipelines.filter((p) => p.action === 'conflict').length;
  if (!hasChanges(plan) && conflicts === 0) out.push(`No changes. ${unchanged === 1 ? 'The pipeline matches' : `All ${unchanged} pipelines match`} the configuration.`);
  else if (unchanged > 0) out.push(`${unchanged} pipeline${unchanged === 1 ? '' : 's'} unchanged.`);
  if (conflicts > 0) out.push(c.magenta(`${conflicts} pipeline${conflicts === 1 ? ' is' : 's are'} not this project's and will be left alone.`));
  out.push(c.bold(summaryLine(plan)));
  return out.join('\n') + '\n';
}

type Palette = ReturnType<typeof palette>;

/** Whose a pipeline that is not this project's is, in words. */
export const OWNER_WORDS: Record<NonNullable<PipelinePlan['owner']>, string> = {
  unmanaged: 'not managed by pipec',
  'other-project': "another project's",
  'no-project': 'managed by pipec but of no project',
};

/** The lines of one pipeline's block (stack mode shows the pipeline of a stack with them). */
export function pipelineBlock(p: PipelinePlan, c: Palette): string[] {
  const title = `pipeline ${c.bold(JSON.stringify(p.name))} (${p.region})`;
  if (p.action === 'create') {
    const lines = [`${c.green('+')} ${title}: create`];
    for (const s of stageOutline(p)) lines.push(`    ${c.green('+')} stage ${JSON.stringify(s.stage)}: ${s.actions.map((a) => `${JSON.stringify(a.name)} (${a.type}${a.runOrder !== 1 ? `, runOrder ${a.runOrder}` : ''})`).join(', ')}`);
    return lines;
  }
  if (p.action === 'delete') return [`${c.red('-')} ${title}: delete (this project's, no longer in the configuration; live version ${p.liveVersion})`];
  if (p.action === 'conflict') return [`${c.magenta('!')} ${title}: left alone, ${OWNER_WORDS[p.owner ?? 'unmanaged']}`, `    ${p.reason ?? ''}`];
  const lines = [`${c.yellow('~')} ${title}: update${p.adopt ? `, adopting it (${OWNER_WORDS[p.owner ?? 'unmanaged']})` : ''} (live version ${p.liveVersion})`];
  const g = groupChanges(p.changes);
  for (const ch of g.pipeline) lines.push(`    ${fieldLine(ch, c)}`);
  for (const s of g.stages) {
    const added = s.own.find((o) => o.op === 'add');
    const removed = s.own.find((o) => o.op === 'remove' && o.field === undefined);
    if (added) {
      lines.push(`    ${c.green('+')} stage ${JSON.stringify(s.name)}`);
      for (const [path, v] of flatten(added.new as Json)) if (!path.startsWith('actions.')) lines.push(`        ${path}: ${formatValue(v)}`);
      const movedHere = new Set(s.actions.filter((a) => a.changes.some((ch) => ch.op === 'move')).map((a) => a.name));
      for (const [name, body] of Object.entries(((added.new as Record<string, Json>).actions ?? {}) as Record<string, Json>)) {
        if (movedHere.has(name)) continue;
        lines.push(`        ${c.green('+')} action ${JSON.stringify(name)} (${actionType(body)})`);
        for (const [path, v] of flatten(body)) if (!path.startsWith('actionTypeId.')) lines.push(`            ${path}: ${formatValue(v)}`);
      }
    } else if (removed) lines.push(`    ${c.red('-')} stage ${JSON.stringify(s.name)}`);
    else {
      const notes = headerNotes(s.own);
      lines.push(`    ${c.yellow('~')} stage ${JSON.stringify(s.name)}${notes.length ? ` (${notes.join(', ')})` : ''}`);
      for (const ch of s.own) if (ch.op !== 'rename' && ch.op !== 'move') lines.push(`        ${fieldLine(ch, c)}`);
    }
    for (const a of s.actions) lines.push(...actionLines(a.name, a.changes, c));
  }
  return lines;
}

function actionLines(name: string, changes: readonly Change[], c: Palette): string[] {
  const whole = changes.find((ch) => ch.field === undefined && (ch.op === 'add' || ch.op === 'remove'));
  if (whole?.op === 'add') {
    const lines = [`        ${c.green('+')} action ${JSON.stringify(name)} (${actionType(whole.new)})`];
    for (const [path, v] of flatten(whole.new as Json)) if (!path.startsWith('actionTypeId.')) lines.push(`            ${path}: ${formatValue(v)}`);
    return lines;
  }
  if (whole?.op === 'remove') return [`        ${c.red('-')} action ${JSON.stringify(name)} (${actionType(whole.old)})`];
  const notes = headerNotes(changes.filter((ch) => ch.field === undefined));
  const lines = [`        ${c.yellow('~')} action ${JSON.stringify(name)}${notes.length ? ` (${notes.join(', ')})` : ''}`];
  for (const ch of changes) if (ch.field !== undefined) lines.push(`            ${fieldLine(ch, c)}`);
  return lines;
}

function fieldLine(ch: Change, c: Palette): string {
  const field = ch.field ?? '';
  if (ch.op === 'add') return `${c.green('+')} ${field}: ${formatValue(ch.new)}`;
  if (ch.op === 'remove') return `${c.red('-')} ${field}: ${formatValue(ch.old)}`;
  if (ch.old === SENSITIVE && ch.new === SENSITIVE) return `${c.yellow('~')} ${field}: ${SENSITIVE} changed`;
  return `${c.yellow('~')} ${field}: ${formatValue(ch.old)} -> ${formatValue(ch.new)}`;
}

/** Colour helpers, no-ops when colour is off. */
export function palette(on: boolean) {
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { green: wrap('32'), red: wrap('31'), yellow: wrap('33'), magenta: wrap('35'), bold: wrap('1') };
}
