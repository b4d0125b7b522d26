import type { Span } from '../source.js';
import type { Rule } from './types.js';

/** Stage names are unique in a pipeline; action names unique in a stage (S6, S7); inline builds' CodeBuild project names unique (PC3042). */
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
  // Names pipec derives join the pipeline's, stage's and action's names with '-' and turn '.' and '@'
  // into '-', so two builds can come to one CodeBuild project name (stage 'a.b' action 'c' and stage 'a'
  // action 'b-c'): the second project would overwrite the first's buildspec, or fail to create.
  const projects = new Map<string, { key: string; action: string; span: Span }>();
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (!a.project) continue;
      const prev = projects.get(a.project.name);
      if (prev?.key === `${stage.name}\n${a.name}`) continue; // the same names twice: PC3005 or PC3006 says so
      if (prev)
        diags.add('PC3042', `build '${a.name}' in stage '${stage.name}' would be CodeBuild project '${a.project.name}', which build ${prev.action} already is`, a.span, {
          notes: [{ message: `build ${prev.action} is project '${a.project.name}'`, span: prev.span }],
          suggestion: `rename the stage or the action, or name the project with 'project:'`,
        });
      else projects.set(a.project.name, { key: `${stage.name}\n${a.name}`, action: `'${a.name}' in stage '${stage.name}'`, span: a.span });
    }
};
