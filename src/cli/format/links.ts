import { CODES, type Code } from '../../compiler/codes.js';

/** Where pipec's source and documentation live (package.json's repository). */
export const HOMEPAGE = 'https://github.com/pipec/pipec';

/** The documentation page of every diagnostic code. */
export const DIAGNOSTICS_DOC = `${HOMEPAGE}/blob/main/docs/diagnostics.md`;

/**
 * The stable link to a code's section of docs/diagnostics.md: the anchor GitHub gives the heading
 * `## PC2001 unknown-key`, and both parts of it are stable (codes and rule names are never reused).
 */
export function codeUrl(code: Code): string {
  return `${DIAGNOSTICS_DOC}#${code.toLowerCase()}-${CODES[code].rule}`;
}
