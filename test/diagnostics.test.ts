import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';
import { expectGolden } from './support/golden.js';

/**
 * Bad-input fixtures (actionlint style): every test/fixtures/errors/<case>.yml is validated as
 * the CLI does it (`pipec validate --format json`, with the codepipeline target's checks) and
 * its diagnostics must be exactly those in <case>.out, one per line:
 *
 *     line:col CODE message
 *       help: suggestion
 *       note line:col message
 *
 * (`-:-` for a diagnostic about the whole file). A fixture whose first line is
 * `# args: ...` is validated with those extra arguments (another target, say).
 * Every file in test/fixtures/ok/ must produce no diagnostic at all.
 * `npm run snapshots:update` rewrites the .out files;
 * read the diff: each line must be the right diagnostic at the right place.
 */

const ERRORS = join(ROOT, 'test', 'fixtures', 'errors');
const OK = join(ROOT, 'test', 'fixtures', 'ok');

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  suggestion?: string;
  notes: Array<{ message: string; file?: string; line?: number; column?: number }>;
}

const yamlFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();

/** Extra arguments from a first line `# args: ...`. */
function argsOf(file: string): string[] {
  const first = readFileSync(file).toString('latin1').split('\n', 1)[0] ?? '';
  const m = /^# args: (.+)$/.exec(first);
  return m ? (m[1] as string).trim().split(/\s+/) : [];
}

/** Validates one fixture in-process; returns the exit code and its diagnostics. */
async function validate(dir: string, name: string): Promise<{ code: number; diagnostics: JsonDiagnostic[]; stderr: string }> {
  const r = await runCli(['validate', '--format', 'json', ...argsOf(join(dir, name)), name], { cwd: dir });
  const parsed = JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] };
  return { code: r.code, diagnostics: parsed.diagnostics, stderr: r.stderr };
}

const at = (x: { line?: number; column?: number }): string => `${x.line ?? '-'}:${x.column ?? '-'}`;

/** The .out rendering of a run's diagnostics. */
function render(list: readonly JsonDiagnostic[]): string {
  const lines: string[] = [];
  for (const d of list) {
    lines.push(`${at(d)} ${d.code} ${d.message}`);
    if (d.suggestion) lines.push(`  help: ${d.suggestion}`);
    for (const n of d.notes) lines.push(`  note ${at(n)} ${n.message}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

describe('bad input: test/fixtures/errors', () => {
  const cases = yamlFiles(ERRORS);

  it('holds at least 45 distinct mistakes, each with its expected output', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    const outs = readdirSync(ERRORS).filter((f) => f.endsWith('.out'));
    expect(outs.map((f) => f.replace(/\.out$/, '')).sort(), 'a .out without its .yml').toEqual(cases.map((f) => f.replace(/\.yml$/, '')).sort());
  });

  for (const name of cases) {
    it(name, async () => {
      const r = await validate(ERRORS, name);
      const actual = render(r.diagnostics);
      const outFile = join(ERRORS, name.replace(/\.yml$/, '.out'));
      expectGolden(outFile, actual);
      // A fixture is about a mistake: it reports something, and fails exactly when something is an error.
      expect(r.diagnostics.length).toBeGreaterThan(0);
      expect(r.code).toBe(r.diagnostics.some((d) => d.severity === 'error') ? 1 : 0);
      for (const d of r.diagnostics) expect(d.file === undefined || d.file === name, `diagnostic in another file: ${d.file}`).toBe(true);
      expect(r.stderr).toBe('');
    });
  }

  it('keeps collecting after the first error: every independent mistake in one file is reported', async () => {
    const r = await validate(ERRORS, 'several-independent-errors.yml');
    const found = r.diagnostics.map((d) => `${d.line} ${d.code}`);
    // One mistake per line below; each must be reported at its own line.
    expect(found).toEqual([
      '5 PC2001', // 'requre_approval' at the top
      '6 PC2004', // execution: serial
      '10 PC2001', // 'comands' in the build
      '11 PC2004', // compute: medum
      '18 PC2002', // extract: yes
      '22 PC2009', // codecomit: shorthand in a later stage
      '24 PC2005', // a stage name with a space
    ]);
  });
});

describe('good input: test/fixtures/ok', () => {
  const cases = yamlFiles(OK);

  it('holds fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of cases) {
    it(`${name} has no diagnostics`, async () => {
      const r = await validate(OK, name);
      expect(render(r.diagnostics)).toBe('');
      expect(r.code).toBe(0);
    });
  }
});
