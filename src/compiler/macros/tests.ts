import type { Diagnostics } from '../diagnostics.js';
import type { ExStage } from '../model.js';
import type { Span } from '../source.js';
import { keySpan, setSpan, valueSpan } from '../positions.js';
import { macroAction, macroStage } from './common.js';

/** `tests:` becomes a "Test" stage whose test actions run in parallel; a string or list is its commands. */
export function testsMacro(p: Record<string, unknown>, span: Span, diags: Diagnostics): ExStage | undefined {
  if (p.tests === undefined) return undefined;
  const tests = p.tests as Record<string, unknown>;
  const names = Object.keys(tests);
  if (names.length === 0) {
    diags.add('PC2006', "'tests' must name at least one test", valueSpan(p, 'tests') ?? span);
    return undefined;
  }
  const actions = names.map((name) => {
    const at = valueSpan(tests, name) ?? span;
    const value = tests[name];
    const spec = typeof value === 'string' || Array.isArray(value) ? setSpan({ commands: value }, at) : value;
    return macroAction('tests', name, 'test', spec, at);
  });
  return macroStage('tests', 'Test', actions, keySpan(p, 'tests') ?? span);
}
