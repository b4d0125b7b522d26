import type { Rule } from './types.js';

/** A pipeline has 2 to 50 stages (S1). */
export const stageCount: Rule = (p, diags) => {
  const n = p.stages.length;
  if (n < 2)
    diags.add('PC3001', `pipeline '${p.name}' has ${n} stage${n === 1 ? '' : 's'}; CodePipeline needs at least 2 (a source stage and one more)`, p.span, {
      suggestion: n === 0 ? "add 'source:' and 'build:' or 'deploy:', or 'stages:'" : "add a build, test or deploy stage after the source stage",
    });
  else if (n > 50) diags.add('PC3001', `pipeline '${p.name}' has ${n} stages; CodePipeline allows at most 50`, p.stages[50]?.span ?? p.span);
};
