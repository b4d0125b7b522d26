import type { Rule } from './types.js';

/** PARALLEL pipelines cannot roll a stage back (S26). */
export const executionMode: Rule = (p, diags) => {
  if (p.executionMode !== 'PARALLEL') return;
  const notes = p.spans.execution ? [{ message: 'execution mode is set here', span: p.spans.execution }] : [];
  for (const stage of p.stages) {
    const f = stage.onFailure;
    if (f?.result === 'ROLLBACK' || f?.condition?.result === 'ROLLBACK')
      diags.add('PC3015', `stage '${stage.name}' rolls back on failure, which a PARALLEL pipeline cannot do`, f.span, { notes, suggestion: "use 'result: retry', or the execution mode 'queued' or 'superseded'" });
    if (stage.onSuccess?.result === 'ROLLBACK')
      diags.add('PC3015', `stage '${stage.name}' rolls back from an on-success condition, which a PARALLEL pipeline cannot do`, stage.onSuccess.span, { notes });
  }
};
