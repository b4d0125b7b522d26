// Pipeline mode's check of what a pipeline relies on (role, artifact buckets, CodeBuild projects)
// before it creates or updates one: the pure parts with a fake client, then plan and apply as
// processes on moto (missing, provisioned, another account's role, a bucket in another region,
// and look-ups these credentials may not make).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/live/plan.js';
import { dependenciesOf, describeFindings, preflight, type PreflightClient } from '../../src/live/preflight.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runBin } from '../support/cli.js';
import { expectGolden } from '../support/golden.js';
import { startMoto, type Moto } from '../support/moto.js';
import { createBuckets, createProjects, createRoles, pipec, provisionDependencies, workspace } from './support.js';

const DECLARATION = {
  name: 'web',
  roleArn: 'arn:aws:iam::111111111111:role/pipeline',
  artifactStores: {
    'us-east-1': { type: 'S3', location: 'acme-artifacts', encryptionKey: { id: 'arn:aws:kms:us-east-1:111111111111:key/1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b', type: 'KMS' } },
    'eu-west-1': { type: 'S3', location: 'acme-artifacts-eu', encryptionKey: { id: 'arn:aws:kms:eu-west-1:111111111111:key/2f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b', type: 'KMS' } },
  },
  stages: [
    { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'web' } }] },
    {
      name: 'Build',
      actions: [
        { name: 'Build', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: 'web-Build-Build' } },
        { name: 'Eu', region: 'eu-west-1', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: 'web-Build-Eu' } },
        { name: 'Other', roleArn: 'arn:aws:iam::222222222222:role/x', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: 'in-another-account' } },
        { name: 'Mine', roleArn: 'arn:aws:iam::111111111111:role/y', actionTypeId: { category: 'Test', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: 'web-Build-Mine' } },
        { name: 'Var', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: '#{variables.project}' } },
      ],
    },
  ],
};

describe('what a declaration relies on', () => {
  it('is the role, every artifact bucket in its store region, and the CodeBuild projects of this account in the region each runs in', () => {
    expect(dependenciesOf(DECLARATION as never, 'us-east-1')).toEqual({
      pipeline: 'web',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::111111111111:role/pipeline',
      buckets: [
        { bucket: 'acme-artifacts', region: 'us-east-1' },
        { bucket: 'acme-artifacts-eu', region: 'eu-west-1' },
      ],
      projects: [
        { project: 'web-Build-Build', region: 'us-east-1' },
        { project: 'web-Build-Eu', region: 'eu-west-1' },
        { project: 'web-Build-Mine', region: 'us-east-1' },
      ],
      otherAccounts: ['222222222222'],
      defaultKeyStores: [],
    });
  });
});

