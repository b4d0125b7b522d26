import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';
import { check, SOURCES } from './support/fuzz.js';
import { mutants } from './support/mutate.js';

/**
 * Fuzzing: every example and fixture, mutated the way hurried users mutate YAML (support/mutate.ts),
 * with a fixed seed; each mutant checked by support/fuzz.ts: coded diagnostics inside the file, in
 * pipec's words, never a throw while compiling, rendering or emitting.
 * `PIPEC_FUZZ_PER_FILE=N` (default 24) and `PIPEC_FUZZ_SEED=S` explore further.
 */

const PER_FILE = Number(process.env.PIPEC_FUZZ_PER_FILE ?? 24);
const SEED = Number(process.env.PIPEC_FUZZ_SEED ?? 20261201);

describe('fuzzing: mutated examples and fixtures', () => {
  it('has inputs to mutate', () => {
    expect(SOURCES.length).toBeGreaterThan(50);
  });

  it(`${PER_FILE} mutants of each file: coded diagnostics inside the file, never a crash`, () => {
    const failures: string[] = [];
    let inputs = 0;
    SOURCES.forEach((file, i) => {
      const rel = relative(ROOT, file);
      const original = readFileSync(file, 'utf8');
      for (const [n, m] of mutants(original, SEED + i, PER_FILE).entries()) {
        inputs++;
        const problems = check('pipeline.yml', m.text);
        if (problems.length > 0 && failures.length < 25)
          failures.push(`${rel} mutant ${n} (seed ${SEED + i}; ${m.edits.join(', ')}):\n  ${problems.slice(0, 3).join('\n  ')}\n--- input ---\n${m.text.length > 1500 ? `${m.text.slice(0, 1500)}...` : m.text}\n---`);
      }
    });
    expect(inputs).toBeGreaterThan(2000);
    expect(failures.join('\n\n')).toBe('');
  }, 300_000);
});
