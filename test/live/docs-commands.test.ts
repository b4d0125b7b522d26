import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { installedProject, paste, pipecOnPath, shown } from '../support/doc-commands.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createRoles, provisionDependencies, XACCT_PIPELINE, workspace } from './support.js';

/**
 * The commands of README.md and docs/ that talk to AWS, run verbatim against moto (one moto
 * serving accounts 111111111111 and 222222222222, the other account reached through a profile
 * that assumes a role there, as --account-profile users do; the execution emulator of
 * test/support/codepipeline_executions.py runs the pipelines). Each command is looked up in the
 * documents by its inventory key (test/docs-commands-inventory.test.ts) and pasted into bash
 * with `pipec` on PATH; only the environment says where AWS is. Each must do what the text
 * around it says.
 */

let moto: Moto;
let home: string;

beforeAll(async () => {
  moto = await startMoto({ multiAccount: true });
  home = mkdtempSync(join(tmpdir(), 'pipec-docs-home-'));
  writeFileSync(join(home, 'config'), ['[profile prod]', 'role_arn = arn:aws:iam::222222222222:role/pipec-deployer', 'source_profile = base', '[profile base]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'));
}, 180_000);
afterAll(async () => {
  await moto?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A fresh moto; the AWS CLI's cache of assumed-role credentials (in HOME) goes with it. */
async function reset(): Promise<void> {
  await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  rmSync(join(home, '.aws'), { recursive: true, force: true });
}

/** The environment of a reader whose credentials reach moto, with the profile `prod` for account 222222222222. */
const env = () => ({ ...moto.env, AWS_CONFIG_FILE: join(home, 'config'), HOME: home });

/** Pastes the command the documents show under `key` in `cwd`, expecting `code`. */
function run(key: string, cwd: string, code = 0) {
  const { command } = shown(key);
  expect(command, 'the documents reach AWS only through the environment').not.toMatch(/--endpoint-url/);
  const r = paste(command, cwd, env());
  expect(r.code, `${command}\n${r.stdout}${r.stderr}`).toBe(code);
  return r;
}

/** The pipeline.yml the README opens with. */
const README_PIPELINE = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1] as string;

/** The pipelines moto holds, by the AWS CLI. */
function pipelineNames(cwd: string): string[] {
  return paste('aws codepipeline list-pipelines --query pipelines[].name --output text', cwd, env()).stdout.trim().split(/\s+/).sort();
}

describe('pipeline mode: README, docs/plan-and-apply.md, docs/plan-format.md, docs/ci.md, docs/import.md', () => {
  it('plan --out, apply the plan, apply --auto-approve; the markdown plan and the action script; import of the live pipelines', { timeout: 900_000 }, async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': README_PIPELINE });
    try {
      await provisionDependencies(moto.endpoint, ws.dir);
      const planned = run('README.md: pipec plan --out plan.json', ws.dir);
      expect(planned.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete.');
      expect(existsSync(join(ws.dir, 'plan.json'))).toBe(true);
      run('README.md: pipec apply plan.json', ws.dir);
      // the same two commands, as docs/plan-and-apply.md and docs/plan-format.md write them
      for (const key of ['docs/plan-and-apply.md: pipec plan --out plan.json', 'docs/plan-format.md: pipec plan --out plan.json']) expect(shown(key).command).toBe(shown('README.md: pipec plan --out plan.json').command);
      for (const key of ['docs/plan-and-apply.md: pipec apply plan.json', 'docs/plan-format.md: pipec apply plan.json']) expect(shown(key).command).toBe(shown('README.md: pipec apply plan.json').command);
      ws.write({ 'pipeline.yml': `${README_PIPELINE}tags: { team: web }\n` });
      const markdown = run('docs/ci.md: pipec plan --format markdown', ws.dir);
      expect(markdown.stdout).toMatch(/^### pipec plan$/m);
      expect(markdown.stdout).toContain('1 to update');
      const applied = run('README.md: pipec apply --auto-approve', ws.dir);
      expect(applied.stdout + applied.stderr).toMatch(/web.*updated/);
      expect(run('README.md: pipec apply --auto-approve', ws.dir).stdout).toContain('No changes');

      // the action's script, as docs/ci.md runs it on a machine: validate, then plan
      installedProject(ws.dir);
      const action = run('docs/ci.md: INPUT_PLAN=true INPUT_STRICT=true PIPEC="npx pipec" node node_modules/pipec/action/run.mjs', ws.dir);
      expect(action.stdout).toContain('### pipec plan');

      // a second live pipeline, then import both
      const api = workspace({ 'pipeline.yml': README_PIPELINE.replace('name: web', 'name: api') });
      try {
        await provisionDependencies(moto.endpoint, api.dir);
        expect((await runCli(['apply', '--auto-approve'], { cwd: api.dir, env: moto.env })).code).toBe(0);
      } finally {
        api.cleanup();
      }
      expect(pipelineNames(ws.dir)).toEqual(['api', 'web']);
      const each = workspace({});
      const all = workspace({});
      try {
        run('docs/import.md: pipec import --live web api -o pipelines/', each.dir);
        for (const name of ['web', 'api']) expect(readFileSync(join(each.dir, 'pipelines', `${name}.yml`), 'utf8')).toMatch(new RegExp(`^name: ${name}$`, 'm'));
        expect(paste('pipec validate', each.dir).code).toBe(0);
        run('docs/import.md: pipec import --live --all -o pipeline.yml', all.dir);
        const one = readFileSync(join(all.dir, 'pipeline.yml'), 'utf8');
        expect(one).toMatch(/name: api/);
        expect(one).toMatch(/name: web/);
        expect(paste('pipec validate', all.dir).stdout).toBe('ok: 2 pipelines, no problems\n');
      } finally {
        each.cleanup();
        all.cleanup();
      }
    } finally {
      ws.cleanup();
    }
  });

  it("docs/diagnostics.md: PC4004's disable-stage-transition, after creating the pipeline of its example", { timeout: 300_000 }, async () => {
    await reset();
    const doc = readFileSync(join(ROOT, 'docs', 'diagnostics.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## PC4004 '), doc.indexOf('## PC4005 '));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] as string;
    const help = section.split('\n').find((l) => l.includes('aws codepipeline disable-stage-transition')) as string;
    // the command as shown is the one the inventory lists for this document
    expect(shown('docs/diagnostics.md: aws codepipeline disable-stage-transition').line).toBe(doc.slice(0, doc.indexOf(help)).split('\n').length);
    const command = /run (aws codepipeline disable-stage-transition .+?), or deploy/.exec(help)?.[1] as string;
    const ws = workspace({ 'pipeline.yml': yaml });
    try {
      const compiled = paste('pipec compile', ws.dir);
      expect(compiled.code, compiled.stderr).toBe(0);
      expect(compiled.stderr).toContain(help.trim());
      await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
      const created = paste('aws codepipeline create-pipeline --cli-input-json file://out/web/codepipeline.json', ws.dir, env());
      expect(created.code, created.stderr).toBe(0);
      const r = paste(command, ws.dir, env());
      expect(r.code, `${command}\n${r.stderr}`).toBe(0);
      const state = JSON.parse(paste('aws codepipeline get-pipeline-state --name web', ws.dir, env()).stdout) as { stageStates: Array<{ stageName: string; inboundTransitionState?: { enabled: boolean; disabledReason?: string } }> };
      expect(state.stageStates.find((s) => s.stageName === 'Release')?.inboundTransitionState).toMatchObject({ enabled: false, disabledReason: 'Waiting for the release window' });
    } finally {
      ws.cleanup();
    }
  });
});

describe('docs/diagnostics.md: the commands its warnings give', () => {
  it("PC4010's attach-role-policy attaches the managed policy the stack cannot, to the role of its example", { timeout: 300_000 }, async () => {
    await reset();
    const doc = readFileSync(join(ROOT, 'docs', 'diagnostics.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## PC4010 '), doc.indexOf('\n## ', doc.indexOf('## PC4010 ') + 5));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] as string;
    const help = section.split('\n').find((l) => l.includes('aws iam attach-role-policy')) as string;
    expect(shown('docs/diagnostics.md: aws iam attach-role-policy').line).toBe(doc.slice(0, doc.indexOf(help)).split('\n').length);
    const command = /yourself: (aws iam attach-role-policy .+?), or /.exec(help)?.[1] as string;
    const ws = workspace({ 'pipeline.yml': yaml });
    try {
      // the example prints the warning the document shows
      const compiled = paste('pipec compile -t cloudformation', ws.dir);
      expect(compiled.code, compiled.stderr).toBe(0);
      expect(compiled.stderr).toContain(help.trim());
      // the role and the managed policy are the user's
      await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
      const policy = paste(`aws iam create-policy --policy-name pipeline-extras --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'`, ws.dir, env());
      expect(policy.code, policy.stderr).toBe(0);
      const r = paste(command, ws.dir, env());
      expect(r.code, `${command}\n${r.stderr}`).toBe(0);
      const attached = paste('aws iam list-attached-role-policies --role-name pipeline --query AttachedPolicies[].PolicyArn --output text', ws.dir, env());
      expect(attached.stdout.trim()).toBe('arn:aws:iam::111111111111:policy/pipeline-extras');
    } finally {
      ws.cleanup();
    }
  });
});

