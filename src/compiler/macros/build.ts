import type { ExStage } from '../model.js';
import type { PipelineInput } from '../schema/pipeline-input.js';
import { macroAction, macroStage } from './common.js';

/** `build:` becomes a "Build" stage with one CodeBuild (or other build provider) action. */
export function buildMacro({ read: p, at: span }: PipelineInput): ExStage | undefined {
  if (p.build === undefined) return undefined;
  return macroStage('build', 'Build', [macroAction('build', 'Build', 'build', p.build, span.child('build'))], span.key('build'));
}
