import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { CodePipelineClient, GetPipelineCommand, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../../src/live/plan-file.js';
import { BIN, runBin, type RunResult } from '../support/cli.js';
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js';
import { createBuckets, createProjects, createRoles, pipec, provisionDependencies, startProxy, workspace, type ProxyVerdict } from './support.js';

// Issue 9: plan/apply against moto, through a loopback fault-injecting proxy where faults are needed.

const ROLE = 'arn:aws:iam::111111111111:role/pipeline';

/** `count` small pipelines of one project, named `${prefix}-0`, ... on `branch`. */
function config(prefix: string, count: number, opts: { project?: string; branch?: string; from?: number } = {}): string {
  const list = Array.from({ length: count }, (_, k) => k + (opts.from ?? 0))
    .map((i) => `  - name: ${prefix}-${i}\n    source: codecommit:app-${i}@${opts.branch ?? 'main'}\n    build: { codebuild: app-${i} }\n`)
    .join('');
  return `role: ${ROLE}\nartifacts: acme-artifacts\n${opts.project ? `project: ${opts.project}\n` : ''}pipelines:\n${list}`;
}

let moto: Moto;
let sdk: CodePipelineClient;
beforeAll(async () => {
  moto = await startMoto({ accountId: '111111111111' });
  await createRoles(moto.endpoint, [ROLE]);
  await createBuckets(moto.endpoint, ['acme-artifacts']);
  // the CodeBuild projects the configurations below name (plan checks they exist)
  await createProjects(moto.endpoint, Array.from({ length: 60 }, (_, i) => `app-${i}`));
  sdk = new CodePipelineClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}, 180_000); // moto starts slowly while other suites share the 2 cores
afterAll(async () => {
  sdk?.destroy();
  await moto?.stop();
});

/** pipec on moto (or a proxy in front of it); what the pipelines rely on (roles, buckets, projects) is made first, as a real account has it. */
const run = async (args: string[], cwd: string, env?: Record<string, string>, endpoint = moto.endpoint) => {
  await provisionDependencies(moto.endpoint, cwd, env?.AWS_REGION);
  return pipec(args, { cwd, endpoint, ...(env ? { env } : {}) });
};
const names = async () => ((await sdk.send(new ListPipelinesCommand({}))).pipelines ?? []).map((p) => p.name as string).sort();
const branchOf = async (name: string) => JSON.stringify((await sdk.send(new GetPipelineCommand({ name }))).pipeline).match(/"BranchName":"([^"]+)"/)?.[1];

/** Runs the real binary as a separate process, asynchronously (to run two at once, or to interrupt one). */
function spawnPipec(args: string[], cwd: string, endpoint: string): { done: Promise<RunResult>; pid: () => number | undefined; stdout: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, ...awsTestEnv(endpoint) } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr })));
  return { done, pid: () => child.pid, stdout: () => stdout };
}

