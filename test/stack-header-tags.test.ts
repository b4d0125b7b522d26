import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { Diagnostics } from '../src/compiler/diagnostics.js';
import { stackTargets } from '../src/live/stack/targets.js';
import { deployTagArgs, shellWord } from '../src/targets/shell.js';
import { ROOT, runCli } from './support/cli.js';
import { examples } from './support/targets.js';

/**
 * The deploy commands in the stacks' headers tag each stack as `pipec apply --stack` does
 * (managed-by: pipec, pipec:project, the pipeline's tags), so that a stack deployed by hand is the
 * project's for plan --stack too. test/live/printed-commands.test.ts runs them against moto.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-tags-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A directory with these files (and a .git, when `repo`), the root of a repository named `name`. */
function repo(name: string, files: Record<string, string>, git = true): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'pipelines'), { recursive: true });
  if (git) mkdirSync(join(dir, '.git'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

/** The `--tags ...` of the deploy command in a template's header. */
function headerTags(path: string): string {
  const line = readFileSync(path, 'utf8').split('\n').find((l) => l.includes('aws cloudformation deploy')) ?? '';
  return /--tags (.*)$/.exec(line)?.[1] ?? '';
}

const PIPELINE = (name: string, extra = '') => `name: ${name}\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: { bucket: acme-artifacts }\nsource: codecommit:web-app@main\nbuild: { commands: [make] }\n${extra}`;

describe('the project in the header deploy commands', () => {
  it("is the repository directory's name when no pipeline names one", async () => {
    const dir = repo('shop-infra', { 'pipelines/a.yml': PIPELINE('a') });
    expect((await runCli(['compile', '-t', 'cloudformation', '-o', 'out'], { cwd: dir })).code).toBe(0);
    expect(headerTags(join(dir, 'out', 'a', 'cloudformation.yml'))).toBe('managed-by=pipec pipec:project=shop-infra');
  });

  it("is project: when a later file names it, for the pipelines of earlier files too", async () => {
    const dir = repo('named-later', { 'pipelines/a.yml': PIPELINE('a'), 'pipelines/b.yml': PIPELINE('b', 'project: storefront\n') });
    expect((await runCli(['compile', '-t', 'cloudformation', '-o', 'out'], { cwd: dir })).code).toBe(0);
    expect(headerTags(join(dir, 'out', 'a', 'cloudformation.yml'))).toBe('managed-by=pipec pipec:project=storefront');
    expect(headerTags(join(dir, 'out', 'b', 'cloudformation.yml'))).toBe('managed-by=pipec pipec:project=storefront');
  });

  it('is left out when the directory name cannot be a project (plan then asks for project: too)', async () => {
    const dir = repo('not a name', { 'pipeline.yml': PIPELINE('a') });
    expect((await runCli(['compile', '-t', 'cloudformation', '-o', 'out'], { cwd: dir })).code).toBe(0);
    expect(headerTags(join(dir, 'out', 'a', 'cloudformation.yml'))).toBe('managed-by=pipec');
  });
});

describe('the header tags are the tags plan --stack gives the stacks', () => {
  it.each(examples)('%s', async (name) => {
    const dir = repo(`example-${name}`, { 'pipeline.yml': readFileSync(join(ROOT, 'examples', name, 'pipeline.yml'), 'utf8') });
    expect((await runCli(['compile', '-t', 'cloudformation', '-o', 'out', '-q'], { cwd: dir })).code).toBe(0);
    const diags = new Diagnostics();
    for (const { ir } of compile([{ path: 'pipeline.yml', bytes: readFileSync(join(dir, 'pipeline.yml')) }], diags).pipelines) {
      const { targets } = stackTargets(ir, 'us-east-1', new Diagnostics(), `example-${name}`);
      for (const t of targets) expect(`--tags ${headerTags(join(dir, 'out', ir.name, t.file))}`, `${ir.name}/${t.file}`).toBe(deployTagArgs(t.tags).args[0]);
    }
  });
});

describe('stack tags', () => {
  it('leave out a tag with an empty value (a stack tag needs one; the pipeline resource keeps it)', () => {
    const diags = new Diagnostics();
    const [c] = compile([{ path: 'p.yml', bytes: Buffer.from(PIPELINE('a', 'tags: { owner: "Web team", empty: "" }\n')) }], diags).pipelines;
    const { targets } = stackTargets(c!.ir, 'us-east-1', diags, 'shop');
    expect(targets[0]?.tags).toEqual([
      { key: 'managed-by', value: 'pipec' },
      { key: 'owner', value: 'Web team' },
      { key: 'pipec:project', value: 'shop' },
    ]);
    expect(targets[0]?.template).toMatch(/Key: empty\n\s+Value: ""/);
  });

  it('are quoted for bash where they need it', () => {
    expect(shellWord('managed-by=pipec')).toBe('managed-by=pipec');
    expect(shellWord("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(deployTagArgs([{ key: 'a=b', value: 'x' }, { key: 'team', value: 'web ops' }])).toEqual({ args: ["--tags 'team=web ops'"], unpassable: ['a=b'] });
  });
});
