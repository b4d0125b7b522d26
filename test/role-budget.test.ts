import { describe, expect, it } from 'vitest';
import { policyChars, ROLE_POLICY_LIMIT } from '../src/targets/cloudformation/role-budget.js';
import { commented } from '../src/targets/yaml-writer.js';
import { runCli } from './support/cli.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A file of `n` pipelines that all run as one role of the user's (`top`: more lines for the file's top level). */
function shared(n: number, role = 'arn:aws:iam::111111111111:role/pipeline', top: string[] = []): string {
  const lines = [`role: ${role}`, ...top, 'artifacts: acme-artifacts', 'pipelines:'];
  for (let i = 1; i <= n; i++) lines.push(`  - name: app-${i}`, `    source: codecommit:app-${i}@main`, '    build: { commands: [make], artifacts: [out/*] }', `    deploy: { s3: { bucket: app-${i}-site, extract: true } }`);
  return `${lines.join('\n')}\n`;
}

type Stack = { Resources: Record<string, { Type: string; DependsOn?: string[]; Properties: Record<string, unknown> }> };

/** Compiles the text (cloudformation target unless args name another); returns the run and the stacks it wrote by pipeline. */
async function compileText(text: string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'pipec-budget-'));
  try {
    writeFileSync(join(dir, 'pipeline.yml'), text);
    const r = await runCli(['compile', ...(args.includes('-t') ? [] : ['-t', 'cloudformation']), '-o', join(dir, 'out'), '--no-color', ...args], { cwd: dir });
    const stack = (name: string): { text: string; template: Stack } => {
      const t = readFileSync(join(dir, 'out', name, 'cloudformation.yml'), 'utf8');
      return { text: t, template: parse(t) as Stack };
    };
    const stacks = existsSync(join(dir, 'out')) && args.includes('-t') === false ? Object.fromEntries(readdirSync(join(dir, 'out')).map((name) => [name, stack(name)])) : {};
    return { ...r, wrote: existsSync(join(dir, 'out')), stacks };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the inline-policy budget of a role several pipelines share (PC4009)', () => {
  it('counts a policy as IAM does: JSON without whitespace, intrinsics at the length CloudFormation fills in', () => {
    expect(policyChars({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] })).toBe(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }).length,
    );
    expect(policyChars({ Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x' } })).toBe(JSON.stringify({ Resource: 'arn:aws:s3:::x' }).length);
  });

  it('counts what JSON would write: escapes, empty and nested collections, left-out values, every intrinsic', () => {
    const MADE = 'arn:aws:service:ap-southeast-2:123456789012:resource/pipeline-name-resource-0123456789AB';
    const doc = {
      Version: '2012-10-17',
      Empty: {},
      None: [],
      Gone: undefined,
      Statement: [
        commented({ Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['Key', 'Arn'] }, { Ref: 'B' }, { 'Fn::ImportValue': 'x' }] }, 'why "so"'),
        { Sid: 'B\u00e9\n"\\', Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { n: 3.5 } }, Resource: [undefined, null, [[]], { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Thing.Arn}/${!Literal}' }] },
      ],
    };
    const filled = {
      Version: '2012-10-17',
      Empty: {},
      None: [],
      Statement: [
        { value: { Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt'], Resource: [MADE, MADE, MADE] }, comment: 'why "so"' },
        { Sid: 'B\u00e9\n"\\', Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { n: 3.5 } }, Resource: [null, null, [[]], `arn:aws:x:ap-southeast-2:123456789012:${MADE}/\${Literal}`] },
      ],
    };
    expect(policyChars(doc)).toBe(JSON.stringify(filled).length);
  });

  it('passes while the pipelines sharing the role stay under 10,240 characters together', async () => {
    const r = await compileText(shared(2));
    expect(r.stderr).not.toContain('PC4009');
    expect(r.code).toBe(0);
  });

  it('is an error at role: when they exceed it, naming the role, the total and the limit; nothing is written', async () => {
    const r = await compileText(shared(12));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/pipeline\.yml:1:1: error\[PC4009\]: the 12 pipelines that run as role arn:aws:iam::111111111111:role\/pipeline need about [\d,]+ characters of inline policy on it \(app-1 [\d,]+, .*\); IAM allows 10,240 per role/);
    // Both fixes: a role per pipeline, or the shared role granted by its owner (role-policy: none).
    expect(r.stderr).toContain("help: give each pipeline a role of its own ('role:' on the pipeline, or leave 'role:' out so that each stack makes one); or keep the shared role, say 'role-policy: none' beside it");
    const total = Number(/need about ([\d,]+) characters/.exec(r.stderr)?.[1]?.replace(/,/g, ''));
    expect(total).toBeGreaterThan(ROLE_POLICY_LIMIT);
    expect(r.wrote).toBe(false);
  });

  it('counts only the pipelines written together: --pipeline selects fewer', async () => {
    const r = await compileText(shared(12), ['--pipeline', 'app-1', '--pipeline', 'app-2']);
    expect(r.stderr).not.toContain('PC4009');
    expect(r.code).toBe(0);
  });

  it('is a check of the cloudformation target only: the codepipeline target attaches nothing to the role', async () => {
    for (const args of [['-t', 'codepipeline'], ['-t', 'buildspec']]) {
      const r = await compileText(shared(12), args);
      expect(r.stderr, args.join(' ')).not.toContain('PC4009');
      expect(r.code, args.join(' ')).toBe(0);
    }
    const all = await compileText(shared(12), ['-t', 'all']);
    expect(all.stderr).toContain('error[PC4009]');
    expect(all.code).toBe(1);
  });
});

