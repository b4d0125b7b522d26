import type { Diagnostic } from '../../compiler/diagnostics.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** Renders diagnostics in one of the output formats. */
export function formatDiagnostics(format: Format, diags: readonly Diagnostic[], opts: { color: boolean; version: string; links?: boolean }): string {
  switch (format) {
    case 'json':
      return formatJson(diags);
    case 'sarif':
      return formatSarif(diags, opts.version);
    case 'github':
      return formatGithub(diags);
    default:
      return formatText(diags, { color: opts.color, links: opts.links === true });
  }
}
