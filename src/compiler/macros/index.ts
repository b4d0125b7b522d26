import type { Diagnostics } from '../diagnostics.js';
import type { ExStage } from '../model.js';
import type { PipelineInput } from '../schema/pipeline-input.js';
import type { Store } from '../schema/pipeline.js';
import type { Place } from '../positions.js';
import { blueGreenMacro } from './blue-green.js';
import { buildMacro } from './build.js';
import { deployMacro } from './deploy.js';
import { environmentsMacro } from './environments.js';
import { sourcesMacro } from './sources.js';
import { testsMacro } from './tests.js';

/** What a macro sees besides the pipeline, and what it adds to the pipeline besides stages. */
export interface MacroContext {
  /** The stages earlier macros wrote, in order. */
  stages: readonly ExStage[];
  /** Artifact stores, by region, for regions the macros' actions run in (added to `artifacts.stores`). */
  stores: Record<string, Store>;
  /** `deployment-groups:` entries (explicit form) for the CodeDeploy groups the macros deploy to; DEPLOYMENT_GROUP checks them as it does written ones. */
  deploymentGroups: Array<{ group: unknown; at: Place }>;
}

/**
 * A macro turns top-level sugar into explicit stages. It takes the pipeline as the schema phase read
 * it (typed by the schemas' outputs, each part with its place). They run in this order; their stages
 * come before `stages:`.
 */
export type Macro = (pipeline: PipelineInput, diags: Diagnostics, ctx: MacroContext) => ExStage | ExStage[] | undefined;

export const MACROS: readonly Macro[] = [sourcesMacro, buildMacro, testsMacro, deployMacro, blueGreenMacro, environmentsMacro];
