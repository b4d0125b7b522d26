import type { IrStage } from '../ir.js';
import type { Rule } from './types.js';

/** The first stage holds only source actions, at least one, and no other stage holds any (S2, S3). */
export const firstStageSources: Rule = (p, diags) => {
  for (let i = 0; i < p.stages.length; i++) {
    const stage = p.stages[i] as IrStage;
    for (const a of stage.actions) {
      if (i === 0 && a.category !== 'Source')
        diags.add('PC3002', `the first stage '${stage.name}' may hold only source actions, but '${a.name}' is a ${a.category} action`, a.span, {
          suggestion: 'move it to a later stage',
        });
      if (i > 0 && a.category === 'Source')
        diags.add('PC3003', `source action '${a.name}' is in stage '${stage.name}'; source actions are allowed only in the first stage`, a.span, {
          notes: p.stages[0] ? [{ message: `the first stage is '${p.stages[0].name}'`, span: p.stages[0].span }] : [],
        });
    }
  }
  const first = p.stages[0];
  if (first && first.actions.length > 0 && !first.actions.some((a) => a.category === 'Source'))
    diags.add('PC3002', `the first stage '${first.name}' has no source action; every pipeline starts with a stage of source actions`, first.span, {
      suggestion: "add 'source: codecommit:repo@main' (or another source) to the pipeline",
    });
};
