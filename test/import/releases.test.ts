import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

/**
 * `pipec import` recognises the release macros in pipelines they made: hand-written pipeline.yml
 * files (test/fixtures/import/releases) in shapes the examples do not have - waves of accounts
 * and of regions in uneven groups, several waves, blue/green Lambda and CloudFormation deploys in
 * environments, waves and the pipeline's own deploy, deploys of different kinds, steps added and
 * removed, approvals, windows, retries - are compiled, their codepipeline.json imported, and the
 * import compiled again: the same files byte for byte, from a text no longer than the source,
 * written with environments (or the blue/green deploy), not as explicit stages.
 */

const tmp = mkdtempSync(join(tmpdir(), 'pipec-import-releases-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RELEASES = join(ROOT, 'test', 'fixtures', 'import', 'releases');

/** What each fixture's import must say (besides having no explicit stages). */
const EXPECT: Record<string, RegExp[]> = {
  'wave-accounts': [/- wave: prod\n  at-a-time: 1\n/, /role: "arn:aws:iam::\$\{env\.account\}:role\/ledger-deployer"/, /- \{ name: prod-amer, account: "333333333333" \}/],
  'waves-regions': [/- wave: europe\n/, /- wave: americas\n  at-a-time: 2\n/, /cloudformation: "cdn-\$\{env\.region\}"/, /on-failure: retry/, /- \{ name: am-4, region: us-east-2 \}/],
  'lambda-blue-green-environments': [/blue-green:\n      existing: true\n/, /group: "payments-\$\{env\}"/, /deploy: \{ blue-green: \{ hooks: \{ post-traffic: null \} \} \}/, /after: null/],
  'cloudformation-blue-green': [/color-parameter: Slot/, /rollback: false/, /namespace: green/, /url: "\$\{deploy\.Url\}"/],
  'cloudformation-blue-green-wave': [/- wave: prod\n/, /routing: \{ stack: "search-\$\{env\}-routing"/, /- \{ name: prod-euw1, region: eu-west-1 \}/],
  'codedeploy-blue-green-environments': [/ecs-blue-green: catalog-svc-staging\n/, /image1-container: web/, /deploy: \{ ecs-blue-green: catalog-prod, group: catalog-prod-web \}/, /deploy: \{ codedeploy: catalog-vm, group: catalog-vm-web \}/],
  'cross-account-convention': [/promotion: \{ cross-account-role: "arn:aws:iam::\$\{env\.account\}:role\/billing-release" \}/, /- \{ name: shared, account: "888888888888" \}/, /- name: home\n  account: "111111111111"\n/],
  'mixed-providers': [/deploy: \{ codedeploy: shop, group: "shop-\$\{env\}" \}/, /before: null/, /approval: false/, /region: ap-southeast-1/],
};

describe('pipec import: environments, waves and blue/green deploys the macros made', () => {
  const files = readdirSync(RELEASES).filter((f) => f.endsWith('.yml')).sort();
  it('has a fixture for each shape', () => expect(files.map((f) => f.replace(/\.yml$/, '')).sort()).toEqual(Object.keys(EXPECT).sort()));
  for (const f of files) {
    const name = f.replace(/\.yml$/, '');
    it(name, async () => {
      const source = join(RELEASES, f);
      const first = join(tmp, name, 'first');
      const c = await runCli(['compile', source, '--out', first]);
      expect(c.code, c.stderr).toBe(0);
      const pipelines = readdirSync(first).sort();
      const out = join(tmp, name, 'imported.yml');
      const r = await runCli(['import', ...pipelines.map((p) => join(first, p, 'codepipeline.json')), '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      // deterministic, byte for byte
      expect((await runCli(['import', ...pipelines.map((p) => join(first, p, 'codepipeline.json'))])).stdout).toBe(text);
      expect(text).not.toContain('stages:');
      expect(text).toMatch(/^(environments|deploy):/m);
      for (const re of EXPECT[name] ?? []) expect(text).toMatch(re);
      expect(text.length, `${name}: the import is longer than its source`).toBeLessThanOrEqual(readFileSync(source, 'utf8').length);
      const second = join(tmp, name, 'second');
      const again = await runCli(['compile', out, '--out', second]);
      expect(again.code, again.stderr).toBe(0);
      for (const p of pipelines) expect(readFileSync(join(second, p, 'codepipeline.json'), 'utf8'), p).toBe(readFileSync(join(first, p, 'codepipeline.json'), 'utf8'));
    });
  }

  it('a pipeline made in the console with one stage per environment imports as environments', async () => {
    const r = await runCli(['import', join(ROOT, 'test', 'fixtures', 'import', 'corpus', 'console-environments.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('stages:');
    expect(r.stdout).toContain('- { name: Dev, deploy: { ecs: inventory-api, cluster: dev, file: images.json } }');
    expect(r.stdout).toMatch(/- name: Prod\n  account: "666666666666"\n  region: eu-west-1\n  role: arn:aws:iam::666666666666:role\/inventory-deployer\n  deploy: \{ ecs: \{ cluster: prod \} \}\n  approval:\n/);
  });

  it('an environment stage that differs from what the macro writes stays explicit, exactly', async () => {
    const decl = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'import', 'corpus', 'console-environments.json'), 'utf8'));
    // the QA tests run before the deploy and in parallel with nothing: no environment shape has that
    decl.pipeline.stages[3].actions[1].runOrder = 1;
    decl.pipeline.stages[3].actions[1].name = 'Deploy.Check';
    const { writeFileSync } = await import('node:fs');
    const file = join(tmp, 'odd.json');
    writeFileSync(file, JSON.stringify(decl));
    const r = await runCli(['import', file]);
    expect(r.code, r.stderr).toBe(0);
    // exit 0: the command's own round trip found the explicit stages exact
    expect(r.stdout).toContain('stages:\n');
    expect(r.stdout).toContain('- name: QA\n  actions:\n');
    expect(r.stdout).toContain('- name: Deploy.Check');
    expect(r.stdout).not.toContain('environments:');
  });
});
