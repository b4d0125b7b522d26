import type { ExStage } from '../model.js';
import type { Place } from '../positions.js';
import { macroAction, macroStage } from './common.js';

/** `build:` becomes a "Build" stage with one CodeBuild (or other build provider) action. */
export function buildMacro(p: Record<string, unknown>, span: Place): ExStage | undefined {
  if (p.build === undefined) return undefined;
  return macroStage('build', 'Build', [macroAction('build', 'Build', 'build', p.build, span.child('build'))], span.key('build'));
}
