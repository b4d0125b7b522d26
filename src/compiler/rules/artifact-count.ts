import type { Provider } from '../catalog/index.js';
import type { Diagnostics } from '../diagnostics.js';
import type { IrAction } from '../ir.js';
import type { Rule } from './types.js';

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/**
 * A custom action type declares its own artifact counts when it is registered, each at most 5
 * (CreateCustomActionType, ArtifactDetails: minimumCount and maximumCount 0..5).
 */
const CUSTOM_RANGE: [number, number] = [0, 5];

/** Each provider accepts a fixed range of input and output artifacts (S11); any custom type at most 5 of each. */
export const artifactCount: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (a.invalid) continue;
      const c = a.catalog;
      if (!c && a.owner !== 'Custom') continue;
      const ins = c?.inputs ?? CUSTOM_RANGE;
      const outs = c?.outputs ?? CUSTOM_RANGE;
      const ni = a.inputs.length;
      const no = a.outputs.length;
      if (ni < ins[0] || ni > ins[1] || no < outs[0] || no > outs[1]) reportCounts(a, c, diags);
    }
};

/** The counts' message, for an action with a count out of its range. */
function reportCounts(a: IrAction, c: Provider | undefined, diags: Diagnostics): void {
  const [inMin, inMax] = c?.inputs ?? CUSTOM_RANGE;
  const [outMin, outMax] = c?.outputs ?? CUSTOM_RANGE;
  const ni = a.inputs.length;
  const no = a.outputs.length;
  if (ni < inMin || ni > inMax) {
    const range = inMin === inMax ? `exactly ${inMin}` : `${inMin} to ${inMax}`;
    diags.add('PC3010', `action '${a.name}' (${a.provider}) has ${plural(ni, 'input artifact')}; ${c ? 'it takes' : 'a custom action type takes'} ${range}`, a.spans.inputs ?? a.span, {
      suggestion: ni < inMin ? "name the artifact it reads with 'inputs:'" : inMax === 0 ? "remove 'inputs:'; this action reads no artifacts" : `keep at most ${inMax} in 'inputs:'`,
    });
  }
  if (no < outMin || no > outMax) {
    const range = outMin === outMax ? `exactly ${outMin}` : `${outMin} to ${outMax}`;
    diags.add('PC3010', `action '${a.name}' (${a.provider}) has ${plural(no, 'output artifact')}; ${c ? 'it takes' : 'a custom action type takes'} ${range}`, a.spans.outputs ?? a.span);
  }
}
