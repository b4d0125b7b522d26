import { docLink, type Explanation } from '../explain/catalog.js';

/** Colours for statuses on a terminal; plain text elsewhere. */
export function paint(status: string, color: boolean): string {
  if (!color) return status;
  const code = /^(Succeeded|Approved)$/.test(status) ? 32 : /^(Failed|Rejected|Abandoned|Cancelled)$/.test(status) ? 31 : /^(InProgress|Stopping|Waiting)/.test(status) ? 33 : /^(Stopped|Superseded)$/.test(status) ? 35 : 0;
  return code ? `\u001b[${code}m${status}\u001b[0m` : status;
}

/** Rows as columns separated by two spaces, each as wide as its widest cell (ANSI colours not counted); no trailing blanks. */
export function table(rows: ReadonlyArray<readonly string[]>, indent = ''): string {
  const width = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows
    .map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c)))).join('  ')}`.trimEnd())
    .join('\n');
}

/** Explanations as diagnostics are printed: `file:line:col CODE rule: subject: message`, then the fix and the page. */
export function renderExplanations(list: readonly Explanation[]): string {
  return list
    .map((e) => {
      const rule = docLink(e.code).split('#')[1]?.replace(/^pf\d+-/, '') ?? '';
      return `${e.location ? `${e.location} ` : ''}${e.code} ${rule}: ${e.subject}: ${e.message}\n  fix: ${e.fix}\n  docs: ${docLink(e.code)}\n`;
    })
    .join('');
}

/** Explanations as JSON objects, with their documentation page. */
export function explanationsJson(list: readonly Explanation[]): unknown[] {
  return list.map((e) => ({ code: e.code, subject: e.subject, ...(e.location ? { location: e.location } : {}), message: e.message, fix: e.fix, docs: docLink(e.code) }));
}

/** The first line of a text, cut to 72 characters, for table cells. */
export function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 72 ? `${line.slice(0, 71)}…` : line;
}
