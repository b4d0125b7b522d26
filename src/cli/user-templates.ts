import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATE_FILES, type UserTemplates } from '../targets/templates.js';

/**
 * Reads the user's templates from `--templates DIR` for the targets, which read no file: each
 * template name pipec knows, when DIR has a file of that name. One that exists but cannot be read is
 * kept with its error, which the buildspec target reports (PC4006) if it needs that template.
 * `dir` is where to read; each template's path is `shownAs` (DIR as the user wrote it) joined with
 * its name, so messages name it as the user would.
 */
export function readUserTemplates(dir: string, shownAs: string = dir): UserTemplates {
  const out: Record<string, { path: string; text: string } | { path: string; error: string }> = {};
  for (const file of TEMPLATE_FILES) {
    const at = join(dir, file);
    const path = join(shownAs, file);
    if (!existsSync(at)) continue;
    try {
      out[file] = { path, text: readFileSync(at, 'utf8') };
    } catch (e) {
      out[file] = { path, error: (e as Error).message };
    }
  }
  return out;
}
