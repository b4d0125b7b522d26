import { buildspecTarget } from './buildspec.js';
import { cloudformationTarget } from './cloudformation/index.js';
import { codepipelineTarget } from './codepipeline.js';
import type { Target } from './types.js';

export type { Target, OutputFile, EmitOptions, EmitFacts } from './types.js';

/** Every target pipec can emit, by name. Adding one touches its own file and this list. */
export const TARGETS: readonly Target[] = [codepipelineTarget, cloudformationTarget, buildspecTarget];

export function targetByName(name: string): Target | undefined {
  return TARGETS.find((t) => t.name === name);
}
