import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingTool } from './tools.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A moto server on a free loopback port, for tests only. */
export interface Moto {
  endpoint: string;
  port: number;
  /** Environment for AWS CLI / SDK calls against this server: dummy credentials, loopback endpoint, no real AWS. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

function withoutKey(env: NodeJS.ProcessEnv, key: string): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out[key];
  return out;
}

/** Finds a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts moto through the timestamp launcher and waits until it answers. */
export async function startMoto(opts: { accountId?: string; port?: number; multiAccount?: boolean } = {}): Promise<Moto> {
  const port = opts.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('python3', [join(here, 'moto_launcher.py'), '-H', '127.0.0.1', '-p', String(port)], {
    // multiAccount: requests are in accountId unless their credentials come from an AssumeRole into another account (moto_launcher.py)
    env: opts.multiAccount
      ? { ...withoutKey(process.env, 'MOTO_ACCOUNT_ID'), PIPEC_MOTO_DEFAULT_ACCOUNT: opts.accountId ?? '111111111111' }
      : { ...process.env, MOTO_ACCOUNT_ID: opts.accountId ?? '111111111111' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20000) stderr = stderr.slice(-10000);
  });
  let spawnError: Error | undefined;
  let closed = false; // exited and its stderr read to the end
  child.on('error', (e) => (spawnError = e));
  child.on('close', () => (closed = true));
  // generous: on a shared 2-core machine several suites start moto at once
  const deadline = Date.now() + 90000;
  for (;;) {
    if (spawnError) throw missingTool('python3', spawnError) ?? spawnError;
    if (closed) throw missingTool('python3', undefined, stderr) ?? new Error(`moto_server exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    port,
    env: awsTestEnv(endpoint),
    stop: () =>
      new Promise<void>((resolve) => {
        // Gone already (stopped before, or killed by a signal: then exitCode stays null and signalCode
        // is set), so no 'exit' will come: waiting for one would hang the test until its timeout.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Environment that keeps the AWS CLI and SDK on the loopback endpoint with dummy credentials. */
export function awsTestEnv(endpoint: string): Record<string, string> {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(endpoint)) throw new Error(`refusing a non-loopback endpoint in tests: ${endpoint}`);
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}

/** The trust policy CodePipeline's service role needs; moto's CreatePipeline checks it. */
export const PIPELINE_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
