import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from './support/cli.js';
import { compileExample, examples, listFiles, templatesIn, type TemplateFile } from './support/targets.js';

/** Buildspecs of every example: valid YAML, the buildspec 0.2 shape, and the same text CloudFormation carries. */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-buildspec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const STRINGS = z.array(z.string().min(1)).min(1);
const NAMES = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().min(1));
const FILES = { files: STRINGS, 'base-directory': z.string().min(1).optional(), 'discard-paths': z.boolean().optional() };
const PHASE = z.strictObject({ 'runtime-versions': z.record(z.string(), z.string()).optional(), commands: STRINGS.optional(), finally: STRINGS.optional() });

/** The buildspec 0.2 shape (reference: buildspec.md), as CodeBuild reads it (YAML 1.1: yes/no are booleans). */
const BUILDSPEC = z.strictObject({
  version: z.literal(0.2),
  env: z
    .strictObject({ variables: NAMES.optional(), 'parameter-store': NAMES.optional(), 'secrets-manager': NAMES.optional(), 'exported-variables': STRINGS.optional() })
    .optional(),
  phases: z.strictObject({ install: PHASE.optional(), pre_build: PHASE.optional(), build: PHASE.optional(), post_build: PHASE.optional() }),
  reports: z
    .record(
      z.string(),
      z.strictObject({
        files: STRINGS,
        'base-directory': z.string().optional(),
        'file-format': z.enum(['CUCUMBERJSON', 'JUNITXML', 'NUNITXML', 'NUNIT3XML', 'TESTNGXML', 'VISUALSTUDIOTRX', 'CLOVERXML', 'COBERTURAXML', 'JACOCOXML', 'SIMPLECOV']).optional(),
      }),
    )
    .optional(),
  artifacts: z.strictObject({ ...FILES, 'secondary-artifacts': z.record(z.string().regex(/^[A-Za-z0-9_]{1,127}$/), z.strictObject(FILES)).optional() }).optional(),
  cache: z.strictObject({ paths: STRINGS }).optional(),
});

interface Buildspec {
  example: string;
  pipeline: string;
  file: string;
  text: string;
}

type Obj = Record<string, unknown>;
const buildspecs: Buildspec[] = [];
const templates: TemplateFile[] = [];

beforeAll(async () => {
  for (const name of examples) {
    const out = join(scratch, name);
    await compileExample(name, out);
    templates.push(...templatesIn(name, out));
    for (const f of listFiles(out).filter((x) => x.includes('/buildspecs/'))) {
      const [pipeline, , file] = f.split('/') as [string, string, string];
      buildspecs.push({ example: name, pipeline, file, text: readFileSync(join(out, f), 'utf8') });
    }
  }
});

/** The action a buildspec belongs to, from codepipeline.json. */
function actionOf(b: Buildspec): Obj {
  const cp = JSON.parse(readFileSync(join(scratch, b.example, b.pipeline, 'codepipeline.json'), 'utf8')) as { pipeline: { stages: Array<{ name: string; actions: Obj[] }> } };
  const found = cp.pipeline.stages.flatMap((s) => s.actions.filter((a) => `${s.name}-${String(a.name)}.yml` === b.file));
  expect(found, `${b.example}/${b.pipeline}/${b.file} names one action`).toHaveLength(1);
  return found[0] as Obj;
}

