import type { Rule } from './types.js';

/**
 * PC3037: `role:` in another account than `account:`. A pipeline's service role is a role of the
 * pipeline's own account (roles of other accounts are for actions, in the action's `role:`, which
 * the pipeline role assumes), so neither target can run the pipeline as it, and the stack cannot
 * attach the pipeline's grants to it from the pipeline's account. Both targets use `role:`.
 */
export const pipelineRoleAccount: Rule = (p, diags) => {
  const roleAccount = /^arn:[^:]+:iam::(\d{12}):role\//.exec(p.roleArn ?? '')?.[1];
  if (!p.account || !roleAccount || roleAccount === p.account) return;
  diags.add('PC3037', `pipeline '${p.name}' is in account ${p.account}, but its role ${p.roleArn} is in account ${roleAccount}; CodePipeline runs a pipeline only as a role of the pipeline's own account`, p.spans.role ?? p.span, {
    suggestion: `name a role of account ${p.account} in 'role:' (arn:aws:iam::${p.account}:role/<name>); an action that must work in account ${roleAccount} takes that account's role in its own 'role:'`,
  });
};