describe('preflight with a fake client', () => {
  const plan = (action: string): Plan => ({ project: 'p', projectFrom: 'configuration', prune: false, pipelines: [{ name: 'web', region: 'us-east-1', action, liveVersion: null, changes: [], desired: { pipeline: DECLARATION, tags: [] } }] }) as never;
  const client = (over: Partial<PreflightClient> = {}): PreflightClient & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      account: async () => (calls.push('account'), '111111111111'),
      roleExists: async (arn) => (calls.push(`role ${arn}`), true),
      bucketExists: async (b, r) => (calls.push(`bucket ${b} ${r}`), true),
      projectsExisting: async (names, r) => (calls.push(`projects ${r} ${names.join(',')}`), new Set(names)),
      rules: async (arn, r) => (calls.push(`rules ${arn} ${r}`), []),
      ...over,
    };
  };

  it('finds nothing when everything exists, and does not look at pipelines it leaves alone', async () => {
    expect(await preflight(plan('create'), client())).toEqual([]);
    const c = client({ roleExists: async () => false });
    expect(await preflight(plan('no-op'), c)).toEqual([]);
    expect(await preflight(plan('conflict'), c)).toEqual([]);
    expect(c.calls).toEqual([]);
  });

  it('looks each thing up once, projects in one call per region', async () => {
    const twice = plan('create');
    twice.pipelines.push({ ...(twice.pipelines[0] as never), name: 'web2', action: 'update' });
    const c = client();
    await preflight(twice, c);
    expect([...c.calls].sort()).toEqual(['account', 'bucket acme-artifacts us-east-1', 'bucket acme-artifacts-eu eu-west-1', 'projects eu-west-1 web-Build-Eu', 'projects us-east-1 web-Build-Build,web-Build-Mine', 'role arn:aws:iam::111111111111:role/pipeline']);
  });

  it('names what is missing with the fix, and what could not be checked as a warning', async () => {
    const findings = await preflight(
      plan('create'),
      client({
        roleExists: async () => false,
        bucketExists: async (b) => (b === 'acme-artifacts' ? { unknown: 'these credentials may not call s3:HeadBucket' } : { elsewhere: 'us-west-2' }),
        projectsExisting: async (names, region) => new Set(region === 'eu-west-1' ? [] : names),
      }),
    );
    expect(findings).toEqual([
      {
        pipeline: 'web',
        region: 'us-east-1',
        missing: ['role arn:aws:iam::111111111111:role/pipeline', 'artifact bucket acme-artifacts-eu (eu-west-1): the bucket is in us-west-2, and a store\'s bucket must be in the store\'s region', 'CodeBuild project web-Build-Eu (eu-west-1)'],
        unchecked: ['artifact bucket acme-artifacts (us-east-1) (these credentials may not call s3:HeadBucket)'],
      },
    ]);
    const lines = describeFindings(findings);
    expect(lines[0]).toMatch(/^pipeline 'web' \(us-east-1\) relies on what does not exist: role arn:aws:iam::111111111111:role\/pipeline; artifact bucket acme-artifacts-eu/);
    expect(lines[0]).toContain("'pipec plan --stack', then 'pipec apply --stack'");
    expect(lines[1]).toBe("warning: could not check what pipeline 'web' relies on: artifact bucket acme-artifacts (us-east-1) (these credentials may not call s3:HeadBucket)");
  });

  it('a store without a customer managed key is missing one when actions in other accounts read its artifacts', async () => {
    const { 'eu-west-1': eu, 'us-east-1': us } = DECLARATION.artifactStores;
    const bare = { ...DECLARATION, artifactStores: { 'eu-west-1': { ...eu, encryptionKey: undefined }, 'us-east-1': us } };
    const p = { project: 'p', projectFrom: 'configuration', prune: false, pipelines: [{ name: 'web', region: 'us-east-1', action: 'create', liveVersion: null, changes: [], desired: { pipeline: JSON.parse(JSON.stringify(bare)), tags: [] } }] } as never;
    const findings = await preflight(p, client());
    expect(findings[0]?.missing).toEqual([
      "a customer managed KMS key for the artifact store in eu-west-1: actions in account 222222222222 cannot read artifacts encrypted with the default S3 key (set 'artifacts: { kms-key }' with the key's ARN)",
    ]);
    // one account only: the default key is fine
    const home = JSON.parse(JSON.stringify(bare));
    home.stages[1].actions = home.stages[1].actions.filter((a: { name: string }) => a.name !== 'Other');
    expect(await preflight({ ...(p as object), pipelines: [{ ...(p as { pipelines: object[] }).pipelines[0], desired: { pipeline: home, tags: [] } }] } as never, client())).toEqual([]);
  });

  it('a role in another account than the one the pipeline is made in is missing there; an unknown account is no stop', async () => {
    const other = await preflight(plan('create'), client({ account: async () => '999999999999' }));
    expect(other[0]?.missing[0]).toBe("role arn:aws:iam::111111111111:role/pipeline: it is in account 111111111111, but the pipeline is made in account 999999999999 (these credentials), and CodePipeline assumes a role of the pipeline's own account");
    const unknown = await preflight(plan('create'), client({ account: async () => Promise.reject(new Error('no STS')) }));
    expect(unknown).toEqual([]);
  });
});

