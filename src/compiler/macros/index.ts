import type { Diagnostics } from '../diagnostics.js';
import type { ExStage } from '../model.js';
import type { Span } from '../source.js';
import { buildMacro } from './build.js';
import { deployMacro } from './deploy.js';
import { sourcesMacro } from './sources.js';
import { testsMacro } from './tests.js';

/** A macro turns top-level sugar into explicit stages. They run in this order; their stages come before `stages:`. */
export type Macro = (pipeline: Record<string, unknown>, span: Span, diags: Diagnostics) => ExStage | undefined;

export const MACROS: readonly Macro[] = [sourcesMacro, buildMacro, testsMacro, deployMacro];
