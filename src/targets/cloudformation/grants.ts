import type { IrAction } from '../../compiler/ir.js';
import { arn, arnPart, userArn, type Grant, type Json } from './template.js';

/** What grant tables need to know about the stack they write into. */
export interface PermissionContext {
  pipeline: string;
  /** The region an action's resources are in: its own, or the stack's. */
  region(regionOfAction: string | undefined): string;
  /** The ARN of an inline CodeBuild project defined in the same stack. */
  projectArn(a: IrAction): Json | undefined;
}

/** The grants one action type needs; `r` is the region of the action's resources. */
export type GrantFn = (a: IrAction, c: PermissionContext, r: string) => Grant[];

export const NO_RESOURCE_LEVEL = 'has no resource-level permissions, so IAM requires Resource "*"';

/** Logs of actions that run on CodePipeline-managed compute go to /aws/codepipeline/<pipeline>. */
export function managedComputeLogs(c: PermissionContext, r: string): Grant {
  const group = `log-group:/aws/codepipeline/${arnPart(c.pipeline)}`;
  return {
    sid: 'ManagedComputeLogs',
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [arn('logs', group, r), arn('logs', `${group}:*`, r)],
  };
}

export function passRole(sid: string, roleArn: string | undefined, service: string): Grant[] {
  if (!roleArn) return [];
  return [{ sid, actions: ['iam:PassRole'], resources: [userArn(roleArn)], condition: { StringEquals: { 'iam:PassedToService': service } } }];
}

export const ecrAuth: Grant = {
  sid: 'EcrAuthorizationToken',
  actions: ['ecr:GetAuthorizationToken'],
  resources: ['*'],
  comment: `ecr:GetAuthorizationToken ${NO_RESOURCE_LEVEL}`,
};

export function ecrRepo(name: string, r: string): Json {
  return name.startsWith('arn:') ? userArn(name) : arn('ecr', `repository/${arnPart(name)}`, r);
}

export function lambdaFunctions(name: string, r: string): Json[] {
  if (name.startsWith('arn:')) return [userArn(name)];
  return [arn('lambda', `function:${arnPart(name)}`, r), arn('lambda', `function:${arnPart(name)}:*`, r)];
}

