import type { Rule } from './types.js';

/** Results each stage hook can take, and retry settings only with retry. */
export const conditions: Rule = (p, diags) => {
  for (const stage of p.stages) {
    const be = stage.beforeEntry;
    if (be?.result && !['FAIL', 'SKIP'].includes(be.result))
      diags.add('PC3024', `before-entry conditions end in 'fail' or 'skip', not '${be.result.toLowerCase()}'`, be.span);
    const os = stage.onSuccess;
    if (os?.result && !['ROLLBACK', 'FAIL'].includes(os.result))
      diags.add('PC3024', `on-success conditions end in 'rollback' or 'fail', not '${os.result.toLowerCase()}'`, os.span);
    const of = stage.onFailure;
    if (of) {
      if (of.result && !['ROLLBACK', 'RETRY'].includes(of.result))
        diags.add('PC3024', `on-failure takes 'result: rollback' or 'retry', not '${of.result.toLowerCase()}'`, of.span, { suggestion: 'a failed stage fails the execution anyway' });
      if (of.retryMode && of.result !== 'RETRY') diags.add('PC3024', "'retry-mode' goes with 'result: retry'", of.span);
      if (!of.result && !of.condition) diags.add('PC3024', "on-failure needs a 'result', 'rules' or a 'condition'", of.span);
      // "On Failure - ... Rules are engaged with the following result option: Rollback" (user guide, stage conditions).
      if (of.condition?.result && of.condition.result !== 'ROLLBACK')
        diags.add('PC3024', `on-failure conditions end in 'rollback', not '${of.condition.result.toLowerCase()}'`, of.condition.span);
    }
    // "You cannot roll back a source stage" (user guide, Configuring stage rollback).
    if (stage === p.stages[0] && stage.actions.some((a) => a.category === 'Source')) {
      const rollback = of?.result === 'ROLLBACK' || of?.condition?.result === 'ROLLBACK' ? of.span : os?.result === 'ROLLBACK' ? os.span : undefined;
      if (rollback)
        diags.add('PC3024', `stage '${stage.name}' is the source stage, which CodePipeline cannot roll back`, rollback, {
          suggestion: "remove the rollback here; roll back the stages after it (a failed source stage fails the execution, 'result: retry' retries it)",
        });
    }
    // A condition without rules is a schema error (PC2006), or its rules had errors of their own: nothing to add here.
  }
};
