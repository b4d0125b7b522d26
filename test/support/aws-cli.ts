import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingTool } from './tools.js';

const BATCH = join(dirname(fileURLToPath(import.meta.url)), 'aws_cli_batch.py');

/** What one AWS CLI command printed and returned. */
export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs AWS CLI commands (argv without the leading "aws") in order, in one Python process
 * (see aws_cli_batch.py for why). `env` must keep the CLI on a loopback endpoint: use awsTestEnv().
 */
export function runAwsCli(commands: readonly string[][], env: Record<string, string>): Promise<AwsCliResult[]> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(env.AWS_ENDPOINT_URL ?? '')) return Promise.reject(new Error('runAwsCli needs AWS_ENDPOINT_URL on 127.0.0.1'));
  for (const argv of commands) {
    const at = argv.indexOf('--endpoint-url');
    if (at < 0 || argv[at + 1] !== env.AWS_ENDPOINT_URL) return Promise.reject(new Error(`every command names the loopback endpoint: aws ${argv.join(' ')}`));
  }
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [BATCH], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(missingTool('python3', e) ?? e));
    child.on('close', (code) => {
      if (code !== 0) return reject(missingTool('python3', undefined, stderr) ?? new Error(`aws_cli_batch.py exited ${code}: ${stderr.slice(-2000)}`));
      resolve(JSON.parse(stdout) as AwsCliResult[]);
    });
    child.stdin.end(JSON.stringify(commands));
  });
}
