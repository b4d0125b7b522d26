import type { ExStage } from '../model.js';
import type { PipelineInput } from '../schema/pipeline-input.js';
import { isBlueGreen } from './blue-green.js';
import { macroAction, macroStage } from './common.js';

/** `deploy:` becomes a "Deploy" stage with one deploy action (a blue/green deploy is the blue-green macro's). */
export function deployMacro({ read: p, at: span }: PipelineInput): ExStage | undefined {
  if (p.deploy === undefined || isBlueGreen(p.deploy)) return undefined;
  return macroStage('deploy', 'Deploy', [macroAction('deploy', 'Deploy', 'deploy', p.deploy, span.child('deploy'))], span.key('deploy'));
}
