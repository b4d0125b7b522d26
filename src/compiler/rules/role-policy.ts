import type { Rule } from './types.js';

/**
 * `role-policy: none` says the user grants the pipeline's role (`role:`) what it needs, so the
 * cloudformation target attaches nothing to it:
 * - PC3038: `permissions:` beside it would be dropped without a word (they are statements pipec
 *   attaches to that role); the user adds them to the role with the rest.
 * - PC3039: without `role:` the stack makes the pipeline's role itself, with what it needs, so there
 *   is no role of the user's to leave alone.
 * `managed-policies:` beside it stays PC4010 (the cloudformation target prints the command).
 */
export const rolePolicy: Rule = (p, diags) => {
  if (p.rolePolicy !== 'none') return;
  const at = p.spans.rolePolicy ?? p.span;
  if (!p.roleArn) {
    diags.add('PC3039', `pipeline '${p.name}' says 'role-policy: none' but names no 'role:': without one, the cloudformation target makes the pipeline's role itself, with what it needs`, at, {
      suggestion: "name the role you grant yourself in 'role:', or leave 'role-policy' out so that the stack makes the role",
    });
    return;
  }
  if (p.permissions && p.permissions.statements.length > 0)
    diags.add('PC3038', `pipeline '${p.name}' has 'permissions:', but 'role-policy: none' says pipec attaches nothing to its role ${p.roleArn}, so they would go nowhere`, p.permissionsSpan ?? p.span, {
      notes: p.spans.rolePolicy ? [{ message: "'role-policy: none' is here", span: p.spans.rolePolicy }] : [],
      suggestion: `add these statements to role ${p.roleArn} yourself, with the rest it needs, and remove 'permissions:'; or leave 'role-policy' out (attach) so that its stack attaches them`,
    });
};