describe('change detection: a source that does not poll needs an EventBridge rule, which pipeline mode does not make', () => {
  const EVENTS = JSON.parse(JSON.stringify(DECLARATION));
  EVENTS.stages[0].actions = [
    { name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'web', BranchName: 'main', PollForSourceChanges: 'false' } },
    { name: 'Image', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'ECR', version: '1' }, configuration: { RepositoryName: 'base', ImageTag: 'stable' } },
    { name: 'Polls', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, configuration: { S3Bucket: 'b', S3ObjectKey: 'k.zip', PollForSourceChanges: 'true' } },
  ];
  const plan = { project: 'p', projectFrom: 'configuration', prune: false, pipelines: [{ name: 'web', region: 'us-east-1', action: 'create', liveVersion: null, changes: [], desired: { pipeline: EVENTS, tags: [] } }] } as never;
  const base = (rules: PreflightClient['rules']): PreflightClient => ({ account: async () => '111111111111', roleExists: async () => true, bucketExists: async () => true, projectsExisting: async (n) => new Set(n), rules });

  it('warns for each source no enabled rule matches, with the commands that make the rules, and asks the pipeline ARN', async () => {
    const asked: string[] = [];
    const findings = await preflight(plan, base(async (arn, r) => (asked.push(`${arn} ${r}`), [])));
    expect(asked).toEqual(['arn:aws:codepipeline:us-east-1:111111111111:web us-east-1']);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.missing).toEqual([]);
    expect(findings[0]?.unstarted?.sources).toEqual(["pushes to web@main (source 'Source', PollForSourceChanges false)", "image pushes to base:stable (source 'Image')"]);
    const lines = describeFindings(findings);
    expect(lines[0]).toMatch(/^warning: no EventBridge rule starts pipeline 'web' \(us-east-1\) on pushes to web@main .*; image pushes to base:stable .*, so those changes will not start it \(pipeline mode makes no rules\)\. Either deploy it with its stacks \('pipec plan --stack', then 'pipec apply --stack', which make the rules\), set 'poll: true' on the source \(CodePipeline then polls\), or create the rules and the role EventBridge assumes:$/);
    expect(lines.slice(1).every((l) => l.startsWith('  aws '))).toBe(true);
    expect(lines.slice(1).map((l) => l.trim().split(' ').slice(0, 3).join(' '))).toEqual(['aws iam create-role', 'aws iam put-role-policy', 'aws events put-rule', 'aws events put-targets', 'aws events put-rule', 'aws events put-targets']);
    expect(lines.join('\n')).toContain('"resources":["arn:aws:codecommit:us-east-1:111111111111:web"]');
    expect(lines.join('\n')).toContain('"Arn":"arn:aws:codepipeline:us-east-1:111111111111:web","RoleArn":"arn:aws:iam::111111111111:role/pipec-web-events"');
  });

  it('is quiet when enabled rules match every such source; a disabled or other rule does not count', async () => {
    const codecommit = JSON.stringify({ source: ['aws.codecommit'], resources: ['arn:aws:codecommit:us-east-1:111111111111:web'], detail: { referenceName: ['main'] } });
    const ecr = JSON.stringify({ source: ['aws.ecr'], detail: { 'repository-name': ['base'], 'image-tag': ['stable'] } });
    expect(await preflight(plan, base(async () => [{ name: 'a', enabled: true, pattern: codecommit }, { name: 'b', enabled: true, pattern: ecr }]))).toEqual([]);
    const off = await preflight(plan, base(async () => [{ name: 'a', enabled: false, pattern: codecommit }, { name: 'b', enabled: true, pattern: ecr.replace('stable', 'latest') }]));
    expect(off[0]?.unstarted?.sources).toHaveLength(2);
  });

  it('rules that cannot be read are a warning that says so, never a stop', async () => {
    const findings = await preflight(plan, base(async () => undefined));
    expect(findings[0]?.missing).toEqual([]);
    expect(findings[0]?.unchecked).toEqual(['the EventBridge rules that start it (these credentials may not list them, or EventBridge could not be reached)']);
  });
});

