import { didYouMean } from '../suggest.js';
import type { Diagnostics } from '../diagnostics.js';
import type { IrAction, IrPipeline } from '../ir.js';
import type { Span } from '../source.js';
import type { Rule } from './types.js';

const REF = /#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_.-]+)\}/g;

/** What a pipeline's references are checked against, made at its first `#{`: most pipelines have none, or few. */
class Names {
  readonly where = new Map<string, { stage: number; action: IrAction }>();
  readonly variables: Set<string>;
  constructor(p: IrPipeline) {
    p.stages.forEach((s, si) => {
      for (const a of s.actions) if (a.namespace) this.where.set(a.namespace, { stage: si, action: a });
    });
    this.variables = new Set(p.variables.map((v) => v.name));
  }
}

/** `#{ns.key}` names a namespace of an action that runs earlier; `#{variables.x}` a pipeline variable (S18). */
export const variableRefs: Rule = (p, diags) => {
  const scope: { names: Names | undefined } = { names: undefined };
  const stages = p.stages;
  for (let si = 0; si < stages.length; si++)
    for (const a of stages[si]!.actions) {
      // Most values name no variable: only those holding `#{` are matched.
      const cfg = a.configuration;
      for (const k in cfg)
        if (Object.hasOwn(cfg, k) && !(k === 'EnvironmentVariables' && a.project)) {
          const text = cfg[k] as string;
          if (text.includes('#{')) scan(p, scope, diags, si, a, text, a.configSpans[k]);
        }
      if (a.commands) for (const c of a.commands) if (c.includes('#{')) scan(p, scope, diags, si, a, c, undefined);
      // An inline build's variables are one JSON value in the configuration; each still knows where it was written.
      if (a.environmentVariables) for (const e of a.environmentVariables) if (e.value.includes('#{')) scan(p, scope, diags, si, a, e.value, e.span);
      const env = a.project?.env;
      if (env) for (const e of env) if (e.value.includes('#{')) scan(p, scope, diags, si, a, e.value, e.span);
    }
};

/** Checks the references in one value of action `a` (of stage `si`). */
function scan(p: IrPipeline, scope: { names: Names | undefined }, diags: Diagnostics, si: number, a: IrAction, text: string, span: Span | undefined): void {
  for (const m of text.matchAll(REF)) {
    const ns = m[1] as string;
    const name = m[2] as string;
    const at = span ?? a.span;
    if (ns === 'codepipeline') continue;
    const names = (scope.names ??= new Names(p));
    if (ns === 'variables') {
      if (!names.variables.has(name)) {
        const guess = didYouMean(name, names.variables);
        diags.add('PC3019', `'#{variables.${name}}' names a pipeline variable that is not declared`, at, {
          suggestion: guess ? `did you mean '${guess}'?` : `declare it under 'variables:'`,
        });
      }
      continue;
    }
    const prod = names.where.get(ns);
    if (!prod) {
      const guess = didYouMean(ns, names.where.keys());
      diags.add('PC3019', `'#{${ns}.${name}}' names namespace '${ns}', which no action declares`, at, {
        suggestion: guess ? `did you mean '${guess}'?` : "give the producing action 'namespace: " + ns + "'",
      });
    } else if (prod.stage > si || (prod.stage === si && prod.action.runOrder >= a.runOrder)) {
      diags.add('PC3019', `'#{${ns}.${name}}' is read by '${a.name}' before action '${prod.action.name}' has run`, at, {
        notes: [{ message: `namespace '${ns}' is declared here`, span: prod.action.spans.namespace ?? prod.action.span }],
      });
    }
  }
}
