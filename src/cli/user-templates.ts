import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATE_FILES, type UserTemplates } from '../targets/templates.js';

/**
 * Reads the user's templates from `--templates DIR` for the targets, which read no file: each
 * template name pipec knows, when DIR has a file of that name. One that exists but cannot be read is
 * kept with its error, which the buildspec target reports (PC4006) if it needs that template.
 */
export function readUserTemplates(dir: string): UserTemplates {
  const out: Record<string, { path: string; text: string } | { path: string; error: string }> = {};
  for (const file of TEMPLATE_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    try {
      out[file] = { path, text: readFileSync(path, 'utf8') };
    } catch (e) {
      out[file] = { path, error: (e as Error).message };
    }
  }
  return out;
}
