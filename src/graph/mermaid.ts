import { actionNotes, type GraphAction, type GraphModel } from './model.js';

/** Text inside a Mermaid label: quotes and markup characters as entities. */
const esc = (s: string): string => s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

function node(a: GraphAction): string {
  const label = [a.name, ...actionNotes(a)].map(esc).join('<br/>');
  // Approvals are hexagons: a person decides there.
  return a.approval ? `${a.id}{{"${label}"}}` : `${a.id}["${label}"]`;
}

/**
 * The pipeline as a Mermaid flowchart (GitHub renders it in Markdown): stages as boxes left to
 * right, actions stacked inside, an edge per artifact from the action that makes it to each that
 * reads it, disabled transitions as dotted 'disabled' links.
 */
export function renderGraphMermaid(g: GraphModel): string {
  const out = ['flowchart LR'];
  for (const s of g.stages) {
    out.push(`  subgraph ${s.id}["${esc(s.name)}${s.gates.length ? `<br/><i>${esc(s.gates.join(', '))}</i>` : ''}"]`, '    direction TB');
    s.groups.forEach((group, gi) => {
      for (const a of group) out.push(`    ${node(a)}`);
      const prev = s.groups[gi - 1];
      // Later run orders below earlier ones, without claiming an artifact passes.
      if (prev?.[0] && group[0]) out.push(`    ${prev[0].id} -.->|then| ${group[0].id}`);
    });
    out.push('  end');
  }
  g.stages.forEach((s, i) => {
    const next = g.stages[i + 1];
    if (!next) return;
    out.push(next.disabled ? `  ${s.id} -.-x|"disabled: ${esc(next.disabled)}"| ${next.id}` : `  ${s.id} --> ${next.id}`);
  });
  for (const e of g.edges) out.push(`  ${e.from} -->|${esc(e.artifact)}| ${e.to}`);
  return `${out.join('\n')}\n`;
}
