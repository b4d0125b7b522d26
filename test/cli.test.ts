import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CODES } from '../src/compiler/codes.js';
import { VERSION } from '../src/version.js';
import { ROOT, runCli } from './support/cli.js';
import { expectGolden } from './support/golden.js';

/**
 * CLI scenarios (spectral style): each folder test/cli/<scenario>/ holds
 *   args        the arguments, one per line
 *   exit        the expected exit code
 *   stdout      the expected standard output (exact; {{VERSION}} stands for pipec's version)
 *   stderr      the expected standard error (exact; absent means empty)
 *   files-after every file in the working directory after the run (what was written)
 *   env, tty    optional: NAME=value lines for the environment; run as if on a terminal
 *   stdin       optional: what standard input holds
 * and any input files. pipec runs in-process in a copy of the folder holding only the inputs.
 * `npm run snapshots:update` rewrites exit, stdout, stderr and files-after; review the diff.
 * Output formats and colour are checked structurally below the scenarios.
 */

const SCENARIOS = join(ROOT, 'test', 'cli');
const CONTROL = new Set(['args', 'exit', 'stdout', 'stderr', 'files-after', 'env', 'tty', 'stdin']);

const scratch = mkdtempSync(join(tmpdir(), 'pipec-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under dir, sorted, relative to it. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

const read = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

describe('CLI scenarios: test/cli/<scenario>', () => {
  const scenarios = readdirSync(SCENARIOS).filter((n) => statSync(join(SCENARIOS, n)).isDirectory()).sort();

  it('finds the scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of scenarios) {
    it(name, async () => {
      const src = join(SCENARIOS, name);
      const cwd = join(scratch, name);
      mkdirSync(cwd);
      for (const entry of readdirSync(src)) if (!CONTROL.has(entry)) cpSync(join(src, entry), join(cwd, entry), { recursive: true });
      const args = (read(join(src, 'args')) ?? '').split('\n').filter((l) => l !== '');
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      for (const line of (read(join(src, 'env')) ?? '').split('\n').filter(Boolean)) {
        const eq = line.indexOf('=');
        env[line.slice(0, eq)] = line.slice(eq + 1);
      }
      const stdin = read(join(src, 'stdin'));
      const r = await runCli(args, { cwd, env, tty: existsSync(join(src, 'tty')), ...(stdin !== undefined ? { input: stdin } : {}) });
      // Paths in messages name the scratch directory; scenarios name it '<cwd>'.
      const norm = (s: string): string => s.split(cwd).join('<cwd>').split(VERSION).join('{{VERSION}}');
      const actual = { exit: `${r.code}\n`, stdout: norm(r.stdout), stderr: norm(r.stderr), 'files-after': listFiles(cwd).map((f) => `${f}\n`).join('') };
      expectGolden(join(src, 'exit'), actual.exit);
      expectGolden(join(src, 'stdout'), actual.stdout);
      expectGolden(join(src, 'stderr'), actual.stderr, { absent: 'empty' });
      expectGolden(join(src, 'files-after'), actual['files-after']);
      // No stack trace and no internal error, whatever the scenario.
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at |internal error/m);
    });
  }
});

/** A fresh working directory with the given files. */
function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'case-'));
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), content);
  }
  return dir;
}

const GOOD = 'name: web\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: acme-artifacts\nsource: codecommit:web@main\nbuild: { commands: [make] }\n';
// Three problems: a secret in plain text, a duplicate stage (the build: macro made the first 'Build') with a note, an unknown key with a suggestion.
const BAD = `name: web
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: codecommit:web@main
build: { commands: [make], env: { API_TOKEN: ghp_0123456789abcdef } }
stages:
  - name: Build
    actions: [ { name: Check, test: { commands: [make check] }, run_order: 2 } ]
`;

interface JsonOut {
  diagnostics: Array<{ code: string; rule: string; severity: string; message: string; file: string; line: number; column: number; endLine: number; endColumn: number; suggestion?: string; notes: Array<{ message: string; file?: string; line?: number; column?: number }> }>;
  summary: { errors: number; warnings: number };
}

