import type { ExStage } from '../model.js';
import type { Span } from '../source.js';
import { keySpan, valueSpan } from '../tree.js';
import { macroAction, macroStage } from './common.js';

/** `deploy:` becomes a "Deploy" stage with one deploy action. */
export function deployMacro(p: Record<string, unknown>, span: Span): ExStage | undefined {
  if (p.deploy === undefined) return undefined;
  const at = valueSpan(p, 'deploy') ?? span;
  return macroStage('deploy', 'Deploy', [macroAction('deploy', 'Deploy', 'deploy', p.deploy, at)], keySpan(p, 'deploy') ?? span);
}
