import { actionNotes, type GraphModel } from './model.js';

/** A DOT string: backslashes, quotes and line breaks escaped. */
const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * The pipeline in Graphviz DOT (`dot -Tsvg`): a cluster per stage, left to right, actions stacked
 * inside (approvals as hexagons), an edge per artifact, disabled transitions dashed and red.
 */
export function renderGraphDot(g: GraphModel): string {
  const out = [`digraph ${q(g.name)} {`, '  rankdir=LR;', '  compound=true;', '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const s of g.stages) {
    out.push(`  subgraph ${q(`cluster_${s.id}`)} {`, `    label=${q(s.gates.length ? `${s.name}\n(${s.gates.join(', ')})` : s.name)};`);
    s.groups.forEach((group, gi) => {
      for (const a of group) out.push(`    ${a.id} [label=${q([a.name, ...actionNotes(a)].join('\n'))}${a.approval ? ', shape=hexagon' : ''}];`);
      const prev = s.groups[gi - 1];
      if (prev?.[0] && group[0]) out.push(`    ${prev[0].id} -> ${group[0].id} [style=dotted, label="then"];`);
    });
    out.push('  }');
  }
  g.stages.forEach((s, i) => {
    const next = g.stages[i + 1];
    const a = s.groups[0]?.[0];
    const b = next?.groups[0]?.[0];
    if (!next || !a || !b) return;
    out.push(`  ${a.id} -> ${b.id} [ltail=${q(`cluster_${s.id}`)}, lhead=${q(`cluster_${next.id}`)}${next.disabled ? `, style=dashed, color=red, label=${q(`disabled: ${next.disabled}`)}` : ', style=bold'}];`);
  });
  for (const e of g.edges) out.push(`  ${e.from} -> ${e.to} [label=${q(e.artifact)}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
