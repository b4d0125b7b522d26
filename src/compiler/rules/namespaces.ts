import type { Span } from '../source.js';
import type { Rule } from './types.js';

/** Namespaces are unique, not 'codepipeline' or 'variables', and never an artifact's name (S18). */
export const namespaces: Rule = (p, diags) => {
  const artifacts = new Set(p.stages.flatMap((s) => s.actions.flatMap((a) => a.outputs.map((o) => o.name))));
  const seen = new Map<string, Span>();
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const ns = a.namespace;
      if (!ns) continue;
      const at = a.spans.namespace ?? a.span;
      if (ns === 'codepipeline' || ns === 'variables') diags.add('PC3018', `namespace '${ns}' is reserved by CodePipeline`, at);
      else if (artifacts.has(ns)) diags.add('PC3018', `namespace '${ns}' is also an artifact name; CodePipeline requires them to differ`, at);
      const prev = seen.get(ns);
      if (prev) diags.add('PC3018', `namespace '${ns}' is used by two actions`, at, { notes: [{ message: 'first used here', span: prev }] });
      else seen.set(ns, at);
    }
};
