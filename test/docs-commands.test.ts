import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';
import { pipecArgv } from './support/shell-words.js';
import { checkout, installedProject, paste, shown, showsAsPrinted } from './support/doc-commands.js';

/**
 * The commands of README.md and docs/ that need no AWS, run verbatim: each is looked up in the
 * documents by its inventory key (test/docs-commands-inventory.test.ts), so what runs is the
 * text a reader pastes, and pasted into bash with `pipec` on PATH (npx finding it in the
 * project) in a fresh directory. Transcripts (`$ pipec validate huge.yml` in docs/diagnostics.md)
 * are run on the input their section describes, and what they show must be what pipec prints.
 * The header `pipec init` writes is run from every template's output.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
/** A fresh directory holding `files`. */
function dir(files: Record<string, string | Buffer> = {}): string {
  const d = join(scratch, `d${++n}`);
  mkdirSync(d);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(d, path, '..'), { recursive: true });
    writeFileSync(join(d, path), text);
  }
  return d;
}

/** Pastes the command the documents show under `key` in `cwd`, expecting `code`. */
function run(key: string, cwd: string, code = 0) {
  const { command } = shown(key);
  const r = paste(command, cwd);
  expect(r.code, `${command}\n${r.stdout}${r.stderr}`).toBe(code);
  return r;
}

const MINIMAL = readFileSync(join(ROOT, 'examples', 'minimal', 'pipeline.yml'), 'utf8');
/** Each test pastes several commands, each a process: minutes on a loaded machine. */
const SLOW = { timeout: 600_000 };

