import type { IrPermissions, IrStatement } from '../ir.js';
import type { ManagedPolicies, Permissions } from '../schema/iam.js';

/** `permissions:` and `managed-policies:` as the IR keeps them (both already checked by the schema). */
export function lowerPermissions(permissions: Permissions | undefined, managed: ManagedPolicies | undefined): IrPermissions | undefined {
  if (permissions === undefined && managed === undefined) return undefined;
  const list = (v: string | string[]): string[] => (Array.isArray(v) ? [...v] : [v]);
  const statements = (permissions ?? []).map((s): IrStatement => ({
    ...(s.sid !== undefined ? { sid: s.sid } : {}),
    effect: s.effect?.toLowerCase() === 'deny' ? 'Deny' : 'Allow',
    actions: list(s.actions),
    resources: list(s.resources),
    ...(s.condition !== undefined ? { condition: s.condition } : {}),
  }));
  return { statements, managedPolicies: managed === undefined ? [] : [...managed] };
}
