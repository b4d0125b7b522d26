import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * Recognition is not tuned to the fixtures: pipelines made from generated `environments:` lists
 * (a seeded generator: 2-6 environments and waves, regions, accounts, approvals, windows, alarms,
 * on-failure, before/after steps, deploys of several kinds, Lambda and CloudFormation blue/green)
 * are compiled, imported from their codepipeline.json and compiled again: the same file byte for
 * byte, written with `environments:` and no explicit stage.
 */

const tmp = mkdtempSync(join(tmpdir(), 'pipec-import-shapes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];

/** One generated pipeline.yml (as an object) whose deploys are of one family, so inheritance applies. */
function generate(seed: number): Record<string, unknown> {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number): boolean => r() < p;
  const name = `app${seed}`;
  const family = pick(['cloudformation', 'ecs', 's3', 'lambda-bg', 'cfn-bg'] as const);
  const crossAccount = family !== 'lambda-bg' && chance(0.4);
  const deployOf = (): Record<string, unknown> => {
    if (family === 'cloudformation')
      return { cloudformation: { stack: `${name}-\${env}`, template: 'stack.yml', 'stack-role': 'arn:aws:iam::${env.account}:role/cfn', parameters: { Env: '${env}', Region: '${env.region}' } } };
    if (family === 'ecs') return { ecs: { service: `${name}`, cluster: '${env}' } };
    if (family === 's3') return { s3: { bucket: `${name}-\${env}-site`, extract: true } };
    if (family === 'lambda-bg')
      return { lambda: { function: `${name}-\${env}`, alias: 'live' }, 'blue-green': { existing: true, application: name, group: `${name}-\${env}`, ...(chance(0.5) ? { hooks: { 'pre-traffic': `${name}-check` } } : {}) } };
    return {
      cloudformation: { stack: `${name}-\${env}`, template: 'stack.yml', 'stack-role': 'arn:aws:iam::${env.account}:role/cfn' },
      'blue-green': { routing: { stack: `${name}-\${env}-routing`, template: 'routing.yml' }, validate: chance(0.5) ? { probe: { lambda: `${name}-probe` } } : {} },
    };
  };
  const steps = (): Record<string, unknown> => (chance(0.5) ? { smoke: { lambda: `${name}-smoke`, params: { env: '${env}' } } } : { check: { codebuild: `${name}-check` } });
  const stageOwn = (prod: boolean): Record<string, unknown> => ({
    ...(chance(0.5) || prod ? { approval: chance(0.5) ? true : { notify: `arn:aws:sns:us-east-1:111111111111:${name}` } } : {}),
    ...(chance(0.3) ? { 'rollback-on-alarm': `${name}-errors` } : {}),
    ...(chance(0.2) ? { 'deployment-window': '0 0 9-17 ? * MON-FRI *' } : {}),
    ...(chance(0.2) ? { 'on-failure': pick(['rollback', 'retry', 'retry-all']) } : {}),
  });
  const place = (): Record<string, unknown> => ({
    ...(chance(0.4) && family !== 'lambda-bg' ? { region: pick(REGIONS) } : {}),
    ...(crossAccount && chance(0.5) ? { account: pick(ACCOUNTS) } : {}),
  });
  const envs: unknown[] = [];
  const count = 2 + Math.floor(r() * 4);
  for (let i = 0; i < count; i++) {
    const env: Record<string, unknown> = { name: `e${i}`, ...place() };
    if (i === 0) {
      env.deploy = deployOf();
      if (chance(0.5)) env.after = steps();
      if (chance(0.3)) env.before = { prepare: { lambda: `${name}-prepare` } };
    }
    if (i > 0 && chance(0.3)) env.after = chance(0.5) ? null : steps();
    if (chance(0.3) && i > 0) {
      const size = 2 + Math.floor(r() * 3);
      const members = Array.from({ length: size }, (_, j) => ({ name: `w${i}m${j}`, ...place() }));
      envs.push({ wave: `w${i}`, ...(chance(0.5) && size > 2 ? { 'at-a-time': 1 + Math.floor(r() * (size - 1)) } : {}), ...stageOwn(false), environments: members });
    } else envs.push({ ...env, ...stageOwn(false) });
  }
  const kms = (region: string): string => `arn:aws:kms:${region}:111111111111:key/00000000-0000-4000-8000-${String(seed).padStart(12, '0')}`;
  return {
    name,
    region: 'us-east-1',
    role: 'arn:aws:iam::111111111111:role/pipeline',
    artifacts: { bucket: `${name}-artifacts`, 'kms-key': kms('us-east-1') },
    promotion: { 'region-store': { bucket: '${bucket}-${region}', 'kms-key': `arn:aws:kms:\${region}:111111111111:key/00000000-0000-4000-8000-${String(seed).padStart(12, '0')}` } },
    source: `codecommit:${name}@main`,
    build: { commands: ['make'], artifacts: ['stack.yml', 'routing.yml', 'imagedefinitions.json', 'function.zip'] },
    environments: envs,
  };
}

describe('pipec import: generated environments lists', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}`, async () => {
      const dir = join(tmp, String(seed));
      const source = join(tmp, `${seed}.yml`);
      writeFileSync(source, stringify(generate(seed)));
      const c = await runCli(['compile', source, '--out', join(dir, 'first')]);
      expect(c.code, c.stderr).toBe(0);
      const [p] = readdirSync(join(dir, 'first'));
      const compiled = join(dir, 'first', p as string, 'codepipeline.json');
      const out = join(dir, 'imported.yml');
      const r = await runCli(['import', compiled, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text, text).toContain('environments:');
      expect(text, text).not.toContain('stages:');
      const again = await runCli(['compile', out, '--out', join(dir, 'second')]);
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(join(dir, 'second', p as string, 'codepipeline.json'), 'utf8')).toBe(readFileSync(compiled, 'utf8'));
    });
  }
});