describe('stack mode: README', () => {
  it('plan --stack --out plan.json, then apply plan.json; apply --stack --auto-approve --account-profile for a pipeline with an account stack', { timeout: 900_000 }, async () => {
    await reset();
    const ws = workspace({ 'pipeline.yml': README_PIPELINE });
    try {
      // the role the README's pipeline names is the user's, as in pipeline mode
      await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/pipeline']);
      const planned = run('README.md: pipec plan --stack --out plan.json', ws.dir);
      expect(planned.stdout).toContain('+ stack "web-pipeline" (us-east-1): create');
      const applied = run('README.md: pipec apply plan.json', ws.dir);
      expect(applied.stdout).toContain('✓ stack "web-pipeline" (us-east-1): created (CREATE_COMPLETE)');
    } finally {
      ws.cleanup();
    }
    const xacct = workspace({ 'pipeline.yml': XACCT_PIPELINE });
    try {
      await createRoles(moto.endpoint, [/^role: (\S+)$/m.exec(XACCT_PIPELINE)?.[1] as string]);
      const r = run('README.md: pipec apply --stack --auto-approve --account-profile 222222222222=prod', xacct.dir);
      expect(r.stdout.indexOf('Deploying stack xacct-pipeline-roles')).toBeGreaterThanOrEqual(0);
      expect(r.stdout.indexOf('Deploying stack xacct-pipeline (')).toBeGreaterThan(r.stdout.indexOf('Deploying stack xacct-pipeline-roles'));
      // the account stack is in account 222222222222, reached through the profile
      const there = paste('aws cloudformation describe-stacks --stack-name xacct-pipeline-roles --query Stacks[0].StackStatus --output text', xacct.dir, { ...env(), AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined });
      expect(there.stdout.trim(), there.stderr).toBe('CREATE_COMPLETE');
    } finally {
      xacct.cleanup();
    }
  });
});

