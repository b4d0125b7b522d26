import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runBin, runCli } from '../support/cli.js';
import { runAwsCli } from '../support/aws-cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createRoles, pipec, provisionDependencies } from '../live/support.js';
import { awsTestEnv } from '../support/moto.js';

/**
 * `pipec import --live` against moto: the corpus pipelines, and the pipelines the release fixtures
 * (environments, waves, blue/green) compile to, are created with the AWS CLI, imported with
 * `--live --all`, and `pipec plan --adopt` on the imported files then shows nothing but the tags
 * pipec adds to the pipelines it manages.
 */

const CORPUS = join(ROOT, 'test', 'fixtures', 'import', 'corpus');
const RELEASES = join(ROOT, 'test', 'fixtures', 'import', 'releases');
let moto: Moto;
const dir = mkdtempSync(join(tmpdir(), 'pipec-import-live-'));
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => join(CORPUS, f));
const sources = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { pipeline: { name: string; roleArn: string; artifactStores?: Record<string, unknown> } });

beforeAll(async () => {
  // the release fixtures' pipelines of this region (moto's us-east-1), as the compiler writes them
  for (const f of readdirSync(RELEASES).filter((x) => x.endsWith('.yml'))) {
    const out = join(dir, 'compiled', f);
    const c = await runCli(['compile', join(RELEASES, f), '--out', out]);
    expect(c.code, c.stderr).toBe(0);
    for (const p of readdirSync(out)) {
      const file = join(out, p, 'codepipeline.json');
      const src = JSON.parse(readFileSync(file, 'utf8')) as (typeof sources)[number];
      if (src.pipeline.artifactStores && !('us-east-1' in src.pipeline.artifactStores)) continue;
      files.push(file);
      sources.push(src);
    }
  }
  moto = await startMoto({ accountId: '111111111111' });
  await createRoles(moto.endpoint, sources.map((s) => s.pipeline.roleArn));
  const results = await runAwsCli(
    files.map((f) => ['codepipeline', 'create-pipeline', '--cli-input-json', `file://${f}`, '--endpoint-url', moto.endpoint]),
    moto.env,
  );
  results.forEach((r, i) => expect(r.code, `${files[i]}: ${r.stderr}`).toBe(0));
}, 120_000);
afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('pipec import --live', () => {
  it('imports every pipeline of the region, and adopting them plans only pipec’s own tags', async () => {
    expect(files.length).toBeGreaterThan(15);
    const r = await pipec(['import', '--live', '--all', '--out', 'pipelines'], { cwd: dir, endpoint: moto.endpoint });
    // besides the summary, only the masked secrets are reported (PC7009: legacy-portal's tokens)
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => !/warning\[PC7009\]|^  help: |^0 errors, \d+ warnings$/.test(l))).toEqual([`Imported ${files.length} pipelines into ${sources.map((s) => s.pipeline.name).sort().map((n) => `pipelines/${n}.yml`).join(', ')}`]);
    expect(r.stderr).toContain("warning[PC7009]: pipeline 'legacy-portal', action 'Source/Source': 'OAuthToken' came back masked (****)");
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'pipelines')).sort()).toEqual(sources.map((s) => `${s.pipeline.name}.yml`).sort());
    // A GitHub v1 source's OAuth token can only be planned through the cloudformation target
    // (PC4003: codepipeline.json would hold it in plain text), so that pipeline is planned apart.
    mkdirSync(join(dir, 'apart'));
    renameSync(join(dir, 'pipelines', 'legacy-portal.yml'), join(dir, 'apart', 'legacy-portal.yml'));
    const apart = await pipec(['plan', 'apart/legacy-portal.yml', '--adopt', 'legacy-portal'], { cwd: dir, endpoint: moto.endpoint });
    expect(apart.stderr).toContain('error[PC4003]');
    // what the pipelines rely on exists in the account they were imported from (plan checks it)
    await provisionDependencies(moto.endpoint, dir);
    const planned = sources.filter((s) => s.pipeline.name !== 'legacy-portal');
    const adopt = planned.flatMap((s) => ['--adopt', s.pipeline.name]);
    const plan = await pipec(['plan', '--format', 'json', ...adopt], { cwd: dir, endpoint: moto.endpoint });
    expect(plan.stderr).not.toMatch(/error\[|pipec:/);
    expect(plan.code).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { pipelines: Array<{ name: string; action: string; changes: Array<{ op: string; field?: string; stage?: string }> }> };
    expect(parsed.pipelines).toHaveLength(planned.length);
    for (const p of parsed.pipelines) {
      const other = p.changes.filter((c) => !(c.op === 'add' && c.stage === undefined && c.field?.startsWith('tags.')));
      expect(other, `${p.name}: changes besides pipec's own tags`).toEqual([]);
      expect(p.changes.map((c) => c.field)).toContain('tags.managed-by');
    }
  }, 120_000);

  it('reads many pipelines at once with nothing on stderr but the findings (no Node warning about the shared abort signal)', () => {
    const r = runBin(['import', '--live', '--all', '--concurrency', '32', '--out', join(dir, 'at-once')], { cwd: dir, env: awsTestEnv(moto.endpoint), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Warning|MaxListeners|\(node:/);
    expect(readdirSync(join(dir, 'at-once'))).toHaveLength(files.length);
  }, 60_000);

  it('imports named pipelines, and reports one that does not exist', async () => {
    const r = await pipec(['import', '--live', 'erp-nightly', 'billing-api'], { cwd: dir, endpoint: moto.endpoint });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^role: /);
    expect(r.stdout).toContain('- name: erp-nightly');
    const missing = await pipec(['import', '--live', 'no-such-pipeline'], { cwd: dir, endpoint: moto.endpoint });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no-such-pipeline');
    expect(missing.stderr).not.toContain('    at ');
  }, 60_000);
});
