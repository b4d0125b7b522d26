import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runBin, runCli } from './support/cli.js';
import { expectGoldenTree, UPDATE } from './support/golden.js';
import { listFiles } from './support/targets.js';

/**
 * Golden files: every examples/<name>/pipeline.yml compiles, with every target, to exactly the
 * files under test/golden/<name>/ (each pipeline's codepipeline.json, cloudformation*.yml and
 * buildspecs/), compiled in-process from src/. Review changes as a diff; rewrite them with
 * `npm run snapshots:update`. One test per example also runs the pipec binary (the bundle) and
 * expects the same bytes.
 */

const EXAMPLES = join(ROOT, 'examples');
const GOLDEN = join(ROOT, 'test', 'golden');
const TARGET = 'all';

const examples = readdirSync(EXAMPLES)
  .filter((name) => statSync(join(EXAMPLES, name, 'pipeline.yml'), { throwIfNoEntry: false })?.isFile())
  .sort();

const scratch = mkdtempSync(join(tmpdir(), 'pipec-golden-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/**
 * Compiles one pipeline file in-process into a fresh directory; returns that directory.
 * Warnings are allowed here (a setting only the cloudformation target can carry, PC4004);
 * the 'every target' test below holds each example to no diagnostics at all.
 */
async function compileTo(file: string, out: string): Promise<string> {
  const r = await runCli(['compile', file, '-t', TARGET, '-o', out, '-q', '--no-color']);
  expect(r.stderr, `diagnostics compiling ${relative(ROOT, file)}`).not.toMatch(/error\[/);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

it('finds the examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(10);
});

it('has no golden directory without its example', () => {
  const orphans = (statSync(GOLDEN, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(GOLDEN, { withFileTypes: true }) : [])
    .filter((d) => d.isDirectory() && !examples.includes(d.name))
    .map((d) => d.name);
  if (UPDATE) for (const orphan of orphans.splice(0)) rmSync(join(GOLDEN, orphan), { recursive: true });
  expect(orphans).toEqual([]);
});

describe.each(examples)('example %s', (name) => {
  const golden = join(GOLDEN, name);
  const out = join(scratch, name);
  // Compiled as the root of a repository of its own (a .git beside it), so that the project the
  // stacks' deploy commands tag with is the example's name wherever this checkout is.
  const file = join(out, 'pipeline.yml');
  mkdirSync(join(out, '.git'), { recursive: true });
  copyFileSync(join(EXAMPLES, name, 'pipeline.yml'), file);

  it('starts with a comment saying what it shows', () => {
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^# ${name}: \\S`));
  });

  it('compiles with every target and no diagnostics at all', async () => {
    const r = await runCli(['compile', file, '-t', 'all', '-o', join(out, 'all'), '-q', '--no-color']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('compiles to exactly its golden files', async () => {
    const produced = readTree(await compileTo(file, join(out, 'first')));
    expect(produced.size).toBeGreaterThan(0);
    expectGoldenTree(golden, produced, readTree);
  });

  it('golden files hold no absolute paths of this machine', () => {
    for (const [path, content] of readTree(golden)) {
      expect(content, path).not.toContain(ROOT);
      expect(content, path).not.toContain(tmpdir());
      expect(content, path).not.toMatch(/"\/(work|home|root|Users|tmp)\//);
    }
  });

  it('compiles to the same bytes in a separate process', () => {
    const again = join(out, 'again');
    const r = runBin(['compile', file, '-t', TARGET, '-o', again, '-q', '--no-color']);
    expect(r.stderr).not.toMatch(/error\[|internal error/);
    expect(r.code, r.stderr).toBe(0);
    expect(readTree(again)).toEqual(readTree(golden));
  });

  it('expands to a file that compiles to the same bytes', async () => {
    const expanded = await runCli(['expand', file, '--no-color']);
    expect(expanded.stderr).toBe('');
    expect(expanded.code).toBe(0);
    expect(expanded.stdout).toMatch(/^stages:|\nstages:|\n {4}stages:/);
    const expandedFile = join(out, 'expanded.yml');
    writeFileSync(expandedFile, expanded.stdout);
    expect(readTree(await compileTo(expandedFile, join(out, 'round-trip')))).toEqual(readTree(golden));
  });
});
