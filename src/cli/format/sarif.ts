import { CODES } from '../../compiler/codes.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { diagnosticLocation, locate, type Location } from './location.js';

function physical(loc: Location | undefined) {
  if (!loc) return undefined;
  return {
    physicalLocation: {
      artifactLocation: { uri: loc.file.split('\\').join('/') },
      ...(loc.line !== undefined ? { region: { startLine: loc.line, startColumn: loc.column, endLine: loc.endLine, endColumn: loc.endColumn } } : {}),
    },
  };
}

/** SARIF 2.1.0 for code scanning: every registered code is a rule; each diagnostic a result. */
export function formatSarif(diags: readonly Diagnostic[], version: string): string {
  const ids = Object.keys(CODES).sort();
  const rules = ids.map((id) => {
    const c: { rule: string; summary: string; severity: string } = CODES[id as keyof typeof CODES];
    return { id, name: c.rule, shortDescription: { text: c.summary }, defaultConfiguration: { level: c.severity === 'info' ? 'note' : c.severity } };
  });
  const results = diags.map((d) => {
    const loc = physical(diagnosticLocation(d));
    return {
      ruleId: d.code,
      ruleIndex: ids.indexOf(d.code),
      level: d.severity === 'info' ? 'note' : d.severity,
      message: { text: d.suggestion ? `${d.message} (${d.suggestion})` : d.message },
      ...(loc ? { locations: [loc] } : {}),
      ...(d.notes.length
        ? { relatedLocations: d.notes.flatMap((n, i) => { const l = physical(locate(n.span)); return l ? [{ id: i, ...l, message: { text: n.message } }] : []; }) }
        : {}),
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'pipec', version, informationUri: 'https://github.com/pipec/pipec', rules } }, results }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
