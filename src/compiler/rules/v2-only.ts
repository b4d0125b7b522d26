import type { Span } from '../source.js';
import type { Rule } from './types.js';

/** Triggers, variables, QUEUED/PARALLEL, stage conditions and V2-only providers need a V2 pipeline (S24). */
export const v2Only: Rule = (p, diags) => {
  if (p.pipelineType !== 'V1') return;
  const report = (what: string, span: Span | undefined): void => {
    diags.add('PC3013', `pipeline '${p.name}' is V1, which does not support ${what}; only V2 pipelines do`, span ?? p.span, {
      notes: p.spans.type ? [{ message: 'the pipeline type is set here', span: p.spans.type }] : [],
      suggestion: "remove 'type: V1' (pipec makes V2 pipelines by default)",
    });
  };
  if (p.triggers.length > 0) report('triggers', p.spans.triggers);
  if (p.variables.length > 0) report('pipeline variables', p.spans.variables);
  if (p.executionMode === 'QUEUED' || p.executionMode === 'PARALLEL') report(`execution mode '${p.executionMode.toLowerCase()}'`, p.spans.execution);
  for (const stage of p.stages) {
    for (const [cond, label] of [[stage.beforeEntry, 'before-entry'], [stage.onSuccess, 'on-success'], [stage.onFailure, 'on-failure']] as const)
      if (cond) report(`stage condition '${label}'`, cond.span);
    for (const a of stage.actions) {
      if (a.catalog?.v2Only || a.category === 'Compute') report(`${a.provider} action '${a.name}'`, a.span);
      else if (a.commands || a.outputVariables || a.environmentVariables) report(`action '${a.name}' with commands`, a.span);
    }
  }
};