describe('README.md', () => {
  it('npx pipec --help, in a checkout', SLOW, () => {
    const d = dir();
    checkout(d);
    expect(run('README.md: npx pipec --help', d).stdout).toContain('Usage: pipec');
  });

  it('npx pipec compile of every example, in a checkout: the files the README lists', SLOW, () => {
    const d = dir();
    checkout(d);
    const r = run('README.md: npx pipec compile examples/*/pipeline.yml --target all --out out', d);
    expect(r.stderr).toMatch(/^compiled \d+ pipelines \(codepipeline, cloudformation, buildspec\)/m);
    const pipelines = readdirSync(join(d, 'out'));
    expect(pipelines.length).toBeGreaterThan(readdirSync(join(ROOT, 'examples')).length);
    const all = pipelines.flatMap((p) => readdirSync(join(d, 'out', p)));
    for (const p of pipelines) for (const f of ['codepipeline.json', 'cloudformation.yml']) expect(existsSync(join(d, 'out', p, f)), `${p}/${f}`).toBe(true);
    // buildspecs/<stage>-<action>.yml for each inline build: a CodeBuild project whose source is the pipeline
    for (const p of pipelines) {
      const stack = readdirSync(join(d, 'out', p)).filter((f) => f.startsWith('cloudformation')).map((f) => readFileSync(join(d, 'out', p, f), 'utf8')).join('\n');
      expect(existsSync(join(d, 'out', p, 'buildspecs')), `${p}: buildspecs/ only for inline builds`).toBe(/BuildSpec: \|/.test(stack));
    }
    expect(all.some((f) => /^cloudformation\.[a-z]{2}-[a-z]+-\d\.yml$/.test(f)), 'a region stack').toBe(true);
    expect(all.some((f) => /^cloudformation\.account-\d{12}\.yml$/.test(f)), 'an account stack').toBe(true);
    const specs = pipelines.flatMap((p) => (existsSync(join(d, 'out', p, 'buildspecs')) ? readdirSync(join(d, 'out', p, 'buildspecs')) : []));
    expect(specs.length).toBeGreaterThan(0);
    for (const s of specs) expect(s).toMatch(/^[\w-]+-[\w-]+\.yml$/);
  });

  it('npx pipec init, in a project that installed pipec; then pipec --no-color validate and pipec -v', SLOW, () => {
    const d = dir();
    installedProject(d);
    run('README.md: npx pipec init --template promotion --source github:acme/api@main', d);
    expect(readFileSync(join(d, 'pipeline.yml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=/);
    expect(run('README.md: pipec --no-color validate', d).stdout).toBe('ok: 1 pipeline, no problems\n');
    expect(run('README.md: pipec -v', d).stdout).toMatch(/^pipec \d+\.\d+\.\d+\n$/);
  });

  it('source <(pipec completion bash) gives pipec its completion', SLOW, () => {
    const { command } = shown('README.md: source <(pipec completion bash)');
    const r = paste(`${command} && complete -p pipec`, dir());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^complete .* pipec$/m);
  });
});

describe('docs/init.md', () => {
  it('each of its commands, each in an empty directory', SLOW, () => {
    const asked = dir();
    run('docs/init.md: pipec init', asked);
    expect(readFileSync(join(asked, 'pipeline.yml'), 'utf8')).toContain('name: ');
    const promotion = dir();
    run('docs/init.md: pipec init --template promotion --source github:acme/api@main', promotion);
    expect(readFileSync(join(promotion, 'pipeline.yml'), 'utf8')).toContain('Written by `pipec init --template promotion`');
    const site = dir();
    run('docs/init.md: pipec init pipelines/site.yml -t static-site -s s3:acme-drops/site.zip -n site', site);
    expect(readFileSync(join(site, 'pipelines', 'site.yml'), 'utf8')).toMatch(/^name: site$/m);
    const printed = dir();
    const r = run('docs/init.md: pipec init - -t blue-green-lambda', printed);
    expect(r.stdout).toContain('Written by `pipec init --template blue-green-lambda`');
    expect(readdirSync(printed)).toEqual([]);
    expect(run('docs/init.md: pipec init -', dir()).stdout).toContain('name: ');
  });

  it("the header pipec init writes: its 'pipec validate', 'pipec graph' and 'pipec expand', for every template", SLOW, async () => {
    const templates = readdirSync(join(ROOT, 'templates', 'init')).filter((f) => !f.startsWith('_')).map((f) => f.replace(/\.yml\.hbs$/, ''));
    expect(templates.length).toBeGreaterThan(5);
    for (const t of templates) {
      const d = dir();
      expect((await runCli(['init', '-t', t], { cwd: d })).code).toBe(0);
      const header = readFileSync(join(d, 'pipeline.yml'), 'utf8');
      for (const key of ['templates/init/_header.yml.hbs: pipec validate', 'templates/init/_header.yml.hbs: pipec graph', 'templates/init/_header.yml.hbs: pipec expand']) {
        const { command } = shown(key);
        expect(header, `${t}: the header names ${command}`).toContain(command);
        // split by bash as pasted, run in this process: ten templates, three commands each
        const r = await runCli(pipecArgv(command), { cwd: d });
        expect(r.code, `${t}: ${command}\n${r.stderr}`).toBe(0);
        expect(r.stdout.length, `${t}: ${command} prints`).toBeGreaterThan(0);
      }
    }
  });
});

describe('docs/diagnostics.md: each transcript prints what it shows', () => {
  /** Runs the transcript under `key` in a directory of `files`, and holds its output to the one shown. */
  function transcript(key: string, files: Record<string, string | Buffer>, opts: { anyPosition?: boolean } = {}) {
    const d = dir(files);
    const c = shown(key);
    const r = paste(c.command, d);
    expect(r.code, `${c.command}\n${r.stderr}`).toBe(1);
    // a section whose input is elided ('...') cannot fix the line its finding is on
    const lines = (c.output ?? []).map((l) => (opts.anyPosition ? l.replace(/^(\S+?):\d+:\d+:/, '$1:...:') : l));
    expect(showsAsPrinted(lines, r.stdout + r.stderr, d), `${key} shows lines pipec does not print:\n${r.stdout}${r.stderr}`).toEqual([]);
    return d;
  }

  it('the files pipec cannot read (PC0001-PC0007) and init refusing to overwrite (PC0010)', SLOW, () => {
    transcript('docs/diagnostics.md: $ pipec validate pipelines/api.yml -> PC0001', {});
    transcript('docs/diagnostics.md: $ pipec validate huge.yml -> PC0002', { 'huge.yml': Buffer.alloc(20 * 1024 * 1024, 'a') });
    transcript('docs/diagnostics.md: $ pipec validate pipeline.yml -> PC0003', { 'pipeline.yml': Buffer.from("name: web\nsource: codecommit:café@main     # 'é' saved as the Latin-1 byte 0xe9\n", 'latin1') });
    transcript('docs/diagnostics.md: $ pipec validate build.zip -> PC0004', { 'build.zip': Buffer.concat([Buffer.from('PK\x03\x04\x14\x01\x08\x02\x08\x03', 'latin1'), Buffer.from([0]), Buffer.from('rest')]) });
    const dirNamed = transcript('docs/diagnostics.md: $ pipec validate pipelines -> PC0006', { 'pipelines/api.yml': MINIMAL });
    // its fix: name the files inside it
    run('docs/diagnostics.md: pipec validate pipelines/*.yml', dirNamed);
    transcript('docs/diagnostics.md: $ pipec validate -> PC0007', {});
    const exists = transcript('docs/diagnostics.md: $ pipec init --template promotion -> PC0010', { 'pipeline.yml': MINIMAL });
    // its fixes: another file, or print the template
    run('docs/diagnostics.md: pipec init pipelines/api.yml', exists);
    expect(readFileSync(join(exists, 'pipelines', 'api.yml'), 'utf8')).toContain('name: ');
    expect(run('docs/diagnostics.md: pipec init -', exists).stdout).toContain('name: ');
    expect(readFileSync(join(exists, 'pipeline.yml'), 'utf8')).toBe(MINIMAL);
  });

  it('a stage with 52 actions (PC3004) and a wave of 52 sequential steps (PC3029), their elided input written out', SLOW, () => {
    const approvals = (prefix: string) => Array.from({ length: 26 }, (_, i) => `          - { name: ${prefix}${i + 1}, approval: {} }`).join('\n');
    const head = 'name: web\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: acme-artifacts\nsource: codecommit:app@main\n';
    transcript('docs/diagnostics.md: $ pipec validate pipeline.yml -> PC3004', { 'pipeline.yml': `${head}stages:\n  - name: Gates\n    steps:\n      - parallel:\n${approvals('Check')}\n      - parallel:\n${approvals('Gate')}\n` }, { anyPosition: true });
    const cells = Array.from({ length: 26 }, (_, i) => `      - { name: cell-${String(i + 1).padStart(2, '0')}, deploy: { s3: { bucket: cell-${String(i + 1).padStart(2, '0')}, extract: true } }, after: { check: make check } }`).join('\n');
    transcript('docs/diagnostics.md: $ pipec validate pipeline.yml -> PC3029', { 'pipeline.yml': `${head}build: { commands: [make], artifacts: [out/**] }\nenvironments:\n  - wave: cells\n    at-a-time: 1\n    approval: false\n    environments:\n${cells}\n` }, { anyPosition: true });
  });

  it('a user template that renders invalid YAML (PC4006)', SLOW, () => {
    transcript('docs/diagnostics.md: $ pipec compile --target buildspec --templates my-templates -> PC4006', { 'pipeline.yml': MINIMAL, 'my-templates/buildspec.yml.hbs': 'version: 0.2\nphases: [unclosed\n' });
  });

  it('import of a file with no pipeline (PC7001) and of one that cannot round-trip (PC7002)', SLOW, () => {
    transcript('docs/diagnostics.md: $ pipec import notes.json -> PC7001', { 'notes.json': '{ "notes": ["buy milk"] }\n' });
    const decl = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'import', 'corpus', 'v2-conditions.json'), 'utf8'));
    // two conditions on one stage event: pipeline.yml writes one
    decl.pipeline.stages[2].beforeEntry.conditions.push({ result: 'FAIL', rules: [{ name: 'Other', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' }, configuration: { Cron: '0 0 1 ? * SUN *' } }] });
    transcript('docs/diagnostics.md: $ pipec import orders.json -> PC7002', { 'orders.json': JSON.stringify(decl) });
  });
});

describe('the other documents', () => {
  it('docs/ci.md: pipec validate --format github turns each problem into an annotation; npx pipec validate in a project', SLOW, () => {
    const bad = dir({ 'pipeline.yml': MINIMAL.replace('commands:', 'comands:') });
    expect(MINIMAL).toContain('commands:');
    const r = run('docs/ci.md: pipec validate --format github', bad, 1);
    expect(r.stdout).toMatch(/^::error file=pipeline\.yml,line=\d+,col=\d+,.*title=PC2001 unknown-key::/m);
    const good = dir({ 'pipeline.yml': MINIMAL });
    installedProject(good);
    expect(run('docs/ci.md: npx pipec validate', good).stdout).toBe('ok: 1 pipeline, no problems\n');
  });

  it('docs/editors.md: pipec schema > pipeline.schema.json writes the schema the package ships', SLOW, () => {
    const d = dir();
    run('docs/editors.md: pipec schema > pipeline.schema.json', d);
    expect(readFileSync(join(d, 'pipeline.schema.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'schema', 'pipeline.schema.json'), 'utf8'));
  });

  it('docs/plan-and-apply.md: pipec compile -t cloudformation -o out writes the stack whose header holds the deploy command', SLOW, () => {
    const d = dir({ 'pipeline.yml': MINIMAL });
    run('docs/plan-and-apply.md: pipec compile -t cloudformation -o out', d);
    expect(readFileSync(join(d, 'out', 'web', 'cloudformation.yml'), 'utf8')).toMatch(/^# .*aws cloudformation deploy /m);
  });

  it('docs/import.md: pipec import pipeline.json and pipec import stack.yml --region eu-west-1 print pipeline.yml that compiles back', SLOW, () => {
    const d = dir({ 'pipeline.yml': MINIMAL });
    expect(paste('pipec compile -t codepipeline -t cloudformation -o out && cp out/web/codepipeline.json pipeline.json && cp out/web/cloudformation.yml stack.yml && rm pipeline.yml', d).code).toBe(0);
    for (const key of ['docs/import.md: pipec import pipeline.json', 'docs/import.md: pipec import stack.yml --region eu-west-1']) {
      const r = run(key, d);
      expect(r.stdout, key).toMatch(/^name: web$/m);
      writeFileSync(join(d, 'imported.yml'), r.stdout);
      expect(paste('pipec validate imported.yml', d).code, key).toBe(0);
    }
  });
});
