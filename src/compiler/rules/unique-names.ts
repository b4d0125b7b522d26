import type { Diagnostics } from '../diagnostics.js';
import type { IrAction, IrStage } from '../ir.js';
import type { Span } from '../source.js';
import type { Rule } from './types.js';

/** Stage names are unique in a pipeline; action names unique in a stage (S6, S7); inline builds' CodeBuild project names unique (PC3042). */
export const uniqueNames: Rule = (p, diags) => {
  const stages = new Map<string, Span>();
  for (const stage of p.stages) {
    const first = stages.get(stage.name);
    if (first) diags.add('PC3005', `stage name '${stage.name}' is used twice in pipeline '${p.name}'`, stage.span, { notes: [{ message: 'first used here', span: first }], suggestion: 'rename one of the stages' });
    else stages.set(stage.name, stage.span);
    const actions = stage.actions;
    // The first action of the same name before each, looked for in the list itself: stages hold a few actions.
    for (let i = 1; i < actions.length; i++) {
      const name = actions[i]!.name;
      for (let j = 0; j < i; j++)
        if (actions[j]!.name === name) {
          if (actions[j]!.span) reportAction(stage, actions[i]!, actions[j]!.span, diags);
          break;
        }
    }
  }
  // Names pipec derives join the pipeline's, stage's and action's names with '-' and turn '.' and '@'
  // into '-', so two builds can come to one CodeBuild project name (stage 'a.b' action 'c' and stage 'a'
  // action 'b-c'): the second project would overwrite the first's buildspec, or fail to create.
  let projects: Map<string, { stage: IrStage; action: IrAction }> | undefined;
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (!a.project) continue;
      projects ??= new Map();
      const prev = projects.get(a.project.name);
      if (prev === undefined) projects.set(a.project.name, { stage, action: a });
      // The same names twice: PC3005 or PC3006 says so.
      else if (`${prev.stage.name}\n${prev.action.name}` !== `${stage.name}\n${a.name}`) reportProject(stage, a, prev, diags);
    }
};

function reportAction(stage: IrStage, a: IrAction, prev: Span, diags: Diagnostics): void {
  diags.add('PC3006', `action name '${a.name}' is used twice in stage '${stage.name}'`, a.span, { notes: [{ message: 'first used here', span: prev }], suggestion: 'rename one of the actions' });
}

function reportProject(stage: IrStage, a: IrAction, prev: { stage: IrStage; action: IrAction }, diags: Diagnostics): void {
  const name = (a.project as { name: string }).name;
  const first = `'${prev.action.name}' in stage '${prev.stage.name}'`;
  diags.add('PC3042', `build '${a.name}' in stage '${stage.name}' would be CodeBuild project '${name}', which build ${first} already is`, a.span, {
    notes: [{ message: `build ${first} is project '${name}'`, span: prev.action.span }],
    suggestion: `rename the stage or the action, or name the project with 'project:'`,
  });
}