describe('buildspecs of every example', () => {
  it('exist for the inline builds of the examples', () => {
    expect(buildspecs.length).toBeGreaterThan(10);
  });

  it('parse as YAML, match the buildspec 0.2 shape, and read the same under YAML 1.1 and 1.2', () => {
    for (const b of buildspecs) {
      const where = `${b.example}/${b.pipeline}/${b.file}`;
      const spec = parse(b.text, { version: '1.1' }) as Obj;
      const r = BUILDSPEC.safeParse(spec);
      expect(r.success, `${where}: ${r.error?.message}`).toBe(true);
      const phases = Object.keys(spec.phases as Obj);
      expect(phases, where).toEqual(['install', 'pre_build', 'build', 'post_build'].filter((p) => phases.includes(p)));
      for (const [name, phase] of Object.entries(spec.phases as Record<string, Obj>)) {
        if (name !== 'install') expect(phase.commands, `${where}: ${name} has commands`).toBeDefined();
        if (name !== 'install') expect(phase['runtime-versions'], where).toBeUndefined();
      }
      // apart from yes/no flags, a 1.2 reader sees the same strings
      const strict = parse(b.text) as Obj;
      expect(JSON.stringify(strict.phases), where).toBe(JSON.stringify(spec.phases));
      expect(JSON.stringify(strict.env), where).toBe(JSON.stringify(spec.env));
    }
  });

  it('name a secondary artifact after each output when the action has several', () => {
    let several = 0;
    for (const b of buildspecs) {
      const outputs = ((actionOf(b).outputArtifacts as Obj[]) ?? []).map((o) => o.name);
      const artifacts = (parse(b.text, { version: '1.1' }) as Obj).artifacts as Obj | undefined;
      if (outputs.length > 1) {
        several++;
        expect(Object.keys((artifacts?.['secondary-artifacts'] as Obj) ?? {}).sort()).toEqual([...outputs].sort());
      } else {
        if (outputs.length === 1) expect(artifacts, `${b.file} writes its output`).toBeDefined();
        expect(artifacts?.['secondary-artifacts']).toBeUndefined();
      }
    }
    expect(several).toBeGreaterThan(0);
  });

  it('are the buildspec the CloudFormation project carries inline', () => {
    for (const b of buildspecs) {
      const project = (actionOf(b).configuration as Obj).ProjectName as string;
      const resources = templates.filter((t) => t.example === b.example && t.pipeline === b.pipeline).flatMap((t) => Object.values(t.tree.Resources));
      const p = resources.find((r) => r.Type === 'AWS::CodeBuild::Project' && r.Properties.Name === project);
      expect(p, `project ${project} is in a stack`).toBeDefined();
      expect((p!.Properties.Source as Obj).BuildSpec).toBe(b.text);
    }
  });

  it('are not written for a build that reads its buildspec from the source; the project names that file', () => {
    expect(buildspecs.filter((b) => b.example === 'shared-artifact-store' && b.pipeline === 'storefront-edge')).toEqual([]);
    const stack = templates.find((t) => t.example === 'shared-artifact-store' && t.pipeline === 'storefront-edge' && t.file === 'cloudformation.yml');
    const project = Object.values(stack!.tree.Resources).find((r) => r.Type === 'AWS::CodeBuild::Project');
    expect((project!.Properties.Source as Obj).BuildSpec).toBe('ci/buildspec.yml');
  });
});

