import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runBin } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createRoles, workspace } from './support.js';

/**
 * With `--cfn-format json` the templates cannot hold comments, so what the YAML header says (each
 * stack's `aws cloudformation deploy` command and the deploy order) is the template's
 * `Metadata.pipec`. Those commands run verbatim too: the promotion example (an account stack in
 * 222222222222, a region stack in eu-west-1, the pipeline's stack) compiled to JSON, each
 * command pasted into bash in the printed order against moto, the other account's with a
 * profile that assumes a role there. test/live/printed-commands.test.ts does the same for YAML.
 */
let moto: Moto;
let ws: ReturnType<typeof workspace>;

beforeAll(async () => {
  moto = await startMoto({ multiAccount: true });
  ws = workspace({
    'pipeline.yml': readFileSync(join(ROOT, 'examples', 'promotion', 'pipeline.yml'), 'utf8'),
    config: ['[profile prod]', 'role_arn = arn:aws:iam::222222222222:role/pipec-deployer', 'source_profile = base', '[profile base]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
  });
}, 180_000);
afterAll(async () => {
  ws?.cleanup();
  await moto?.stop();
});

/** A command line as a user with credentials of `account` pastes it (a profile for another account than the pipeline's). */
function sh(command: string, cwd: string, account?: string) {
  const env: Record<string, string | undefined> = { ...moto.env, AWS_CONFIG_FILE: join(ws.dir, 'config'), HOME: ws.dir, PATH: process.env.PATH };
  if (account && account !== '111111111111') Object.assign(env, { AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined });
  const r = spawnSync('bash', ['-c', command], { cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe('--cfn-format json: the deploy commands in each template’s Metadata.pipec', () => {
  it('run verbatim in the printed order, and every stack is created where it belongs', { timeout: 900_000 }, async () => {
    // The stack attaches its grants to role:, the role the pipeline runs as, so that role exists first.
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/promotion-pipeline']);
    rmSync(join(ws.dir, '.aws'), { recursive: true, force: true });
    const compiled = runBin(['compile', '-t', 'cloudformation', '--cfn-format', 'json', '-o', 'out'], { cwd: ws.dir });
    expect(compiled.code, compiled.stderr).toBe(0);
    const dir = join(ws.dir, 'out', 'api');
    const notes = (file: string) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { Metadata: { pipec: string[] } }).Metadata.pipec;
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f.startsWith('cloudformation'));
    expect(files.sort()).toEqual(['cloudformation.account-222222222222.json', 'cloudformation.eu-west-1.json', 'cloudformation.json']);
    const orderLine = notes('cloudformation.json').find((l) => l.startsWith('Deploy order: ')) as string;
    const order = [...orderLine.matchAll(/\d+\. (\S+?\.json)/g)].map((m) => m[1] as string);
    expect(order).toEqual(['cloudformation.eu-west-1.json', 'cloudformation.account-222222222222.json', 'cloudformation.json']);
    for (const file of order) {
      const line = notes(file).find((l) => l.includes('aws cloudformation deploy')) as string;
      const account = /with credentials of account (\d{12})/.exec(line)?.[1];
      const command = line.slice(line.indexOf('aws cloudformation deploy'));
      expect(command).toContain(`--template-file ${file}`);
      const r = sh(command, dir, account);
      expect(r.code, `${file}: ${command}\n${r.out}`).toBe(0);
      expect(r.out).toMatch(/Successfully created\/updated stack/);
    }
    // the pipeline exists, and the account stack is in account 222222222222, not in the pipeline's
    expect(sh('aws codepipeline get-pipeline --name api --query pipeline.name --output text', dir).out.trim()).toBe('api');
    expect(sh('aws cloudformation describe-stacks --stack-name api-pipeline-roles --query Stacks[0].StackStatus --output text', dir, '222222222222').out.trim()).toBe('CREATE_COMPLETE');
    expect(sh('aws cloudformation describe-stacks --stack-name api-pipeline-roles', dir).code).not.toBe(0);
  });
});
