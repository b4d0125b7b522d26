import { describe, expect, it } from 'vitest';
import { compareInputs, fingerprintInputs, parsePlan, savePlanContents, serializePlan, type SavedPlan } from '../../src/live/plan-file.js';
import { runCli } from '../support/cli.js';
import { awsTestEnv } from '../support/moto.js';
import { workspace } from './support.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('the saved plan file', () => {
  const plan = { project: 'web', projectFrom: 'configuration' as const, prune: false, defaultRegion: 'us-east-1', pipelines: [{ name: 'web', region: 'us-east-1', action: 'create' as const, liveVersion: null, changes: [], desired: { pipeline: { name: 'web', token: 'OAuth' }, tags: [{ key: 'managed-by', value: 'pipec' }] } }] };
  const target = { account: '111111111111', endpoint: null, defaultRegion: 'us-east-1' };
  const saved: SavedPlan = savePlanContents(plan, target, fingerprintInputs([{ path: 'pipeline.yml', bytes: bytes('name: web\n') }], true), { adopt: [] }, '0.1.0');

  it('round-trips, with a format version, a digest, and what would be sent only as its hash', () => {
    const text = serializePlan(saved);
    expect(parsePlan(text)).toEqual({ ok: true, saved });
    expect(saved).toMatchObject({ format: 'pipec-plan', formatVersion: 2, target, options: { prune: false, adopt: [], pipelines: [] }, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(saved.plan.pipelines[0]).not.toHaveProperty('desired');
    expect(saved.plan.pipelines[0]?.desiredSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(saved.plan.pipelines[0]?.creates).toEqual({ pipeline: { name: 'web', token: '(sensitive)' }, tags: [{ key: 'managed-by', value: 'pipec' }] });
    expect(text).not.toContain('OAuth');
  });

  it('says what is wrong with a file that is not a usable plan', () => {
    expect(parsePlan('{')).toMatchObject({ ok: false, problem: expect.stringMatching(/^it is not JSON/) });
    expect(parsePlan('{"pipelines": []}')).toEqual({ ok: false, problem: 'it is not a pipec plan (no "format": "pipec-plan")' });
    expect(parsePlan(JSON.stringify({ ...saved, formatVersion: 9 }))).toEqual({ ok: false, problem: 'it has plan format version 9; this pipec reads version 2: make the plan again' });
    const damaged = JSON.parse(serializePlan(saved));
    damaged.plan.pipelines[0].action = 'explode';
    expect(parsePlan(JSON.stringify(damaged))).toMatchObject({ ok: false, problem: expect.stringMatching(/^it is damaged: plan\.pipelines\.0\.action: /) });
  });

  it('refuses any edit of its contents by the digest: a value, a region, an injected entry or key', () => {
    const edits: Array<(p: Record<string, any>) => void> = [
      (p) => (p.plan.pipelines[0].name = 'other'),
      (p) => (p.plan.pipelines[0].region = 'eu-west-1'),
      (p) => (p.target.account = '222222222222'),
      (p) => (p.target.defaultRegion = 'eu-west-1'),
      (p) => (p.options.adopt = ['web']),
      (p) => p.plan.pipelines.push({ name: 'x', region: 'us-east-1', action: 'delete', liveVersion: 1, changes: [] }),
      (p) => (p.inputs.sha256 = 'f'.repeat(64)),
    ];
    for (const edit of edits) {
      const copy = JSON.parse(serializePlan(saved));
      edit(copy);
      expect(parsePlan(JSON.stringify(copy))).toEqual({ ok: false, problem: 'it was changed after pipec wrote it (its digest does not match its contents); make the plan again and review it' });
    }
    const injected = JSON.parse(serializePlan(saved));
    injected.plan.pipelines[0].desired = { pipeline: {}, tags: [] };
    expect(parsePlan(JSON.stringify(injected))).toMatchObject({ ok: false, problem: expect.stringMatching(/^it is damaged: plan\.pipelines\.0: Unrecognized key/) });
  });

  it('names the input files that changed, appeared or went away', () => {
    const a = fingerprintInputs([{ path: 'a.yml', bytes: bytes('1') }, { path: 'b.yml', bytes: bytes('2') }], true);
    expect(compareInputs(a, fingerprintInputs([{ path: 'b.yml', bytes: bytes('2') }, { path: 'a.yml', bytes: bytes('1') }], true))).toEqual([]);
    expect(compareInputs(a, fingerprintInputs([{ path: 'a.yml', bytes: bytes('1!') }, { path: 'c.yml', bytes: bytes('3') }], true))).toEqual(["'a.yml' changed", "'b.yml' is gone", "'c.yml' is new"]);
  });
});

describe('plan and apply usage', () => {
  const env = awsTestEnv('http://127.0.0.1:9');

  it('are listed in the help', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toMatch(/\n {2}plan {7}show what apply would change/);
    expect(r.stdout).toMatch(/\n {2}apply {6}create, update/);
  });

  it('reject a bad --concurrency, --endpoint-url or --format before any AWS call', async () => {
    const ws = workspace({ 'pipeline.yml': 'name: x\n' });
    try {
      for (const [args, message] of [
        [['plan', '--concurrency', '0'], "option '--concurrency' takes a whole number from 1 to 256, not '0'"],
        [['apply', '-j', 'many', '--auto-approve'], "option '--concurrency' takes a whole number from 1 to 256, not 'many'"],
        [['plan', '--endpoint-url', 'localhost:4566'], "--endpoint-url 'localhost:4566' is not an http:// or https:// URL"],
        [['plan', '--format', 'yaml'], "option '--format' takes 'text', 'json', 'markdown', not 'yaml'"],
        [['apply', '--format', 'markdown', '--auto-approve'], "option '--format' takes 'text', 'json', not 'markdown'"],
        [['apply', '--format', 'json'], 'apply asks for confirmation, but there is no terminal to ask on'],
      ] as const) {
        const r = await runCli([...args], { cwd: ws.dir, env });
        expect(r.stderr).toContain(`pipec: ${message}`);
        expect(r.code).toBe(2);
      }
      const json = await runCli(['apply', '--format', 'json'], { cwd: ws.dir, env, tty: true });
      expect(json.stderr).toContain('pipec: --format json shows no plan to confirm: pass --auto-approve, or apply a saved plan');
      expect(json.code).toBe(2);
    } finally {
      ws.cleanup();
    }
  });

  it('refuse a file that is not a plan, and a saved plan with --adopt or a --prune it was not made with', async () => {
    const ws = workspace({ 'plan.json': '{"hello": 1}', 'pipeline.yml': 'name: x\n' });
    try {
      const saved: SavedPlan = savePlanContents({ project: 'x', projectFrom: 'configuration', prune: false, pipelines: [] }, { account: '111111111111', endpoint: null, defaultRegion: null }, fingerprintInputs([], true), { adopt: [] }, '0.1.0');
      ws.write({ 'saved.json': serializePlan(saved) });
      const adopt = await runCli(['apply', 'saved.json', '--adopt', 'x'], { cwd: ws.dir, env });
      expect(adopt.stderr).toContain("pipec: --adopt is decided when planning; make the plan again with 'pipec plan --adopt x --out saved.json'");
      expect(adopt.code).toBe(2);
      const prune = await runCli(['apply', 'saved.json', '--prune'], { cwd: ws.dir, env });
      expect(prune.stderr).toContain("pipec: saved.json was planned without --prune; make the plan again with 'pipec plan --prune --out saved.json'");
      expect(prune.code).toBe(2);
      const notPlan = await runCli(['apply', 'plan.json'], { cwd: ws.dir, env });
      expect(notPlan.stderr).toBe('pipec: cannot use plan.json as a plan: it is not a pipec plan (no "format": "pipec-plan")\n');
      expect(notPlan.code).toBe(1);
      const missing = await runCli(['apply', 'nope.json'], { cwd: ws.dir, env });
      expect(missing.stderr).toBe('pipec: cannot read the plan nope.json: no such file\n');
      expect(missing.code).toBe(1);
    } finally {
      ws.cleanup();
    }
  });

  it('print compile errors and make no AWS call when the configuration has errors', async () => {
    const ws = workspace({ 'pipeline.yml': 'name: x\nsorce: codecommit:a@main\n' });
    try {
      const r = await runCli(['plan'], { cwd: ws.dir, env });
      expect(r.stderr).toContain('error[');
      expect(r.stderr).not.toContain('cannot reach');
      expect(r.code).toBe(1);
    } finally {
      ws.cleanup();
    }
  });
});
