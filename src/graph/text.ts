import { actionNotes, type GraphModel, type GraphStage } from './model.js';

const BOX = { tl: '┌', tr: '┐', bl: '└', br: '┘', h: '─', v: '│', lt: '├', rt: '┤', then: '╌', arrow: '▶', cut: '╳' };
const ASCII = { tl: '+', tr: '+', bl: '+', br: '+', h: '-', v: '|', lt: '+', rt: '+', then: '-', arrow: '>', cut: 'x' };
type Chars = typeof BOX;

/**
 * The pipeline for a terminal: one box per stage, left to right; in each box the actions that run
 * together one under the other, and later run orders below a 'then' line; between boxes an arrow
 * (cut where the transition starts disabled) with the artifacts that cross it.
 */
export function renderGraphText(g: GraphModel, opts: { ascii?: boolean } = {}): string {
  const c = opts.ascii ? ASCII : BOX;
  const boxes = g.stages.map((s) => stageBox(s, c));
  const height = Math.max(...boxes.map((b) => b.length), 1);
  const columns: string[][] = [];
  g.stages.forEach((s, i) => {
    columns.push(pad(boxes[i] as string[], height));
    const next = g.stages[i + 1];
    if (next) columns.push(connector(g, i, next, height, c));
  });
  const lines: string[] = [];
  for (let row = 0; row < height; row++) lines.push(columns.map((col) => col[row]).join('').trimEnd());
  const legend = g.stages.filter((s) => s.disabled).map((s) => `${c.cut} the transition into '${s.name}' starts disabled: ${s.disabled}`);
  return `pipeline ${g.name}\n\n${lines.join('\n')}\n${legend.length ? `\n${legend.join('\n')}\n` : ''}`;
}

function stageBox(s: GraphStage, c: Chars): string[] {
  const body: Array<string | null> = [];
  s.groups.forEach((group, gi) => {
    if (gi > 0) body.push(null);
    group.forEach((a, ai) => {
      if (ai > 0) body.push('');
      body.push(a.name);
      for (const n of actionNotes(a)) body.push(`  ${n}`);
      if (a.inputs.length) body.push(`  in: ${a.inputs.join(', ')}`);
      if (a.outputs.length) body.push(`  out: ${a.outputs.join(', ')}`);
    });
  });
  for (const gate of s.gates) body.push(`gate: ${gate}`);
  const width = Math.max(s.name.length + 3, ...body.map((l) => (l === null ? 4 : l.length))) + 2;
  const top = `${c.tl}${c.h} ${s.name} ${c.h.repeat(Math.max(0, width - s.name.length - 3))}${c.tr}`;
  const rows = body.map((l) => (l === null ? `${c.lt}${c.then} then ${c.then.repeat(Math.max(0, width - 7))}${c.rt}` : `${c.v} ${l.padEnd(width - 1)}${c.v}`));
  return [top, ...rows, `${c.bl}${c.h.repeat(width)}${c.br}`];
}

function pad(box: string[], height: number): string[] {
  const width = Math.max(...box.map((l) => l.length));
  return [...box.map((l) => l.padEnd(width)), ...Array.from({ length: height - box.length }, () => ' '.repeat(width))];
}

/** The arrow from stage i to the next, with the artifacts made at or before i and read after it. */
function connector(g: GraphModel, i: number, next: GraphStage, height: number, c: Chars): string[] {
  const stageOf = (id: string): number => Number(/^s(\d+)/.exec(id)?.[1]);
  const crossing = [...new Set(g.edges.filter((e) => stageOf(e.from) <= i && stageOf(e.to) > i).map((e) => e.artifact))];
  const width = Math.max(6, ...crossing.map((a) => a.length + 3));
  const shaft = next.disabled ? `${c.h.repeat(Math.floor((width - 3) / 2))}${c.cut}${c.h.repeat(Math.ceil((width - 3) / 2) - 1)}` : c.h.repeat(width - 3);
  const col = [' '.repeat(width), ` ${shaft}${c.arrow} `, ...crossing.map((a) => ` ${a}`.padEnd(width))];
  return Array.from({ length: height }, (_, r) => (col[r] ?? '').padEnd(width));
}
