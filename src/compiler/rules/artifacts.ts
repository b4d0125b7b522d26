import { choices, didYouMean } from '../suggest.js';
import type { Diagnostics } from '../diagnostics.js';
import type { IrAction, IrArtifactRef, IrPipeline } from '../ir.js';
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
  const stages = p.stages;
  for (let si = 0; si < stages.length; si++)
    for (const a of stages[si]!.actions) {
      const outputs = a.outputs;
      if (outputs.length === 0) continue;
      const cloneRef = a.configuration.OutputArtifactFormat === 'CODEBUILD_CLONE_REF';
      for (const out of outputs) {
        const prev = producers.get(out.name);
        if (prev) reportTwice(out, prev, diags);
        else producers.set(out.name, { action: a, stage: si, span: out.span, cloneRef });
      }
    }
  for (let si = 0; si < stages.length; si++)
    for (const a of stages[si]!.actions) {
      const inputs = a.inputs;
      // An action reads each artifact once; CodePipeline rejects a list that names one twice.
      for (let i = 1; i < inputs.length; i++) {
        const name = inputs[i]!.name;
        for (let j = 0; j < i; j++)
          if (inputs[j]!.name === name) {
            reportReadTwice(a, i, j, diags);
            break;
          }
      }
      for (const input of inputs) {
        const prod = producers.get(input.name);
        if (!prod) {
          reportUnknown(a, input, producers, diags);
          continue;
        }
        const earlier = prod.stage < si || (prod.stage === si && prod.action.runOrder < a.runOrder);
        if (!earlier) reportNotEarlier(p, a, si, input, prod, diags);
        if (prod.cloneRef && !a.catalog?.readsCloneRef)
          diags.add('PC3028', `'${input.name}' is a CODEBUILD_CLONE_REF source artifact; only CodeBuild actions can read it, not '${a.name}' (${a.provider})`, input.span, {
            notes: [{ message: 'the source sets format: clone-ref here', span: prod.span }],
          });
      }
    }
};

function reportTwice(out: IrArtifactRef, prev: Producer, diags: Diagnostics): void {
  diags.add('PC3007', `artifact '${out.name}' is produced twice; output artifact names must be unique in the pipeline`, out.span, {
    notes: [{ message: `artifact '${out.name}' is first produced here, by '${prev.action.name}'`, span: prev.span }],
    suggestion: `give this output another name with 'outputs:'`,
  });
}

/** Input `i` of `a` names the artifact input `first` (the first that does) named already. */
function reportReadTwice(a: IrAction, i: number, first: number, diags: Diagnostics): void {
  const input = a.inputs[i] as IrArtifactRef;
  diags.add('PC3007', `action '${a.name}' reads artifact '${input.name}' twice; input artifacts of an action are unique`, input.span, {
    notes: [{ message: 'first named here', span: (a.inputs[first] as { span: Span }).span }],
    suggestion: `name '${input.name}' once in 'inputs:'`,
  });
}

function reportUnknown(a: IrAction, input: IrArtifactRef, producers: Map<string, Producer>, diags: Diagnostics): void {
  const guess = didYouMean(input.name, producers.keys());
  const known = [...producers.keys()];
  diags.add('PC3008', `action '${a.name}' reads artifact '${input.name}', which no action produces`, input.span, {
    suggestion: guess ? `did you mean '${guess}'?` : known.length ? `artifacts in this pipeline: ${choices(known)}` : 'no action in this pipeline produces an artifact yet',
  });
}

function reportNotEarlier(p: IrPipeline, a: IrAction, si: number, input: IrArtifactRef, prod: Producer, diags: Diagnostics): void {
  const why = prod.stage > si ? `in a later stage, '${p.stages[prod.stage]?.name}'` : prod.action === a ? 'by this same action' : prod.action.runOrder === a.runOrder ? 'by an action that runs at the same time' : 'by an action that runs after it';
  diags.add('PC3009', `action '${a.name}' reads artifact '${input.name}', but it is produced ${why}`, input.span, {
    notes: [{ message: `artifact '${input.name}' is produced here`, span: prod.span }],
    suggestion: 'an input must come from an earlier stage, or an earlier step of the same stage',
  });
}