describe('plan and apply on moto', () => {
  let moto: Moto;
  let denying: Server;
  let denyingEndpoint = '';
  beforeAll(async () => {
    moto = await startMoto({ accountId: '111111111111' });
    // an IAM endpoint that denies every call, as for credentials without iam:GetRole
    denying = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/ci is not authorized to perform: iam:GetRole</Message></Error><RequestId>1</RequestId></ErrorResponse>');
    });
    await new Promise<void>((r) => denying.listen(0, '127.0.0.1', r));
    denyingEndpoint = `http://127.0.0.1:${(denying.address() as { port: number }).port}`;
  }, 180_000);
  afterAll(async () => {
    await moto?.stop();
    await new Promise((r) => denying?.close(r));
  });
  const run = (args: string[], cwd: string, env: Record<string, string> = {}) => runBin(args, { cwd, env: { ...moto.env, ...env }, timeoutMs: 120_000 });
  const YML = 'name: lonely\nrole: arn:aws:iam::111111111111:role/lonely\nartifacts: lonely-artifacts\nsource: codecommit:lonely@main\nbuild:\n  commands: [make]\n';

  it('refuse to create a pipeline whose role, bucket and project do not exist, and go ahead once they do', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const ws = workspace({ 'pipeline.yml': YML });
    try {
      const plan = run(['plan', '--out', 'plan.json'], ws.dir);
      expect(plan.code).toBe(1);
      expect(plan.stdout).toContain('+ pipeline "lonely" (us-east-1): create');
      expect(plan.stderr).toContain(
        "pipec: pipeline 'lonely' (us-east-1) relies on what does not exist: role arn:aws:iam::111111111111:role/lonely; artifact bucket lonely-artifacts (us-east-1); CodeBuild project lonely-Build-Build (us-east-1). pipec does not make a pipeline that cannot run.",
      );
      expect(plan.stderr).toContain('pipec: the plan was not saved to plan.json: it would make pipelines that cannot run');
      expect(plan.stderr).not.toMatch(/NodeVersion|node >=22|\n\s+at /);
      const apply = run(['apply', '--auto-approve', '--no-lock'], ws.dir);
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain("relies on what does not exist: role arn:aws:iam::111111111111:role/lonely;");
      expect(apply.stderr).toContain('pipec: nothing was changed');
      expect(apply.stdout).not.toContain('Apply complete');
      await provisionDependencies(moto.endpoint, ws.dir);
      const ok = run(['apply', '--auto-approve'], ws.dir);
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toContain('Apply complete: 1 created, 0 updated, 0 deleted.');
    } finally {
      ws.cleanup();
    }
  });

  it('refuses a saved plan whose project was deleted after planning', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const ws = workspace({ 'pipeline.yml': YML });
    try {
      await provisionDependencies(moto.endpoint, ws.dir);
      expect(run(['plan', '--out', 'plan.json'], ws.dir).code).toBe(0);
      const del = await fetch(`${moto.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeBuild_20161006.DeleteProject', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/codebuild/aws4_request, SignedHeaders=host, Signature=0' },
        body: JSON.stringify({ name: 'lonely-Build-Build' }),
      });
      expect(del.status).toBe(200);
      const r = run(['apply', 'plan.json'], ws.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CodeBuild project lonely-Build-Build (us-east-1)');
      expect(r.stderr).toContain('pipec: nothing was changed');
    } finally {
      ws.cleanup();
    }
  });

  it('an artifact bucket in another region than its store is missing where it is needed', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const ws = workspace({ 'pipeline.yml': YML });
    try {
      await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/lonely']);
      await createProjects(moto.endpoint, ['lonely-Build-Build']);
      await createBuckets(moto.endpoint, ['lonely-artifacts'], 'eu-west-1');
      const r = run(['plan'], ws.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("artifact bucket lonely-artifacts (us-east-1): the bucket is in eu-west-1, and a store's bucket must be in the store's region");
    } finally {
      ws.cleanup();
    }
  });

  it('what these credentials may not look at is a warning, and the plan goes on', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const ws = workspace({ 'pipeline.yml': YML });
    try {
      await provisionDependencies(moto.endpoint, ws.dir);
      // in this process (not spawnSync), so that the denying endpoint here can answer
      const r = await pipec(['plan'], { cwd: ws.dir, endpoint: moto.endpoint, env: { AWS_ENDPOINT_URL_IAM: denyingEndpoint } });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("pipec: warning: could not check what pipeline 'lonely' relies on: role arn:aws:iam::111111111111:role/lonely (these credentials may not call iam:GetRole)\n");
    } finally {
      ws.cleanup();
    }
  });

  /** What the lonely pipeline relies on, without the EventBridge rule (which provisionDependencies makes too). */
  const withoutRule = async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    await createRoles(moto.endpoint, ['arn:aws:iam::111111111111:role/lonely']);
    await createBuckets(moto.endpoint, ['lonely-artifacts']);
    await createProjects(moto.endpoint, ['lonely-Build-Build']);
  };

  it('a source that does not poll and no rule starts: plan warns with the commands that make the rule; run verbatim, they do, and the warning goes', async () => {
    await withoutRule();
    const ws = workspace({ 'pipeline.yml': YML });
    try {
      const r = run(['plan'], ws.dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("pipec: warning: no EventBridge rule starts pipeline 'lonely' (us-east-1) on pushes to lonely@main (source 'Source', PollForSourceChanges false), so those changes will not start it");
      const commands = r.stderr.split('\n').filter((l) => l.startsWith('  aws ')).map((l) => l.trim());
      expect(commands).toHaveLength(4);
      for (const c of commands) {
        expect(c, 'commands pipec prints reach AWS only through the environment').not.toMatch(/--endpoint-url|--profile/);
        const done = spawnSync('bash', ['-c', c], { cwd: ws.dir, env: { ...moto.env, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, encoding: 'utf8' });
        expect(done.status, `${c}\n${done.stderr}`).toBe(0);
      }
      const again = run(['plan'], ws.dir);
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
    } finally {
      ws.cleanup();
    }
  }, 300_000); // four AWS CLI processes

  it('a pipeline that polls today: the plan turns PollForSourceChanges to false and warns until a rule starts it', async () => {
    await withoutRule();
    const polling = YML.replace('source: codecommit:lonely@main', 'project: lonely\nsource: { codecommit: lonely, branch: main, poll: true }');
    const ws = workspace({ 'pipeline.yml': polling });
    try {
      const first = run(['apply', '--auto-approve'], ws.dir);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      ws.write({ 'pipeline.yml': YML.replace('source: codecommit:lonely@main', 'project: lonely\nsource: codecommit:lonely@main') });
      const r = run(['plan', '--no-color'], ws.dir);
      expect(r.code, r.stderr).toBe(0);
      expectGolden(join(ROOT, 'test', 'live', 'golden', 'poll-to-events.txt'), r.stdout);
      expect(r.stderr).toContain("pipec: warning: no EventBridge rule starts pipeline 'lonely'");
    } finally {
      ws.cleanup();
    }
  });

  it('a plan without creates or updates looks nothing up', async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const ws = workspace({ 'pipeline.yml': YML });
    try {
      await provisionDependencies(moto.endpoint, ws.dir);
      expect(run(['apply', '--auto-approve'], ws.dir).code).toBe(0);
      // IAM now unreachable: a no-change plan does not need it
      const r = run(['plan', '--detailed-exitcode'], ws.dir, { AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9' });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      ws.cleanup();
    }
  });
});
