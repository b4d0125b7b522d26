import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { Diagnostics } from '../src/compiler/diagnostics.js';
import { stackStem } from '../src/compiler/stack-stem.js';
import { stackTargets } from '../src/live/stack/targets.js';
import { runCli } from './support/cli.js';

/**
 * Names pipec derives from a pipeline's name are ones AWS takes, for every pipeline name CodePipeline
 * takes (`[A-Za-z0-9.@\-_]+`, 1-100): CloudFormation stack names (CreateStack: letters, digits and '-',
 * starting with a letter, at most 128), CodeBuild project names (botocore's ProjectName:
 * `[A-Za-z0-9][A-Za-z0-9\-_]{1,149}`), and the output directory `<out>/<name>/`.
 */

const STACK = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9_-]{1,149}$/;
const NAMES = ['web', 'my_app', 'shop.web', 'app@x', '1app', '.x', '_x', '..x', 'a..b', '@', 'Z'.repeat(100)];

const scratch = mkdtempSync(join(tmpdir(), 'pipec-names-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function pipelineYaml(name: string): string {
  return [
    `name: '${name}'`,
    'region: eu-west-1',
    'role: arn:aws:iam::111111111111:role/pipeline',
    'artifacts: acme-artifacts',
    'source: codecommit:shop@main',
    'build: { commands: [make], artifacts: [dist/**/*] }',
    'deploy: { s3: { bucket: shop-site, extract: true } }',
    '',
  ].join('\n');
}

describe('names pipec derives from a pipeline name', () => {
  it('keep a name CloudFormation takes as it is, and make every other one a stack name', () => {
    expect(stackStem('web-app')).toBe('web-app');
    expect(stackStem('my_app')).toBe('my-app');
    expect(stackStem('shop.web@2')).toBe('shop-web-2');
    expect(stackStem('1app')).toBe('pipec-1app');
    expect(stackStem('-x')).toBe('pipec--x');
    for (const name of NAMES) for (const suffix of ['-pipeline', '-pipeline-artifacts', '-pipeline-ap-southeast-2', '-pipeline-roles']) expect(`${stackStem(name)}${suffix}`).toMatch(STACK);
  });

  it.each(NAMES)('%s: the header deploys a valid stack name, stack mode plans that same stack, and the project name is valid', async (name) => {
    const file = { path: 'pipeline.yml', bytes: Buffer.from(pipelineYaml(name)) };
    const result = compile([file]);
    expect(result.diagnostics.list.filter((d) => d.severity === 'error')).toEqual([]);
    const ir = result.pipelines[0]?.ir;
    if (!ir) throw new Error('not compiled');
    const project = ir.stages.flatMap((s) => s.actions).find((a) => a.project)?.project?.name;
    expect(project).toMatch(PROJECT);

    const { targets } = stackTargets(ir, 'eu-west-1', new Diagnostics(), 'shop');
    const pipelineStack = targets.find((t) => t.kind === 'pipeline');
    expect(pipelineStack?.stackName).toMatch(STACK);
    const header = /--stack-name (\S+)/.exec(pipelineStack?.template ?? '')?.[1];
    expect(header).toBe(pipelineStack?.stackName);
  });

  it.each(['web', 'web--api', 'a..b', 'app-', '.x', '_x', '1app', 'my_app'])('%s: the CloudTrail trail of an S3 source has a name CreateTrail takes', (name) => {
    const yaml = pipelineYaml(name).replace('source: codecommit:shop@main', 'source: { s3: { bucket: shop-exports, key: app.zip, poll: false } }');
    const result = compile([{ path: 'pipeline.yml', bytes: Buffer.from(yaml) }]);
    expect(result.diagnostics.list.filter((d) => d.severity === 'error')).toEqual([]);
    const ir = result.pipelines[0]?.ir;
    if (!ir) throw new Error('not compiled');
    const { targets } = stackTargets(ir, 'eu-west-1', new Diagnostics(), 'shop');
    const trail = /TrailName: "?([^"\s]+)/.exec(targets.find((t) => t.kind === 'pipeline')?.template ?? '')?.[1];
    // CreateTrail: letters, digits, . _ -, starting and ending with a letter or digit, none of . _ - next to another, 3-128.
    expect(trail).toMatch(/^(?=.{3,128}$)[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/);
  });

  it('gives pipelines whose names differ only in runs of . _ - trails of their own', () => {
    const trails = ['web--api', 'web-api-'].map((name) => {
      const yaml = pipelineYaml(name).replace('source: codecommit:shop@main', 'source: { s3: { bucket: shop-exports, key: app.zip, poll: false } }');
      const ir = compile([{ path: 'pipeline.yml', bytes: Buffer.from(yaml) }]).pipelines[0]?.ir;
      if (!ir) throw new Error('not compiled');
      return /TrailName: "?([^"\s]+)/.exec(stackTargets(ir, 'eu-west-1', new Diagnostics(), 'shop').targets.find((t) => t.kind === 'pipeline')?.template ?? '')?.[1];
    });
    expect(new Set(trails).size).toBe(2);
  });

  it('writes a pipeline whose name starts with .. into its own directory under --out', async () => {
    const dir = join(scratch, 'dots');
    const out = join(dir, 'out');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pipeline.yml'), pipelineYaml('..x'));
    const r = await runCli(['compile', '--target', 'all', '--out', out, join(dir, 'pipeline.yml')], { cwd: dir });
    expect(r.stderr).toContain('compiled 1 pipeline');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, '..x', 'codepipeline.json'))).toBe(true);
    expect(readFileSync(join(out, '..x', 'cloudformation.yml'), 'utf8')).toContain('--stack-name pipec---x-pipeline ');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('refuses . and .. (PC3043) and writes nothing', async () => {
    for (const name of ['.', '..']) {
      const dir = join(scratch, `dot-${name.length}`);
        mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'pipeline.yml'), pipelineYaml(name));
      const r = await runCli(['compile', '--out', join(dir, 'out'), join(dir, 'pipeline.yml')], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[PC3043]');
      expect(r.stderr).not.toContain('internal error');
      expect(existsSync(join(dir, 'out'))).toBe(false);
      expect(existsSync(join(dir, 'codepipeline.json'))).toBe(false);
    }
  });

  it('refuses two pipelines of one stack stem (PC3042), across files too', async () => {
    const dir = join(scratch, 'clash');
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    writeFileSync(join(dir, 'pipelines', 'a.yml'), pipelineYaml('shop.web'));
    writeFileSync(join(dir, 'pipelines', 'b.yml'), pipelineYaml('shop_web'));
    for (const jobs of ['1', '2']) {
      const r = await runCli(['validate', '-j', jobs], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("pipelines/b.yml:1:7: error[PC3042]: pipelines 'shop.web' and 'shop_web' would both deploy as CloudFormation stack 'shop-web-pipeline'");
    }
  });
});
