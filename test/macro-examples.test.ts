import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';

/**
 * The examples of the environments and blue/green macros: each compiles with no diagnostics,
 * and its `pipec expand` output compiles to byte-identical files for every target (pipeline,
 * CloudFormation stacks with the CodeDeploy groups, buildspecs).
 */

const MACRO_EXAMPLES = ['promotion', 'multi-region-wave', 'blue-green-ecs', 'blue-green-lambda', 'blue-green-ec2', 'blue-green-cloudformation'];

const scratch = mkdtempSync(join(tmpdir(), 'pipec-macro-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function compileAll(file: string, out: string): Promise<Map<string, string>> {
  const r = await runCli(['compile', file, '-t', 'all', '-o', out, '-q', '--no-color']);
  expect(r.stderr, `diagnostics compiling ${relative(ROOT, file)}`).toBe('');
  expect(r.code).toBe(0);
  return readTree(out);
}

describe.each(MACRO_EXAMPLES)('example %s', (name) => {
  const file = join(ROOT, 'examples', name, 'pipeline.yml');

  it('expands to a file that compiles to the same bytes, for every target', async () => {
    // the original beside the expanded file: one project (the directory's name) in both stacks' deploy commands
    mkdirSync(join(scratch, name), { recursive: true });
    const copy = join(scratch, name, 'pipeline.yml');
    copyFileSync(file, copy);
    const original = await compileAll(copy, join(scratch, name, 'original'));
    expect([...original.keys()].some((f) => f.endsWith('cloudformation.yml'))).toBe(true);
    const expanded = await runCli(['expand', file, '--no-color']);
    expect(expanded.stderr).toBe('');
    expect(expanded.stdout).toMatch(/# from macro '(environments|blue-green)'/);
    expect(expanded.stdout).not.toMatch(/^environments:|\n {2}strategy:|\$\{env/m);
    const expandedFile = join(scratch, name, 'expanded.yml');
    writeFileSync(expandedFile, expanded.stdout);
    expect(await compileAll(expandedFile, join(scratch, name, 'round-trip'))).toEqual(original);
  });
});
