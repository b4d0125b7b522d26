import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { IrPipeline } from '../../compiler/ir.js';
import { roleNameOf } from './accounts.js';
import { policyChars } from './role-budget.js';
import { getAtt, PolicyBuilder, roleProperties, serviceTrust, sub, subText, withUserPermissions, type Json, type Template } from './template.js';

/** The pipeline's role as the rest of the stack names it. */
export interface PipelineRole {
  /** Its ARN: `role:` as written, or the ARN of the role the stack makes. */
  arn: Json;
  /** Estimated characters of the inline policies attached to `role:` (IAM limits a role's to 10,240). */
  attachedChars: number;
  /** Logical IDs the pipeline must be created after (the policies that give the role what it needs). */
  dependsOn: string[];
  /** For the stack's header: what a role the stack attaches nothing to (`role-policy: none`) must allow. */
  note?: string;
}

/**
 * The name of the inline policy pipec puts on a role of the user's: one per pipeline and region, so
 * the stacks of several pipelines (or of one pipeline in several regions) that share the role never
 * replace each other's policy. At most 6 + 100 + 1 + 15 characters (IAM allows 128).
 */
export function pipelinePolicyName(pipeline: string, suffix = ''): Json {
  return sub(`pipec-${subText(pipeline)}-\${AWS::Region}${suffix}`);
}

/**
 * The role CodePipeline assumes for the stack's pipeline, with what it needs (`policy`: the stores,
 * each action run with it, the roles other actions assume, the blue/green helpers):
 * - `role:` given: the pipeline runs as that role in both modes, as in codepipeline.json. The
 *   stack attaches the grants to it as an AWS::IAM::Policy (Roles: its name, the last segment of
 *   the ARN), as CDK does for an imported role, and `permissions:` as a second one.
 *   `managed-policies:` cannot be attached to a role CloudFormation does not own (no resource
 *   type attaches an existing managed policy to an existing role): PC4010 says so with the
 *   command that does it. (A role of another account than the pipeline's is PC3037.)
 * - `role:` with `role-policy: none`: the user grants the role (one role many pipelines share, whose
 *   inline policies could not hold every stack's, PC4009): the stack attaches nothing to it and its
 *   header lists the IAM actions the role must allow. (`permissions:` beside it is PC3038.)
 * - no `role:`: the stack makes its own least-privilege role, as before.
 */
export function addPipelineRole(t: Template, p: IrPipeline, policy: PolicyBuilder, diags: Diagnostics): PipelineRole {
  if (!p.roleArn) {
    t.add('PipelineRole', 'AWS::IAM::Role', withUserPermissions(roleProperties(serviceTrust('codepipeline.amazonaws.com'), 'pipeline', policy, { Description: `pipec: the role CodePipeline assumes for pipeline ${p.name}` }), p.permissions));
    return { arn: getAtt('PipelineRole', 'Arn'), attachedChars: 0, dependsOn: [] };
  }
  const { name } = roleNameOf(p.roleArn);
  if (p.rolePolicy === 'none') {
    managedPolicyNotes(p, p.roleArn, name, diags);
    return { arn: p.roleArn, attachedChars: 0, dependsOn: [], note: noneNote(p.roleArn, policy) };
  }
  const dependsOn: string[] = [];
  let attachedChars = 0;
  if (policy.size > 0) {
    const doc = policy.document();
    attachedChars += policyChars(doc);
    dependsOn.push(
      t.add('PipelineRolePolicy', 'AWS::IAM::Policy', { PolicyName: pipelinePolicyName(p.name), Roles: [name], PolicyDocument: doc }, {
        comment: `what pipeline ${p.name} needs, on your role ${p.roleArn} (pipeline.yml 'role'), which the pipeline runs as`,
      }),
    );
  }
  const statements = withUserPermissions({}, p.permissions ? { ...p.permissions, managedPolicies: [] } : undefined).Policies as Array<{ PolicyDocument: Json }> | undefined;
  const user = statements?.[0];
  if (user) {
    attachedChars += policyChars(user.PolicyDocument);
    dependsOn.push(t.add('PipelineRoleUserPolicy', 'AWS::IAM::Policy', { PolicyName: pipelinePolicyName(p.name, '-pipeline-yml'), Roles: [name], PolicyDocument: user.PolicyDocument }));
  }
  managedPolicyNotes(p, p.roleArn, name, diags);
  return { arn: p.roleArn, attachedChars, dependsOn };
}

/** PC4010: `managed-policies:` for `role:`, which no CloudFormation resource can attach to a role the stack does not make. */
function managedPolicyNotes(p: IrPipeline, roleArn: string, name: string, diags: Diagnostics): void {
  for (const arn of p.permissions?.managedPolicies ?? [])
    diags.add('PC4010', `managed policy ${arn} cannot be attached to the pipeline's role ${roleArn} by its stack: CloudFormation attaches managed policies only to roles it makes`, p.permissionsSpan ?? p.span, {
      suggestion: `attach it yourself: aws iam attach-role-policy --role-name ${name} --policy-arn ${arn}, or leave 'role:' out so that the stack makes the role with it`,
    });
}

/** The header line of a stack whose pipeline runs as a role the user grants: the actions pipec would have attached. */
function noneNote(roleArn: string, policy: PolicyBuilder): string {
  const list = policy.actions();
  return `\nRole ${roleArn} is yours to grant (pipeline.yml 'role-policy: none'): this stack attaches nothing to it. ${list.length > 0 ? `The pipeline calls ${list.join(', ')}; the role must allow them on the resources this stack makes or names.` : 'The pipeline makes no AWS calls of its own.'}`;
}
