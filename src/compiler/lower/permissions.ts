import type { IrPermissions, IrStatement } from '../ir.js';

/** `permissions:` and `managed-policies:` as the IR keeps them (both already checked by the schema). */
export function lowerPermissions(permissions: unknown, managed: unknown): IrPermissions | undefined {
  if (permissions === undefined && managed === undefined) return undefined;
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);
  const statements = ((permissions ?? []) as Array<Record<string, unknown>>).map((s): IrStatement => ({
    ...(s.sid !== undefined ? { sid: String(s.sid) } : {}),
    effect: String(s.effect ?? 'allow').toLowerCase() === 'deny' ? 'Deny' : 'Allow',
    actions: list(s.actions),
    resources: list(s.resources),
    ...(s.condition !== undefined ? { condition: s.condition as IrStatement['condition'] } : {}),
  }));
  return { statements, managedPolicies: managed === undefined ? [] : list(managed) };
}
