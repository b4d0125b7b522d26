import type { IrPipeline } from '../ir.js';
import type { Span } from '../source.js';
import type { Rule } from './types.js';

/** Every output artifact's name in the pipeline, made at its first namespace (most actions have none). */
const artifactNames = (p: IrPipeline): Set<string> => new Set(p.stages.flatMap((s) => s.actions.flatMap((a) => a.outputs.map((o) => o.name))));

/** Namespaces are unique, not 'codepipeline' or 'variables', and never an artifact's name (S18). */
export const namespaces: Rule = (p, diags) => {
  let artifacts: Set<string> | undefined;
  let seen: Map<string, Span> | undefined;
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const ns = a.namespace;
      if (!ns) continue;
      artifacts ??= artifactNames(p);
      seen ??= new Map();
      const at = a.spans.namespace ?? a.span;
      if (ns === 'codepipeline' || ns === 'variables') diags.add('PC3018', `namespace '${ns}' is reserved by CodePipeline`, at);
      else if (artifacts.has(ns)) diags.add('PC3018', `namespace '${ns}' is also an artifact name; CodePipeline requires them to differ`, at);
      const prev = seen.get(ns);
      if (prev) diags.add('PC3018', `namespace '${ns}' is used by two actions`, at, { notes: [{ message: 'first used here', span: prev }] });
      else seen.set(ns, at);
    }
};
