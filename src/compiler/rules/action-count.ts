import type { Rule } from './types.js';

/** 1 to 50 actions per stage, at most 50 parallel and 50 sequential groups per stage, 500 per pipeline (S5, S8). */
export const actionCount: Rule = (p, diags) => {
  let total = 0;
  for (const stage of p.stages) {
    const n = stage.actions.length;
    total += n;
    if (n === 0) diags.add('PC3004', `stage '${stage.name}' has no actions; each stage needs at least one`, stage.span);
    else if (n > 50) diags.add('PC3004', `stage '${stage.name}' has ${n} actions; a stage holds at most 50`, stage.actions[50]?.span ?? stage.span);
    // Run orders that differ are at most as many as the actions.
    if (n <= 50) continue;
    const byOrder = new Map<number, number>();
    for (const a of stage.actions) byOrder.set(a.runOrder, (byOrder.get(a.runOrder) ?? 0) + 1);
    if (byOrder.size > 50) diags.add('PC3029', `stage '${stage.name}' runs ${byOrder.size} actions one after another; at most 50 sequential steps are allowed`, stage.span);
  }
  if (total > 500) diags.add('PC3004', `pipeline '${p.name}' has ${total} actions; a pipeline holds at most 500`, p.span);
};
