import { isObject, jsonEqual, type Json } from './json.js';
import type { Change } from './changes.js';

/**
 * Field-level differences between two normalised values: maps are compared key by key (the
 * path grows with each key), anything else as a whole. `where` places the changes in a stage or action.
 */
export function diffFields(old: Json | undefined, now: Json | undefined, where: Pick<Change, 'stage' | 'action'>, path = ''): Change[] {
  if (jsonEqual(old, now)) return [];
  if (isObject(old) && isObject(now)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
    return keys.flatMap((k) => diffFields(old[k], now[k], where, path ? `${path}.${k}` : k));
  }
  const field = path || undefined;
  if (old === undefined) return [{ op: 'add', ...where, ...(field ? { field } : {}), new: now as Json }];
  if (now === undefined) return [{ op: 'remove', ...where, ...(field ? { field } : {}), old }];
  return [{ op: 'change', ...where, ...(field ? { field } : {}), old, new: now }];
}
