import type { ExStage } from '../model.js';
import type { Span } from '../source.js';
import { keySpan, valueSpan } from '../positions.js';
import { macroAction, macroStage } from './common.js';

/** `build:` becomes a "Build" stage with one CodeBuild (or other build provider) action. */
export function buildMacro(p: Record<string, unknown>, span: Span): ExStage | undefined {
  if (p.build === undefined) return undefined;
  const at = valueSpan(p, 'build') ?? span;
  return macroStage('build', 'Build', [macroAction('build', 'Build', 'build', p.build, at)], keySpan(p, 'build') ?? span);
}
