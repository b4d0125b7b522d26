import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The `pipec` binary as installed: the package's bin (the bundle `npm run build` writes), so process tests run what users run. */
export const BIN = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { pipec: string } }).bin.pipec);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs pipec in this process (fast), capturing output. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean; input?: string } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? { PATH: process.env.PATH },
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.tty ?? false },
    stdinIsTTY: opts.tty ?? false,
    // Never the test runner's own stdin: a command that reads it would wait forever.
    stdin: Readable.from(opts.input !== undefined ? [Buffer.from(opts.input)] : []),
  });
  return { code, stdout, stderr };
}

/** Runs pipec as a separate process, as a user would. */
export function runBin(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number; input?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH, ...opts.env } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30000,
    maxBuffer: 64 * 1024 * 1024,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
