import { didYouMean } from '../suggest.js';
import type { IrAction } from '../ir.js';
import type { Span } from '../source.js';
import type { Rule } from './types.js';

const REF = /#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_.-]+)\}/g;

/** `#{ns.key}` names a namespace of an action that runs earlier; `#{variables.x}` a pipeline variable (S18). */
export const variableRefs: Rule = (p, diags) => {
  const where = new Map<string, { stage: number; action: IrAction }>();
  p.stages.forEach((s, si) => {
    for (const a of s.actions) if (a.namespace) where.set(a.namespace, { stage: si, action: a });
  });
  const variables = new Set(p.variables.map((v) => v.name));
  p.stages.forEach((stage, si) => {
    for (const a of stage.actions) {
      const scan = (text: string, span: Span | undefined): void => {
        // Most values name no variable: no match iterator for them.
        if (!text.includes('#{')) return;
        for (const m of text.matchAll(REF)) {
          const ns = m[1] as string;
          const name = m[2] as string;
          const at = span ?? a.span;
          if (ns === 'codepipeline') continue;
          if (ns === 'variables') {
            if (!variables.has(name)) {
              const guess = didYouMean(name, variables);
              diags.add('PC3019', `'#{variables.${name}}' names a pipeline variable that is not declared`, at, {
                suggestion: guess ? `did you mean '${guess}'?` : `declare it under 'variables:'`,
              });
            }
            continue;
          }
          const prod = where.get(ns);
          if (!prod) {
            const guess = didYouMean(ns, where.keys());
            diags.add('PC3019', `'#{${ns}.${name}}' names namespace '${ns}', which no action declares`, at, {
              suggestion: guess ? `did you mean '${guess}'?` : "give the producing action 'namespace: " + ns + "'",
            });
          } else if (prod.stage > si || (prod.stage === si && prod.action.runOrder >= a.runOrder)) {
            diags.add('PC3019', `'#{${ns}.${name}}' is read by '${a.name}' before action '${prod.action.name}' has run`, at, {
              notes: [{ message: `namespace '${ns}' is declared here`, span: prod.action.spans.namespace ?? prod.action.span }],
            });
          }
        }
      };
      for (const k in a.configuration)
        if (Object.hasOwn(a.configuration, k) && !(k === 'EnvironmentVariables' && a.project)) scan(a.configuration[k] as string, a.configSpans[k]);
      for (const c of a.commands ?? []) scan(c, undefined);
      // An inline build's variables are one JSON value in the configuration; each still knows where it was written.
      for (const e of a.environmentVariables ?? []) scan(e.value, e.span);
      for (const e of a.project?.env ?? []) scan(e.value, e.span);
    }
  });
};
