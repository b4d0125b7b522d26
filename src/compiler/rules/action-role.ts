import type { Rule } from './types.js';

/** Only AWS-owned actions can assume an action role (S17). */
export const actionRole: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions)
      if (a.roleArn && a.owner !== 'AWS')
        diags.add('PC3017', `action '${a.name}' is a ${a.owner} action; only AWS actions can assume a role`, a.spans.role ?? a.span, { suggestion: "remove 'role'" });
};
