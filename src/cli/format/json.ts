import type { Diagnostic } from '../../compiler/diagnostics.js';
import { codeUrl } from './links.js';
import { diagnosticLocation, locate } from './location.js';

/** Machine-readable diagnostics: one object per problem with 1-based positions. */
export function formatJson(diags: readonly Diagnostic[]): string {
  const list = diags.map((d) => ({
    code: d.code,
    rule: d.rule,
    severity: d.severity,
    message: d.message,
    ...diagnosticLocation(d),
    ...(d.suggestion ? { suggestion: d.suggestion } : {}),
    notes: d.notes.map((n) => ({ message: n.message, ...locate(n.span) })),
    url: codeUrl(d.code),
  }));
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  return JSON.stringify({ diagnostics: list, summary: { errors, warnings } }, null, 2) + '\n';
}