describe("role-policy: none (the user grants the shared role)", () => {
  it('lets many pipelines share one role: their stacks attach nothing to it, and each header lists the actions it must allow', async () => {
    const r = await compileText(shared(12, undefined, ['role-policy: none']));
    expect(r.stderr).toMatch(/^compiled 12 pipelines \(cloudformation\): 12 files in \S+\n$/);
    expect(r.code).toBe(0);
    expect(Object.keys(r.stacks)).toHaveLength(12);
    for (const [name, { text, template }] of Object.entries(r.stacks)) {
      const types = Object.values(template.Resources).map((x) => x.Type);
      expect(types, name).not.toContain('AWS::IAM::Policy');
      const pipeline = template.Resources.Pipeline as Stack['Resources'][string];
      expect(pipeline.Properties.RoleArn, name).toBe('arn:aws:iam::111111111111:role/pipeline');
      expect(pipeline.DependsOn, name).toBeUndefined();
      expect(text, name).toContain("# Role arn:aws:iam::111111111111:role/pipeline is yours to grant (pipeline.yml 'role-policy: none'): this stack attaches nothing to it. The pipeline calls codebuild:BatchGetBuilds, codebuild:StartBuild, codecommit:");
      expect(text, name).toContain('s3:PutObject; the role must allow them');
    }
  });

  it('is per pipeline: one that says attach again gets its policy, the others none; the budget counts only what is attached', async () => {
    const text = shared(12, undefined, ['role-policy: none']).replace('  - name: app-3\n', '  - name: app-3\n    role-policy: attach\n');
    const r = await compileText(text);
    expect(r.code, r.stderr).toBe(0);
    const attached = Object.entries(r.stacks).filter(([, s]) => Object.values(s.template.Resources).some((x) => x.Type === 'AWS::IAM::Policy')).map(([n]) => n);
    expect(attached).toEqual(['app-3']);
    expect(r.stacks['app-3']?.template.Resources.Pipeline?.DependsOn).toEqual('PipelineRolePolicy');
    expect(r.stacks['app-3']?.text).not.toContain('is yours to grant');
  });

  it('keeps managed-policies a warning with the command that attaches them (PC4010); the stack still attaches nothing', async () => {
    const text = shared(2, undefined, ['role-policy: none']).replace('  - name: app-2\n', '  - name: app-2\n    managed-policies: [arn:aws:iam::111111111111:policy/extras]\n');
    const r = await compileText(text);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning[PC4010]: managed policy arn:aws:iam::111111111111:policy/extras cannot be attached');
    expect(r.stderr).toContain('help: attach it yourself: aws iam attach-role-policy --role-name pipeline --policy-arn arn:aws:iam::111111111111:policy/extras,');
    for (const { template } of Object.values(r.stacks)) expect(Object.values(template.Resources).map((x) => x.Type)).not.toContain('AWS::IAM::Policy');
  });

  it("is written back by pipec expand, at the pipeline", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipec-budget-'));
    try {
      writeFileSync(join(dir, 'pipeline.yml'), shared(2, undefined, ['role-policy: none']));
      const r = await runCli(['expand', 'pipeline.yml'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.match(/^ {4}role-policy: none$/gm)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
