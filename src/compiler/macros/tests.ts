import type { Diagnostics } from '../diagnostics.js';
import type { ExStage } from '../model.js';
import type { PipelineInput } from '../schema/pipeline-input.js';
import { commandsAt, macroAction, macroStage } from './common.js';

/** `tests:` becomes a "Test" stage whose test actions run in parallel; a string or list is its commands. */
export function testsMacro({ read: p, at: span }: PipelineInput, diags: Diagnostics): ExStage | undefined {
  const tests = p.tests;
  if (tests === undefined) return undefined;
  const names = Object.keys(tests);
  if (names.length === 0) {
    diags.add('PC2006', "'tests' must name at least one test", span.child('tests'));
    return undefined;
  }
  const actions = names.map((name) => {
    const at = span.child('tests').child(name);
    const value = tests[name];
    // Commands alone are the commands of a mapping made here.
    if (typeof value === 'string' || Array.isArray(value)) return macroAction('tests', name, 'test', { commands: value }, commandsAt(at));
    return macroAction('tests', name, 'test', value, at);
  });
  return macroStage('tests', 'Test', actions, span.key('tests'));
}