describe('ownership is scoped by project', () => {
  it("two workspaces sharing one moto: prune in one leaves the other's pipelines; taking one over needs --adopt", { timeout: 180_000 }, async () => {
    const env = { AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-2' };
    // an artifact bucket in this region (plan checks a store's bucket is in its region)
    const inRegion = (prefix: string, count: number, opts: { project?: string }) => config(prefix, count, opts).replace('artifacts: acme-artifacts', 'artifacts: acme-artifacts-eu-west-2');
    await createBuckets(moto.endpoint, ['acme-artifacts-eu-west-2'], 'eu-west-2');
    const alpha = workspace({ 'pipeline.yml': inRegion('alpha', 3, { project: 'alpha' }) });
    const beta = workspace({ 'pipeline.yml': inRegion('beta', 2, { project: 'beta' }) });
    try {
      expect((await run(['apply', '--auto-approve'], alpha.dir, env)).code).toBe(0);
      expect((await run(['apply', '--auto-approve'], beta.dir, env)).code).toBe(0);
      alpha.write({ 'pipeline.yml': inRegion('alpha', 1, { project: 'alpha' }) });
      const plan = await run(['plan', '--prune'], alpha.dir, env);
      expect(plan.stdout.split('\n')[0]).toBe('Project: alpha');
      expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 2 to delete.');
      const pruned = await run(['apply', '--auto-approve', '--prune'], alpha.dir, env);
      expect(pruned.stdout).toContain('Apply complete: 0 created, 0 updated, 2 deleted.');
      const eu = new CodePipelineClient({ endpoint: moto.endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      const left = ((await eu.send(new ListPipelinesCommand({}))).pipelines ?? []).map((p) => p.name).sort();
      expect(left).toEqual(['alpha-0', 'beta-0', 'beta-1']);

      // alpha configures beta's pipeline: left alone, named as beta's, until adopted.
      alpha.write({ 'pipeline.yml': inRegion('alpha', 1, { project: 'alpha' }) + '  - name: beta-0\n    source: codecommit:other@main\n    build: { codebuild: other }\n' });
      const conflict = await run(['plan'], alpha.dir, env);
      expect(conflict.stderr).toContain("pipeline 'beta-0' in eu-west-2 belongs to pipec project 'beta', not 'alpha'; pipec leaves it alone. To let project 'alpha' manage it, plan and apply with --adopt beta-0");
      expect(conflict.code).toBe(1);
      const refused = await run(['apply', '--auto-approve', '--prune'], alpha.dir, env);
      expect(refused.stdout).toContain("\"beta-0\" (eu-west-2): skipped; not this project's");
      expect(refused.code).toBe(1);
      expect(JSON.stringify((await eu.send(new GetPipelineCommand({ name: 'beta-0' }))).pipeline)).toContain('"RepositoryName":"app-0"');
      const adopted = await run(['apply', '--auto-approve', '--adopt', 'beta-0'], alpha.dir, env);
      expect(adopted.stdout).toContain('"beta-0" (eu-west-2): updated');
      // Now alpha's: beta's prune leaves it, beta's plan says it changed hands.
      const betaPlan = await run(['plan', '--prune'], beta.dir, env);
      expect(betaPlan.stderr).toContain("belongs to pipec project 'alpha', not 'beta'");
      eu.destroy();
    } finally {
      alpha.cleanup();
      beta.cleanup();
    }
  });
});

describe('one apply at a time', () => {
  it('concurrent applies of two configurations: never a mixed fleet, the loser names the holder, a rerun converges', { timeout: 120_000 }, async () => {
    // The first apply's pipeline writes are held at the proxy until the second apply has finished,
    // so the first holds the lock for as long as the second runs, however fast or loaded the machine.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let writing!: () => void;
    const firstWrite = new Promise<void>((r) => (writing = r));
    const proxy = await startProxy(moto.port, async (c): Promise<ProxyVerdict> => {
      if (c.operation === 'CreatePipeline' || c.operation === 'UpdatePipeline') {
        writing();
        await gate;
      }
      return undefined;
    });
    const a = workspace({ 'pipeline.yml': config('fleet', 8, { project: 'fleet', branch: 'main' }) });
    const b = workspace({ 'pipeline.yml': config('fleet', 8, { project: 'fleet', branch: 'next' }) });
    try {
      const first = spawnPipec(['apply', '--auto-approve', '-j', '2'], a.dir, proxy.endpoint);
      // The first apply holds the lock once it writes.
      await Promise.race([firstWrite, first.done]);
      const second = spawnPipec(['apply', '--auto-approve', '-j', '2'], b.dir, proxy.endpoint);
      const rb = await second.done;
      release();
      const ra = await first.done;
      const results = [ra, rb];
      expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
      const loser = results.find((r) => r.code === 1) as RunResult;
      expect(loser.stderr, loser.stderr).toMatch(/pipec: project 'fleet' is locked: apply by \S+@\S+ \(pid \d+\) since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, lock id [0-9a-f-]{36} holds s3:\/\/acme-artifacts\/\.pipec\/locks\/fleet\.json\. Nothing was changed\.\n/);
      const branches = new Set(await Promise.all(Array.from({ length: 8 }, (_, i) => branchOf(`fleet-${i}`))));
      expect(branches.size, 'one configuration or the other, never a mix').toBe(1);
      // The loser runs again and converges.
      const loserDir = loser === ra ? a.dir : b.dir;
      const rerun = await run(['apply', '--auto-approve'], loserDir);
      expect(rerun.code).toBe(0);
      expect(new Set(await Promise.all(Array.from({ length: 8 }, (_, i) => branchOf(`fleet-${i}`)))).size).toBe(1);
      expect((await run(['plan', '--detailed-exitcode'], loserDir)).code).toBe(0);
    } finally {
      a.cleanup();
      b.cleanup();
      release();
      await proxy.close();
    }
  });

  it('a lock left behind is named, waited for with --lock-timeout, and removed with unlock after checks', async () => {
    const ws = workspace({ 'pipeline.yml': config('locked', 1, { project: 'locked' }) });
    const stale = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', project: 'locked', operation: 'apply', who: 'ci@runner-7', pid: 4242, since: '2026-12-01T20:00:00Z', pipecVersion: '0.1.0' });
    try {
      const put = await fetch(`${moto.endpoint}/acme-artifacts/.pipec/locks/locked.json`, { method: 'PUT', body: stale, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' } });
      expect(put.ok).toBe(true);
      const refused = await run(['apply', '--auto-approve', '--lock-timeout', '2s'], ws.dir);
      expect(refused.stderr).toContain("pipec: project 'locked' is locked (waited 2 s): apply by ci@runner-7 (pid 4242) since 2026-12-01T20:00:00Z, lock id 00000000-0000-4000-8000-000000000000");
      expect(refused.stderr).toContain("remove its lock with 'pipec unlock'");
      expect(refused.code).toBe(1);
      expect(await names()).not.toContain('locked-0');
      const noTty = await run(['unlock'], ws.dir);
      expect(noTty.code).toBe(2);
      const wrongId = await run(['unlock', '--auto-approve', '--lock-id', 'abc'], ws.dir);
      expect(wrongId.stdout).toContain("Project 'locked' is locked: apply by ci@runner-7 (pid 4242) since 2026-12-01T20:00:00Z");
      expect(wrongId.stderr).toContain("the lock is not 'abc'");
      expect(wrongId.code).toBe(1);
      const removed = await run(['unlock', '--auto-approve', '--lock-id', '00000000-0000-4000-8000-000000000000'], ws.dir);
      expect(removed.stdout).toContain('Removed the lock s3://acme-artifacts/.pipec/locks/locked.json.');
      expect(removed.code).toBe(0);
      expect((await run(['unlock', '--auto-approve'], ws.dir)).stdout).toContain("Project 'locked' is not locked");
      const applied = await run(['apply', '--auto-approve'], ws.dir);
      expect(applied.code).toBe(0);
      // apply released its own lock.
      expect((await run(['unlock', '--auto-approve'], ws.dir)).stdout).toContain('is not locked');
    } finally {
      ws.cleanup();
    }
  });
});

describe('a saved plan is bound and verified', () => {
  it('replayed against another account or region is refused', { timeout: 180_000 }, async () => {
    const other = await startMoto({ accountId: '222222222222' });
    const proxy = await startProxy(moto.port, () => undefined);
    const ws = workspace({ 'pipeline.yml': config('bound', 1, { project: 'bound' }) });
    try {
      await createRoles(other.endpoint, ['arn:aws:iam::222222222222:role/pipeline']);
      await createBuckets(other.endpoint, ['acme-artifacts']);
      const planned = await run(['plan', '--out', 'plan.json'], ws.dir, undefined, proxy.endpoint);
      expect(planned.code).toBe(0);
      expect(JSON.parse(readFileSync(join(ws.dir, 'plan.json'), 'utf8')).target).toEqual({ account: '111111111111', endpoint: proxy.endpoint, defaultRegion: 'us-east-1' });
      // Another endpoint.
      const elsewhere = await run(['apply', 'plan.json'], ws.dir, undefined, other.endpoint);
      expect(elsewhere.stderr).toContain(`refusing to apply plan.json: it was made against ${proxy.endpoint}, and this apply would go to ${other.endpoint} (AWS_ENDPOINT_URL)`);
      expect(elsewhere.code).toBe(1);
      // The same endpoint, now answered by another account.
      proxy.retarget(other.port);
      const otherAccount = await run(['apply', 'plan.json'], ws.dir, undefined, proxy.endpoint);
      expect(otherAccount.stderr).toContain('refusing to apply plan.json: it was made in account 111111111111, and these credentials are account 222222222222. Nothing was changed.');
      expect(otherAccount.code).toBe(1);
      proxy.retarget(moto.port);
      const region = await run(['apply', 'plan.json', '--region', 'eu-west-1'], ws.dir, undefined, proxy.endpoint);
      expect(region.stderr).toContain('it was made for region us-east-1, and this apply is in eu-west-1 (--region)');
      expect(region.code).toBe(1);
      expect(await names()).not.toContain('bound-0');
      const applied = await run(['apply', 'plan.json'], ws.dir, undefined, proxy.endpoint);
      expect(applied.stdout).toContain('Apply complete: 1 created');
      expect(applied.code).toBe(0);
    } finally {
      ws.cleanup();
      await proxy.close();
      await other.stop();
    }
  });

  it('each kind of edit is refused with a reason, also when the digest is recomputed', { timeout: 180_000 }, async () => {
    const ws = workspace({ 'pipeline.yml': config('edited', 2, { project: 'edited' }) });
    try {
      expect((await run(['apply', '--auto-approve'], ws.dir)).code).toBe(0);
      ws.write({ 'pipeline.yml': config('edited', 2, { project: 'edited', branch: 'next' }) });
      expect((await run(['plan', '--out', 'plan.json'], ws.dir)).code).toBe(0);
      const original = JSON.parse(readFileSync(join(ws.dir, 'plan.json'), 'utf8'));
      const arnOf = (n: string) => `arn:aws:codepipeline:us-east-1:111111111111:${n}`;
      const edits: Record<string, (p: any) => void> = {
        'a name swapped': (p) => (p.plan.pipelines[0].name = 'legacy-unmanaged'),
        'an ARN swapped': (p) => (p.plan.pipelines[0].arn = arnOf('legacy-unmanaged')),
        'an adopt injected': (p) => Object.assign(p.plan.pipelines[1], { adopt: true, owner: 'unmanaged' }),
        'a delete injected': (p) => p.plan.pipelines.push({ name: 'legacy-unmanaged', region: 'us-east-1', action: 'delete', liveVersion: 1, arn: arnOf('legacy-unmanaged'), changes: [] }),
        'a region edited': (p) => (p.plan.pipelines[0].region = 'eu-west-1'),
        'a value edited': (p) => (p.plan.pipelines[0].changes[0].new = 'evil'),
        'what is sent edited': (p) => (p.plan.pipelines[0].desiredSha256 = 'f'.repeat(64)),
      };
      for (const [what, edit] of Object.entries(edits)) {
        const copy = JSON.parse(JSON.stringify(original));
        edit(copy);
        writeFileSync(join(ws.dir, 'edited.json'), JSON.stringify(copy, null, 2));
        const r = await run(['apply', 'edited.json'], ws.dir);
        expect(r.stderr, what).toBe('pipec: cannot use edited.json as a plan: it was changed after pipec wrote it (its digest does not match its contents); make the plan again and review it\n');
        expect(r.code, what).toBe(1);
        copy.digest = digestOf(copy);
        writeFileSync(join(ws.dir, 'forged.json'), JSON.stringify(copy, null, 2));
        const forged = await run(['apply', 'forged.json'], ws.dir);
        expect(forged.stderr, what).toMatch(/^pipec: refusing to apply forged\.json: (it is not the plan its inputs give \(was it edited\?\)|the live pipelines are no longer what was planned against):\n {2}- /);
        expect(forged.stderr, what).toContain('Nothing was changed.');
        expect(forged.code, what).toBe(1);
      }
      expect(await Promise.all([branchOf('edited-0'), branchOf('edited-1')])).toEqual(['main', 'main']);
      const applied = await run(['apply', 'plan.json'], ws.dir);
      expect(applied.stdout).toContain('Apply complete: 0 created, 2 updated, 0 deleted.');
    } finally {
      ws.cleanup();
    }
  });
});

describe('bounded waits', () => {
  let hang: Server;
  let endpoint: string;
  beforeAll(async () => {
    hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(hang.address() as { port: number }).port}`;
  });
  afterAll(() => {
    hang.closeAllConnections();
    hang.close();
  });

  it('an endpoint that accepts and never answers fails within the timeout, naming the operation and endpoint', () => {
    const ws = workspace({ 'pipeline.yml': config('hang', 1) });
    try {
      const plan = runBin(['plan', '--request-timeout', '1'], { cwd: ws.dir, env: awsTestEnv(endpoint), timeoutMs: 20_000 });
      expect(plan.stderr).toBe(`pipec: GetPipeline ('hang-0'): CodePipeline at ${endpoint} did not answer within 1 s (raise it with --request-timeout or PIPEC_REQUEST_TIMEOUT)\n`);
      expect(plan.code).toBe(1);
      const apply = runBin(['apply', '--auto-approve'], { cwd: ws.dir, env: { ...awsTestEnv(endpoint), PIPEC_REQUEST_TIMEOUT: '1' }, timeoutMs: 20_000 });
      expect(apply.stderr).toBe(`pipec: PutObject of the lock s3://acme-artifacts/.pipec/locks/${ws.dir.split('/').pop()}.json: S3 at ${endpoint} did not answer within 1 s (raise it with --request-timeout or PIPEC_REQUEST_TIMEOUT)\n`);
      expect(apply.code).toBe(1);
    } finally {
      ws.cleanup();
    }
  });
});

describe('honest outcomes', () => {
  it('a 500 after a write that took effect is reported as what happened, and the write is not repeated', async () => {
    const boom = { status: 500, error: 'InternalFailure', message: 'We encountered an internal error' };
    const proxy = await startProxy(moto.port, (c): ProxyVerdict => (c.operation === 'CreatePipeline' || c.operation === 'UpdatePipeline' ? { after: boom } : undefined));
    const ws = workspace({ 'pipeline.yml': config('boom', 2, { project: 'boom' }) });
    try {
      const created = await run(['apply', '--auto-approve'], ws.dir, undefined, proxy.endpoint);
      expect(created.stdout).toContain('✓ "boom-0" (us-east-1): created, now version 1 (created (confirmed by reading it back after: CodePipeline failed on CreatePipeline (\'boom-0\'): InternalFailure: We encountered an internal error (HTTP 500)))');
      expect(created.stdout).toContain('Apply complete: 2 created, 0 updated, 0 deleted.');
      expect(created.code).toBe(0);
      ws.write({ 'pipeline.yml': config('boom', 2, { project: 'boom', branch: 'next' }) });
      const updated = await run(['apply', '--auto-approve'], ws.dir, undefined, proxy.endpoint);
      expect(updated.stdout).toContain('✓ "boom-1" (us-east-1): updated, now version 2 (updated (confirmed by reading it back');
      expect(updated.code).toBe(0);
      const writes = proxy.forwarded.filter((c) => c.operation === 'CreatePipeline' || c.operation === 'UpdatePipeline').map((c) => `${c.operation} ${(c.body.pipeline as { name: string }).name}`);
      expect(writes.sort()).toEqual(['CreatePipeline boom-0', 'CreatePipeline boom-1', 'UpdatePipeline boom-0', 'UpdatePipeline boom-1']);
      expect((await sdk.send(new GetPipelineCommand({ name: 'boom-0' }))).pipeline?.version).toBe(2);
    } finally {
      ws.cleanup();
      await proxy.close();
    }
  });

  it('a 500 that changed nothing is a failure that says so', async () => {
    const proxy = await startProxy(moto.port, (c): ProxyVerdict => (c.operation === 'CreatePipeline' ? { status: 500, error: 'InternalFailure', message: 'try later' } : undefined));
    const ws = workspace({ 'pipeline.yml': config('nothing', 1, { project: 'nothing' }) });
    try {
      const r = await run(['apply', '--auto-approve'], ws.dir, undefined, proxy.endpoint);
      expect(r.stdout).toContain('✗ "nothing-0" (us-east-1): create failed: not created (reading it back finds no pipeline): CodePipeline failed on CreatePipeline (\'nothing-0\'): InternalFailure: try later (HTTP 500)');
      expect(r.code).toBe(1);
    } finally {
      ws.cleanup();
      await proxy.close();
    }
  });

  it('SIGINT in the middle of 50 writes: no new writes, those in flight finish, the report, exit 130', { timeout: 120_000 }, async () => {
    let creates = 0;
    const proxy = await startProxy(moto.port, (c): ProxyVerdict => (c.operation === 'CreatePipeline' ? (creates++, { delayMs: 150 }) : undefined));
    const ws = workspace({ 'pipeline.yml': config('many', 50, { project: 'many' }) });
    try {
      const child = spawnPipec(['apply', '--auto-approve', '-j', '4'], ws.dir, proxy.endpoint);
      while (creates < 10) await new Promise((r) => setTimeout(r, 20));
      process.kill(child.pid() as number, 'SIGINT');
      const r = await child.done;
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('pipec: interrupted: starting no more writes, waiting for those in flight (Ctrl-C again abandons them)');
      const lines = r.stdout.split('\n');
      const made = lines.filter((l) => /: created, now version 1$/.test(l)).map((l) => /"([^"]+)"/.exec(l)?.[1]);
      const notStarted = lines.filter((l) => l.endsWith(': create not applied; not started: interrupted'));
      expect(made.length).toBeGreaterThanOrEqual(10);
      expect(made.length + notStarted.length).toBe(50);
      expect(r.stdout).toMatch(new RegExp(`Apply incomplete: ${made.length} created, 0 updated, 0 deleted; ${50 - made.length} not started\\.`));
      const live = (await names()).filter((n) => n.startsWith('many-'));
      expect(live.sort()).toEqual([...made].sort());
      // The lock was released: a rerun converges.
      const rerun = await run(['apply', '--auto-approve'], ws.dir);
      expect(rerun.stdout).toContain(`Apply complete: ${50 - made.length} created`);
    } finally {
      ws.cleanup();
      await proxy.close();
    }
  });
});

describe('secrets', () => {
  it('appear in no plan output and no saved plan', async () => {
    const secrets = ['s3cr3t-token-value', 'n3w-token-value', 'hunter2-secret', 'hunter3-secret'];
    const yml = (token: string, password: string) => `role: ${ROLE}
artifacts: acme-artifacts
project: secrets
name: vault
stages:
  - name: Source
    actions:
      - name: Src
        action: { category: Source, owner: ThirdParty, provider: GitHub, version: "1", configuration: { Owner: acme, Repo: web, Branch: main, OAuthToken: ${token}, PollForSourceChanges: "false" } }
        outputs: [Code]
  - name: Build
    actions:
      - name: Build
        build: { codebuild: web, env: { DB_PASSWORD: ${password}, MODE: prod } }
        inputs: [Code]
`;
    const ws = workspace({ 'pipeline.yml': yml('s3cr3t-token-value', 'hunter2-secret') });
    try {
      const outputs: string[] = [];
      for (const f of ['text', 'json', 'markdown']) outputs.push(JSON.stringify(await run(['plan', '--format', f], ws.dir)));
      const applied = await run(['apply', '--auto-approve'], ws.dir);
      expect(applied.code).toBe(0);
      outputs.push(JSON.stringify(applied));
      ws.write({ 'pipeline.yml': yml('n3w-token-value', 'hunter3-secret') });
      for (const f of ['text', 'json', 'markdown']) outputs.push(JSON.stringify(await run(['plan', '--format', f, '--out', `plan-${f}.json`], ws.dir)));
      for (const f of ['text', 'json', 'markdown']) outputs.push(readFileSync(join(ws.dir, `plan-${f}.json`), 'utf8'));
      const text = await run(['plan'], ws.dir);
      expect(text.stdout).toContain('~ configuration.OAuthToken: (sensitive) changed');
      expect(text.stdout).toContain('~ configuration.EnvironmentVariables: (sensitive) changed');
      outputs.push(JSON.stringify(await run(['apply', 'plan-text.json'], ws.dir)));
      for (const o of outputs) for (const s of secrets) expect(o).not.toContain(s);
    } finally {
      ws.cleanup();
    }
  });
});

describe('clear one-line errors', () => {
  it('an unknown region, a missing profile, an endpoint that is not AWS; --profile honours endpoint_url', { timeout: 180_000 }, async () => {
    const html = createServer((_q, s) => {
      s.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      s.end('<html><body>captive portal</body></html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    const htmlEndpoint = `http://127.0.0.1:${(html.address() as { port: number }).port}`;
    const ws = workspace({
      'pipeline.yml': config('errs', 1, { project: 'errs' }),
      'aws/config': `[profile local]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n\n[profile svc]\nregion = us-east-1\nservices = local-svc\n\n[services local-svc]\ncodepipeline =\n  endpoint_url = ${moto.endpoint}\nsts =\n  endpoint_url = ${moto.endpoint}\n`,
      'aws/credentials': '[local]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n[svc]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
    });
    try {
      const region = await run(['plan', '--region', 'mars-north-9'], ws.dir);
      expect(region.stderr).toMatch(/^pipec: unknown AWS region 'mars-north-9' \(from --region\)[^\n]*\nRun 'pipec plan --help' for usage\.\n$/);
      const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, ...rest } = awsTestEnv(moto.endpoint);
      const files = { AWS_CONFIG_FILE: join(ws.dir, 'aws/config'), AWS_SHARED_CREDENTIALS_FILE: join(ws.dir, 'aws/credentials') };
      const missing = runBin(['plan', '--profile', 'nosuch'], { cwd: ws.dir, env: { ...rest, ...files } });
      expect(missing.stderr).toBe(`pipec: AWS profile 'nosuch' (from --profile) is not in ${files.AWS_CONFIG_FILE} or ${files.AWS_SHARED_CREDENTIALS_FILE}\nRun 'pipec plan --help' for usage.\n`);
      expect(missing.code).toBe(2);
      for (const profile of ['local', 'svc']) {
        const viaProfile = runBin(['plan', '--profile', profile, '--out', 'p.json'], { cwd: ws.dir, env: { ...rest, ...files } });
        expect(viaProfile.stderr, profile).toContain('Saved the plan to p.json (account 111111111111, us-east-1)');
        expect(viaProfile.stdout, profile).toContain('Plan: 1 to create');
        expect(viaProfile.code, profile).toBe(0);
      }
      // Spawned asynchronously: the HTML server runs in this process and must be free to answer.
      const notAws = await spawnPipec(['plan'], ws.dir, htmlEndpoint).done;
      expect(notAws.stderr).toBe(`pipec: ${htmlEndpoint} did not answer GetPipeline ('errs-0') as the CodePipeline API would (HTTP 200, text/html, not an AWS response); is the endpoint right?\n`);
      expect(notAws.code).toBe(1);
    } finally {
      ws.cleanup();
      html.close();
    }
  });
});
