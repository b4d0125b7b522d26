import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, type RunResult } from '../support/cli.js';
import { PIPELINE_TRUST_POLICY, awsTestEnv } from '../support/moto.js';

/** A scratch directory with the given files; removed by `cleanup()`. */
export function workspace(files: Record<string, string>): { dir: string; write(files: Record<string, string>): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pipec-live-'));
  const write = (f: Record<string, string>) => {
    for (const [path, text] of Object.entries(f)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  write(files);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs pipec in-process against a loopback endpoint with dummy credentials (and nothing else from the environment). */
export function pipec(args: string[], opts: { cwd: string; endpoint: string; env?: Record<string, string | undefined> }): Promise<RunResult> {
  return runCli(args, { cwd: opts.cwd, env: { ...awsTestEnv(opts.endpoint), ...opts.env } });
}

/**
 * Creates IAM roles in moto (through its IAM query API) so that CreatePipeline accepts the
 * pipelines naming them, as a real account would need. Roles are named by ARN.
 */
export async function createRoles(endpoint: string, arns: Iterable<string>): Promise<void> {
  awsTestEnv(endpoint);
  for (const arn of new Set(arns)) {
    const m = /^arn:aws:iam::\d{12}:role\/(.*\/)?([^/]+)$/.exec(arn);
    if (!m) throw new Error(`not a role ARN: ${arn}`);
    const body = new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: m[2] as string, Path: `/${m[1] ?? ''}`, AssumeRolePolicyDocument: PIPELINE_TRUST_POLICY });
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
      body,
    });
    const text = await res.text();
    if (!res.ok && !text.includes('EntityAlreadyExists')) throw new Error(`CreateRole ${arn}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
}

/** A CodePipeline JSON 1.1 request as the proxy sees it. */
export interface ProxiedCall {
  operation: string;
  body: Record<string, unknown>;
}

/** What a proxy hook may do with a call: answer with an error or a body of its own, drop the connection, or let it through (undefined). */
export type ProxyVerdict = { status: number; error: string; message: string } | { status: 200; json: unknown } | { after: { status: number; error: string; message: string } } | { delayMs: number } | 'drop' | undefined;

/**
 * An HTTP proxy on loopback in front of moto, to inject faults: `hook` sees each call first.
 * `forwarded` lists the calls moto answered, with moto's status.
 */
export async function startProxy(targetPort: number, hook: (call: ProxiedCall) => ProxyVerdict | Promise<ProxyVerdict>) {
  let upstreamPort = targetPort;
  const forwarded: Array<ProxiedCall & { status: number }> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // not JSON: pass it on untouched
      }
      const call = { operation: target.split('.').pop() ?? '', body };
      const verdict = await hook(call);
      if (verdict === 'drop') return req.socket.destroy();
      // Forwarded (after a delay), but answered with an error: a write that took effect and then failed.
      const after = verdict && 'after' in verdict ? verdict.after : undefined;
      if (verdict && 'delayMs' in verdict) await new Promise((r) => setTimeout(r, verdict.delayMs));
      if (verdict && !after && !('delayMs' in verdict)) {
        res.writeHead(verdict.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'proxy' });
        return res.end(JSON.stringify('json' in verdict ? verdict.json : { __type: verdict.error, message: verdict.message }));
      }
      const up = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        const out: Buffer[] = [];
        upRes.on('data', (c: Buffer) => out.push(c));
        upRes.on('end', () => {
          forwarded.push({ ...call, status: upRes.statusCode ?? 0 });
          if (after) {
            res.writeHead(after.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'proxy' });
            return res.end(JSON.stringify({ __type: after.error, message: after.message }));
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(Buffer.concat(out));
        });
      });
      up.on('error', () => req.socket.destroy());
      up.end(raw);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    forwarded,
    /** Sends the calls from now on to another port (a restarted moto). */
    retarget: (newPort: number) => {
      upstreamPort = newPort;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Creates S3 buckets in moto (the artifact buckets apply keeps its lock in), as a real account has them. */
export async function createBuckets(endpoint: string, names: Iterable<string>, region = 'us-east-1'): Promise<void> {
  awsTestEnv(endpoint);
  for (const name of new Set(names)) {
    const res = await fetch(`${endpoint}/${name}`, {
      method: 'PUT',
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/s3/aws4_request, SignedHeaders=host, Signature=0` },
      ...(region !== 'us-east-1' ? { body: `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>` } : {}),
    });
    const text = await res.text();
    if (!res.ok && !text.includes('BucketAlreadyOwnedByYou')) throw new Error(`CreateBucket ${name}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
}

const SIGNED = (service: string, region: string) => `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

/** CodeBuild projects in moto (CreateProject, JSON protocol), as the stacks or a platform team would have made them. */
export async function createProjects(endpoint: string, names: Iterable<string>, region = 'us-east-1'): Promise<void> {
  awsTestEnv(endpoint);
  for (const name of new Set(names)) {
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeBuild_20161006.CreateProject', authorization: SIGNED('codebuild', region) },
      body: JSON.stringify({
        name,
        // moto asks for a location even for CODEPIPELINE sources, which AWS does not
        source: { type: 'CODEPIPELINE', location: 'pipeline' },
        artifacts: { type: 'CODEPIPELINE', location: 'pipeline' },
        environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL' },
        serviceRole: `arn:aws:iam::111111111111:role/codebuild-${name}`,
      }),
    });
    const text = await res.text();
    if (!res.ok && !text.includes('ResourceAlreadyExists')) throw new Error(`CreateProject ${name}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
}

/**
 * Makes, in moto's EventBridge, a rule per source of the pipeline that only EventBridge starts
 * (PollForSourceChanges false, ECR), targeting the pipeline: what a user of pipeline mode makes
 * (the commands plan prints) and the cloudformation target's stack makes.
 */
export async function createSourceRules(endpoint: string, pipeline: string, declaration: Record<string, unknown>, region = 'us-east-1', account = '111111111111'): Promise<void> {
  const { eventSourcesOf, ruleCommands } = await import('../../src/live/source-rules.js');
  const sources = eventSourcesOf(declaration as never);
  if (sources.length === 0) return;
  // the same rules the printed commands make: their names, patterns and targets, sent as JSON
  const commands = ruleCommands(pipeline, region, account, 'aws', sources).filter((c) => c.startsWith('aws events'));
  const arg = (c: string, flag: string): string => {
    const m = new RegExp(`--${flag} (?:'([^']*)'|(\\S+))`).exec(c);
    return (m?.[1] ?? m?.[2]) as string;
  };
  for (const c of commands) {
    const put = c.startsWith('aws events put-rule');
    const body = put ? { Name: arg(c, 'name'), EventPattern: arg(c, 'event-pattern'), State: 'ENABLED' } : { Rule: arg(c, 'rule'), Targets: JSON.parse(arg(c, 'targets')) as unknown };
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${put ? 'PutRule' : 'PutTargets'}`, authorization: SIGNED('events', region) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${put ? 'PutRule' : 'PutTargets'}: HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}

/**
 * Creates in moto what the pipelines in `cwd` rely on (their roles, artifact buckets and
 * CodeBuild projects, the things plan checks before it creates a pipeline), as a real account
 * has them, for tests about other things than that check.
 */
export async function provisionDependencies(endpoint: string, cwd: string, defaultRegion = 'us-east-1'): Promise<void> {
  const { discoverFiles, readInputs } = await import('../../src/cli/io.js');
  const { compile } = await import('../../src/compiler/compile.js');
  const { Diagnostics } = await import('../../src/compiler/diagnostics.js');
  const { desiredPipelines } = await import('../../src/live/desired.js');
  const { dependenciesOf } = await import('../../src/live/preflight.js');
  const diags = new Diagnostics();
  const files = readInputs(discoverFiles(cwd), cwd, diags);
  const desired = diags.hasErrors() ? [] : desiredPipelines(compile(files, diags).pipelines, new Diagnostics());
  for (const d of desired) {
    const deps = dependenciesOf(d.pipeline, d.region ?? defaultRegion);
    if (deps.roleArn) await createRoles(endpoint, [deps.roleArn]);
    for (const b of deps.buckets) await createBuckets(endpoint, [b.bucket], b.region);
    for (const p of deps.projects) await createProjects(endpoint, [p.project], p.region);
    await createSourceRules(endpoint, d.name, d.pipeline, d.region ?? defaultRegion);
  }
}

/** A pipeline in account 111111111111 whose test action runs in 222222222222: an account stack there, then the pipeline's. */
export const XACCT_PIPELINE = `name: xacct
region: us-east-1
account: "111111111111"
role: arn:aws:iam::111111111111:role/pipeline
artifacts:
  bucket: acme-xacct-artifacts
  kms-key: arn:aws:kms:us-east-1:111111111111:key/1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b
source: codecommit:web-app@main
stages:
  - name: Verify
    actions:
      - name: Scan
        test:
          commands: [scan]
        role: arn:aws:iam::222222222222:role/pipec/xacct-scan
`;
