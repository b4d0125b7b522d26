import { join } from 'node:path';
import { formatDiagnostics } from '../../src/cli/format/index.js';
import { CODES } from '../../src/compiler/codes.js';
import { compile } from '../../src/compiler/compile.js';
import type { Diagnostic } from '../../src/compiler/diagnostics.js';
import { TARGETS } from '../../src/targets/index.js';
import { ROOT } from './cli.js';
import { yamlFiles } from './yaml-files.js';

/**
 * The fuzz test's inputs and its check of one input. Fuzzing: every example and fixture, mutated the way hurried users mutate YAML (see support/mutate.ts),
 * with a fixed seed. Whatever comes in, pipec answers with coded diagnostics whose positions lie inside
 * the file, in words of its own, and never throws: not while compiling, rendering diagnostics, or
 * emitting a target. `PIPEC_FUZZ_PER_FILE=N` (default 24) and `PIPEC_FUZZ_SEED` explore further.
 */

// A guard against a parse that does not terminate or goes exponential, not a performance assertion:
// a typical input takes about a millisecond.
const GUARD_MS = 10_000;
// zod's and the yaml library's own words, which must have been translated before reaching a user.
const FOREIGN = /Invalid (input|key|option|union|element|type)|Unrecognized key|Too (big|small):|Expected .* received|Nested mappings are not allowed|Implicit keys need to be|\bat line \d+, column \d+|internal error|^\s+at /m;


export const SOURCES = [...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'test', 'fixtures'))];

/** What is wrong with one diagnostic of an input of `length` characters; undefined when nothing. */
function problemWith(d: Diagnostic, length: number): string | undefined {
  if (!(d.code in CODES)) return `unregistered code ${d.code}`;
  if (!d.span) return `${d.code} has no position: ${d.message}`;
  const { start, end } = d.span;
  if (!(start >= 0 && start <= end && end <= length)) return `${d.code} span ${start}-${end} outside the file (${length} characters): ${d.message}`;
  for (const n of d.notes) if (n.span && !(n.span.start >= 0 && n.span.start <= n.span.end && n.span.end <= n.span.file.text.length)) return `${d.code} note outside its file`;
  const words = [d.message, d.suggestion ?? '', ...d.notes.map((n) => n.message)].join('\n');
  if (FOREIGN.test(words)) return `${d.code} speaks in a library's words: ${words}`;
  if (/undefined|\[object Object\]|NaN/.test(d.message)) return `${d.code} message shows a program value: ${d.message}`;
  return undefined;
}

/** Runs one input through every phase and every target; returns what went wrong, if anything. */
export function check(path: string, text: string): string[] {
  const started = Date.now();
  const problems: string[] = [];
  try {
    const result = compile([{ path, bytes: Buffer.from(text) }]);
    const diags = result.diagnostics;
    if (!diags.hasErrors())
      for (const p of result.pipelines) for (const t of TARGETS) t.emit(p.ir, diags, { targets: TARGETS.map((x) => x.name) });
    const length = result.diagnostics.list[0]?.span?.file.text.length ?? text.length;
    for (const d of diags.list) {
      const problem = problemWith(d, length);
      if (problem) problems.push(problem);
    }
    for (const format of ['text', 'json', 'sarif', 'github'] as const) formatDiagnostics(format, diags.list, { color: format === 'text', version: '0' });
  } catch (e) {
    problems.push(`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  const took = Date.now() - started;
  if (took > GUARD_MS) problems.push(`took ${took} ms`);
  return problems;
}

