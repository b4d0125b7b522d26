import type { Rule } from './types.js';

/** The first stage has no inbound transition to disable. */
export const disableInbound: Rule = (p, diags) => {
  const first = p.stages[0];
  if (first?.disableInbound)
    diags.add('PC3031', `stage '${first.name}' is the first stage; nothing transitions into it, so there is no inbound transition to disable`, first.disableInbound.span, {
      suggestion: "disable the inbound transition of the stage after it instead",
    });
};