describe('operating pipelines: README', () => {
  it('status; start --watch, answered by approve -m; retry of a failed stage; runs --status Failed', { timeout: 900_000 }, async () => {
    await reset();
    const control = async (path: string, body: Record<string, unknown> = {}) => {
      const res = await fetch(`${moto.endpoint}/_pipec/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      expect(res.ok, path).toBe(true);
    };
    await control('reset');
    // the emulator's time runs thirty times faster than the wall clock: an action takes a third of a second
    await control('clock', { mode: 'real', scale: 30 });
    const dir = mkdtempSync(join(tmpdir(), 'pipec-docs-ops-'));
    try {
      cpSync(join(ROOT, 'test', 'ops', 'workspace'), dir, { recursive: true });
      await provisionDependencies(moto.endpoint, dir);
      expect((await runCli(['apply', '--auto-approve'], { cwd: dir, env: moto.env })).code).toBe(0);
      const status = run('README.md: pipec status', dir);
      expect(status.stdout).toMatch(/shop/);
      expect(status.stdout).toMatch(/feed/);

      // start --watch follows until the approval is answered in another terminal, then exits 0
      const { command: startWatch } = shown('README.md: pipec start shop --watch');
      const watching = new Promise<{ code: number; out: string }>((resolve) => {
        const child = spawn('bash', ['-c', startWatch], { cwd: dir, env: { ...env(), PATH: `${pipecOnPath()}:${process.env.PATH}` } });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code: code ?? -1, out }));
      });
      for (let i = 0; ; i++) {
        const s = await runCli(['status', 'shop'], { cwd: dir, env: moto.env });
        if (/pipec approve shop/.test(s.stdout)) break;
        expect(i, s.stdout).toBeLessThan(300);
        await new Promise((r) => setTimeout(r, 500));
      }
      const approved = run('README.md: pipec approve shop -m "Checked staging"', dir);
      expect(approved.stdout + approved.stderr).toMatch(/pprove/);
      const watched = await watching;
      expect(watched.code, watched.out).toBe(0);
      const runs = await runCli(['runs', 'shop', '--format', 'json'], { cwd: dir, env: moto.env });
      const latest = (JSON.parse(runs.stdout) as { executions: Array<{ pipelineExecutionId: string; status: string }> }).executions[0];
      expect(latest?.status).toBe('Succeeded');
      const detail = await runCli(['runs', 'shop', latest?.pipelineExecutionId as string], { cwd: dir, env: moto.env });
      expect(detail.stdout).toContain('Checked staging');

      // a failed build, retried as the README says; runs --status Failed lists it
      await control('inject', { pipeline: 'shop', stage: 'Build', action: 'Lint', errorCode: 'JobFailed', message: 'tests failed' });
      const started = await runCli(['start', 'shop', '--watch'], { cwd: dir, env: moto.env });
      expect(started.code).toBe(1);
      const failedId = /[0-9a-f]{8}-[0-9a-f-]{27}/.exec(started.stdout + started.stderr)?.[0] as string;
      const failed = run('README.md: pipec runs shop --status Failed', dir);
      expect(failed.stdout).toContain(failedId);
      const retried = run('README.md: pipec retry shop Build', dir);
      expect(retried.stdout + retried.stderr).toMatch(/Build/);
      const again = await runCli(['runs', 'shop', failedId, '--format', 'json'], { cwd: dir, env: moto.env });
      expect(again.stdout).toContain('InProgress');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
