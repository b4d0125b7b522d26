import type { Diagnostics } from '../diagnostics.js';
import type { ExStage } from '../model.js';
import type { SharedSettings, Store } from '../schema/pipeline.js';
import type { Place } from '../positions.js';
import { blueGreenMacro } from './blue-green.js';
import { buildMacro } from './build.js';
import { deployMacro } from './deploy.js';
import { environmentsMacro } from './environments.js';
import { sourcesMacro } from './sources.js';
import { testsMacro } from './tests.js';

/** What a macro sees besides the pipeline's mapping, and what it adds to the pipeline besides stages. */
export interface MacroContext {
  /** The file's top-level mapping when the pipeline is one of several (shared settings). */
  shared?: Record<string, unknown>;
  /** Where `shared` was written. */
  sharedAt?: Place;
  /** The settings a pipeline may share with its file, as read: the pipeline's own, else the file's. */
  settings: SharedSettings;
  /** The stages earlier macros wrote, in order. */
  stages: readonly ExStage[];
  /** Artifact stores, by region, for regions the macros' actions run in (added to `artifacts.stores`). */
  stores: Record<string, Store>;
  /** `deployment-groups:` entries (explicit form) for the CodeDeploy groups the macros deploy to. */
  deploymentGroups: Array<{ group: unknown; at: Place }>;
}

/** A macro turns top-level sugar into explicit stages. They run in this order; their stages come before `stages:`. */
export type Macro = (pipeline: Record<string, unknown>, at: Place, diags: Diagnostics, ctx: MacroContext) => ExStage | ExStage[] | undefined;

export const MACROS: readonly Macro[] = [sourcesMacro, buildMacro, testsMacro, deployMacro, blueGreenMacro, environmentsMacro];
