import type { Diagnostic } from '../../compiler/diagnostics.js';
import { diagnosticLocation, formatLocation, locate } from './location.js';

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProp = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: `::error file=...,line=...::message`, shown as annotations on the PR. */
export function formatGithub(diags: readonly Diagnostic[]): string {
  return diags
    .map((d) => {
      const loc = diagnosticLocation(d);
      const props = [
        loc ? `file=${escapeProp(loc.file)}` : undefined,
        loc?.line !== undefined ? `line=${loc.line}` : undefined,
        loc?.column !== undefined ? `col=${loc.column}` : undefined,
        loc?.endLine !== undefined ? `endLine=${loc.endLine}` : undefined,
        loc?.endColumn !== undefined ? `endColumn=${loc.endColumn}` : undefined,
        `title=${escapeProp(`${d.code} ${d.rule}`)}`,
      ].filter(Boolean);
      const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      // Notes ("first used here") are part of the message: annotations have no place of their own for them.
      const notes = d.notes.map((n) => {
        const at = formatLocation(locate(n.span));
        return `\nnote: ${n.message}${at ? ` (${at})` : ''}`;
      });
      const text = `${d.suggestion ? `${d.message} (${d.suggestion})` : d.message}${notes.join('')}`;
      return `::${level} ${props.join(',')}::${escapeData(text)}\n`;
    })
    .join('');
}
