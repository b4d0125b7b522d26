import { choices, didYouMean } from '../suggest.js';
import type { Rule } from './types.js';

/** A trigger names a CodeStarSourceConnection action of the first stage, at most one trigger each (S25). */
export const triggers: Rule = (p, diags) => {
  const first = p.stages[0]?.actions ?? [];
  const seen = new Map<string, (typeof p.triggers)[number]>();
  for (const t of p.triggers) {
    const action = first.find((a) => a.name === t.sourceActionName);
    // An action whose spec could not be read was reported where it is written; its provider is unknown.
    if (action?.invalid) continue;
    if (!action) {
      const names = first.filter((a) => a.category === 'Source').map((a) => a.name);
      const guess = didYouMean(t.sourceActionName, names);
      diags.add('PC3014', `trigger names source '${t.sourceActionName}', which is not a source action of the first stage`, t.span, {
        suggestion: guess ? `did you mean '${guess}'?` : names.length ? `sources: ${choices(names)}` : undefined,
      } as { suggestion?: string });
    } else if (!action.catalog?.gitTriggers) {
      diags.add('PC3014', `triggers work only on connection sources (GitHub, Bitbucket, GitLab); '${action.name}' is a ${action.provider} source`, t.span, {
        notes: [{ message: `'${action.name}' is defined here`, span: action.span }],
      });
    }
    const prev = seen.get(t.sourceActionName);
    if (prev) diags.add('PC3014', `source '${t.sourceActionName}' has two triggers; combine their filters in one (up to 3 push and 3 pull-request filters)`, t.span, { notes: [{ message: 'first trigger here', span: prev.span }] });
    else seen.set(t.sourceActionName, t);
  }
};
