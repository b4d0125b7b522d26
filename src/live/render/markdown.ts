import { graphFromDeclaration } from '../../graph/declaration.js';
import { renderGraphMermaid } from '../../graph/mermaid.js';
import type { Change } from '../changes.js';
import type { Json } from '../json.js';
import type { Plan, PipelinePlan } from '../plan.js';
import { actionType, formatValue, hasChanges, projectLine, stageOutline, summaryLine } from './common.js';
import { OWNER_WORDS } from './text.js';

/**
 * The plan as a pull-request comment: the summary in bold, then per pipeline a table of its
 * changes (where, what, old, new); unchanged pipelines are listed in a collapsed section.
 */
export function renderMarkdown(plan: Plan): string {
  const out: string[] = ['### pipec plan', '', escapeText(projectLine(plan)), '', `**${summaryLine(plan)}**`, ''];
  if (!hasChanges(plan) && !plan.pipelines.some((p) => p.action === 'conflict')) out.push('No changes: the live pipelines match the configuration.', '');
  for (const p of plan.pipelines) if (p.action !== 'no-op') out.push(...section(p), '');
  const unchanged = plan.pipelines.filter((p) => p.action === 'no-op');
  if (unchanged.length > 0) {
    out.push(`<details><summary>${unchanged.length} unchanged pipeline${unchanged.length === 1 ? '' : 's'}</summary>`, '');
    for (const p of unchanged) out.push(`- ${code(p.name)} (${p.region})`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

function section(p: PipelinePlan): string[] {
  const title = `${code(p.name)} (${p.region})`;
  if (p.action === 'create') return [`#### ➕ ${title}: create`, '', ...stageOutline(p).map((s) => `- stage ${code(s.stage)}: ${s.actions.map((a) => `${code(a.name)} (${a.type})`).join(', ')}`), ...picture(p)];
  if (p.action === 'delete') return [`#### ➖ ${title}: delete`, '', "This project's and no longer in the configuration."];
  if (p.action === 'conflict') return [`#### ⚠️ ${title}: left alone, ${OWNER_WORDS[p.owner ?? 'unmanaged']}`, '', escapeText(p.reason ?? '')];
  const rows = p.changes.map(row);
  return [`#### 🔄 ${title}: update${p.adopt ? ` (adopting it: ${OWNER_WORDS[p.owner ?? 'unmanaged']})` : ''}`, '', '| | where | what | old | new |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`), ...picture(p)];
}

/** The pipeline as it will be, as a Mermaid picture (GitHub draws it), folded away under the changes. */
function picture(p: PipelinePlan): string[] {
  const declaration = p.desired?.pipeline as Record<string, unknown> | undefined;
  if (!declaration || !Array.isArray(declaration.stages)) return [];
  const mermaid = renderGraphMermaid(graphFromDeclaration(declaration, p.region)).trimEnd();
  return ['', '<details><summary>the pipeline after apply</summary>', '', '```mermaid', mermaid, '```', '', '</details>'];
}

const SIGN: Record<Change['op'], string> = { add: '+', remove: '-', change: '~', rename: '~', move: '~' };

function row(c: Change): string[] {
  const where = [c.stage !== undefined ? `stage ${code(c.stage)}` : 'pipeline', ...(c.action !== undefined ? [`action ${code(c.action)}`] : [])].join(' › ');
  let what = c.field !== undefined ? code(c.field) : c.op;
  let old = cell(c.old);
  let now = cell(c.new);
  if (c.field === undefined && (c.op === 'add' || c.op === 'remove')) {
    const body = (c.op === 'add' ? c.new : c.old) as Json;
    const summary = c.action !== undefined ? code(actionType(body)) : actionsOf(body);
    what = c.op === 'add' ? 'added' : 'removed';
    old = c.op === 'remove' ? summary : '';
    now = c.op === 'add' ? summary : '';
  } else if (c.op === 'move') what = c.action !== undefined ? 'moved from stage' : 'moved (position)';
  else if (c.op === 'rename') what = 'renamed';
  return [SIGN[c.op], where, what, old, now];
}

function actionsOf(stage: Json): string {
  const actions = stage && typeof stage === 'object' && !Array.isArray(stage) ? stage.actions : undefined;
  const names = actions && typeof actions === 'object' && !Array.isArray(actions) ? Object.keys(actions) : [];
  return names.map(code).join(', ');
}

function cell(v: Json | undefined): string {
  return v === undefined ? '' : code(formatValue(v));
}

/** Inline code that survives backticks and pipes inside the value. */
function code(s: string): string {
  const text = s.replace(/\|/g, '\\|');
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${text}${fence.length > 1 ? ' ' : ''}${fence}`;
}

function escapeText(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1');
}
