import type { Span } from '../source.js';
import type { Rule } from './types.js';

/** Stage names are unique in a pipeline; action names unique in a stage (S6, S7). */
export const uniqueNames: Rule = (p, diags) => {
  const stages = new Map<string, Span>();
  for (const stage of p.stages) {
    const first = stages.get(stage.name);
    if (first) diags.add('PC3005', `stage name '${stage.name}' is used twice in pipeline '${p.name}'`, stage.span, { notes: [{ message: 'first used here', span: first }], suggestion: 'rename one of the stages' });
    else stages.set(stage.name, stage.span);
    const actions = new Map<string, Span>();
    for (const a of stage.actions) {
      const prev = actions.get(a.name);
      if (prev) diags.add('PC3006', `action name '${a.name}' is used twice in stage '${stage.name}'`, a.span, { notes: [{ message: 'first used here', span: prev }], suggestion: 'rename one of the actions' });
      else actions.set(a.name, a.span);
    }
  }
};
