import type { Rule } from './types.js';

/** At most 50 tags; keys starting with aws: are reserved (S29). */
export const tags: Rule = (p, diags) => {
  if (p.tags.length > 50) diags.add('PC3021', `pipeline '${p.name}' has ${p.tags.length} tags; at most 50 are allowed`, p.spans.tags ?? p.span);
  for (const t of p.tags)
    if (t.key.toLowerCase().startsWith('aws:')) diags.add('PC3021', `tag key '${t.key}' starts with 'aws:', which AWS reserves`, p.spans.tags ?? p.span);
};
