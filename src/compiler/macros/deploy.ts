import type { ExStage } from '../model.js';
import type { Span } from '../source.js';
import { keySpan, valueSpan } from '../positions.js';
import { isBlueGreen } from './blue-green.js';
import { macroAction, macroStage } from './common.js';

/** `deploy:` becomes a "Deploy" stage with one deploy action (a blue/green deploy is the blue-green macro's). */
export function deployMacro(p: Record<string, unknown>, span: Span): ExStage | undefined {
  if (p.deploy === undefined || isBlueGreen(p.deploy)) return undefined;
  const at = valueSpan(p, 'deploy') ?? span;
  return macroStage('deploy', 'Deploy', [macroAction('deploy', 'Deploy', 'deploy', p.deploy, at)], keySpan(p, 'deploy') ?? span);
}
