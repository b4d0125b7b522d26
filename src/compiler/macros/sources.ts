import type { Diagnostics } from '../diagnostics.js';
import type { ExStage } from '../model.js';
import type { PipelineInput } from '../schema/pipeline-input.js';
import { macroAction, macroStage } from './common.js';

/** `source:` (one) or `sources:` (several, by name) become the first stage, "Source". */
export function sourcesMacro({ read: p, at: span }: PipelineInput, diags: Diagnostics): ExStage | undefined {
  if (p.source !== undefined && p.sources !== undefined) {
    diags.add('PC2008', "use either 'source' (one source) or 'sources' (several, by name), not both", span.key('sources'));
    return undefined;
  }
  if (p.source !== undefined) {
    return macroStage('source', 'Source', [macroAction('source', 'Source', 'source', p.source, span.child('source'))], span.key('source'));
  }
  if (p.sources !== undefined) {
    const sources = p.sources;
    const names = Object.keys(sources);
    if (names.length === 0) {
      diags.add('PC2006', "'sources' must name at least one source", span.child('sources'));
      return undefined;
    }
    const actions = names.map((name) => macroAction('sources', name, 'source', sources[name], span.child('sources').child(name)));
    return macroStage('sources', 'Source', actions, span.key('sources'));
  }
  return undefined;
}
