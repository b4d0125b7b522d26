import { ruleGrantsOf, runtimeGrants } from '../../compiler/catalog/runtime-grants.js';
import type { IrAction, IrRule } from '../../compiler/ir.js';
import { renderGrants } from './grant-render.js';
import type { PermissionContext } from './grants.js';
import type { Grant } from './template.js';

export type { PermissionContext } from './grants.js';

/**
 * What the role that runs an action needs, per provider: the catalog's run-time grants
 * (src/compiler/catalog/runtime-grants*.ts, each with the AWS documentation page it comes from),
 * filled in for this stack. Resources are scoped to what the action names; a `*` resource appears
 * only for calls that have no resource-level permissions, and then with a comment saying so.
 */

/** The grants an action needs, or undefined when pipec does not know its provider. Third-party and custom types need none (a job worker or a token does the work). */
export function actionGrants(a: IrAction, c: PermissionContext): Grant[] | undefined {
  if (a.owner !== 'AWS') return [];
  const data = runtimeGrants(a.category, a.provider);
  if (!data) return undefined;
  const projectArn = c.projectArn(a);
  return renderGrants(data.action, { config: a.configuration, region: c.region(a.region), pipeline: c.pipeline, ...(projectArn !== undefined ? { projectArn } : {}) });
}

/** The grants a stage-condition rule needs. */
export function ruleGrants(rule: IrRule, c: PermissionContext): Grant[] {
  const data = ruleGrantsOf(rule.provider);
  return data ? renderGrants(data.action, { config: rule.configuration, region: c.region(rule.region), pipeline: c.pipeline }) : [];
}

/** Whether pipec knows what an AWS-owned action type needs at run time (test/permissions-catalog.test.ts holds the catalog to it). */
export function knowsGrants(category: string, provider: string): boolean {
  return runtimeGrants(category, provider) !== undefined;
}
