import { choices, didYouMean } from '../suggest.js';
import type { IrAction } from '../ir.js';
import type { Span } from '../source.js';
import type { Rule } from './types.js';

interface Producer {
  action: IrAction;
  stage: number;
  span: Span;
  cloneRef: boolean;
}

/** Output names are unique; every input is produced by an action that runs strictly earlier (S9, S10). */
export const artifactWiring: Rule = (p, diags) => {
  const producers = new Map<string, Producer>();
  p.stages.forEach((stage, si) => {
    for (const a of stage.actions)
      for (const out of a.outputs) {
        const prev = producers.get(out.name);
        if (prev)
          diags.add('PC3007', `artifact '${out.name}' is produced twice; output artifact names must be unique in the pipeline`, out.span, {
            notes: [{ message: `artifact '${out.name}' is first produced here, by '${prev.action.name}'`, span: prev.span }],
            suggestion: `give this output another name with 'outputs:'`,
          });
        else producers.set(out.name, { action: a, stage: si, span: out.span, cloneRef: a.configuration.OutputArtifactFormat === 'CODEBUILD_CLONE_REF' });
      }
  });
  p.stages.forEach((stage, si) => {
    for (const a of stage.actions) {
      // An action reads each artifact once; CodePipeline rejects a list that names one twice.
      a.inputs.forEach((input, i) => {
        const first = a.inputs.findIndex((x) => x.name === input.name);
        if (first < i)
          diags.add('PC3007', `action '${a.name}' reads artifact '${input.name}' twice; input artifacts of an action are unique`, input.span, {
            notes: [{ message: 'first named here', span: (a.inputs[first] as { span: Span }).span }],
            suggestion: `name '${input.name}' once in 'inputs:'`,
          });
      });
      for (const input of a.inputs) {
        const prod = producers.get(input.name);
        if (!prod) {
          const guess = didYouMean(input.name, producers.keys());
          const known = [...producers.keys()];
          diags.add('PC3008', `action '${a.name}' reads artifact '${input.name}', which no action produces`, input.span, {
            suggestion: guess ? `did you mean '${guess}'?` : known.length ? `artifacts in this pipeline: ${choices(known)}` : 'no action in this pipeline produces an artifact yet',
          });
          continue;
        }
        const earlier = prod.stage < si || (prod.stage === si && prod.action.runOrder < a.runOrder);
        if (!earlier) {
          const why = prod.stage > si ? `in a later stage, '${p.stages[prod.stage]?.name}'` : prod.action === a ? 'by this same action' : prod.action.runOrder === a.runOrder ? 'by an action that runs at the same time' : 'by an action that runs after it';
          diags.add('PC3009', `action '${a.name}' reads artifact '${input.name}', but it is produced ${why}`, input.span, {
            notes: [{ message: `artifact '${input.name}' is produced here`, span: prod.span }],
            suggestion: 'an input must come from an earlier stage, or an earlier step of the same stage',
          });
        }
        if (prod.cloneRef && !a.catalog?.readsCloneRef)
          diags.add('PC3028', `'${input.name}' is a CODEBUILD_CLONE_REF source artifact; only CodeBuild actions can read it, not '${a.name}' (${a.provider})`, input.span, {
            notes: [{ message: 'the source sets format: clone-ref here', span: prod.span }],
          });
      }
    }
  });
};
