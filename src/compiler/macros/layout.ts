import type { ExAction } from '../model.js';

/** Actions that run together; a stage runs its phases one after another. */
export type Phase = ExAction[];

/** Numbers the phases 1, 2, 3 ... (empty ones skipped) and returns the stage's actions in order. */
export function inOrder(phases: readonly Phase[]): ExAction[] {
  const out: ExAction[] = [];
  let order = 1;
  for (const phase of phases) {
    if (phase.length === 0) continue;
    for (const a of phase) {
      a.runOrder = order;
      out.push(a);
    }
    order++;
  }
  return out;
}

/**
 * A wave: after the `first` phase (its approval), the environments run in groups of at most
 * `atATime`; within a group they run side by side, each environment's own phases in its own order.
 */
export function inWaves(first: Phase, members: ReadonlyArray<readonly Phase[]>, atATime: number | undefined): ExAction[] {
  const out: ExAction[] = [];
  let base = 1;
  if (first.length > 0) {
    for (const a of first) {
      a.runOrder = base;
      out.push(a);
    }
    base++;
  }
  const size = atATime ?? members.length;
  for (let g = 0; g < members.length; g += size) {
    const group = members.slice(g, g + size).map((phases) => phases.filter((p) => p.length > 0));
    const depth = Math.max(0, ...group.map((phases) => phases.length));
    for (let d = 0; d < depth; d++)
      for (const phases of group)
        for (const a of phases[d] ?? []) {
          a.runOrder = base + d;
          out.push(a);
        }
    base += depth;
  }
  return out.sort((a, b) => a.runOrder - b.runOrder);
}
