import type { Json } from './json.js';

/**
 * One difference between the live pipeline and the configuration, as specific as it can be:
 * - `add` / `remove`: a field (with `field`), an action (with `action`, no `field`) or a stage
 *   (with `stage` only); `new` / `old` hold what is added or removed;
 * - `change`: a field whose value differs, `old` -> `new`;
 * - `rename`: a stage or action matched by its contents under another name (`old` -> `new` names);
 * - `move`: a stage at another position (`old` -> `new`, 1-based), or an action found in another
 *   stage (`old` -> `new` stage names).
 * `stage` and `action` name where the change is, as the configuration names them (the live name
 * for things that are removed). No `stage`: a pipeline-level field or a tag.
 */
export interface Change {
  op: 'add' | 'remove' | 'change' | 'rename' | 'move';
  stage?: string;
  action?: string;
  /** Dotted path of the field inside the pipeline, stage or action (`configuration.BranchName`, `tags.team`). */
  field?: string;
  old?: Json;
  new?: Json;
}
