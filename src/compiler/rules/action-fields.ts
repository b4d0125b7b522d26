import type { IrAction } from '../ir.js';
import type { Rule } from './types.js';

/** Commands, output variables, environment variables and output files only on Compute actions (S22, S23); timeouts only on manual approvals (S28). */
export const actionFields: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (a.invalid) continue;
      if (a.category !== 'Compute') {
        if (a.commands || a.outputVariables || a.environmentVariables || hasOutputFiles(a))
          diags.add('PC3025', `action '${a.name}' is a ${a.category} action; commands, output variables, environment variables and output files belong to Compute actions`, a.span);
      } else if (!a.commands || a.commands.length === 0) {
        diags.add('PC3025', `Commands action '${a.name}' needs a non-empty 'commands' list`, a.span);
      }
      if (a.timeoutInMinutes !== undefined && !a.catalog?.honoursTimeout)
        diags.add('PC3026', `action '${a.name}' sets a timeout, which CodePipeline honours only for manual approvals`, a.spans.timeout ?? a.span, { suggestion: "remove 'timeout'" });
    }
};

function hasOutputFiles(a: IrAction): boolean {
  for (const o of a.outputs) if (o.files) return true;
  return false;
}