describe('--format json', () => {
  it('is one JSON document: every diagnostic with code, rule, severity, 1-based positions, suggestion and notes, and a summary', async () => {
    const r = await runCli(['validate', '--format', 'json', 'pipeline.yml'], { cwd: workdir({ 'pipeline.yml': BAD }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.severity}`)).toEqual(['5:46 PC3027 error', '7:5 PC3005 error', '8:65 PC2001 error']);
    for (const d of out.diagnostics) {
      expect(d.file).toBe('pipeline.yml');
      expect(d.rule).toBe(CODES[d.code as keyof typeof CODES].rule);
      expect(d.endLine).toBeGreaterThanOrEqual(d.line);
      expect(d.message).not.toBe('');
    }
    expect(out.diagnostics[2]?.suggestion).toBe("did you mean 'run-order'?");
    expect(out.diagnostics[1]?.notes).toEqual([{ message: 'first used here', file: 'pipeline.yml', line: 5, column: 1, endLine: 5, endColumn: 6 }]);
    expect(out.summary).toEqual({ errors: 3, warnings: 0 });
  });

  it('a clean run is an empty list, exit 0', async () => {
    const r = await runCli(['validate', '--format', 'json', 'pipeline.yml'], { cwd: workdir({ 'pipeline.yml': GOOD }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ diagnostics: [], summary: { errors: 0, warnings: 0 } });
  });

  it('file-level problems have a file and no position', async () => {
    const r = await runCli(['validate', '--format', 'json', 'nothere.yml'], { cwd: workdir({}) });
    expect(r.code).toBe(1);
    const d = (JSON.parse(r.stdout) as JsonOut).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'PC0001', file: 'nothere.yml' });
    expect(d[0]?.line).toBeUndefined();
  });
});

describe('--format sarif', () => {
  it('is SARIF 2.1.0: one run, pipec as the driver with every code as a rule, each result pointing at its rule and its place', async () => {
    const r = await runCli(['validate', '--format', 'sarif', 'pipeline.yml'], { cwd: workdir({ 'pipeline.yml': BAD }) });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as {
      $schema: string;
      version: string;
      runs: Array<{
        tool: { driver: { name: string; version: string; rules: Array<{ id: string; name: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }>;
          relatedLocations?: Array<{ id: number; message: { text: string }; physicalLocation: { region: { startLine: number } } }>;
        }>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe('pipec');
    expect(run.tool.driver.version).toBe(VERSION);
    expect(run.tool.driver.rules.map((x) => x.id).sort()).toEqual(Object.keys(CODES).sort());
    for (const rule of run.tool.driver.rules) {
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
      expect(rule.shortDescription.text).not.toBe('');
    }
    expect(run.results.map((x) => `${x.ruleId} ${x.level} ${x.locations[0]?.physicalLocation.region.startLine}`)).toEqual(['PC3027 error 5', 'PC3005 error 7', 'PC2001 error 8']);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      expect(res.locations[0]?.physicalLocation.artifactLocation.uri).toBe('pipeline.yml');
      expect(res.locations[0]?.physicalLocation.region.startColumn).toBeGreaterThanOrEqual(1);
    }
    expect(run.results[1]?.relatedLocations).toEqual([expect.objectContaining({ id: 0, message: { text: 'first used here' } })]);
    expect(run.results[2]?.message.text).toContain("did you mean 'run-order'?");
  });
});

describe('--format github', () => {
  it('is one workflow command per diagnostic, with file, position and a title naming the code', async () => {
    const r = await runCli(['validate', '--format', 'github', 'pipeline.yml'], { cwd: workdir({ 'pipeline.yml': BAD }) });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^::(error|warning) file=pipeline\.yml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=PC\d{4} [a-z-]+::\S/);
    expect(lines[0]).toMatch(/^::error .*title=PC3027 plaintext-secret::/);
    expect(lines[2]).toContain("did you mean 'run-order'?");
  });
});

describe('colour', () => {
  const dir = workdir({ 'pipeline.yml': BAD });
  const ESC = '\x1b[';
  const cases: Array<[string, string[], { tty?: boolean; env?: Record<string, string> }, boolean]> = [
    ['not on a terminal: none', [], {}, false],
    ['on a terminal: colour', [], { tty: true }, true],
    ['on a terminal with NO_COLOR: none', [], { tty: true, env: { NO_COLOR: '1' } }, false],
    ['on a terminal with TERM=dumb: none', [], { tty: true, env: { TERM: 'dumb' } }, false],
    ['--color when not on a terminal: colour', ['--color'], {}, true],
    ['--color beats NO_COLOR', ['--color'], { env: { NO_COLOR: '1' } }, true],
    ['--no-color on a terminal: none', ['--no-color'], { tty: true }, false],
  ];
  for (const [name, flags, opts, colour] of cases)
    it(name, async () => {
      const r = await runCli(['validate', 'pipeline.yml', ...flags], { cwd: dir, tty: opts.tty ?? false, env: { PATH: process.env.PATH, ...opts.env } });
      expect(r.code).toBe(1);
      expect(r.stderr.includes(ESC)).toBe(colour);
      if (colour) expect(r.stderr).toContain(`${ESC}31;1merror${ESC}0m`);
      // Colour or not, the words are the same.
      expect(r.stderr.replace(/\x1b\[[0-9;]*m/g, '')).toContain("error[PC2001]: unknown key 'run_order' in action");
    });
});

describe('compile writes every file or none', () => {
  it('nothing at all when any file has an error, though another compiles', async () => {
    const dir = workdir({ 'good.yml': GOOD.replace('name: web', 'name: good'), 'bad.yml': BAD });
    const r = await runCli(['compile', 'good.yml', 'bad.yml', '--out', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.yml:8:65: error[PC2001]');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(listFiles(dir)).toEqual(['bad.yml', 'good.yml']);
  });

  it('a previous output stays exactly as it was when the next compile has an error', async () => {
    const dir = workdir({ 'pipeline.yml': GOOD });
    expect((await runCli(['compile', 'pipeline.yml', '--out', 'out', '-q'], { cwd: dir })).code).toBe(0);
    const file = join(dir, 'out', 'web', 'codepipeline.json');
    const before = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;
    expect(JSON.parse(before).pipeline.name).toBe('web');
    writeFileSync(join(dir, 'pipeline.yml'), BAD);
    const r = await runCli(['compile', 'pipeline.yml', '--out', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(listFiles(dir)).toEqual(['out/web/codepipeline.json', 'pipeline.yml']);
  });
});
