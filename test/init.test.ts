import Ajv from 'ajv';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compile } from '../src/compiler/compile.js';
import { SOURCE_KINDS } from '../src/init/source.js';
import { INIT_TEMPLATES } from '../src/init/templates.js';
import { ROOT, runCli } from './support/cli.js';
import { expectGolden, UPDATE } from './support/golden.js';
import { runTool } from './support/tools.js';

/**
 * `pipec init`: every template with every source kind the language has compiles with no error and
 * no warning, through every target (and the stacks pass cfn-lint), and validates against the JSON
 * Schema; goldens of each template in test/golden-init/ (`npm run snapshots:update` rewrites them;
 * review the diff). Refusals, bad options and the questions on a
 * terminal are tested below.
 */

const GOLDEN = join(ROOT, 'test', 'golden-init');
const scratch = mkdtempSync(join(tmpdir(), 'pipec-init-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'pipeline.schema.json'), 'utf8')) as object);
const fits = (t: { sources: readonly string[] }, k: { holds: string }): boolean => t.sources.includes(k.holds);
/** A fresh empty directory named `name` (init takes the pipeline's default name from it). */
const dir = (name: string): string => {
  const d = join(mkdtempSync(join(scratch, 'd-')), name);
  mkdirSync(d);
  return d;
};

describe('pipec init: goldens', () => {
  const cases: Array<[string, string[]]> = INIT_TEMPLATES.map((t) => [`${t.name}.yml`, ['--template', t.name]]);
  for (const t of INIT_TEMPLATES.filter((x) => x.sources.includes('image'))) cases.push([`${t.name}.ecr.yml`, ['--template', t.name, '--source', 'ecr']]);
  cases.push(['promotion.codecommit.eu-west-1.yml', ['--template', 'promotion', '--source', 'codecommit:api@release', '--region', 'eu-west-1', '--account', '210987654321']]);
  cases.push(['minimal.s3.yml', ['--source', 's3:acme-drops/web/source.zip']]);

  for (const [file, args] of cases)
    it(file, async () => {
      const r = await runCli(['init', '-', '--name', 'web', ...args]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expectGolden(join(GOLDEN, file), r.stdout);
    });

  it('has no golden that no case writes', () => {
    const written = new Set(cases.map(([f]) => f));
    if (UPDATE) for (const f of readdirSync(GOLDEN)) if (!written.has(f)) rmSync(join(GOLDEN, f));
    expect(readdirSync(GOLDEN).sort()).toEqual([...written].sort());
  });
});

describe('pipec init: every template with every source', () => {
  for (const kind of SOURCE_KINDS)
    it(`${kind.kind}: every template it fits compiles cleanly through every target and validates against the JSON Schema; the others are refused`, async () => {
      const out = dir(`src-${kind.kind}`);
      const files: string[] = [];
      for (const t of INIT_TEMPLATES) {
        const file = `${t.name}.yml`;
        const r = await runCli(['init', file, '--template', t.name, '--source', kind.kind, '--name', `${t.name}-${kind.kind}`], { cwd: out });
        if (!fits(t, kind)) {
          expect(r.code, t.name).toBe(2);
          expect(r.stderr).toContain(`template '${t.name}' builds code from a repository`);
          expect(existsSync(join(out, file))).toBe(false);
          continue;
        }
        expect(r.stderr, t.name).toMatch(/^wrote /);
        expect(r.code, t.name).toBe(0);
        files.push(file);
        const text = readFileSync(join(out, file), 'utf8');
        expect(text).toContain(`source: ${kind.kind}:`);
        const compiled = compile([{ path: file, bytes: Buffer.from(text) }]);
        expect(compiled.diagnostics.list.map((d) => `${d.code} ${d.message}`), `${kind.kind} ${t.name}`).toEqual([]);
        expect(validate(parse(text)), `${t.name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      }
      expect(files.length).toBeGreaterThan(0);
      const c = await runCli(['compile', ...files, '--target', 'all', '--strict', '--out', 'out'], { cwd: out });
      expect(c.stderr).toMatch(/^compiled \d+ pipelines? \(codepipeline, cloudformation, buildspec\)/);
      expect(c.stderr).not.toMatch(/warning|error/);
      expect(c.code).toBe(0);
    });

  it('the stacks of every template (repository and image sources) pass cfn-lint 1.51.0 with no errors and no warnings', async () => {
    const out = dir('lint');
    const files: string[] = [];
    for (const t of INIT_TEMPLATES)
      for (const source of t.sources.includes('image') ? ['github', 'ecr'] : ['github']) {
        const file = `${t.name}-${source}.yml`;
        expect((await runCli(['init', file, '-t', t.name, '-s', source, '-n', `${t.name}-${source}`], { cwd: out })).code).toBe(0);
        files.push(file);
      }
    expect((await runCli(['compile', ...files, '--target', 'cloudformation', '--out', 'out'], { cwd: out })).code).toBe(0);
    const stacks = readdirSync(join(out, 'out'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yml') && !f.includes('buildspecs'))
      .map((f) => join(out, 'out', f));
    expect(stacks.length).toBeGreaterThanOrEqual(files.length);
    const r = runTool('cfn-lint', ['--format', 'parseable', ...stacks]);
    expect(r.stdout.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 240000);
});

describe('pipec init: files', () => {
  it('writes ./pipeline.yml named after the directory, then refuses to overwrite it (PC0010, exit 1, the file unchanged); --force replaces it', async () => {
    const d = dir('storefront');
    const first = await runCli(['init'], { cwd: d });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toBe(
      "wrote pipeline.yml: template minimal, source github:my-org/storefront@main, pipeline storefront\nnext: replace the placeholders (account 123456789012, the connection ARN, names), then run 'pipec validate'\n",
    );
    const text = readFileSync(join(d, 'pipeline.yml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=https:\/\/raw\.githubusercontent\.com\/pipec\/pipec\/main\/schema\/pipeline\.schema\.json\n/);
    expect(text).toContain('\nname: storefront\n');
    expect((await runCli(['validate', '--strict'], { cwd: d })).code).toBe(0);

    writeFileSync(join(d, 'pipeline.yml'), 'name: mine\n');
    const again = await runCli(['init', '--template', 'promotion'], { cwd: d });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      "pipeline.yml: error[PC0010]: 'pipeline.yml' already exists; pipec init does not overwrite it\n  help: name another file (pipec init other.yml), print it with 'pipec init -', or replace it with --force\n1 error, 0 warnings\n",
    );
    expect(readFileSync(join(d, 'pipeline.yml'), 'utf8')).toBe('name: mine\n');
    const forced = await runCli(['init', '--template', 'promotion', '--force', '--quiet'], { cwd: d });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toBe('');
    expect(readFileSync(join(d, 'pipeline.yml'), 'utf8')).toContain('environments:');
  });

  it('refuses when pipeline.yaml is there (pipec would read both), and writes a named file beside it', async () => {
    const d = dir('api');
    writeFileSync(join(d, 'pipeline.yaml'), 'name: mine\n');
    const r = await runCli(['init'], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pipeline.yaml: error[PC0010]: 'pipeline.yaml' already exists");
    expect(existsSync(join(d, 'pipeline.yml'))).toBe(false);
    expect((await runCli(['init', 'pipelines/api.yml', '-q'], { cwd: d })).code).toBe(0);
    expect(readFileSync(join(d, 'pipelines', 'api.yml'), 'utf8')).toContain('name: api\n');
  });

  it("a directory as FILE, or a path under a file, is one line and exit 1, with nothing written", async () => {
    const d = dir('x');
    mkdirSync(join(d, 'sub'));
    writeFileSync(join(d, 'file'), '');
    const a = await runCli(['init', 'sub'], { cwd: d });
    expect([a.code, a.stderr]).toEqual([1, "pipec: init: 'sub' is a directory; name the file to write\n"]);
    const b = await runCli(['init', 'file/pipeline.yml'], { cwd: d });
    expect([b.code, b.stderr]).toEqual([1, "pipec: init: 'file' is a file, so 'file/pipeline.yml' cannot be created under it\n"]);
    expect(readdirSync(d).sort()).toEqual(['file', 'sub']);
  });

  it('a long pipeline name keeps resource names within their limits', async () => {
    const name = 'a-very-long-pipeline-name-for-the-storefront-team-in-europe';
    for (const t of INIT_TEMPLATES) {
      const r = await runCli(['init', '-', '-t', t.name, '-n', name, '-s', 'gitlab-self-managed:acme-corporation-platform/storefront-monorepo@release/2026']);
      expect(r.code, t.name).toBe(0);
      expect(r.stdout).toContain(`name: ${name}\n`);
    }
  });

  it("'-' prints the file and writes nothing; a directory name that is not a pipeline name gives a cleaned default", async () => {
    const d = dir('My App!');
    const r = await runCli(['init', '-'], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('\nname: My-App\n');
    expect(r.stdout).toContain('artifacts: my-app-artifacts-123456789012\n');
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('pipec init: bad options are one line with a suggestion, exit 2, nothing written', () => {
  const cases: Array<[string[], string]> = [
    [['--template', 'promotoin'], "option '--template' takes 'minimal', 'build-test', 'static-site', 'cloudformation', 'serverless', 'promotion', 'multi-region', 'ecs', 'blue-green-ecs', 'blue-green-lambda', not 'promotoin'; did you mean 'promotion'?"],
    [['--tempalte', 'ecs'], "unknown option '--tempalte'; did you mean '--template'?"],
    [['--source', 'gihtub:acme/web@main'], "--source 'gihtub:acme/web@main': unknown source kind 'gihtub'; did you mean 'github:acme/web@main'?"],
    [['--source', 'github:web@main'], "--source 'github:web@main': write github:owner/repository@branch"],
    [['--source', 'codecommit:web'], "--source 'codecommit:web': write codecommit:repository@branch"],
    [['--source', 's3:bucket-only'], "--source 's3:bucket-only': write s3:bucket/path/to/object.zip"],
    [['--source', 'svn:trunk'], "--source 'svn:trunk': unknown source kind 'svn'; kinds: github, github-enterprise, bitbucket, gitlab, gitlab-self-managed, connection, codecommit, s3, ecr"],
    [['--template', 'static-site', '--source', 'ecr:web@latest'], "source 'ecr:web@latest' is a container image (ECR), and template 'static-site' builds code from a repository; use --template ecs or blue-green-ecs, or a repository source"],
    [['--name', 'my app'], "--name 'my app': a pipeline name is 1-100 of A-Z a-z 0-9 . @ - _"],
    [['--region', 'Europe'], "--region 'Europe': expected an AWS region such as us-east-1"],
    [['--account', '1234'], "--account '1234': expected a 12-digit AWS account ID"],
    [['a.yml', 'b.yml'], "init writes one file; got 'a.yml', 'b.yml'"],
  ];
  for (const [args, message] of cases)
    it(args.join(' '), async () => {
      const d = dir('bad');
      const r = await runCli(['init', ...args], { cwd: d, tty: true, input: '' });
      expect(r.stderr).toBe(`pipec: ${message}\nRun 'pipec init --help' for usage.\n`);
      expect(r.code).toBe(2);
      expect(readdirSync(d)).toEqual([]);
    });
});

describe('pipec init: on a terminal', () => {
  it('asks for the name, template and source the options do not give (Enter takes the default), on stderr', async () => {
    const d = dir('shop');
    const r = await runCli(['init'], { cwd: d, tty: true, input: 'shop-web\n9\n\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Pipeline name [shop]: ');
    expect(r.stderr).toContain('   9. blue-green-ecs');
    expect(r.stderr).toContain('Template (name or number) [minimal]: ');
    expect(r.stderr).toContain('Source [github:my-org/shop-web@main]: ');
    expect(r.stderr).toContain('wrote pipeline.yml: template blue-green-ecs, source github:my-org/shop-web@main, pipeline shop-web\n');
    expect(readFileSync(join(d, 'pipeline.yml'), 'utf8')).toContain('strategy: blue-green');
  });

  it('asks again after an answer it cannot use, with a suggestion', async () => {
    const d = dir('api');
    const r = await runCli(['init', '--name', 'api'], { cwd: d, tty: true, input: 'promotoin\npromotion\ngitlab:acme\ngitlab:acme/api@main\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Pipeline name');
    expect(r.stderr).toContain("  no template 'promotoin'; did you mean 'promotion'?\n");
    expect(r.stderr).toContain("  --source 'gitlab:acme': write gitlab:owner/repository@branch\n");
    expect(readFileSync(join(d, 'pipeline.yml'), 'utf8')).toContain('source: gitlab:acme/api@main\n');
  });

  it('offers the sources a template fits: an image template takes ECR too', async () => {
    const d = dir('svc');
    const r = await runCli(['init', '-t', 'ecs', '-n', 'svc'], { cwd: d, tty: true, input: 'ecr\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Source: github, github-enterprise, bitbucket, gitlab, gitlab-self-managed, connection, codecommit, s3, ecr;');
    expect(readFileSync(join(d, 'pipeline.yml'), 'utf8')).toContain('source: ecr:svc@latest\n');
  });

  it('input that ends before the answers writes nothing and exits 1', async () => {
    const d = dir('eof');
    const r = await runCli(['init'], { cwd: d, tty: true, input: 'eof\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pipec: init stopped before every question was answered; nothing written\n');
    expect(readdirSync(d)).toEqual([]);
  });

  it('asks nothing with --yes, or when standard input or output is not a terminal (CI)', async () => {
    for (const [args, tty] of [
      [['--yes'], true],
      [[], false],
    ] as const) {
      const d = dir('ci');
      const r = await runCli(['init', ...args], { cwd: d, tty, input: 'never read\n' });
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain('[');
      expect(readFileSync(join(d, 'pipeline.yml'), 'utf8')).toContain('source: github:my-org/ci@main\n');
    }
  });
});

describe('pipec init: help', () => {
  it('pipec --help lists init; pipec init --help lists every template and source kind', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/\n {2}init {7}write a commented pipeline\.yml/);
    const help = (await runCli(['init', '--help'])).stdout;
    for (const t of INIT_TEMPLATES) expect(help).toContain(`  ${t.name.padEnd(18)}${t.summary}`);
    for (const k of SOURCE_KINDS) expect(help).toContain(`${k.kind}:`);
  });
});
