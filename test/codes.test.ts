import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../src/compiler/codes.js';
import { ROOT } from './support/cli.js';

/**
 * The registry of diagnostic codes (src/compiler/codes.ts) stays unique, documented in
 * docs/diagnostics.md, and exercised: every code appears in a bad-input fixture's .out, or is
 * listed below with the reason no single file can trigger it and the test that asserts it.
 */

const source = readFileSync(join(ROOT, 'src', 'compiler', 'codes.ts'), 'utf8');
const doc = readFileSync(join(ROOT, 'docs', 'diagnostics.md'), 'utf8');
const codes = Object.keys(CODES).sort();

/** Codes that no pipeline file can trigger on its own, and where each is asserted instead. */
const NOT_FROM_A_FILE: Record<string, { reason: string; testedIn: string[] }> = {
  PC0001: { reason: 'a file that cannot be read is a path on the command line, not a file content', testedIn: ['test/hostile.test.ts', 'test/cli/validate-several-files/stderr'] },
  PC0002: { reason: 'needs a file over 8 MiB (or over a million values), too large to commit', testedIn: ['test/hostile.test.ts'] },
  PC0006: { reason: 'a directory named where a file is expected', testedIn: ['test/hostile.test.ts'] },
  PC0007: { reason: 'no input files at all: the working directory, not a file', testedIn: ['test/cli/no-files/stderr'] },
  PC0008: { reason: 'silencers are applied by the CLI (comments and --ignore), after compiling', testedIn: ['test/cli/ignore-comment/stderr', 'test/cli/ignore-flag-unused/stderr'] },
  PC0009: { reason: 'silencers are applied by the CLI, after compiling', testedIn: ['test/cli/ignore-bad/stderr'] },
  PC0010: { reason: 'pipec init refusing to overwrite a file: the output path, not a file content', testedIn: ['test/init.test.ts'] },
  PC7001: { reason: 'pipec import reads other formats (create-pipeline input, CloudFormation), not pipeline files', testedIn: ['test/import/import.test.ts'] },
  PC7002: { reason: 'pipec import: a declaration that cannot round-trip', testedIn: ['test/import/import.test.ts'] },
  PC7003: { reason: 'pipec import: an unresolvable intrinsic in a CloudFormation template', testedIn: ['test/import/import.test.ts'] },
  PC7004: { reason: 'pipec import: a CloudFormation template without a pipeline', testedIn: ['test/import/import.test.ts'] },
  PC7005: { reason: 'pipec import: a Copilot manifest setting without a counterpart', testedIn: ['test/import/import.test.ts'] },
  PC7006: { reason: 'pipec import: a cross-region declaration without its region', testedIn: ['test/import/import.test.ts'] },
  PC7007: { reason: 'pipec import: two inputs naming the same pipeline', testedIn: ['test/import/import.test.ts'] },
  PC7008: { reason: 'pipec import --force', testedIn: ['test/import/import.test.ts'] },
  PC7009: { reason: 'pipec import: masked or secret-looking values in the imported declaration', testedIn: ['test/import/import.test.ts'] },
  PC4006: { reason: "a user template directory (--templates) that is broken, not the pipeline file", testedIn: ['test/buildspec.test.ts'] },
};

/** The codes each fixture's .out reports. */
function fixtureCodes(): Set<string> {
  const dir = join(ROOT, 'test', 'fixtures', 'errors');
  const found = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.out')))
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = /^[-\d]+:[-\d]+ (PC\d{4}) /.exec(line);
      if (m) found.add(m[1] as string);
    }
  return found;
}

describe('diagnostic codes', () => {
  it('are each written once in the registry, with a unique rule name', () => {
    const written = [...source.matchAll(/^\s+(PC\d{4}):/gm)].map((m) => m[1]);
    expect(written.length).toBe(new Set(written).size);
    expect(written.sort()).toEqual(codes);
    const rules = codes.map((c) => CODES[c as keyof typeof CODES].rule);
    expect(rules.length).toBe(new Set(rules).size);
    for (const c of codes) expect(c).toMatch(/^PC[0-57]\d{3}$/);
  });

  it('are each documented in docs/diagnostics.md: meaning, example and fix, with the right severity', () => {
    const sections = new Map<string, string>();
    for (const part of doc.split(/^## /m).slice(1)) sections.set(part.split(/\s/, 1)[0] as string, part);
    expect([...sections.keys()].sort(), 'sections for codes that do not exist, or codes without a section').toEqual(codes);
    for (const c of codes) {
      const entry = CODES[c as keyof typeof CODES];
      const text = sections.get(c) as string;
      expect(text.split('\n', 1)[0], c).toBe(`${c} ${entry.rule}`);
      expect(text, `${c}: severity`).toContain(`**${entry.severity}**: ${entry.summary}.`);
      expect(text, `${c}: an example`).toMatch(/```(yaml|text)\n/);
      expect(text, `${c}: the example's output`).toContain(`[${c}]`);
      expect(text, `${c}: how to fix it`).toMatch(/\*\*Fix:\*\* \S/);
    }
  });

  it('are each reported by a bad-input fixture, or listed with the reason and the test that asserts them', () => {
    const found = fixtureCodes();
    const missing = codes.filter((c) => !found.has(c) && !(c in NOT_FROM_A_FILE));
    expect(missing, 'codes no fixture in test/fixtures/errors reports').toEqual([]);
    for (const [code, { testedIn }] of Object.entries(NOT_FROM_A_FILE)) {
      expect(codes, `${code} is listed but not registered`).toContain(code);
      expect(found.has(code), `${code} is listed as untriggerable but a fixture reports it`).toBe(false);
      for (const file of testedIn) expect(readFileSync(join(ROOT, file), 'utf8'), `${code} is not asserted in ${file}`).toContain(code);
    }
  });
});
