import { CODES, type Code } from '../../compiler/codes.js';
import { shownLine, type Diagnostic } from '../../compiler/diagnostics.js';
import type { Span } from '../../compiler/source.js';
import { codeUrl, HOMEPAGE } from './links.js';
import { diagnosticLocation, locate, type Location } from './location.js';

/** `unknown-key` -> `UnknownKey`: SARIF rule names are identifiers an end user reads. */
function ruleName(rule: string): string {
  return rule.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The text of the lines a span covers: the SARIF snippet a viewer shows without the file. */
function snippet(span: Span | undefined, loc: Location | undefined, redact?: boolean): { text: string } | undefined {
  if (!span || !loc || loc.line === undefined) return undefined;
  const last = Math.min(loc.endLine ?? loc.line, loc.line + 20);
  const lines: string[] = [];
  for (let n = loc.line; n <= last; n++) lines.push(shownLine({ span, ...(redact ? { redact } : {}) }, n));
  return { text: `${lines.join('\n')}\n` };
}

function physical(loc: Location | undefined, span?: Span, redact?: boolean) {
  if (!loc) return undefined;
  const text = snippet(span, loc, redact);
  return {
    physicalLocation: {
      artifactLocation: { uri: loc.file.split('\\').join('/') },
      ...(loc.line !== undefined
        ? { region: { startLine: loc.line, startColumn: loc.column, endLine: loc.endLine, endColumn: loc.endColumn, ...(text ? { snippet: text } : {}) } }
        : {}),
    },
  };
}

/** SARIF 2.1.0 for code scanning: every registered code is a rule (named, described, linked); each diagnostic a result with a snippet. */
export function formatSarif(diags: readonly Diagnostic[], version: string): string {
  const ids = Object.keys(CODES).sort() as Code[];
  const rules = ids.map((id) => {
    const c: { rule: string; summary: string; severity: string } = CODES[id];
    return {
      id,
      name: ruleName(c.rule),
      shortDescription: { text: c.summary },
      fullDescription: { text: `${id} ${c.rule}: ${c.summary}.` },
      helpUri: codeUrl(id),
      help: { text: `${c.summary}. See ${codeUrl(id)}`, markdown: `${c.summary}. See [${id} ${c.rule}](${codeUrl(id)}).` },
      defaultConfiguration: { level: c.severity === 'info' ? 'note' : c.severity },
      properties: { tags: [c.rule] },
    };
  });
  const results = diags.map((d) => {
    const loc = physical(diagnosticLocation(d), d.span, d.redact);
    return {
      ruleId: d.code,
      ruleIndex: ids.indexOf(d.code),
      level: d.severity === 'info' ? 'note' : d.severity,
      message: { text: d.suggestion ? `${d.message} (${d.suggestion})` : d.message },
      ...(loc ? { locations: [loc] } : {}),
      ...(d.notes.length
        ? { relatedLocations: d.notes.flatMap((n, i) => { const l = physical(locate(n.span), n.span); return l ? [{ id: i, ...l, message: { text: n.message } }] : []; }) }
        : {}),
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'pipec', version, informationUri: HOMEPAGE, rules } }, results }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
