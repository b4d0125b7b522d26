import { describe, expect, it } from 'vitest';
import { policyChars, ROLE_POLICY_LIMIT } from '../src/targets/cloudformation/role-budget.js';
import { runCli } from './support/cli.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A file of `n` pipelines that all run as one role of the user's. */
function shared(n: number, role = 'arn:aws:iam::111111111111:role/pipeline'): string {
  const lines = [`role: ${role}`, 'artifacts: acme-artifacts', 'pipelines:'];
  for (let i = 1; i <= n; i++) lines.push(`  - name: app-${i}`, `    source: codecommit:app-${i}@main`, '    build: { commands: [make], artifacts: [out/*] }', `    deploy: { s3: { bucket: app-${i}-site, extract: true } }`);
  return `${lines.join('\n')}\n`;
}

async function compileText(text: string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'pipec-budget-'));
  try {
    writeFileSync(join(dir, 'pipeline.yml'), text);
    const r = await runCli(['compile', '-t', 'cloudformation', '-o', join(dir, 'out'), '--no-color', ...args], { cwd: dir });
    return { ...r, wrote: existsSync(join(dir, 'out')) };
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

  it('passes while the pipelines sharing the role stay under 10,240 characters together', async () => {
    const r = await compileText(shared(2));
    expect(r.stderr).not.toContain('PC4009');
    expect(r.code).toBe(0);
  });

  it('is an error at role: when they exceed it, naming the role, the total and the limit; nothing is written', async () => {
    const r = await compileText(shared(12));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/pipeline\.yml:1:1: error\[PC4009\]: the 12 pipelines that run as role arn:aws:iam::111111111111:role\/pipeline need about [\d,]+ characters of inline policy on it \(app-1 [\d,]+, .*\); IAM allows 10,240 per role/);
    expect(r.stderr).toContain("help: give some of these pipelines a role of their own ('role:' on the pipeline)");
    const total = Number(/need about ([\d,]+) characters/.exec(r.stderr)?.[1]?.replace(/,/g, ''));
    expect(total).toBeGreaterThan(ROLE_POLICY_LIMIT);
    expect(r.wrote).toBe(false);
  });

  it('counts only the pipelines written together: --pipeline selects fewer', async () => {
    const r = await compileText(shared(12), ['--pipeline', 'app-1', '--pipeline', 'app-2']);
    expect(r.stderr).not.toContain('PC4009');
    expect(r.code).toBe(0);
  });
});
