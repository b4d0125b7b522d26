import type { Diagnostics } from '../diagnostics.js';
import type { ExStage } from '../model.js';
import type { Span } from '../source.js';
import { keySpan, valueSpan } from '../positions.js';
import { macroAction, macroStage } from './common.js';

/** `source:` (one) or `sources:` (several, by name) become the first stage, "Source". */
export function sourcesMacro(p: Record<string, unknown>, span: Span, diags: Diagnostics): ExStage | undefined {
  if (p.source !== undefined && p.sources !== undefined) {
    diags.add('PC2008', "use either 'source' (one source) or 'sources' (several, by name), not both", keySpan(p, 'sources') ?? span);
    return undefined;
  }
  if (p.source !== undefined) {
    const at = valueSpan(p, 'source') ?? span;
    return macroStage('source', 'Source', [macroAction('source', 'Source', 'source', p.source, at)], keySpan(p, 'source') ?? span);
  }
  if (p.sources !== undefined) {
    const sources = p.sources as Record<string, unknown>;
    const names = Object.keys(sources);
    if (names.length === 0) {
      diags.add('PC2006', "'sources' must name at least one source", valueSpan(p, 'sources') ?? span);
      return undefined;
    }
    const actions = names.map((name) => macroAction('sources', name, 'source', sources[name], valueSpan(sources, name) ?? span));
    return macroStage('sources', 'Source', actions, keySpan(p, 'sources') ?? span);
  }
  return undefined;
}