describe('user templates (--templates DIR)', () => {
  const minimal = join(ROOT, 'examples', 'minimal', 'pipeline.yml');
  const dir = (files: Record<string, string>): string => {
    const d = mkdtempSync(join(scratch, 'templates-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
    return d;
  };

  it('replace the shipped buildspec template, in both the buildspec and the cloudformation target', async () => {
    const custom = dir({
      'buildspec.yml.hbs': '# house style for {{project}}\nversion: 0.2\nphases:\n  build:\n    commands:\n      - ./ci/prepare.sh\n{{#each phases}}{{#each commands}}      - {{yaml this}}\n{{/each}}{{/each}}',
    });
    const out = join(scratch, 'custom-out');
    const r = await runCli(['compile', minimal, '-t', 'buildspec,cloudformation', '-o', out, '--templates', custom, '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, 'web', 'buildspecs', 'Build-Build.yml'), 'utf8');
    expect(text).toBe('# house style for web-Build-Build\nversion: 0.2\nphases:\n  build:\n    commands:\n      - ./ci/prepare.sh\n      - npm ci\n      - npm test\n      - npm run build\n');
    const cfn = parse(readFileSync(join(out, 'web', 'cloudformation.yml'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Obj }> };
    const project = Object.values(cfn.Resources).find((x) => x.Type === 'AWS::CodeBuild::Project');
    expect((project!.Properties.Source as Obj).BuildSpec).toBe(text);
  });

  it('replace a partial alone, keeping the shipped main template', async () => {
    const custom = dir({ 'buildspec-phase.hbs': '{{name}}:\n  on-failure: ABORT\n  commands:\n{{#each commands}}\n    - {{yaml this}}\n{{/each}}\n' });
    const out = join(scratch, 'partial-out');
    const r = await runCli(['compile', minimal, '-t', 'buildspec', '-o', out, '--templates', custom, '-q']);
    expect(r.code).toBe(0);
    const spec = parse(readFileSync(join(out, 'web', 'buildspecs', 'Build-Build.yml'), 'utf8')) as Obj;
    expect(spec.phases).toEqual({ build: { 'on-failure': 'ABORT', commands: ['npm ci', 'npm test', 'npm run build'] } });
    expect(spec.artifacts).toEqual({ files: ['dist/**/*'] });
  });

  it('that do not compile are reported (PC4006) and nothing is written', async () => {
    const custom = dir({ 'buildspec.yml.hbs': 'version: 0.2\n{{#each phases}\n' });
    const out = join(scratch, 'broken-out');
    const r = await runCli(['compile', minimal, '-t', 'all', '-o', out, '--templates', custom, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[PC4006]');
    expect(r.stderr).toContain(join(custom, 'buildspec.yml.hbs'));
    expect(r.stderr.match(/error\[PC4006\]/g), 'reported once, though two targets render buildspecs').toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('that write something other than YAML are reported (PC4006)', async () => {
    const custom = dir({ 'buildspec.yml.hbs': 'version: 0.2\nphases: [unclosed\n' });
    const r = await runCli(['compile', minimal, '-t', 'buildspec', '-o', join(scratch, 'bad-yaml-out'), '--templates', custom, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[PC4006\]: template '.*buildspec\.yml\.hbs' wrote a buildspec for action 'Build' that is not valid YAML/);
  });

  it('that cannot be read are reported (PC4006) when a buildspec needs them, and only then', async () => {
    const custom = mkdtempSync(join(scratch, 'templates-'));
    mkdirSync(join(custom, 'buildspec.yml.hbs'));
    const r = await runCli(['compile', minimal, '-t', 'buildspec', '-o', join(scratch, 'unreadable-out'), '--templates', custom, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[PC4006]: cannot read template '${join(custom, 'buildspec.yml.hbs')}': EISDIR`);
    const ok = await runCli(['compile', minimal, '-t', 'codepipeline', '-o', join(scratch, 'unreadable-ok'), '--templates', custom, '-q']);
    expect(ok.code).toBe(0);
  });

  it('must be a directory', async () => {
    const r = await runCli(['compile', minimal, '-t', 'buildspec', '-o', join(scratch, 'x'), '--templates', join(scratch, 'no-such-dir')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a directory');
  });
});

describe('handlebars', () => {
  // What of handlebars the process loaded: any of it, and its compiler (pipec's own templates are compiled at build time).
  const hook =
    "data:text/javascript,import{createRequire}from'node:module';process.on('exit',()=>{const k=Object.keys(createRequire(process.execPath).cache);process.stderr.write('HANDLEBARS_LOADED='+k.some(f=>f.includes('/handlebars/'))+' COMPILER_LOADED='+k.some(f=>f.includes('/handlebars/compiler/'))+'\\n')})";
  const run = (target: string, ...more: string[]): string => {
    const out = join(scratch, `lazy-${target}-${more.length}`);
    mkdirSync(out, { recursive: true });
    const r = spawnSync(process.execPath, ['--import', hook, BIN, 'compile', join(ROOT, 'examples', 'minimal', 'pipeline.yml'), '-t', target, '-o', out, '-q', ...more], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stderr;
  };

  it('is not loaded when only the codepipeline target runs', () => {
    expect(run('codepipeline')).toContain('HANDLEBARS_LOADED=false');
  });

  it("is not loaded when a buildspec is rendered from pipec's own templates (buildspec-text.ts writes it); its compiler is for the user's", () => {
    expect(run('buildspec')).toContain('HANDLEBARS_LOADED=false COMPILER_LOADED=false');
    expect(run('buildspec', '--templates', join(ROOT, 'templates'))).toContain('HANDLEBARS_LOADED=true COMPILER_LOADED=true');
  });

  it("pipec's own templates, compiled at build time, render what their text compiled now renders, for every example", async () => {
    for (const example of readdirSync(join(ROOT, 'examples')).filter((e) => existsSync(join(ROOT, 'examples', e, 'pipeline.yml')))) {
      const file = join(ROOT, 'examples', example, 'pipeline.yml');
      const built = join(scratch, `own-${example}`);
      const fromText = join(scratch, `text-${example}`);
      const a = await runCli(['compile', file, '-t', 'all', '-o', built, '-q']);
      const b = await runCli(['compile', file, '-t', 'all', '-o', fromText, '-q', '--templates', join(ROOT, 'templates')]);
      expect(a, example).toEqual(b);
      expect(a.code, example).toBe(0);
      expect(treeOf(built), example).toEqual(treeOf(fromText));
    }
  });
});

/** Every file under `dir` with its text, by path relative to `dir`. */
function treeOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const e of readdirSync(join(dir, at), { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(at, e.name));
      else files[join(at, e.name)] = readFileSync(join(dir, at, e.name), 'utf8');
    }
  };
  walk('');
  return files;
}

describe('templates as data (targets read no file)', () => {
  it("pipec's own templates are built in, the same text as templates/", () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'embed-templates.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('no target imports the file system: the CLI hands them the texts', () => {
    const sources = listFiles(join(ROOT, 'src', 'targets')).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, 'src', 'targets', f));
    expect(sources.length).toBeGreaterThan(5);
    for (const f of sources) expect(readFileSync(f, 'utf8'), f).not.toMatch(/from 'node:fs(\/promises)?'|require\('(node:)?fs'\)/);
  });
});
